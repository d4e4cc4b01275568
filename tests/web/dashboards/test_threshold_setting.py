"""``KUNDPULS_ANONYMITY_THRESHOLD`` holds on every surface: the larger of it and the codebook's wins.

Each surface — unit page, overview, PDF download, ``kundpuls report`` (one unit and ``--all-units``), XLSX,
CSV, the API, the goals page and ``kundpuls analyze --json`` — is read for one unit and checked against
the unit's true numbers (computed from the lake with the threshold lowered to 1, as an oracle): with the
setting raised above the unit's responses none of them may appear, though they do at the default setting;
with the setting below the codebook's, the codebook's 7 still hides the small unit.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import typer
from django.test import Client, override_settings
from openpyxl import load_workbook
from typer.testing import CliRunner

from kundpuls.render.labels import number
from kundpuls.reports import cache
from system_tools import require_tool

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
SHOWN_UNIT = "VOF-HT-C"  # conftest.py: enough responses in every quarter at the default threshold
SMALL_UNIT = "VOF-DAG"  # conftest.py: fewer than 7 in every quarter
PERIOD = "2026-Q2"
GOAL_PERIOD = "2026"


def _admin(personas: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(personas["admin"], backend=BACKEND)
    return client


def _own_part(text: str) -> str:
    """A report up to its comparison with other units (whose numbers may equal the unit's by chance)."""
    return text.split("Jämförelse", 1)[0]


def _pdf_text(pdf: bytes) -> str:
    """The unit's own part of the report, and its notes on the threshold."""
    text = subprocess.run(
        [require_tool("pdftotext"), "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    notes = [line for line in text.splitlines() if "färre än" in line]
    return "\n".join([_own_part(text), *notes])


def _json_numbers(value: Any) -> str:
    """Every float in a JSON document, written as the pages write it (one decimal, decimal comma)."""
    if isinstance(value, dict):
        return " ".join(_json_numbers(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_json_numbers(v) for v in value)
    return number(value, "sv") if isinstance(value, float) else ""


def _cli(command: str, args: list[str]) -> Any:
    from kundpuls.cli import analytics, report

    app = typer.Typer()
    (report if command == "report" else analytics).register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    return CliRunner().invoke(app, [command, *args])


def unit_page(client: Client, unit: str, tmp: Path) -> str:
    html = client.get(f"/portal/resultat/enheter/{unit}/", {"survey": "nki", "period": PERIOD}).content
    return " ".join(re.findall(r'<span class="card-value">([^<]*)</span>', html.decode()))


def overview(client: Client, unit: str, tmp: Path) -> str:
    html = client.get("/portal/resultat/", {"survey": "nki", "period": PERIOD}).content.decode()
    row = re.search(rf"{unit}/\?survey=nki\">[^<]*</a></th>(.*?)</tr>", html, re.S)
    assert row is not None, f"{unit} is not in the overview"
    return re.sub(r"<[^>]+>", " ", row.group(1))


def pdf_download(client: Client, unit: str, tmp: Path) -> str:
    got = client.get(f"/portal/resultat/enheter/{unit}/rapport.pdf", {"survey": "nki", "period": PERIOD})
    assert got.status_code == 200
    return _pdf_text(got.content)


def report_command(client: Client, unit: str, tmp: Path) -> str:
    out = tmp / "one.pdf"
    result = _cli(
        "report", ["--survey", "nki", "--unit", unit, "--period", PERIOD, "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    return _pdf_text(out.read_bytes())


def report_all_units(client: Client, unit: str, tmp: Path) -> str:
    result = _cli(
        "report",
        [
            "--survey",
            "nki",
            "--all-units",
            "--period",
            PERIOD,
            "--out",
            str(tmp / "all"),
            "--json",
            "--jobs",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    written = {r["unit"]: r["file"] for r in json.loads(result.output)["reports"]}
    return _pdf_text(Path(written[unit]).read_bytes())


def xlsx(client: Client, unit: str, tmp: Path) -> str:
    got = client.get(f"/portal/resultat/enheter/{unit}/tabeller.xlsx", {"survey": "nki", "period": PERIOD})
    book = load_workbook(io.BytesIO(got.content))
    return _own_part(
        " ".join(
            number(c, "sv") if isinstance(c, float) else str(c)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for c in row
            if c is not None
        )
    )


def csv(client: Client, unit: str, tmp: Path) -> str:
    got = client.get(f"/portal/resultat/enheter/{unit}/tabeller.csv", {"survey": "nki", "period": PERIOD})
    return _own_part(got.content.decode())


def api(client: Client, unit: str, tmp: Path) -> str:
    got = client.get(f"/api/v1/results/nki/units/{unit}/", {"period": PERIOD})
    assert got.status_code == 200, got.content
    body = got.json()
    return f"threshold={body['threshold']} " + _json_numbers(body["headlines"])


def goals_page(client: Client, unit: str, tmp: Path) -> str:
    html = client.get(f"/portal/mal/enheter/{unit}/", {"period": GOAL_PERIOD}).content.decode()
    return re.sub(r"<[^>]+>", " ", html)


SURFACES: dict[str, Callable[[Client, str, Path], str]] = {
    f.__name__: f
    for f in (unit_page, overview, pdf_download, report_command, report_all_units, xlsx, csv, api, goals_page)
}


def _true_numbers(unit: str) -> set[str]:
    """The unit's indices (estimate and interval) in PERIOD and its NKI in GOAL_PERIOD, with no threshold."""
    from django.conf import settings

    from kundpuls.reports.index_frames import index_frame, plan_for_lake
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    definition = definition_of(current_version(Survey.objects.get(key="nki")))
    lake = settings.KUNDPULS_LAKE_DIR
    oracle = replace(plan_for_lake(lake, definition, threshold_setting=1), threshold=1)
    found: set[str] = set()
    for kind, period, indices in (("quarter", PERIOD, oracle.indices), ("year", GOAL_PERIOD, ("NKI",))):
        frame = index_frame(lake, oracle, period_kind=kind)
        rows = frame[(frame["unit"] == unit) & (frame["period"] == period) & frame["index"].isin(indices)]
        assert len(rows) >= 1 and not rows["suppressed"].any()
        values = [float(v) for c in ("estimate", "ci_low", "ci_high") for v in rows[c]]
        found |= {number(v, language) for v in values for language in ("sv", "en")}
    return found


@pytest.fixture
def nki_goal(results: dict[str, int]) -> None:
    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.models import Survey

    survey = Survey.objects.get(key="nki")
    for code in (SHOWN_UNIT, SMALL_UNIT):
        set_goal(Unit.objects.get(code=code), "index:NKI", GOAL_PERIOD, 50, survey=survey, actor=CLI)


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_a_raised_setting_hides_a_unit_the_codebook_would_show_on_every_surface(
    surface: str, personas: dict[str, Any], results: dict[str, int], nki_goal: None, tmp_path: Path
) -> None:
    read = SURFACES[surface]
    client = _admin(personas)
    truth = _true_numbers(SHOWN_UNIT)
    shown = read(client, SHOWN_UNIT, tmp_path / "default")
    assert truth & set(shown.split()) or any(t in shown for t in truth), "the default setting shows the unit"
    raised = results[SHOWN_UNIT] + 1  # above the unit's responses in any period
    cache.clear()
    with override_settings(KUNDPULS_ANONYMITY_THRESHOLD=raised):
        hidden = read(client, SHOWN_UNIT, tmp_path / "raised")
    leaked = [t for t in truth if t in hidden]
    assert not leaked, f"{surface} shows {SHOWN_UNIT}'s numbers {leaked} under {raised}:\n{hidden}"
    if surface == "api":
        assert f"threshold={raised}" in hidden
    if surface in ("pdf_download", "report_command", "report_all_units"):
        assert f"färre än {raised}" in hidden  # the note names the threshold in force


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_a_setting_below_the_codebooks_leaves_the_codebooks_threshold_in_force(
    surface: str, personas: dict[str, Any], results: dict[str, int], nki_goal: None, tmp_path: Path
) -> None:
    assert 0 < results[SMALL_UNIT] < 7
    truth = _true_numbers(SMALL_UNIT)
    cache.clear()
    with override_settings(KUNDPULS_ANONYMITY_THRESHOLD=1):
        hidden = SURFACES[surface](_admin(personas), SMALL_UNIT, tmp_path)
    assert not [t for t in truth if t in hidden], f"{surface} shows {SMALL_UNIT}'s numbers"
    if surface == "api":
        assert "threshold=7" in hidden


@pytest.mark.parametrize(
    ("setting", "unit", "expected"), [(None, SHOWN_UNIT, 7), (1, SMALL_UNIT, 7), ("raised", SHOWN_UNIT, None)]
)
def test_analyze_defaults_to_the_resolved_threshold(
    setting: int | str | None, unit: str, expected: int | None, results: dict[str, int]
) -> None:
    from django.conf import settings

    threshold = results[SHOWN_UNIT] + 1 if setting == "raised" else setting
    expected = expected or threshold
    args = [
        "--lake",
        str(settings.KUNDPULS_LAKE_DIR),
        "--survey",
        "nki",
        "--by",
        "unit,quarter",
        "--rollup",
        "--json",
    ]
    with override_settings(KUNDPULS_ANONYMITY_THRESHOLD=threshold or settings.KUNDPULS_ANONYMITY_THRESHOLD):
        result = _cli("analyze", args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["threshold"] == expected
    rows = [r for r in body["table"] if r["unit"] == unit and r["period"] == PERIOD]
    hidden = threshold is not None
    assert rows and all(r["suppressed"] is hidden for r in rows)
    assert all(r["estimate"] is None and r["ci_low"] is None and r["n"] is None for r in rows if hidden)


def test_analyze_refuses_a_threshold_below_the_resolved_one_and_takes_a_higher_one(
    results: dict[str, int],
) -> None:
    from django.conf import settings

    args = ["--lake", str(settings.KUNDPULS_LAKE_DIR), "--survey", "nki", "--json"]
    with override_settings(KUNDPULS_ANONYMITY_THRESHOLD=10):
        refused = _cli("analyze", [*args, "--threshold", "8"])
        higher = _cli("analyze", [*args, "--threshold", "12"])
    assert refused.exit_code != 0
    message = json.loads(refused.output)["error"]
    assert "--threshold" in message and "8" in message and "10" in message
    assert higher.exit_code == 0 and json.loads(higher.output)["threshold"] == 12
