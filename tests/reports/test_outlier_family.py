"""Funnel outliers are one family per period: Benjamini–Hochberg across every sibling group of the survey,
the same flag on the unit page and the overview (docs/statistics.md, "What a flag means")."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control

from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.instruments import SurveyDefinition, load_template
from kundpuls.reports import cache
from kundpuls.reports.frame_lake import lake_from_frame
from kundpuls.reports.frame_lookup import frame_lookup
from kundpuls.reports.funnel import outlier_family
from kundpuls.reports.index_frames import FRAME_COLUMNS, IndexPlan
from kundpuls.reports.overview import organisation_overview
from kundpuls.reports.unit_report import period_outliers, survey_lookup, survey_plan, unit_report
from kundpuls.stats import funnel_means

#: Two sibling groups under the root, five units each; one unit of each group sits well above its group.
GROUPS = {"P1": ["A1", "A2", "A3", "A4", "A5"], "P2": ["B1", "B2", "B3", "B4", "B5"]}
HIGH = {"A1", "B1"}
PERIODS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


@pytest.fixture(scope="module")
def two_groups(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SurveyDefinition, dict[str, str]]:
    definition = load_template("nki")
    units = [
        UnitProfile(code=code, volume=25 + 5 * i, shifts={"NKI": 0.9} if code in HIGH else {})
        for codes in GROUPS.values()
        for i, code in enumerate(codes)
    ]
    generated = generate_responses(
        definition,
        units,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2026, 1, 1, tzinfo=UTC),
        seed=23,
    )
    parents = {code: group for group, codes in GROUPS.items() for code in codes} | {"P1": "ALL", "P2": "ALL"}
    path = tmp_path_factory.mktemp("outliers") / "lake"
    _, names = lake_from_frame(generated.frame(), definition, path, parents=parents)
    cache.clear()
    return path, definition, names


def _reference(path: Path, definition: SurveyDefinition, period: str) -> dict[str, str]:
    """The family computed apart from the product: each group's funnel p-values, then scipy's BH on all."""
    plan = survey_plan(path, definition, threshold_setting=7)
    found = survey_lookup(path, plan, period_kind="quarter")
    codes: list[str] = []
    sides: list[str] = []
    p_values: list[float] = []
    for group in ("ALL", *GROUPS):  # the root's children (P1, P2) are only two: no funnel
        parent = found.paths.get(group, "")
        rows = pd.DataFrame(list(found.children_of(parent, "NKI", period)))
        if rows.empty:
            continue
        rows = rows[~rows["suppressed"].astype(bool)]
        if len(rows) < 3:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = funnel_means(
                rows["estimate"].to_numpy(float), rows["sd"].to_numpy(float), rows["n"].to_numpy(float)
            )
        codes += list(rows["unit"])
        sides += ["above" if e > result.target else "below" for e in rows["estimate"]]
        p_values += list(result.p_values())
    adjusted = false_discovery_control(np.asarray(p_values))
    return {c: s for c, s, q in zip(codes, sides, adjusted, strict=True) if q <= 0.05}


def test_the_family_is_benjamini_hochberg_across_every_sibling_group(
    two_groups: tuple[Path, SurveyDefinition, dict[str, str]],
) -> None:
    path, definition, _ = two_groups
    plan = survey_plan(path, definition, threshold_setting=7)
    flagged_any = set()
    for period in PERIODS:
        family = period_outliers(path, plan, period, period_kind="quarter")
        assert family == _reference(path, definition, period)
        flagged_any |= {code for code, side in family.items() if side == "above"}
    # the planted units stand out in some quarter; no alike unit is flagged above
    assert flagged_any & HIGH
    assert not flagged_any - HIGH


def test_the_unit_page_and_the_overview_show_the_same_outliers(
    two_groups: tuple[Path, SurveyDefinition, dict[str, str]],
) -> None:
    path, definition, names = two_groups
    units = ["ALL", "P1", "P2", *GROUPS["P1"], *GROUPS["P2"]]
    shown = 0
    for period in PERIODS:
        overview = organisation_overview(
            path, definition, units, names=names, period=period, threshold_setting=7
        )
        for row in overview.rows:
            report = unit_report(
                path, definition, row.unit_code, names=names, period=period, threshold_setting=7
            )
            focus = [p for p in report.funnel.points if p.is_focus] if report.funnel is not None else []
            on_page = bool(focus and focus[0].outlier)
            assert on_page == (row.outlier is not None), (period, row.unit_code)
            shown += on_page
        other = organisation_overview(
            path, definition, units, names=names, period=period, threshold_setting=7, index="BEMOTANDE"
        )
        assert all(row.outlier is None for row in other.rows)  # the funnel is of the main index only
    assert shown


def _frame(groups: dict[str, list[float]]) -> pd.DataFrame:
    """Frame rows of NKI in one quarter: units ``G1``… under the parent ``G`` under ``ALL``; sd 20, n 100."""
    rows = [
        {
            "unit": f"{group}{i}",
            "unit_path": f"/ALL/{group}/{group}{i}/",
            "depth": 2,
            "period": "2025-Q1",
            "period_start": pd.Timestamp("2025-01-01"),
            "segment": "",
            "index": "NKI",
            "kind": "index",
            "estimate": estimate,
            "ci_low": estimate - 4,
            "ci_high": estimate + 4,
            "n": 100,
            "sd": 20.0,
            "promoters": 0,
            "detractors": 0,
            "suppressed": False,
            "method": "t",
        }
        for group, estimates in groups.items()
        for i, estimate in enumerate(estimates)
    ]
    return pd.DataFrame(rows, columns=list(FRAME_COLUMNS))


def test_a_unit_that_stands_out_in_its_own_group_is_not_flagged_when_the_family_is_large() -> None:
    plan = IndexPlan("nki", ("NKI",), {}, {}, {}, None, "NKI", 7, 7)
    group = [70.0, 70.5, 69.5, 70.2, 76.5]
    quiet = {name: [70.0, 70.4, 69.6, 70.2, 69.8] for name in ("H", "J", "K", "L", "M", "N")}
    alone = outlier_family(frame_lookup(_frame({"G": group})), plan, "2025-Q1")
    assert alone == {"G4": "above"}  # its own group's Benjamini–Hochberg flags it
    many = outlier_family(frame_lookup(_frame({"G": group} | quiet)), plan, "2025-Q1")
    assert many == {}  # among 35 tests its p-value is what chance gives one of them


def test_three_units_are_not_compared_however_far_one_lies() -> None:
    # one unit far below pulls the target so far that the other two would look above it too
    plan = IndexPlan("nki", ("NKI",), {}, {}, {}, None, "NKI", 7, 7)
    assert outlier_family(frame_lookup(_frame({"G": [75.0, 75.5, 40.0]})), plan, "2025-Q1") == {}
    four = outlier_family(frame_lookup(_frame({"G": [75.0, 75.5, 74.5, 40.0]})), plan, "2025-Q1")
    assert four.get("G3") == "below"
