"""The unit report's numbers equal a direct computation on the respondents, and hidden groups carry none."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from kundpuls.errors import InvalidArgument, NotFound
from kundpuls.reports.unit_report import unit_report
from kundpuls.stats.shrinkage import shrink_means

SMALL = "SMALL"  # see conftest.py: fewer responses than the threshold in every quarter
CHANGED = "B"  # see conftest.py: bemötande rises by 1.5 latent SD from July 2025
SmallLake = Any


def _quarter(frame: pd.DataFrame) -> pd.Series:
    local = frame["submitted_at"].dt.tz_convert("Europe/Stockholm")
    return local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str)


def _index_values(small_lake: SmallLake, index: str) -> pd.Series:
    """Respondent-level index (listwise complete, equal weights, 1–10 mapped to 0–100)."""
    items = list(small_lake.definition.codebook.indices[index].items)
    values = small_lake.frame[items]
    return (100 * (values - 1) / 9).mean(axis=1).where(values.notna().all(axis=1))


def test_the_headline_equals_the_mean_and_t_or_z_interval_of_the_respondents(small_lake: SmallLake) -> None:
    report = unit_report(
        small_lake.path,
        small_lake.definition,
        "A",
        names=small_lake.names,
        period="2025-Q3",
        threshold_setting=7,
    )
    frame = small_lake.frame
    values = _index_values(small_lake, "NKI")[
        (frame["unit"] == "A") & (_quarter(frame) == "2025-Q3")
    ].dropna()
    headline = report.headline
    assert headline is not None and headline.value.key == "NKI"
    # same estimator on the same respondents: equal to rounding error (1e-9)
    assert headline.value.n == len(values)
    assert headline.value.estimate == pytest.approx(values.mean(), abs=1e-9)
    half = 1.959963984540054 * values.std(ddof=1) / np.sqrt(len(values))  # n ≥ 30: z interval
    assert headline.value.ci_low == pytest.approx(values.mean() - half, abs=1e-6)
    assert headline.value.ci_high == pytest.approx(values.mean() + half, abs=1e-6)


def test_a_planted_change_is_flagged_significant_and_its_direction_is_right(small_lake: SmallLake) -> None:
    report = unit_report(
        small_lake.path, small_lake.definition, CHANGED, period="2025-Q3", threshold_setting=7
    )
    bem = next(h for h in report.headlines if h.value.key == "BEMOTANDE")
    assert (
        bem.change is not None and bem.change.previous_period == "2025-Q1–2025-Q2"
    )  # the quarters before, pooled
    assert bem.change.significant
    assert bem.change.difference is not None and bem.change.difference > 0


def test_a_change_is_not_called_significant_when_nothing_changed(small_lake: SmallLake) -> None:
    report = unit_report(small_lake.path, small_lake.definition, "A", period="2025-Q2", threshold_setting=7)
    flagged = [h.value.key for h in report.headlines if h.change is not None and h.change.significant]
    # five indices at the 5 % level: at most one false alarm is plausible; this seed gives none
    assert len(flagged) <= 1


def test_it_suppresses_groups_under_the_threshold(small_lake: SmallLake) -> None:
    report = unit_report(small_lake.path, small_lake.definition, SMALL, period="2025-Q3", threshold_setting=7)
    for headline in report.headlines:
        value = headline.value
        assert value.suppressed
        assert (value.estimate, value.ci_low, value.ci_high, value.n) == (None, None, None, None)
        assert headline.change is None
    assert all(p.value.suppressed and p.value.n is None for p in report.trend)
    assert report.comments is not None and report.comments.suppressed and not report.comments.themes


def test_the_funnel_shows_siblings_and_hides_small_ones(small_lake: SmallLake) -> None:
    report = unit_report(small_lake.path, small_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    assert report.funnel is not None
    codes = {p.unit_code: p for p in report.funnel.points}
    assert {"A", "B", "C", "D"} <= set(codes)
    assert codes["A"].is_focus
    if SMALL in codes:
        assert codes[SMALL].suppressed and codes[SMALL].estimate is None and codes[SMALL].n is None
    for limit in report.funnel.limits:
        assert limit.lower_998 <= limit.lower_95 <= report.funnel.target <= limit.upper_95 <= limit.upper_998


def test_the_funnel_gives_each_shown_sibling_its_shrunk_estimate_beside_the_raw_one(
    small_lake: SmallLake,
) -> None:
    report = unit_report(small_lake.path, small_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    assert report.funnel is not None
    shown = [p for p in report.funnel.points if not p.suppressed]
    frame = small_lake.frame
    values = _index_values(small_lake, "NKI")
    in_quarter = _quarter(frame) == "2025-Q3"
    per_unit = [values[(frame["unit"] == p.unit_code) & in_quarter].dropna() for p in shown]
    means = np.array([v.mean() for v in per_unit])
    ses = np.array([v.std(ddof=1) / np.sqrt(len(v)) for v in per_unit])
    expected = shrink_means(means, ses, ns=[len(v) for v in per_unit])
    # the same respondents through kundpuls.stats.shrinkage: equal to rounding error
    assert report.funnel.pooled_mean == pytest.approx(expected.prior_mean, abs=1e-9)
    assert report.funnel.between_unit_variance == pytest.approx(expected.tau2, rel=1e-9, abs=1e-9)
    for point, raw, shrunk, low, high in zip(
        shown, means, expected.estimate, expected.ci_low, expected.ci_high, strict=True
    ):
        assert point.estimate == pytest.approx(raw, abs=1e-9)
        assert point.shrunk_estimate == pytest.approx(shrunk, abs=1e-9)
        assert point.shrunk_ci_low == pytest.approx(max(low, 0.0), abs=1e-9)
        assert point.shrunk_ci_high == pytest.approx(min(high, 100.0), abs=1e-9)
        # pulled towards the pooled mean, never past it
        lo, hi = sorted((raw, expected.prior_mean))
        assert lo - 1e-9 <= point.shrunk_estimate <= hi + 1e-9
        assert point.shrunk_ci_low <= point.shrunk_estimate <= point.shrunk_ci_high
    assert report.funnel.focus is not None and report.funnel.focus.unit_code == "A"
    if SMALL in {p.unit_code for p in report.funnel.points}:
        small = next(p for p in report.funnel.points if p.unit_code == SMALL)
        assert small.shrunk_estimate is None and small.shrunk_ci_low is None


def test_the_driver_analysis_finds_the_true_strongest_driver_at_the_top_level(small_lake: SmallLake) -> None:
    report = unit_report(small_lake.path, small_lake.definition, "ALL", period="2025-Q3", threshold_setting=7)
    assert report.drivers is not None
    strongest = max(report.drivers.rows, key=lambda r: r.effect)
    assert strongest.key == small_lake.generated.truth.strongest_driver
    assert 0 < report.drivers.r_squared < 1
    assert all(r.quadrant == "Prioritera" for r in report.drivers.improve_first())


def test_comparison_has_unit_parent_and_whole_organisation_only_when_they_exist(
    small_lake: SmallLake,
) -> None:
    report = unit_report(small_lake.path, small_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    roles = {r.role for r in report.comparison}
    assert roles == {"unit", "parent"}  # A hangs directly under the root: the parent is the organisation
    nki = [r for r in report.comparison if r.value.key == "NKI"]
    assert all(not r.value.suppressed for r in nki)


def test_comments_are_grouped_by_theme_when_enough_people_responded(small_lake: SmallLake) -> None:
    report = unit_report(
        small_lake.path, small_lake.definition, CHANGED, period="2025-Q3", threshold_setting=7
    )
    assert report.comments is not None and not report.comments.suppressed
    assert report.comments.comments > 0
    assert report.comments.themes
    assert all(t.count >= 1 and 0 < t.share <= 1 for t in report.comments.themes)
    hidden = unit_report(
        small_lake.path,
        small_lake.definition,
        CHANGED,
        period="2025-Q3",
        include_comments=False,
        threshold_setting=7,
    )
    assert hidden.comments is None


def test_a_segment_filters_every_number(small_lake: SmallLake) -> None:
    whole = unit_report(small_lake.path, small_lake.definition, "ALL", period="2025-Q3", threshold_setting=7)
    women = unit_report(
        small_lake.path,
        small_lake.definition,
        "ALL",
        period="2025-Q3",
        segment="kon",
        segment_value="woman",
        threshold_setting=7,
    )
    assert women.segment_value == "woman"
    assert women.headlines[0].value.n is not None and whole.headlines[0].value.n is not None
    assert women.headlines[0].value.n < whole.headlines[0].value.n
    assert women.funnel is None and women.comments is None


def test_unknown_units_and_periods_are_refused_by_name(small_lake: SmallLake) -> None:
    with pytest.raises(NotFound, match="NOPE"):
        unit_report(small_lake.path, small_lake.definition, "NOPE", threshold_setting=7)
    with pytest.raises(InvalidArgument, match="1999-Q1"):
        unit_report(small_lake.path, small_lake.definition, "A", period="1999-Q1", threshold_setting=7)
