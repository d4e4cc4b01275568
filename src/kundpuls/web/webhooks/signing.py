"""The signature of a webhook delivery, and the check a receiver makes (documented in docs/webhooks.md).

Header ``Kundpuls-Signature: t=TIMESTAMP,v1=HEX`` where ``HEX`` is HMAC-SHA256 with the webhook's secret
over ``TIMESTAMP + "." + BODY`` (the body's exact bytes, ``TIMESTAMP`` in whole Unix seconds). A receiver
recomputes it, compares in constant time and refuses a timestamp older than a few minutes (replays).
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Kundpuls-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of ``now``."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
