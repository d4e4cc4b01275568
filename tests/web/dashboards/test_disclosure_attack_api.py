"""Issue 17 (2), as the issue's attacker did it: a manager's API token, every request, every subtraction.

The manager of Hemtjänst Norr asks the read API for her unit's report in every period kind, period,
background variable and value (those who skipped the question too), and for the overview of every
period; she keeps every ``n`` the answers hold (headlines, trend, comparison with parent and
organisation, the funnel's siblings, the overview's rows). :mod:`tests.disclosure_attack` then tries
quarter − months, year − quarters, twelve months − months, total − segments, parent − children and every
linear combination. The unit page's CSV and Excel downloads must carry the same numbers as the API.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from tests.disclosure_attack import Cell, World, recovered_small_groups

from kundpuls.analytics.period_kinds import REPORT_PERIOD_KINDS

pytestmark = pytest.mark.django_db
UNIT = "VOF-HT-N"
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _world() -> World:
    from django.conf import settings

    from kundpuls.analytics.cross_products import cross_products
    from kundpuls.analytics.rollup import lake_unit_tree, open_lake

    lake = settings.KUNDPULS_LAKE_DIR
    _, manifest = open_lake(lake)
    values = {}
    for variable in manifest.surveys["nki"].get("background", []):
        found = cross_products(lake, "nki", ["nki_helhet"], period="all", segment=variable, threshold=1)
        answered = {str(v) for v in found.groups["segment"] if isinstance(v, str) and v != "None"}
        values[variable] = [*sorted(answered), "None"]
    return World(dict(lake_unit_tree(manifest).parent), manifest.months("nki"), values)


def _keep(released: dict[Cell, int], cell: Cell, value: dict[str, Any] | None, n: Any = None) -> None:
    if value is not None:
        if value["suppressed"]:
            assert value["n"] is None and value["estimate"] is None and value["ci_low"] is None
            return
        n = value["n"]
    if n is None:
        return
    assert released.setdefault(cell, int(n)) == int(n), (cell, released[cell], n)


def _gather(token: str, world: World) -> tuple[dict[Cell, int], int]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()
    released: dict[Cell, int] = {}
    requests = 0
    segments = [("", "")] + [(v, x) for v, xs in world.values.items() for x in xs]
    for kind in REPORT_PERIOD_KINDS:
        base = f"/api/v1/results/nki/units/{UNIT}/?period_kind={kind}"
        periods = client.get(base, **headers).json()["periods"]
        for period in periods:
            overview = client.get(f"/api/v1/results/nki/?period_kind={kind}&period={period}", **headers)
            assert overview.status_code == 200
            for row in overview.json()["rows"]:
                _keep(released, (row["unit_code"], period, "", ""), row["value"])
            for segment, value in segments:
                query = f"{base}&period={period}" + (f"&segment={segment}&value={value}" if segment else "")
                answer = client.get(query, **headers)
                requests += 1
                if answer.status_code != 200:  # a segment value without answers in this period
                    assert answer.status_code in (400, 404), answer.content
                    continue
                report = answer.json()
                where = (segment, value)
                main = report["main_index"]
                for headline in report["headlines"]:
                    if headline["value"]["key"] == main:
                        _keep(released, (UNIT, period, *where), headline["value"])
                for point in report["trend"]:
                    _keep(released, (UNIT, point["period"], *where), point["value"])
                for row in report["comparison"]:
                    if row["value"]["key"] == main:
                        _keep(released, (row["unit_code"], period, *where), row["value"])
                for point in (report["funnel"] or {}).get("points", []):
                    if not point["suppressed"]:
                        _keep(released, (point["unit_code"], period, "", ""), None, point["n"])
    return released, requests


def test_a_managers_api_numbers_never_give_away_a_group_under_the_threshold(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    from kundpuls.web.api.actions import create_token
    from kundpuls.web.org.actors import CLI

    token = create_token(personas["manager_a"], "attacker", actor=CLI)[1]
    world = _world()
    released, requests = _gather(token, world)
    assert requests > 50 and len(released) > 30
    assert all(n >= 7 for n in released.values())
    assert recovered_small_groups(released, world, 7) == []


def test_the_downloads_carry_the_numbers_the_api_gives(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    from kundpuls.web.api.actions import create_token
    from kundpuls.web.org.actors import CLI

    token = create_token(personas["manager_a"], "downloads", actor=CLI)[1]
    api = (
        Client()
        .get(f"/api/v1/results/nki/units/{UNIT}/?period_kind=month", HTTP_AUTHORIZATION=f"Bearer {token}")
        .json()
    )
    expected = [(p["period"], p["value"]["n"]) for p in api["trend"]]
    page = Client()
    page.force_login(personas["manager_a"], backend=BACKEND)
    url = f"/portal/resultat/enheter/{UNIT}/tabeller"
    text = page.get(f"{url}.csv?survey=nki&kind=month").content.decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    captions = ("Utveckling över tid", "Trend over time")
    start = next(i for i, row in enumerate(rows) if row and row[0].startswith(captions))
    trend = [(row[0], row[4]) for row in rows[start + 2 : start + 2 + len(expected)]]
    assert [(p, None if n in ("", "–") else int(n)) for p, n in trend] == expected
    book = load_workbook(io.BytesIO(page.get(f"{url}.xlsx?survey=nki&kind=month").content))
    sheet = book["Utveckling över tid"]  # sheets are named in Swedish
    cells = [
        (sheet.cell(row=r, column=1).value, sheet.cell(row=r, column=5).value)
        for r in range(3, 3 + len(expected))
    ]
    assert [(p, None if n in (None, "–") else int(n)) for p, n in cells] == expected
