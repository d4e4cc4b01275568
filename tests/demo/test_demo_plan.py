"""The demo plan of `make demo`: two years, a modest volume, small units, and a story the data tells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from kundpuls.demo.demo_plan import DEMO_OWNERS, demo_plan, staff_rounds
from kundpuls.demo.organisation import UNITS
from kundpuls.demo.responses import GeneratedResponses
from kundpuls.errors import InvalidArgument
from kundpuls.instruments import load_template, validate_answers

from .responses.test_generate import index_scores


def _leaf_units(owner: str) -> list[str]:
    parent = {code: up for code, _, _, up in UNITS}
    parents = set(parent.values())

    def inside(code: str | None) -> bool:
        while code is not None:
            if code == owner:
                return True
            code = parent[code]
        return False

    return [code for code in parent if code not in parents and inside(code)]


NOW = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)


def test_the_demo_plan_covers_two_years_with_a_modest_volume() -> None:
    plans = {key: demo_plan(key, _leaf_units(owner), now=NOW) for key, owner in DEMO_OWNERS.items()}
    total = sum(plan.expected_count for plan in plans.values())
    assert 20_000 <= total <= 40_000
    small_units = 0
    for plan in plans.values():
        assert plan.end == NOW
        assert timedelta(days=2 * 365) < plan.end - plan.start < timedelta(days=2 * 365 + 32)
        if plan.survey_key == "staff":
            # a unit under 5 answers per survey round (about 22 days), the staff survey's threshold
            small = [u for u in plan.units if u.volume * 22 / 30.44 < 5]
        else:
            small = [u for u in plan.units if u.volume * 3 < 7]  # under 7 responses a quarter
        assert small  # so that anonymity suppression has something to do
        small_units += len(small)
    assert small_units >= 5
    staff = plans["staff"]
    assert staff.options["open_periods"] == staff_rounds(staff.start.date(), NOW.date())
    assert len(staff.options["open_periods"]) == 4


def test_the_demo_plan_is_the_same_every_run_and_tells_its_story() -> None:
    units = _leaf_units("EXK")
    a, b = demo_plan("nki", units, now=NOW), demo_plan("nki", units, now=NOW)
    assert a == b
    north = next(u for u in a.units if u.code == "VOF-HT-N")
    assert north.changes[0].construct == "BEMOTANDE" and north.changes[0].delta > 0
    with pytest.raises(InvalidArgument):
        demo_plan("nki", units, now=datetime(2026, 1, 1))


def test_the_demo_plan_generates_valid_staff_responses_in_the_survey_rounds() -> None:
    definition = load_template("staff")
    plan = demo_plan("staff", _leaf_units("EXK"), now=NOW)
    data = plan.generate(definition)
    rounds = plan.options["open_periods"]
    assert len(data) == pytest.approx(plan.expected_count, rel=0.1)
    for response in data.responses[::10]:
        validate_answers(definition, response.as_input())
        day = response.submitted_at.date()
        assert any(first <= day <= last for first, last in rounds)
    with pytest.raises(InvalidArgument):
        plan.generate(load_template("nki"))


@pytest.fixture(scope="module")
def demo_nki() -> tuple[GeneratedResponses, pd.DataFrame]:
    data = demo_plan("nki", _leaf_units("EXK"), now=NOW).generate(load_template("nki"), comments=None)
    return data, data.frame()


def test_the_demo_units_are_ordered_by_their_true_shift_on_aggregate(
    demo_nki: tuple[GeneratedResponses, pd.DataFrame],
) -> None:
    data, frame = demo_nki
    first_change = min(change.start for _, change in data.truth.changes)
    before = frame["submitted_at"] < pd.Timestamp(first_change, tz="Europe/Stockholm")
    nki_index = index_scores(frame, load_template("nki"), "NKI")[before]
    units = frame["unit"][before]
    counts = units.value_counts()
    large = counts[counts >= 150].index  # se of a unit mean ≤ 1.6 points
    observed = nki_index.groupby(units).mean()[large]
    expected = pd.Series({u: data.truth.expected_shift(u, "NKI") for u in large})
    # true shifts span about −0.37 … +0.38 sd (≈ ±6 points); rank agreement despite sampling noise
    assert observed.corr(expected, method="spearman") > 0.6
    assert observed.idxmin() == expected.idxmin() == "SOC-FÖR"


def test_the_demo_story_shows_in_the_data(demo_nki: tuple[GeneratedResponses, pd.DataFrame]) -> None:
    data, frame = demo_nki
    treatment = index_scores(frame, load_template("nki"), "BEMOTANDE")
    north = frame["unit"] == "VOF-HT-N"
    change = next(c for unit, c in data.truth.changes if unit == "VOF-HT-N")
    start = pd.Timestamp(change.start, tz="Europe/Stockholm")
    before = treatment[north & (frame["submitted_at"] < start)].mean()
    after = treatment[north & (frame["submitted_at"] >= start + pd.Timedelta(days=change.ramp_days))].mean()
    # +0.8 sd ≈ 12 index points; about 350 responses on each side (se of the difference ≈ 1.5)
    assert after - before > 7
    quarters = frame.assign(quarter=frame["submitted_at"].dt.tz_convert(None).dt.to_period("Q"))
    per_quarter = quarters.groupby(["unit", "quarter"]).size()
    assert per_quarter["KLF-ÖF"].median() < 7  # suppressed in quarterly views
