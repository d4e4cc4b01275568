"""Issue 17 (2): no group under the threshold is recovered by differencing the released results.

A lake with a three-level tree, units whose months fall under the threshold while their quarters do not,
a parent with responses of its own and a unit that is small everywhere. The attacker
(:mod:`tests.disclosure_attack`) gets every number the report contracts give a reader — every unit's
report for every period kind, period and segment value (trend, headlines, comparison with parent and
organisation, funnel of siblings) and the overview of every period — and tries every subtraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from tests.disclosure_attack import Cell, World, recovered_small_groups

from kundpuls.analytics.cross_products import cross_products
from kundpuls.analytics.period_kinds import REPORT_PERIOD_KINDS
from kundpuls.analytics.rollup import lake_unit_tree, open_lake
from kundpuls.analytics.suppression import Relations, grid_relations, linked_suppression
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.errors import NotFound
from kundpuls.instruments import SurveyDefinition, load_template
from kundpuls.reports import cache
from kundpuls.reports.disclosure import released_cells
from kundpuls.reports.frame_lake import lake_from_frame
from kundpuls.reports.index_frames import plan_for_lake
from kundpuls.reports.overview import organisation_overview
from kundpuls.reports.unit_report import unit_report
from kundpuls.stats.results import IndexResult

THRESHOLD = 7
PARENTS = {"N1": "NORR", "N2": "NORR", "S1": "SYD", "S2": "SYD", "S3": "SYD", "NORR": "ALL", "SYD": "ALL"}


@dataclass(frozen=True)
class TreeLake:
    path: Path
    definition: SurveyDefinition


@pytest.fixture(scope="module")
def tree_lake(tmp_path_factory: pytest.TempPathFactory) -> TreeLake:
    definition = load_template("nki")
    units = [
        UnitProfile(code="N1", volume=22),
        UnitProfile(code="N2", volume=8),  # months around the threshold, quarters above it
        UnitProfile(code="NORR", volume=1),  # a parent's own responses
        UnitProfile(code="S1", volume=12),
        UnitProfile(code="S2", volume=3),  # months under the threshold
        UnitProfile(code="S3", volume=0.4),  # under the threshold everywhere
    ]
    generated = generate_responses(
        definition,
        units,
        start=datetime(2024, 10, 1, tzinfo=UTC),
        end=datetime(2026, 1, 1, tzinfo=UTC),
        seed=17,
        comments=None,
    )
    path = tmp_path_factory.mktemp("disclosure") / "lake"
    lake_from_frame(generated.frame(), definition, path, parents=PARENTS)
    cache.clear()
    return TreeLake(path, definition)


def _world(lake: Path, survey: str) -> World:
    _, manifest = open_lake(lake)
    tree = lake_unit_tree(manifest)
    values = {}
    for variable in manifest.surveys[survey].get("background", []):
        found = cross_products(lake, survey, ["nki_helhet"], period="all", segment=variable, threshold=1)
        answered = {str(v) for v in found.groups["segment"] if isinstance(v, str) and v != "None"}
        values[variable] = [*sorted(answered), "None"]  # "None": those who skipped, as the API names them
    return World(dict(tree.parent), manifest.months(survey), values)


def _put(released: dict[Cell, int], cell: Cell, value: IndexResult | None, n: int | None = None) -> None:
    if value is not None and value.suppressed:
        assert value.n is None and value.estimate is None and value.ci_low is None
        return
    count = n if value is None else value.n
    assert count is not None and count >= THRESHOLD, (cell, count)
    assert released.setdefault(cell, count) == count, (cell, released[cell], count)


def gather(lake: Path, definition: SurveyDefinition, world: World) -> dict[Cell, int]:
    """Every count the report contracts give: unit reports and overviews, every period kind and segment."""
    released: dict[Cell, int] = {}
    segments: list[tuple[str | None, str | None]] = [(None, None)]
    segments += [(variable, value) for variable, values in world.values.items() for value in values]
    for kind in REPORT_PERIOD_KINDS:
        first = organisation_overview(
            lake, definition, world.units, threshold_setting=THRESHOLD, period_kind=kind
        )
        for period in first.periods:
            overview = organisation_overview(
                lake, definition, world.units, threshold_setting=THRESHOLD, period_kind=kind, period=period
            )
            for row in overview.rows:
                _put(released, (row.unit_code, period, "", ""), row.value)
        for unit in world.units:
            for segment, value in segments:
                try:
                    report = unit_report(
                        lake,
                        definition,
                        unit,
                        threshold_setting=THRESHOLD,
                        period_kind=kind,
                        segment=segment,
                        segment_value=value,
                        include_comments=False,
                    )
                except NotFound:
                    continue
                where = (segment or "", value or "")
                for point in report.trend:
                    _put(released, (unit, point.period, *where), point.value)
                for row in report.comparison:
                    if row.value.key == report.main_index:
                        _put(released, (row.unit_code, report.period, *where), row.value)
                for headline in report.headlines:
                    if headline.value.key == report.main_index:
                        _put(released, (unit, report.period, *where), headline.value)
                for point in report.funnel.points if report.funnel else ():
                    if not point.suppressed:
                        _put(released, (point.unit_code, report.period, "", ""), None, point.n)
    return released


def test_no_combination_of_released_results_recovers_a_group_under_the_threshold(tree_lake: TreeLake) -> None:
    world = _world(tree_lake.path, "nki")
    released = gather(tree_lake.path, tree_lake.definition, world)
    assert recovered_small_groups(released, world, THRESHOLD) == []
    # and the release is not empty: the big units' quarters and the whole organisation's months are shown
    assert ("N1", "2025-Q2", "", "") in released and ("ALL", "2025-05", "", "") in released
    assert len(released) > 200


def test_the_attacker_recovers_small_groups_from_tables_suppressed_one_at_a_time(tree_lake: TreeLake) -> None:
    """Without the linked rule (each table suppressed on its own, as before issue 17) she succeeds."""
    world = _world(tree_lake.path, "nki")
    plan = plan_for_lake(tree_lake.path, tree_lake.definition, threshold_setting=THRESHOLD)
    items = plan.items["NKI"]
    released: dict[Cell, int] = {}
    for kind in REPORT_PERIOD_KINDS:
        for segment in [None, *world.values]:
            found = cross_products(
                tree_lake.path, "nki", items, period=kind, segment=segment, threshold=THRESHOLD
            )
            groups = found.groups
            for i in np.flatnonzero(~groups["suppressed"].to_numpy(dtype=bool)):
                value = "" if segment is None else str(groups["segment"].iloc[i])
                released[
                    (str(groups["unit"].iloc[i]), str(groups["period"].iloc[i]), segment or "", value)
                ] = int(groups["n"].iloc[i])
    findings = recovered_small_groups(released, world, THRESHOLD)
    assert any(f.startswith("quarter − months") for f in findings)
    assert any(f.startswith("total − segments") for f in findings)


def test_the_rule_keeps_the_organisation_and_hides_at_most_half_near_small_units(tree_lake: TreeLake) -> None:
    """The whole organisation stays shown, and most cells of the units near the small ones too. In this
    tree of deliberately small units the rule hides 45 of the 119 unit-period totals with seven or more
    respondents. It hid 48 while it counted an empty cell (a grouping unit's own responses, a month a page
    shows as empty) as protection, which let a hidden month be recovered through it, and 67 when it first
    stopped doing so but still hid a sum's total before cutting the derivation of a small part."""
    plan = plan_for_lake(tree_lake.path, tree_lake.definition, threshold_setting=THRESHOLD)
    found = released_cells(tree_lake.path, plan, "NKI")
    totals = {cell: n for cell, n in found.counts.items() if cell[2] == "" and n >= THRESHOLD}
    hidden = [cell for cell in totals if not found.cells[cell]]
    assert all(found.cells[c] for c in totals if c[0] == "ALL"), hidden
    assert len(hidden) <= 0.5 * len(totals), hidden


