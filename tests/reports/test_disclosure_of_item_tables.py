"""Issue 17 (2) for ``kundpuls analyze``: per-item tables cannot be differenced into a small group.

The attacker (:mod:`tests.disclosure_attack`) runs ``kundpuls analyze`` for one item by month, quarter and
year, for the whole group and by a background variable, and keeps every ``n``. With the linked rule
(:func:`kundpuls.reports.item_disclosure.released_item_rows`) she recovers nothing; with each table's own
suppression (the threshold and the tree's complementary suppression, as before) she recovers small groups.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import typer
from tests.disclosure_attack import Cell, World, recovered_small_groups
from typer.testing import CliRunner

from kundpuls.analytics.cross_products import cross_products
from kundpuls.analytics.index_tables import index_table
from kundpuls.analytics.rollup import lake_unit_tree, open_lake, sufficient_statistics
from kundpuls.cli.analytics import register
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.instruments import load_template
from kundpuls.reports import cache
from kundpuls.reports.frame_lake import lake_from_frame
from kundpuls.reports.item_disclosure import released_item_rows

THRESHOLD = 7
ITEM = "nki_helhet"
VARIABLE = "alder"
PARENTS = {"N1": "NORR", "N2": "NORR", "S1": "SYD", "S2": "SYD", "S3": "SYD", "NORR": "ALL", "SYD": "ALL"}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    definition = load_template("nki")
    units = [
        UnitProfile(code="N1", volume=22),
        UnitProfile(code="N2", volume=8),
        UnitProfile(code="NORR", volume=1),
        UnitProfile(code="S1", volume=12),
        UnitProfile(code="S2", volume=3),
        UnitProfile(code="S3", volume=0.4),
    ]
    generated = generate_responses(
        definition,
        units,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 7, 1, tzinfo=UTC),
        seed=31,
        comments=None,
    )
    path = tmp_path_factory.mktemp("item-disclosure") / "lake"
    lake_from_frame(generated.frame(), definition, path, parents=PARENTS)
    cache.clear()
    _, manifest = open_lake(path)
    found = cross_products(path, "nki", [ITEM], period="all", segment=VARIABLE, threshold=1)
    answered = sorted({str(v) for v in found.groups["segment"] if isinstance(v, str) and v != "None"})
    world = World(
        dict(lake_unit_tree(manifest).parent), manifest.months("nki"), {VARIABLE: [*answered, "None"]}
    )
    return path, world


def _tables(path: Path, *, linked: bool) -> dict[Cell, int]:
    released: dict[Cell, int] = {}
    for kind in ("month", "quarter", "year"):
        for segment in (None, VARIABLE):
            table = index_table(
                sufficient_statistics(
                    path, "nki", items=[ITEM], period=kind, segment=segment, threshold=THRESHOLD
                )
            )
            if linked:
                table = released_item_rows(
                    table, path, "nki", threshold=THRESHOLD, segment=segment, rollup=True
                )
            for row in table[~table["suppressed"]].itertuples(index=False):
                value = "" if segment is None else ("None" if pd.isna(row.segment) else str(row.segment))
                cell = (str(row.unit), str(row.period), segment or "", value)
                assert released.setdefault(cell, int(row.n)) == int(row.n)
    return released


def test_no_combination_of_analyze_tables_recovers_a_group_under_the_threshold(
    tree: tuple[Path, World],
) -> None:
    path, world = tree
    released = _tables(path, linked=True)
    assert recovered_small_groups(released, world, THRESHOLD) == []
    assert ("N1", "2025-Q2", "", "") in released and ("ALL", "2025-05", "", "") in released


def test_the_attacker_recovers_small_groups_from_tables_suppressed_one_at_a_time(
    tree: tuple[Path, World],
) -> None:
    path, world = tree
    findings = recovered_small_groups(_tables(path, linked=False), world, THRESHOLD)
    assert any(f.startswith("quarter − months") for f in findings), findings[:5]


def test_kundpuls_analyze_releases_only_the_linked_rows(tree: tuple[Path, World]) -> None:
    path, _ = tree
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            "--lake",
            str(path),
            "--survey",
            "nki",
            "--items",
            ITEM,
            "--by",
            "unit,month",
            "--rollup",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stdout
    rows = json.loads(result.stdout)["table"]
    shown = {(r["unit"], r["period"]): r["n"] for r in rows if not r["suppressed"]}
    hidden = [r for r in rows if r["suppressed"]]
    expected = released_item_rows(
        index_table(sufficient_statistics(path, "nki", items=[ITEM], period="month", threshold=THRESHOLD)),
        path,
        "nki",
        threshold=THRESHOLD,
        segment=None,
        rollup=True,
    )
    assert shown == {
        (str(r.unit), str(r.period)): int(r.n)
        for r in expected[~expected["suppressed"]].itertuples(index=False)
    }
    assert hidden and all(r["n"] is None and r["estimate"] is None for r in hidden)
