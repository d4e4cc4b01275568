"""A refusal from inside an action is a 403 page, like a refusal in a view; an ambiguous key a 400.

Actions check permission themselves (``org.permissions.require``) and raise
:class:`kundpuls.errors.PermissionDenied`; this middleware hands it to Django as its own ``PermissionDenied``,
so a view that forgot its own check still answers 403 (with the 403 page), never a server error. A key
that names objects of several of the person's organisations (:class:`kundpuls.errors.Ambiguous`) answers
400 with the message, which names the ``ORG:KEY`` forms to use instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from kundpuls.errors import Ambiguous, PermissionDenied


class ActionRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PermissionDenied):
            raise DjangoPermissionDenied(str(exception)) from exception
        if isinstance(exception, Ambiguous):
            return HttpResponseBadRequest(str(exception), content_type="text/plain; charset=utf-8")
        return None
