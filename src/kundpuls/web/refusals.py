"""A refusal from inside an action is a 403 page, like a refusal in a view; an ambiguous key asks which.

Actions check permission themselves (``org.permissions.require``) and raise
:class:`kundpuls.errors.PermissionDenied`; this middleware hands it to Django as its own ``PermissionDenied``,
so a view that forgot its own check still answers 403 (with the 403 page), never a server error.

A key that names objects of several of the person's organisations (:class:`kundpuls.errors.Ambiguous`) —
a bookmarked ``?survey=nki`` after the person gained a role in a second organisation with a survey ``nki``
— answers a page (status 300, *Multiple Choices*) that names the organisations and links to the same
address with the key written ``ORG:KEY`` for each; the API and a request that is not a page read
(a form sent, a download) get 400 with the message, which names the ``ORG:KEY`` forms to use instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import quote, unquote

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

from kundpuls.errors import Ambiguous, PermissionDenied


@dataclass(frozen=True)
class Choice:
    """One organisation an ambiguous key may mean, and the address that names it."""

    code: str
    name: str
    reference: str
    url: str | None


class ActionRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PermissionDenied):
            raise DjangoPermissionDenied(str(exception)) from exception
        if isinstance(exception, Ambiguous):
            offered = exception.field == "survey" and exception.key and exception.organisations
            if offered and _is_page_read(request):
                return _choice_page(request, exception)
            return HttpResponseBadRequest(str(exception), content_type="text/plain; charset=utf-8")
        return None


def _is_page_read(request: HttpRequest) -> bool:
    """A person's browser reading a page (not the API, not a form sent)."""
    return request.method in ("GET", "HEAD") and not request.path.startswith("/api/")


def choice_url(request: HttpRequest, key: str, organisation: str) -> str | None:
    """The address of ``request`` with every path segment and query value that is exactly ``key`` written
    ``organisation:key``; None when the key is in neither (nothing to link to)."""
    reference = f"{organisation}:{key}"
    segments = request.path.split("/")
    replaced = [quote(reference, safe=":") if unquote(s) == key else s for s in segments]
    query = request.GET.copy()
    changed = replaced != segments
    for name in list(query):
        values = query.getlist(name)
        if key in values:
            query.setlist(name, [reference if v == key else v for v in values])
            changed = True
    if not changed:
        return None
    encoded = query.urlencode(safe=":")
    return "/".join(replaced) + (f"?{encoded}" if encoded else "")


def _choice_page(request: HttpRequest, exception: Ambiguous) -> HttpResponse:
    key = str(exception.key)
    choices = [
        Choice(code, name, f"{code}:{key}", choice_url(request, key, code))
        for code, name in exception.organisations
    ]
    body = render_to_string("ambiguous.html", {"key": key, "choices": choices}, request=request)
    return HttpResponse(body, status=HTTPStatus.MULTIPLE_CHOICES)
