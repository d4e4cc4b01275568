"""Loads the demo organisation and its users (idempotent: running it again changes nothing)."""

from __future__ import annotations

from django.db import transaction

from kundpuls.demo.organisation import DEMO_PASSWORD, USERS, units_csv
from kundpuls.web.accounts.models import User
from kundpuls.web.org.actions import grant_role, import_units, record_audit
from kundpuls.web.org.actors import DEMO
from kundpuls.web.org.models import Unit


@transaction.atomic
def load_demo_organisation() -> dict[str, int]:
    """Create or refresh the demo units, users and roles; returns counts of what exists afterwards."""
    import_units(units_csv(), actor=DEMO)
    created_users = 0
    for demo in USERS:
        user, created = User.objects.get_or_create(email=demo.email)
        if created:
            first, _sep, last = demo.name.partition(" ")
            user.first_name, user.last_name = first, last
            user.is_demo = True
            user.is_staff = demo.role == "admin"
            user.is_superuser = demo.role == "admin"
            user.set_password(DEMO_PASSWORD)
            user.save()
            created_users += 1
        for code in demo.unit_codes:
            grant_role(user, Unit.objects.get(code=code), demo.role, actor=DEMO)
    if created_users:
        record_audit(DEMO, "demo.load_organisation", "", users=created_users)
    return {"units": Unit.objects.count(), "users": User.objects.filter(is_demo=True).count()}
