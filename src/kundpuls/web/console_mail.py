"""Mail without an SMTP host goes to stderr, so a command's stdout stays one JSON document (``--json``)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.mail.backends import console


class StderrEmailBackend(console.EmailBackend):
    """Django's console backend, writing to stderr instead of stdout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream", sys.stderr)
        super().__init__(*args, **kwargs)
