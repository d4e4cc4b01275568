"""One set of change flags on every surface: none when nothing changed, the planted change everywhere.

Two seeded datasets of the same NKI units over two quarters: in one nothing changes (but some plain
p-values are under 0.05, as chance gives among the fifty-odd tests of a quarter: units and their roll-ups ×
five indices), in the other Hemtjänst Norr's NKI rises
by 1.5 SD from the second quarter. The unit report contract, the overview contract, the unit page, the
overview page, the CSV tables (the Excel and PDF tables are the same rows) and the API must agree.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.web.dashboards.conftest import store_generated, unit_links

from kundpuls.demo.responses import STOCKHOLM, DatedChange, UnitProfile, generate_responses
from kundpuls.reports import cache
from kundpuls.web.org.actors import CLI

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
CHANGED = "VOF-HT-N"
START, END = datetime(2026, 1, 1, tzinfo=STOCKHOLM), datetime(2026, 7, 1, tzinfo=STOCKHOLM)
PERIOD = "2026-Q2"
UNITS = ("VOF-HT-N", "VOF-HT-S", "VOF-HT-C", "KFF-BIB-HUV", "KFF-SIM", "SBF-BYGG")


def _load(planted: bool) -> None:
    from kundpuls.web.responses.actions import sync_to_lake
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    assert version is not None
    change = (DatedChange(construct="NKI", start=datetime(2026, 4, 1).date(), delta=1.5),)
    units = [
        UnitProfile(code=code, volume=25, changes=change if planted and code == CHANGED else ())
        for code in UNITS
    ]
    generated = generate_responses(
        definition_of(version), units, start=START, end=END, seed=38, comments=None
    )
    store_generated(version, generated.responses, unit_links(survey, UNITS))
    sync_to_lake()


def _surfaces(personas: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    """(unit, index) flagged in PERIOD, as each surface shows it; also every plain p-value under 0.05."""
    from kundpuls.web.api.actions import create_token
    from kundpuls.web.dashboards.queries import overview, unit_results
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    analyst = personas["analyst"]
    definition = definition_of(current_version(Survey.objects.get(key="nki")))
    client = Client()
    client.force_login(analyst, backend=BACKEND)
    token = create_token(analyst, "flags", actor=CLI)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    found: dict[str, set[tuple[str, str]]] = {
        k: set()
        for k in ("report", "plain_p", "overview", "api_unit", "api_overview", "page", "csv", "overview_page")
    }
    for code in UNITS:
        report = unit_results(
            analyst, Unit.objects.get(code=code), definition, period_kind="quarter", period=PERIOD,
            segment=None, segment_value=None, language="sv",
        )  # fmt: skip
        for h in report.headlines:
            if h.change is not None and h.change.significant:
                found["report"].add((code, h.value.key))
            if h.change is not None and (h.change.p_value or 1) < 0.05:
                found["plain_p"].add((code, h.value.key))
        body = client.get(f"/api/v1/results/nki/units/{code}/?period={PERIOD}", **auth).json()
        for h in body["headlines"]:
            if h["change"] and h["change"]["significant"]:
                found["api_unit"].add((code, h["value"]["key"]))
        html = client.get(
            f"/portal/resultat/enheter/{code}/", {"survey": "nki", "period": PERIOD}
        ).content.decode()
        if "Tydlig förändring jämfört med" in html:
            found["page"].add((code, "any"))
        assert "Säker" not in html and "säker" not in html
        table = client.get(
            f"/portal/resultat/enheter/{code}/tabeller.csv", {"survey": "nki", "period": PERIOD}
        )
        rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
        header = next(i for i, row in enumerate(rows) if row and row[-1] == "Tydlig förändring")
        for row in rows[header + 1 :]:
            if not row:
                break  # the end of the headline table
            if row[-1] == "ja":
                found["csv"].add((code, "any"))
    result = overview(
        analyst,
        definition,
        organisation=Survey.objects.get(key="nki").organisation_id,
        period_kind="quarter",
        period=PERIOD,
        sort="tree",
        descending=False,
        language="sv",
    )
    found["overview"] = {
        (r.unit_code, r.change.key)
        for r in result.rows
        if r.change and r.change.significant and r.unit_code in UNITS
    }
    body = client.get(f"/api/v1/results/nki/?period={PERIOD}", **auth).json()
    found["api_overview"] = {
        (r["unit_code"], r["change"]["key"])
        for r in body["rows"]
        if r["change"] and r["change"]["significant"] and r["unit_code"] in UNITS
    }
    page = client.get("/portal/resultat/", {"survey": "nki", "period": PERIOD}).content.decode()
    assert "Tydlig förändring" in page and "Säker" not in page
    if CHANGED in page:
        row = page.split(f"{CHANGED}/?survey=nki", 1)[1].split("</tr>", 1)[0]
        if "ingen" not in row:
            found["overview_page"].add((CHANGED, "NKI"))
    return found


@pytest.mark.django_db
def test_no_change_anywhere_gives_no_flag_on_any_surface(
    settings: Any, tmp_path: Path, personas: dict[str, Any]
) -> None:
    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    cache.clear()
    _load(planted=False)
    found = _surfaces(personas)
    assert found["plain_p"], "chance gives some p < 0.05 among the tests; the flags must not follow them"
    for surface, flagged in found.items():
        if surface != "plain_p":
            assert flagged == set(), surface


@pytest.mark.django_db
def test_one_planted_large_change_is_flagged_on_every_surface(
    settings: Any, tmp_path: Path, personas: dict[str, Any]
) -> None:
    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    cache.clear()
    _load(planted=True)
    found = _surfaces(personas)
    assert (CHANGED, "NKI") in found["report"]
    assert {u for u, _ in found["report"]} == {CHANGED}  # no other of these units flagged
    assert found["api_unit"] == found["report"]
    assert found["overview"] == found["api_overview"] == found["overview_page"] == {(CHANGED, "NKI")}
    assert found["page"] == found["csv"] == {(CHANGED, "any")}
