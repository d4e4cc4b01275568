"""A refusal from inside an action is a 403 page, like a refusal in a view.

Actions check permission themselves (``org.permissions.require``) and raise
:class:`kundpuls.errors.PermissionDenied`; this middleware hands it to Django as its own ``PermissionDenied``,
so a view that forgot its own check still answers 403 (with the 403 page), never a server error.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse

from kundpuls.errors import PermissionDenied


class ActionRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            raise DjangoPermissionDenied(str(exception)) from exception
