"""Authentication by e-mail address; demo accounts work only in demo mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class EmailBackend(ModelBackend):
    """Django's model backend, case-insensitive on the e-mail, refusing demo accounts outside demo mode."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kw: Any
    ) -> Any:
        email = username or kw.get("email")
        if email is None:
            return None
        return super().authenticate(request, username=email.strip().lower(), password=password)

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.KUNDPULS_DEMO:
            return False
        return super().user_can_authenticate(user)
