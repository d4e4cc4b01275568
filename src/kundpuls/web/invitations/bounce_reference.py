"""The reference in an invitation mail's ``Message-ID`` that lets a bounce be matched to its delivery.

``<kundpuls.<delivery id>.<signature>@<sender domain>>``: the signature is a keyed hash of the id (the
secret key), so a forged bounce cannot mark someone else's invitation as bounced, and the reference holds
no address, name or token.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

_REFERENCE = re.compile(r"kundpuls\.(\d+)\.([0-9a-f]{16})@", re.IGNORECASE)


def _signature(delivery_id: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"bounce:{delivery_id}".encode(), hashlib.sha256).hexdigest()[:16]


def message_id_for(delivery_id: int) -> str:
    """The ``Message-ID`` of delivery ``delivery_id``'s mail: its id and a signature, no personal data."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "kundpuls.invalid"
    return f"<kundpuls.{delivery_id}.{_signature(delivery_id)}@{domain}>"


def deliveries_named_in(text: str) -> set[int]:
    """The delivery ids of every correctly signed reference in ``text``."""
    found = set()
    for match in _REFERENCE.finditer(text):
        delivery_id = int(match.group(1))
        if hmac.compare_digest(match.group(2).lower(), _signature(delivery_id)):
            found.add(delivery_id)
    return found
