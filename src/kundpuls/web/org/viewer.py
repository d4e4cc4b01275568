"""The person a request is served for, for code that names things without the request at hand.

A survey's link names it ``KEY``, or ``ORG:KEY`` where the key alone would be ambiguous
(:attr:`kundpuls.web.surveys.models.Survey.url_key`). Ambiguous *for whom* matters: judged against every
organisation, a link would tell a person of one organisation that another organisation has a survey of
that key. :class:`ViewerMiddleware` keeps the request being served in a context variable, and
:func:`viewer_organisations` answers the organisations whose surveys that person can name, so a link tells
apart only what the reader can see anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from kundpuls.web.org.tenancy import organisation_ids_of

_request: ContextVar[HttpRequest | None] = ContextVar("kundpuls_viewer_request", default=None)
_CACHED = "_kundpuls_viewer_organisations"


def viewer_organisations() -> set[int] | None:
    """The organisations of the person the current request is served for (read once per request, after
    the request's user is known: a session's or an API token's); ``None`` for a superuser, and outside a
    request (the terminal, the worker), where every organisation counts."""
    request = _request.get()
    if request is None:
        return None
    if not hasattr(request, _CACHED):
        setattr(request, _CACHED, organisation_ids_of(getattr(request, "user", None)))
    found: set[int] | None = getattr(request, _CACHED)
    return found


class ViewerMiddleware:
    """Keeps the request being served where :func:`viewer_organisations` finds it, for its duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
