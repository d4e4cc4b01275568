"""Steps of the upgrade test, run in processes of their own on a database of their own (``python -m``).

``previous``: an empty database is built with the migrations of the previous release only (Django's
migration executor), and responses are written at that schema through the historical models — as the
previous release stored them (no ``stored_at``, no ``followup_pending``; cases without tombstones; no
job records). ``current``: the same responses stored by this release's code, for comparison. ``results``:
sync the lake and print the responses and the index table as JSON.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import django

# The previous release (0.1.0): each app's last migration then; apps not named were as they are now.
PREVIOUS_RELEASE = {
    "responses": "0002_initial",
    "cases": "0001_initial",
    "goals": "0001_initial",
    "operations": None,  # the app did not exist
    "paper": None,  # nor did this one
}
UNITS = ("VOF-HT-N", "VOF-HT-S")


def planned_responses() -> list[dict[str, Any]]:
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    rows = []
    for i in range(30):
        score = 1 + (i * 7) % 10
        rows.append(
            {
                "submission_id": str(uuid.UUID(int=1000 + i)),
                "unit": UNITS[i % 2],
                "submitted_at": (start + timedelta(days=i)).isoformat(),
                "answers": {"tjanst": "socialtjanst", "nki_helhet": score, "nki_forvantan": 1 + i % 10},
            }
        )
    return rows


def _previous_targets(executor: Any) -> list[tuple[str, str | None]]:
    targets: list[tuple[str, str | None]] = []
    for app, name in executor.loader.graph.leaf_nodes():
        targets.append((app, PREVIOUS_RELEASE.get(app, name)))
    return targets


def previous() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = _previous_targets(executor)
    executor.migrate(targets)
    old = executor.loader.project_state(
        [(a, n) for a, n in targets if n is not None]
    ).apps  # the models as the previous release had them
    assert "stored_at" not in {f.name for f in old.get_model("responses", "Response")._meta.get_fields()}
    from kundpuls.web.org.demo import load_demo_organisation
    from kundpuls.web.surveys.demo import load_demo_surveys

    load_demo_organisation()  # org and surveys have the same schema in both releases
    load_demo_surveys()
    Response = old.get_model("responses", "Response")
    Survey = old.get_model("surveys", "Survey")
    Distribution = old.get_model("surveys", "Distribution")
    survey = Survey.objects.get(key="nki")
    version = survey.versions.filter(published_at__isnull=False).order_by("-number").first()
    for row in planned_responses():
        distribution = Distribution.objects.get(survey=survey, unit__code=row["unit"])
        Response.objects.create(
            submission_id=uuid.UUID(row["submission_id"]),
            survey=survey,
            version=version,
            distribution=distribution,
            unit=distribution.unit,
            channel="link",
            language="sv",
            submitted_at=datetime.fromisoformat(row["submitted_at"]),
            answers=row["answers"],
        )


def current() -> None:
    from django.core.management import call_command

    from kundpuls.web.org.demo import load_demo_organisation
    from kundpuls.web.responses.actions import submit_response
    from kundpuls.web.surveys.demo import load_demo_surveys
    from kundpuls.web.surveys.models import Distribution
    from kundpuls.web.surveys.queries import current_version

    call_command("migrate", verbosity=0)
    load_demo_organisation()
    load_demo_surveys()
    for row in planned_responses():
        distribution = Distribution.objects.get(survey__key="nki", unit__code=row["unit"])
        version = current_version(distribution.survey)
        assert version is not None
        submit_response(
            version=version,
            distribution=distribution,
            submission_id=uuid.UUID(row["submission_id"]),
            answers=row["answers"],
            submitted_at=datetime.fromisoformat(row["submitted_at"]),
        )


def results() -> None:
    from django.conf import settings

    from kundpuls.analytics.rollup import sufficient_statistics
    from kundpuls.web.responses.actions import sync_to_lake
    from kundpuls.web.responses.models import Response

    sync_to_lake()
    table = sufficient_statistics(
        settings.KUNDPULS_LAKE_DIR, "nki", items=["nki_helhet", "nki_forvantan"], period="month", threshold=1
    ).table
    table = table.sort_values(list(table.columns[:4])).reset_index(drop=True)
    rows = list(Response.objects.order_by("submission_id").values("submission_id", "unit__code", "answers"))
    json.dump(
        {
            "responses": [{**r, "submission_id": str(r["submission_id"])} for r in rows],
            "stored_at_missing": Response.objects.filter(stored_at__isnull=True).count(),
            "followups_pending": Response.objects.filter(followup_pending=True).count(),
            "index": json.loads(table.to_json(orient="records", double_precision=12)),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    django.setup()
    {"previous": previous, "current": current, "results": results}[sys.argv[1]]()
