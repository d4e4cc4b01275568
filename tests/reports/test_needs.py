"""Kano and Van Westendorp sections of the unit report: equal to kundpuls.stats on the same respondents."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from kundpuls.instruments import kano_pairs, price_modules
from kundpuls.reports.unit_report import unit_report
from kundpuls.stats.kano import CATEGORIES, kano
from kundpuls.stats.price import price_sensitivity

SMALL = "SMALL"  # see conftest.py: fewer responses than the threshold in every quarter
SmallLake = Any
#: The true Kano categories of conftest.py's needs_lake.
NEEDS_KANO = {"arendestatus": "M", "esignering": "O", "kartunderlag": "A", "chatt": "I", "sms_beslut": "A"}

PARTS = ("too_cheap", "cheap", "expensive", "too_expensive")


def _respondents(frame: pd.DataFrame, units: set[str] | None, period: str | None) -> pd.DataFrame:
    local = pd.to_datetime(frame["submitted_at"], utc=True).dt.tz_convert(ZoneInfo("Europe/Stockholm"))
    quarter = local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str)
    keep = np.ones(len(frame), dtype=bool)
    if units is not None:
        keep &= frame["unit"].isin(units).to_numpy()
    if period is not None:
        keep &= (quarter == period).to_numpy()
    return frame[keep]


def test_the_kano_section_equals_kundpuls_stats_on_the_same_respondents(needs_lake: SmallLake) -> None:
    report = unit_report(needs_lake.path, needs_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    rows = _respondents(needs_lake.frame, {"A"}, "2025-Q3")
    pairs = kano_pairs(needs_lake.definition)
    direct = kano(
        rows[[f for _, f, _ in pairs]].to_numpy(dtype=object),
        rows[[d for _, _, d in pairs]].to_numpy(dtype=object),
        features=[k for k, _, _ in pairs],
    )
    assert report.kano is not None and not report.kano.suppressed
    for shown, expected in zip(report.kano.features, direct.features, strict=True):
        assert shown.key == expected.name and shown.n == expected.n and shown.n > 100
        assert shown.category == expected.category == NEEDS_KANO[shown.key]
        # the same counts through the same function: equal up to float rounding (1e-12)
        assert shown.better == pytest.approx(expected.better, abs=1e-12)
        assert shown.worse == pytest.approx(expected.worse, abs=1e-12)
        for category in CATEGORIES:
            assert shown.share(category) == pytest.approx(expected.counts[category] / expected.n, abs=1e-12)
        assert shown.label and not shown.low_base


def test_the_price_section_equals_kundpuls_stats_and_finds_the_true_points(needs_lake: SmallLake) -> None:
    report = unit_report(needs_lake.path, needs_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    module = price_modules(needs_lake.definition)[0]
    rows = _respondents(needs_lake.frame, {"A"}, "2025-Q3")
    answered = rows[[module[p] for p in (*PARTS, "intent_cheap", "intent_expensive")]].notna().any(axis=1)
    rows = rows[answered]
    direct = price_sensitivity(
        *(rows[module[p]].to_numpy(dtype=float) for p in PARTS),
        intent_cheap=rows[module["intent_cheap"]].to_numpy(dtype=float),
        intent_expensive=rows[module["intent_expensive"]].to_numpy(dtype=float),
    )
    (section,) = report.prices
    assert not section.suppressed and section.currency == "SEK"
    assert (section.n, section.n_invalid) == (direct.n, direct.n_invalid)
    # count-based crossings on the same grid: exactly equal
    assert (section.pmc, section.opp, section.idp, section.pme) == (
        direct.pmc,
        direct.opp,
        direct.idp,
        direct.pme,
    )
    assert (section.trial_price, section.revenue_price) == (direct.trial_price, direct.revenue_price)
    curves = direct.curves()
    assert [p.price for p in section.curves] == curves["price"].tolist()
    for name in ("too_cheap", "cheap", "expensive", "too_expensive"):
        assert [getattr(p, name) for p in section.curves] == pytest.approx(curves[name].tolist(), abs=1e-12)
    truth = needs_lake.generated.truth.needs.price_points
    for name in ("pmc", "opp", "idp", "pme"):
        # one unit and quarter (n ≈ 130): within 10 % of the true point
        assert getattr(section, name) == pytest.approx(truth[name], rel=0.10)


def test_the_whole_year_finds_every_true_kano_category_at_the_top(needs_lake: SmallLake) -> None:
    report = unit_report(
        needs_lake.path, needs_lake.definition, "ALL", period="2025", period_kind="year", threshold_setting=7
    )
    assert report.kano is not None
    assert {f.key: f.category for f in report.kano.features} == NEEDS_KANO
    truth = needs_lake.generated.truth.needs.price_points
    (section,) = report.prices
    for name in ("pmc", "opp", "idp", "pme"):
        # n ≈ 850 over the year: within 4 %
        assert getattr(section, name) == pytest.approx(truth[name], rel=0.04)


def test_sections_are_hidden_with_no_numbers_under_the_threshold(needs_lake: SmallLake) -> None:
    small = _respondents(needs_lake.frame, {SMALL}, "2025-Q2")
    assert 0 < len(small) < 7
    report = unit_report(needs_lake.path, needs_lake.definition, SMALL, period="2025-Q2", threshold_setting=7)
    assert report.kano is not None and report.kano.suppressed and report.kano.respondents is None
    for feature in report.kano.features:
        assert feature.suppressed and feature.n is None and feature.shares == () and feature.category is None
        assert feature.better is None and feature.worse is None
    (section,) = report.prices
    assert section.suppressed and section.n is None and section.curves == () and section.pme is None


def test_a_survey_without_the_modules_has_no_sections(small_lake: SmallLake) -> None:
    report = unit_report(small_lake.path, small_lake.definition, "A", threshold_setting=7)
    assert report.kano is None and report.prices == ()


def test_a_segment_restricts_the_kano_respondents(needs_lake: SmallLake) -> None:
    whole = unit_report(needs_lake.path, needs_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    part = unit_report(
        needs_lake.path,
        needs_lake.definition,
        "A",
        period="2025-Q3",
        segment="etjanst",
        segment_value="bygglov",
        threshold_setting=7,
    )
    rows = _respondents(needs_lake.frame, {"A"}, "2025-Q3")
    expected = int((rows["etjanst"] == "bygglov").sum())
    assert part.kano is not None and whole.kano is not None
    assert part.kano.respondents == expected < (whole.kano.respondents or 0)