def test_one_small_month_among_large_units_costs_a_rectangle_of_cells(tmp_path: Path) -> None:
    """The issue's case: a unit's December has 2 respondents, everything else is large.

    December alone must go, with a second month of that unit (quarter − months) and the same months of
    siblings (parent − children): the two months of the units, while every quarter, the year, October
    and the organisation stay.
    """
    definition = load_template("nki")
    units = [UnitProfile(code=c, volume=30) for c in ("A", "B", "C")]
    generated = generate_responses(
        definition,
        units,
        start=datetime(2025, 10, 1, tzinfo=UTC),
        end=datetime(2026, 1, 1, tzinfo=UTC),
        seed=5,
        comments=None,
    )
    frame = generated.frame()
    december_a = frame.index[
        (frame["unit"] == "A") & (frame["submitted_at"] >= datetime(2025, 12, 1, tzinfo=UTC))
    ]
    frame = frame.drop(december_a[2:])
    lake_from_frame(frame, definition, tmp_path / "lake")
    plan = plan_for_lake(tmp_path / "lake", definition, threshold_setting=THRESHOLD)
    found = released_cells(tmp_path / "lake", plan, "NKI")
    totals = {cell: n for cell, n in found.counts.items() if cell[2] == "" and n > 0}
    hidden = sorted(cell for cell in totals if not found.cells[cell])
    assert found.counts[("A", "2025-12", "", "")] == 2
    assert ("A", "2025-12", "", "") in hidden
    assert {(unit, period) for unit, period, _, _ in hidden} <= {
        (unit, month) for unit in ("A", "B", "C") for month in ("2025-11", "2025-12")
    }, hidden
    assert len(hidden) < len(totals) / 3


def _grid(counts: np.ndarray, sums: list[tuple[int, list[int]]]) -> np.ndarray:
    relations = grid_relations(counts.shape, 0, sums)
    return linked_suppression(counts.ravel(), np.ones(counts.size, bool), relations, threshold=THRESHOLD)


def test_the_issues_quarter_takes_a_second_month_with_the_small_one() -> None:
    # October 29, November 27, December 2, the quarter 58: December alone would be the quarter minus two
    released = _grid(np.array([29, 27, 2, 58]), [(3, [0, 1, 2])])
    assert released.tolist() == [True, False, False, True]


def test_nothing_is_hidden_when_no_group_is_small() -> None:
    months = np.array([[30, 12, 9], [8, 40, 11]])
    counts = np.concatenate([months, months.sum(axis=1, keepdims=True)], axis=1)
    shape = counts.shape
    relations = Relations.join([grid_relations(shape, 1, [(3, [0, 1, 2])]), grid_relations((2, 4), 0, [])])
    assert linked_suppression(counts.ravel(), np.ones(8, bool), relations, threshold=THRESHOLD).all()
