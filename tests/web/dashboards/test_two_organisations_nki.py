"""Two organisations each have a survey ``nki`` and see only their own results (issue 17).

The municipality's ``nki`` is the demo's; the region creates its own from the same template, opens it for
one health centre and gets responses. Through the API (tokens of people of each organisation) each sees its
own ``nki``: its units, its respondents, never the other's; a person of both organisations must name one
as ``ORG:KEY``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.web.dashboards.conftest import NOW, START, load_results

from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.reports import cache
from kundpuls.web.api.actions import create_token
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.actions import IncomingResponse, import_responses, sync_to_lake
from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import definition_of

REGION_UNIT = "RGX-VC-CEN"


def _region_nki() -> tuple[Survey, int]:
    """The region's own ``nki``, published, open for one health centre, with responses; returns the survey
    and how many responses it got."""
    region = Unit.objects.get(code="RGX")
    version = publish(create_from_template("nki", owner=region, actor=CLI), actor=CLI, at=START)
    unit = Unit.objects.get(code=REGION_UNIT)
    link = open_distribution(version.survey, unit, actor=CLI)
    generated = generate_responses(
        definition_of(version),
        [UnitProfile(code=REGION_UNIT, volume=25, shifts={"BEMOTANDE": -0.6})],
        start=NOW - timedelta(days=182),
        end=NOW,
        seed=11,
    )
    kept = [r for r in generated.responses if r.submitted_at >= START]
    rows = [
        IncomingResponse(
            distribution=link,
            submission_id=r.submission_id,
            answers=r.as_input(),
            language=r.language,
            submitted_at=r.submitted_at,
        )
        for r in kept
    ]
    import_responses(version, rows, actor=CLI)
    return version.survey, len(kept)


def _get(path: str, token: str) -> Any:
    from django.test import Client

    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db
def test_two_organisations_each_with_nki_see_only_their_own_results(
    settings: Any, tmp_path: Path, personas: dict[str, Any]
) -> None:
    from kundpuls.web.accounts.models import User

    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    cache.clear()
    municipal = load_results(tmp_path / "lake")  # the municipality's nki: responses in its units
    region_nki, region_n = _region_nki()
    sync_to_lake()
    municipal_nki = Survey.objects.get(key="nki", organisation__code="EXK")
    assert region_nki.pk != municipal_nki.pk and region_nki.key == municipal_nki.key == "nki"

    region_person = User.objects.get(email="analytiker.region@kundpuls.example")
    User.objects.filter(pk=region_person.pk).update(is_demo=False)
    region_person.refresh_from_db()
    region_token = create_token(region_person, "test", actor=CLI)[1]
    listed = _get("/api/v1/surveys/", region_token).json()["surveys"]
    keys = [s["key"] for s in listed]  # ORG:KEY where another organisation uses the same key
    assert "RGX:nki" in keys and not any(key.endswith("nki") and key != "RGX:nki" for key in keys)
    overview = _get("/api/v1/results/nki/?period_kind=year&period=2026", region_token)
    assert overview.status_code == 200, overview.content
    codes = {row["unit_code"] for row in overview.json()["rows"]}
    assert REGION_UNIT in codes
    region_paths = set(Unit.objects.filter(code__startswith="RGX").values_list("code", flat=True))
    assert codes <= region_paths  # only the region's units
    own = _get(f"/api/v1/results/nki/units/{REGION_UNIT}/?period_kind=year&period=2026", region_token)
    assert own.status_code == 200, own.content
    assert 0 < own.json()["headlines"][0]["value"]["n"] <= region_n  # its own respondents only
    other = _get("/api/v1/results/nki/units/VOF-HT-N/?period_kind=year&period=2026", region_token)
    assert other.status_code == 404
    assert _get("/api/v1/results/EXK:nki/", region_token).status_code == 404

    municipal_token = create_token(personas["analyst"], "test", actor=CLI)[1]
    rows = _get("/api/v1/results/nki/?period_kind=year&period=2026", municipal_token).json()["rows"]
    codes = {row["unit_code"] for row in rows}
    assert "VOF-HT-N" in codes and not any(code.startswith("RGX") for code in codes)
    mine = _get("/api/v1/results/nki/units/VOF-HT-N/?period_kind=year&period=2026", municipal_token).json()
    assert 0 < mine["headlines"][0]["value"]["n"] <= municipal["VOF-HT-N"]
    assert _get(f"/api/v1/results/nki/units/{REGION_UNIT}/", municipal_token).status_code == 404

    both = User.objects.get(email="admin@kundpuls.example")  # roles in both organisations
    both_token = create_token(both, "test", actor=CLI)[1]
    ambiguous = _get("/api/v1/results/nki/", both_token)
    assert ambiguous.status_code == 400
    assert "EXK:nki" in ambiguous.content.decode() and "RGX:nki" in ambiguous.content.decode()
    named = _get("/api/v1/results/RGX:nki/?period_kind=year&period=2026", both_token)
    assert named.status_code == 200, named.content
    assert {row["unit_code"] for row in named.json()["rows"]} <= region_paths
