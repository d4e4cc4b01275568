"""Effektmått, the SCB priority matrix and IPA (docs/methods.md §1.5, §1.6, §6.2; E1.5, E6.2)."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.errors import InsufficientData, InvalidArgument, SmallSampleWarning
from kundpuls.stats.priority import impact, importance_performance, priority_matrix

NKI = [75, 48, 79, 50, 65, 43, 63, 56, 57, 94, 62, 67]
AREAS = np.array(
    [
        [85, 70, 90, 60, 80, 50, 88, 65, 75, 95, 68, 82],
        [62, 58, 85, 48, 60, 45, 70, 66, 52, 88, 70, 64],
        [60, 52, 70, 58, 74, 40, 62, 48, 66, 72, 55, 70],
    ],
    dtype=float,
).T
LABELS = ["Bemötande", "Info", "Tillgänglighet"]


def test_it_reproduces_the_ols_effects_of_e1_5() -> None:
    r = impact(NKI, AREAS, labels=LABELS)
    # docs/methods.md E1.5: const −14.1098, b 0.3651 / 0.5360 / 0.2546, R² 0.8575, E 1.826 / 2.680 / 1.273.
    assert r.intercept == pytest.approx(-14.1098, abs=1e-4)
    np.testing.assert_allclose(r.coefficients, [0.3651, 0.5360, 0.2546], atol=1e-4)
    assert r.r_squared == pytest.approx(0.8575, abs=1e-4)
    np.testing.assert_allclose(r.effects, [1.826, 2.680, 1.273], atol=1e-3)
    assert r.step == 5.0 and r.n == 12


def test_the_ols_coefficients_match_numpys_polyfit_route() -> None:
    # Independent route: normal equations solved with numpy.linalg.solve, tolerance 1e-9.
    design = np.column_stack([np.ones(12), AREAS])
    beta = np.linalg.solve(design.T @ design, design.T @ np.array(NKI, dtype=float))
    r = impact(NKI, AREAS)
    np.testing.assert_allclose(np.r_[r.intercept, r.coefficients], beta, rtol=1e-9)


def test_it_places_the_areas_of_e1_5_in_the_priority_matrix() -> None:
    r = impact(NKI, AREAS, labels=LABELS)
    scores = AREAS.mean(axis=0)
    # docs/methods.md E1.5: mean scores 75.667 / 64.000 / 60.583, cut lines 1.926 and 66.750.
    np.testing.assert_allclose(scores, [75.667, 64.0, 60.583], atol=1e-3)
    m = priority_matrix(r.effects, scores, labels=LABELS)
    assert m.x_cut == pytest.approx(1.926, abs=1e-3)
    assert m.y_cut == pytest.approx(66.750, abs=1e-3)
    assert dict(zip(m.labels, m.name, strict=True)) == {
        "Bemötande": "Lägre prioritet",
        "Info": "Prioritera",
        "Tillgänglighet": "Förbättra om möjligt",
    }


def test_a_point_on_a_cut_line_goes_to_the_high_side() -> None:
    m = priority_matrix([1.0, 2.0, 3.0], [50.0, 60.0, 70.0])
    assert m.name[1] == "Bevara"


def test_it_places_the_attributes_of_e6_2_in_the_ipa_quadrants() -> None:
    labels = ["Väntetid", "Bemötande", "Information", "Lokaler", "Webb", "Pris"]
    q = importance_performance([4.6, 4.5, 4.1, 3.2, 3.5, 3.9], [3.1, 4.4, 3.6, 4.2, 3.0, 3.9], labels=labels)
    # docs/methods.md E6.2: means 3.9667 / 3.7000;
    # Väntetid I, Bemötande II, Information I, Lokaler IV, Webb III, Pris IV.
    assert q.y_cut == pytest.approx(3.9667, abs=1e-4)
    assert q.x_cut == pytest.approx(3.7000, abs=1e-4)
    assert q.quadrant == ("I", "II", "I", "IV", "III", "IV")
    assert q.summary().loc[0, "name"] == "Concentrate here"


def test_it_warns_below_fifty_respondents() -> None:
    with pytest.warns(SmallSampleWarning, match="n = 12"):
        impact(NKI, AREAS)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: impact(NKI[:5], AREAS), InvalidArgument, "mismatched lengths"),
        (lambda: impact(NKI[:4], AREAS[:4]), InsufficientData, "OLS needs more"),
        (lambda: impact(NKI, np.column_stack([AREAS, AREAS[:, 0]])), InvalidArgument, "collinear"),
        (lambda: impact(NKI, AREAS, step=0), InvalidArgument, "step: 0"),
        (lambda: importance_performance([1, 2], [1]), InvalidArgument, "mismatched lengths"),
        (lambda: priority_matrix([1.0], [1.0], labels=["a", "b"]), InvalidArgument, "labels: 2 labels"),
    ],
)
def test_it_rejects_bad_input(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call()


def test_bootstrap_intervals_of_the_effects_match_a_loop_over_resamples() -> None:
    rng = np.random.default_rng(9)
    n = 80
    areas = rng.uniform(30, 95, size=(n, 3))
    nki = 5 + areas @ np.array([0.3, 0.5, 0.1]) + rng.normal(0, 6, n)
    r = impact(nki, areas, n_boot=400, random_state=1)
    assert r.effects_ci_low is not None and r.effects_ci_high is not None
    assert (r.effects_ci_low <= r.effects).all() and (r.effects <= r.effects_ci_high).all()
    # Independent route: the same resamples drawn again, one lstsq per resample.
    counts = np.random.default_rng(1).multinomial(n, np.full(n, 1 / n), size=400)
    design = np.column_stack([np.ones(n), areas])
    effects = []
    for c in counts:
        idx = np.repeat(np.arange(n), c)
        effects.append(5 * np.linalg.lstsq(design[idx], nki[idx], rcond=None)[0][1:])
    np.testing.assert_allclose(r.effects_ci_low, np.quantile(effects, 0.025, axis=0), rtol=1e-8)
    np.testing.assert_allclose(r.effects_ci_high, np.quantile(effects, 0.975, axis=0), rtol=1e-8)
    assert r.n_boot_failed == 0 and "bootstrap" in r.method
    assert {"effect_ci_low", "effect_ci_high"} <= set(r.summary().columns)
