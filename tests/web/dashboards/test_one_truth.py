"""One truth on every surface: the same unit, period and index give the same estimate, interval and n on
the unit page, the overview (page and API), the PDF, the Excel and CSV tables, the unit API, the goals page
and ``kundpuls analyze --indices`` (issue 16).

The reference is the unit report of the API (floats). Surfaces that carry floats (the overview API,
``analyze --json``) must equal it exactly; documents and pages show one decimal with a decimal comma, so
they must show the reference rounded that way, next to the index's label or in its row.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from test_threshold_setting import GOAL_PERIOD, PERIOD, SHOWN_UNIT, _admin, _cli, _pdf_text

from kundpuls.render.labels import number

pytestmark = pytest.mark.django_db


def _reference(client: Client, **params: str) -> dict[str, dict[str, Any]]:
    got = client.get(f"/api/v1/results/nki/units/{SHOWN_UNIT}/", {"period": PERIOD, **params})
    assert got.status_code == 200, got.content
    values = {h["value"]["key"]: h["value"] for h in got.json()["headlines"]}
    assert values and not any(v["suppressed"] for v in values.values())
    return values


def _shown(value: dict[str, Any]) -> list[str]:
    return [number(value[k], "sv") for k in ("estimate", "ci_low", "ci_high")] + [str(value["n"])]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def reference(personas: dict[str, Any], results: dict[str, int]) -> dict[str, dict[str, Any]]:
    return _reference(_admin(personas))


def test_the_overview_api_equals_the_unit_api_for_every_index(
    personas: dict[str, Any], reference: dict[str, dict[str, Any]]
) -> None:
    client = _admin(personas)
    for key, value in reference.items():
        got = client.get("/api/v1/results/nki/", {"period": PERIOD, "index": key})
        assert got.status_code == 200, got.content
        body = got.json()
        assert body["index_key"] == key and key in [k for k, _ in body["indices"]]
        row = next(r for r in body["rows"] if r["unit_code"] == SHOWN_UNIT)
        assert {k: row["value"][k] for k in ("estimate", "ci_low", "ci_high", "n")} == {
            k: value[k] for k in ("estimate", "ci_low", "ci_high", "n")
        }


def test_analyze_indices_equals_the_unit_api(reference: dict[str, dict[str, Any]]) -> None:
    from django.conf import settings

    lake = str(settings.KUNDPULS_LAKE_DIR)
    result = _cli(
        "analyze", ["--lake", lake, "--survey", "nki", "--indices", "--by", "unit,quarter", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = {
        r["index"]: r
        for r in json.loads(result.output)["table"]
        if r["unit"] == SHOWN_UNIT and r["period"] == PERIOD
    }
    for key, value in reference.items():
        for field in ("estimate", "ci_low", "ci_high", "n"):
            assert rows[key][field] == pytest.approx(value[field], abs=1e-12), (key, field)


def test_the_unit_page_and_the_overview_page_show_the_same_numbers(
    personas: dict[str, Any], reference: dict[str, dict[str, Any]]
) -> None:
    client = _admin(personas)
    page = client.get(f"/portal/resultat/enheter/{SHOWN_UNIT}/", {"survey": "nki", "period": PERIOD})
    cards = re.findall(r'<li class="card[^"]*">(.*?)</li>', page.content.decode(), re.S)
    for key, value in reference.items():
        card = next(_text(c) for c in cards if value["label"] in c)
        estimate, low, high, n = _shown(value)
        assert estimate in card and f"{low}–{high}" in card and f"n = {n}" in card, (key, card)
        overview = client.get("/portal/resultat/", {"survey": "nki", "period": PERIOD, "index": key})
        row = re.search(
            rf"{SHOWN_UNIT}/\?survey=nki\">[^<]*</a></th>(.*?)</tr>", overview.content.decode(), re.S
        )
        assert row is not None
        cells = _text(row.group(1)).split()
        assert cells[:3] == [estimate, f"{low}–{high}", n], (key, cells)


def _row_with(lines: list[str], label: str) -> str:
    """The table row of ``label`` (not the opening sentence, which names the main index too)."""
    return next(
        line
        for line in lines
        if line.strip().startswith(label) and "n =" not in line and len(re.findall(r"\d+,\d", line)) >= 3
    )


def test_the_pdf_excel_and_csv_show_the_same_numbers(
    personas: dict[str, Any], reference: dict[str, dict[str, Any]]
) -> None:
    client = _admin(personas)
    query = {"survey": "nki", "period": PERIOD}
    pdf = _pdf_text(client.get(f"/portal/resultat/enheter/{SHOWN_UNIT}/rapport.pdf", query).content)
    book = load_workbook(
        io.BytesIO(client.get(f"/portal/resultat/enheter/{SHOWN_UNIT}/tabeller.xlsx", query).content)
    )
    sheet_rows = [list(r) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True)]
    csv_lines = (
        client.get(f"/portal/resultat/enheter/{SHOWN_UNIT}/tabeller.csv", query).content.decode().splitlines()
    )
    for key, value in reference.items():
        estimate, low, high, n = _shown(value)
        pdf_row = " ".join(_row_with(pdf.splitlines(), value["label"][:10]).split())
        assert f" {estimate} {low} {high} {n} " in f"{pdf_row} ", (key, pdf_row)
        excel = next(r for r in sheet_rows if r and r[0] == value["label"])
        assert excel[1:5] == [round(value[f], 1) for f in ("estimate", "ci_low", "ci_high")] + [value["n"]], (
            key
        )
        csv_row = next(line for line in csv_lines if line.lstrip('"').startswith(value["label"]))
        cells = [c.strip('"') for c in re.split(r";(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", csv_row)]
        shown = [str(round(value[f], 1)).replace(".", ",") for f in ("estimate", "ci_low", "ci_high")]
        assert cells[1:5] == [*shown, n], (
            key,
            cells,
        )


def test_the_goals_page_shows_the_dashboards_nki_for_the_year(
    personas: dict[str, Any], results: dict[str, int], tmp_path: Path
) -> None:
    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.models import Survey

    client = _admin(personas)
    set_goal(
        Unit.objects.get(code=SHOWN_UNIT),
        "index:NKI",
        GOAL_PERIOD,
        50,
        survey=Survey.objects.get(key="nki"),
        actor=CLI,
    )
    year = client.get(
        f"/api/v1/results/nki/units/{SHOWN_UNIT}/", {"period_kind": "year", "period": GOAL_PERIOD}
    )
    nki = next(h["value"] for h in year.json()["headlines"] if h["value"]["key"] == "NKI")
    page = _text(client.get(f"/portal/mal/enheter/{SHOWN_UNIT}/", {"period": GOAL_PERIOD}).content.decode())
    estimate, low, high, n = _shown(nki)
    assert f" {estimate} {low}–{high} {n} " in page, (nki, page)
