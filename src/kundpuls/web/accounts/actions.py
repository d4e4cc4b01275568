"""State changes for accounts (called by the CLI, the admin and the demo loader)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from kundpuls.errors import ValidationError
from kundpuls.web.accounts.models import User
from kundpuls.web.org.actors import Actor
from kundpuls.web.org.permissions import Capability, require


@transaction.atomic
def create_admin(email: str, password: str, *, actor: Actor, name: str = "") -> User:
    """Create (or promote and reset) a superuser with ``email``; the password must pass the validators.

    Only a superuser or an operator (``administer`` everywhere) may.
    """
    require(actor, Capability.ADMINISTER, None)
    email = email.strip().lower()
    candidate = User(email=email)
    try:
        validate_password(password, candidate)
    except DjangoValidationError as exc:
        raise ValidationError(
            "password: " + " ".join(str(m) for m in exc.messages), field="password", value="***"
        ) from exc
    user, _ = User.objects.get_or_create(email=email)
    user.first_name, _sep, user.last_name = name.partition(" ")
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.is_demo = False
    user.set_password(password)
    user.save()
    return user
