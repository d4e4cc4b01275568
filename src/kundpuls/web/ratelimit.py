"""Rate limits on the public respondent pages (``/s/…`` open links, ``/i/…`` personal invitations).

Anyone may open a survey link, so a script could flood a survey with answers or the server with requests.
Each client address may send at most ``KUNDPULS_RATE_LIMIT_POSTS`` answer pages and fetch at most
``KUNDPULS_RATE_LIMIT_GETS`` respondent pages per minute (0 turns a limit off). Beyond that the answer is
``429 Too Many Requests`` with ``Retry-After`` and a page in the respondent's language; nothing is stored,
and the respondent's typed answers are still in the form (the browser's back button keeps them).

The defaults are generous on purpose: a whole hospital or town hall may reach the server from one address
(NAT), and a four-page survey is four answer pages — 120 per minute is 30 respondents a minute from one
address. Behind reverse proxies, ``KUNDPULS_TRUSTED_PROXIES`` says how many of them there are, and the
client address is read that many hops from the right of ``X-Forwarded-For`` (never trusting more, so a
client cannot choose its own address).

Counts live in Django's cache, per minute and address (fixed windows). The default cache is in the memory of
each server process, so with W processes an address gets at most W times the limit; a shared cache
(``KUNDPULS_CACHE_URL``, Redis) makes it exact.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

PUBLIC_PREFIXES = ("/s/", "/i/")
WINDOW_SECONDS = 60


def client_address(request: HttpRequest, trusted_proxies: int) -> str:
    """The client's address: the peer, or with trusted proxies the hop they recorded in X-Forwarded-For."""
    peer = str(request.META.get("REMOTE_ADDR") or "unknown")
    if trusted_proxies < 1:
        return peer
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    if len(hops) < trusted_proxies:
        return peer
    return hops[-trusted_proxies]


def over_limit(kind: str, address: str, limit: int, now: float | None = None) -> bool:
    """Count one request of ``kind`` from ``address`` in this minute; True when it is beyond ``limit``."""
    window = int((time.time() if now is None else now) // WINDOW_SECONDS)
    key = f"kundpuls:ratelimit:{kind}:{address}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count > limit


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    language = translation.get_language_from_request(request)
    language = language if language in ("sv", "en") else "sv"
    with translation.override(language):
        title = _("Too many answers from your network right now")
        message = _(
            "Please wait a minute and send the page again. Your answers are still in the form: "
            "use the browser's back button if they are not shown."
        )
        accepts_html = "text/html" in request.headers.get("Accept", "") or not request.headers.get("Accept")
        if accepts_html:
            html = render_to_string(
                "collect/unavailable.html",
                {"reason": "busy", "title": title, "message": message, "lang": language},
            )
            response: HttpResponse = HttpResponse(html, status=429)
        else:
            response = JsonResponse({"error": "rate_limited", "message": message}, status=429)
    response.headers["Retry-After"] = str(retry_after)
    response.headers["Content-Language"] = language
    return response


class RespondentRateLimitMiddleware:
    """Refuse respondent requests beyond the per-minute limits of one client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(PUBLIC_PREFIXES):
            posting = request.method == "POST"
            limit = settings.KUNDPULS_RATE_LIMIT_POSTS if posting else settings.KUNDPULS_RATE_LIMIT_GETS
            if limit:
                address = client_address(request, settings.KUNDPULS_TRUSTED_PROXIES)
                now = time.time()
                if over_limit("post" if posting else "get", address, limit, now):
                    return _too_many(request, WINDOW_SECONDS - int(now % WINDOW_SECONDS))
        return self.get_response(request)
