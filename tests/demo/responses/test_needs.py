"""The e-service demo survey: known Kano categories and a known price distribution are found again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kundpuls.demo.demo_plan import SERVICE_NEEDS_KANO, demo_plan
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.demo.responses.needs import expected_kano_shares, true_price_points
from kundpuls.errors import InvalidArgument
from kundpuls.instruments import load_template, validate_answers
from kundpuls.stats.kano import kano
from kundpuls.stats.price import price_sensitivity

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
SBF = ["SBF-BYGG", "SBF-MHS", "SBF-LANT", "SBF-GATA"]


@pytest.fixture(scope="module")
def generated():
    definition = load_template("tjanstebehov")
    return definition, demo_plan("tjanstebehov", SBF, now=NOW).generate(definition, comments=None)


def test_the_plan_gives_about_1500_valid_responses_with_a_small_unit(generated) -> None:
    definition, data = generated
    assert 1_000 <= len(data) <= 2_000
    plan = demo_plan("tjanstebehov", SBF, now=NOW)
    assert [u.code for u in plan.units if u.volume * 3 < 7] == ["SBF-LANT"]
    for response in data.responses[::7]:
        validate_answers(definition, response.as_input())


def test_the_true_kano_categories_are_found_with_their_expected_shares(generated) -> None:
    _, data = generated
    frame = data.frame()
    features = list(SERVICE_NEEDS_KANO)
    result = kano(
        frame[[f"{k}_functional" for k in features]].to_numpy(dtype=object),
        frame[[f"{k}_dysfunctional" for k in features]].to_numpy(dtype=object),
        features=features,
    )
    assert data.truth.needs.kano_categories == SERVICE_NEEDS_KANO
    for feature in result.features:
        assert feature.category == SERVICE_NEEDS_KANO[feature.name]
        expected = expected_kano_shares(SERVICE_NEEDS_KANO[feature.name], data.truth.needs.kano_purity)
        for category, count in feature.counts.items():
            # binomial sd at n ≈ 1 500 is ≤ 0.013: 0.04 is three sd
            assert count / feature.n == pytest.approx(expected[category], abs=0.04)


def test_the_price_points_fall_where_the_truth_puts_them(generated) -> None:
    _, data = generated
    frame = data.frame()
    parts = ("too_cheap", "cheap", "expensive", "too_expensive")
    result = price_sensitivity(*(frame[f"snabbspar_{p}"].to_numpy(dtype=float) for p in parts))
    truth = data.truth.needs.price_points
    assert truth == true_price_points(1500.0)
    assert truth["pmc"] < truth["opp"] < truth["idp"] < truth["pme"]
    for name in ("pmc", "opp", "idp", "pme"):
        # prices are rounded to 10 kr and n ≈ 1 300: within 4 % of the true point (measured ≤ 1.3 %)
        assert getattr(result, name) == pytest.approx(truth[name], rel=0.04)


def test_other_surveys_are_untouched_and_bad_kano_truths_are_named() -> None:
    definition = load_template("kano")
    units = [UnitProfile(code="A", volume=20)]
    start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)
    data = generate_responses(definition, units, start=start, end=end, seed=3, comments=None)
    assert data.truth.needs.kano_categories == {}
    with pytest.raises(InvalidArgument, match="kano_categories"):
        generate_responses(
            definition, units, start=start, end=end, seed=3, comments=None, kano_categories={"nej": "A"}
        )
    with pytest.raises(InvalidArgument, match="kano_categories"):
        generate_responses(
            definition, units, start=start, end=end, seed=3, comments=None, kano_categories={"chatt": "X"}
        )
