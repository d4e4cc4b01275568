"""Steps of the upgrade test run by this release's code, each in a process of its own (``python -m …``).

``database``: the rows an upgrade must keep (responses with their answers, units, users, cases, goals), read
with plain SQL so that the same query works on the previous release's schema and on this one's. ``surfaces``:
what a reader sees of the NKI survey through this release's code: the read API's overview and every unit's
results as the administrator, the unit pages and their PDF and Excel downloads (status and type), and
``kundpuls analyze``'s item table. The previous release's lake is read as it is.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

QUERIES = {
    "responses": "SELECT r.submission_id, u.code, r.submitted_at, r.answers, r.channel, r.language"
    " FROM responses_response r JOIN org_unit u ON u.id = r.unit_id ORDER BY r.submission_id",
    "units": "SELECT code, path, name, valid_from, valid_to FROM org_unit ORDER BY code",
    "users": "SELECT email, is_superuser, is_active FROM accounts_user ORDER BY email",
    "roles": "SELECT u.email, o.code, r.role FROM org_role r JOIN accounts_user u ON u.id = r.user_id"
    " JOIN org_unit o ON o.id = r.unit_id ORDER BY 1, 2, 3",
    "cases": "SELECT c.id, c.status, c.opened_at, c.due_date, c.closed_at, c.close_reason, u.code"
    " FROM cases_case c"
    " JOIN org_unit u ON u.id = c.unit_id ORDER BY c.id",
    "goals": "SELECT g.id, g.metric, g.period, g.target, u.code FROM goals_goal g"
    " JOIN org_unit u ON u.id = g.unit_id ORDER BY g.id",
}


def database(path: str) -> None:
    with sqlite3.connect(path) as connection:
        rows = {name: [list(row) for row in connection.execute(sql)] for name, sql in QUERIES.items()}
    json.dump(rows, sys.stdout, default=str)


def surfaces() -> None:
    import os

    import django

    os.environ["KUNDPULS_DEBUG"] = "1"  # static files from the source folders (no collectstatic here)

    django.setup()
    from django.test import Client

    from kundpuls.web.accounts.models import User
    from kundpuls.web.api.actions import create_token
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.models import Distribution

    admin = User.objects.get(email="admin@kundpuls.example")
    User.objects.filter(pk=admin.pk).update(is_demo=False)  # a normal account outside demo mode
    admin.refresh_from_db()
    token = create_token(admin, "upgrade test", actor=CLI)[1]
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    pages = Client(HTTP_HOST="localhost")
    pages.force_login(admin, backend="kundpuls.web.accounts.backends.EmailBackend")
    codes = sorted(set(Distribution.objects.filter(survey__key="nki").values_list("unit__code", flat=True)))
    found: dict[str, Any] = {"overview": _json(api, "/api/v1/results/nki/"), "units": {}, "pages": {}}
    for code in codes[:: max(1, len(codes) // 6)]:  # six units across the tree
        found["units"][code] = _json(api, f"/api/v1/results/nki/units/{code}/")
    for code in codes[:2]:
        base = f"/portal/resultat/enheter/{code}/"
        found["pages"][code] = [
            (response.status_code, response["Content-Type"].split(";")[0])
            for response in (
                pages.get(f"{base}?survey=nki"),
                pages.get(f"{base}rapport.pdf?survey=nki"),
                pages.get(f"{base}tabeller.xlsx?survey=nki"),
            )
        ]
    json.dump(found, sys.stdout, default=str, sort_keys=True)


def _json(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    return response.json()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if sys.argv[1] == "database":
        database(sys.argv[2])
    else:
        surfaces()
