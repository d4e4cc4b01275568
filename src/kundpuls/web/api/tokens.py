"""Creating, revoking and checking API tokens (``kp_`` + 43 random characters; stored as a SHA-256)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kundpuls.errors import NotFound, ValidationError
from kundpuls.web.accounts.models import User
from kundpuls.web.api.models import ApiToken
from kundpuls.web.org.actions import record_audit

PREFIX = "kp_"
TOUCH_EVERY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token (not on every request)."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(user: User, name: str, *, actor: Any = "cli") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and the secret, which is shown this once and never stored."""
    if not name.strip():
        raise ValidationError("name: a token needs a name (what uses it)", field="name", value=name)
    if not user.is_active:
        raise ValidationError(f"user: {user.email} is not active", field="user", value=user.email)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100], token_hash=_hash(secret))
    record_audit(actor, "api.token.create", user.email, token=token.pk, name=token.name)
    return token, secret


@transaction.atomic
def revoke_token(pk: int, *, actor: Any = "cli") -> ApiToken:
    """Revoke token ``pk`` (idempotent)."""
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None:
        raise NotFound(f"token: no API token {pk}")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(actor, "api.token.revoke", token.user.email, token=token.pk)
    return token


def user_for(secret: str) -> User | None:
    """The active user of a valid, unrevoked token, or None."""
    if not secret.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
