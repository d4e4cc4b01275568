"""Logs one can feed to a log platform: a request id on every line, JSON lines when asked.

Every request gets an id — the ``X-Request-ID`` a proxy sent (8–64 letters, digits, ``.``, ``_``, ``-``),
else a new one — that is returned in the response's ``X-Request-ID`` and added to every log record written
while the request runs (``request_id``; ``-`` outside a request). With ``KUNDPULS_LOG_FORMAT=json`` each
record is one JSON object on one line: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``,
``request_id`` and, for an error, ``exception``. Kundpuls logs no personal data: messages name rows by id,
never by an address, a name or an answer (a test plants e-mail addresses and personnummer and scans the
logs of the flows that handle them).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

_REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("kundpuls_request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Gives the request its id for the logs and the response (early in the middleware list)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if _VALID.match(given) else uuid.uuid4().hex
        # Not reset here: Django logs a 4xx/5xx ("Not Found: …") after the middleware has returned, and
        # that line must carry the id too; request_finished (below) resets it.
        _REQUEST_ID.set(request_id)
        response = self.get_response(request)
        response.headers[HEADER] = request_id
        return response


def _forget(**_: object) -> None:
    _REQUEST_ID.set("-")


request_finished.connect(_forget, dispatch_uid="kundpuls.request_log.forget")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (for both formats)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False)
