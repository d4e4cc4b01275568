"""``kundpuls demo --truth FILE``: the truth behind the loaded demo, checked against what the lake shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from kundpuls.cli import server


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_truth_names_the_story_and_the_lake_agrees_with_it(settings: Any, tmp_path: Path) -> None:
    from kundpuls.reports import cache
    from kundpuls.reports.unit_report import survey_frame, survey_plan
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    cache.clear()
    app = typer.Typer()
    server.register(app)
    path = tmp_path / "truth.json"
    run = CliRunner().invoke(app, ["demo", "--no-serve", "--json", "--truth", str(path)])
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["loaded"]["truth"] == str(path)
    surveys = json.loads(path.read_text(encoding="utf-8"))["surveys"]
    assert set(surveys) == {"nki", "patient", "staff", "tjanstebehov"}
    nki = surveys["nki"]
    assert set(nki["periods"]) == {"month", "quarter", "year"}
    assert nki["strongest_drivers"][0] == "BEMOTANDE"
    rows = nki["periods"]["quarter"]["values"]
    value = {(r["unit"], r["period"], r["index"]): r for r in rows}
    # the story: Hemtjänst Norr's treatment rises once, Bygglov's accessibility falls once
    rises = [
        r["change"] for r in rows if r["unit"] == "VOF-HT-N" and r["index"] == "BEMOTANDE" and r["change"]
    ]
    falls = [
        r["change"]
        for r in rows
        if r["unit"] == "SBF-BYGG" and r["index"] == "TILLGANGLIGHET" and r["change"]
    ]
    assert max(rises) > 5 and min(falls) < -5
    assert all(abs(r["change"] or 0) < 1e-9 for r in rows if r["unit"] == "KLF-KC")  # no change planted
    assert {g["unit"] for g in nki["periods"]["quarter"]["goals"]} == {"VOF", "VOF-HT-N", "KFF"}
    # the lake's numbers (what every page shows) agree with the truth, roll-ups included
    definition = definition_of(current_version(Survey.objects.get(key="nki")))
    plan = survey_plan(tmp_path / "lake", definition, threshold_setting=7)
    frame = survey_frame(tmp_path / "lake", plan, period_kind="quarter")
    frame = frame[(frame["segment"] == "") & ~frame["suppressed"].astype(bool) & (frame["n"] >= 100)]
    checked = 0
    z_scores = []
    for row in frame.itertuples():
        truth = value.get((row.unit, row.period, row.index))
        if truth is None or truth["value"] is None or truth["expected_n"] < 100:
            continue
        se = row.sd / row.n**0.5
        z_scores.append((row.estimate - truth["value"]) / se)
        checked += 1
    assert checked > 100
    inside = sum(abs(z) < 3 for z in z_scores) / checked
    assert inside > 0.97, inside  # partial first and last quarters aside, the truth is what the lake finds
