"""Personal link tokens: derived with the secret key, stored only as a SHA-256 hash.

The token of an invitation is ``base64url(HMAC-SHA256(SECRET_KEY, "kundpuls.invitation:" + seed))``
truncated to 32 characters (192 bits), where ``seed`` is a random value stored with the invitation
(``submission_id``, 122 random bits). The database keeps only ``SHA-256(token)``: someone who reads the
database cannot rebuild a link without the secret key, and a guessed or forged token matches no hash. The
worker that sends the mail derives the token again, so no token is ever written anywhere but in the mail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid

from django.conf import settings

TOKEN_LENGTH = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def token_for(seed: uuid.UUID) -> str:
    """The link token of the invitation with ``seed`` (its ``submission_id``)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"kundpuls.invitation:{seed.hex}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode()[:TOKEN_LENGTH]


def hash_token(token: str) -> str:
    """SHA-256 (hex) of ``token``: what the database stores and looks up."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token))
