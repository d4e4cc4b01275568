"""Post-stratification, raking and the Kish design effect (docs/methods.md §7)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from kundpuls.errors import ConvergenceWarning, InsufficientData, InvalidArgument
from kundpuls.stats.indices import satisfaction_index
from kundpuls.stats.weighting import design_effect, poststratify, rake

E72_CELLS = [[20, 30, 70], [10, 20, 50]]
E72_TARGETS = {"gender": {"kvinna": 0.51, "man": 0.49}, "age": {"18-34": 0.30, "35-64": 0.45, "65+": 0.25}}


def e72_sample() -> pd.DataFrame:
    rows = []
    for g, gender in enumerate(("kvinna", "man")):
        for a, age in enumerate(("18-34", "35-64", "65+")):
            rows += [(gender, age)] * E72_CELLS[g][a]
    return pd.DataFrame(rows, columns=["gender", "age"])


def e71_strata() -> list[str]:
    return ["a"] * 30 + ["b"] * 50 + ["c"] * 120


def test_post_stratification_reproduces_e7_1() -> None:
    w = poststratify(e71_strata(), {"a": 0.30, "b": 0.35, "c": 0.35})
    # docs/methods.md E7.1: weights 2.0 / 1.4 / 0.5833, weighted mean 70.4, deff 1.2942, n_eff 154.54.
    assert (w[0], w[30], w[80]) == (pytest.approx(2.0), pytest.approx(1.4), pytest.approx(0.5833, abs=1e-4))
    y = np.repeat([62.0, 70.0, 78.0], [30, 50, 120])
    assert y.mean() == pytest.approx(73.6)
    assert np.average(y, weights=w) == pytest.approx(70.4, abs=1e-9)
    deff, n_eff = design_effect(w)
    assert deff == pytest.approx(1.2942, abs=1e-4)
    assert n_eff == pytest.approx(154.54, abs=1e-2)


def test_the_quick_weighted_standard_error_of_e7_1() -> None:
    deff, n_eff = design_effect(poststratify(e71_strata(), {"a": 0.30, "b": 0.35, "c": 0.35}))
    se_srs = 18 / math.sqrt(200)
    # docs/methods.md E7.1: SE_srs 1.2728 -> SE_w 1.448, half-width 2.838 (SE·√deff = s/√n_eff).
    assert se_srs == pytest.approx(1.2728, abs=1e-4)
    assert se_srs * math.sqrt(deff) == pytest.approx(1.448, abs=1e-3)
    assert 18 / math.sqrt(n_eff) == pytest.approx(1.448, abs=1e-3)
    assert 1.959964 * 18 / math.sqrt(n_eff) == pytest.approx(2.838, abs=1e-3)


def test_raking_reproduces_the_cell_weights_of_e7_2() -> None:
    sample = e72_sample()
    w = rake(sample, E72_TARGETS)
    cells = sample.assign(w=w).groupby(["gender", "age"])["w"].first().unstack()
    # docs/methods.md E7.2 (identical with the ipfn package), 4 decimals -> tolerance 1e-4.
    expected = [[1.6932, 1.4785, 0.3397], [2.6136, 2.2822, 0.5244]]
    np.testing.assert_allclose(cells.loc[["kvinna", "man"], ["18-34", "35-64", "65+"]], expected, atol=1e-4)
    deff, n_eff = design_effect(w)
    assert deff == pytest.approx(1.5861, abs=1e-4)
    assert n_eff == pytest.approx(126.09, abs=1e-2)


def test_raking_converges_in_six_cycles_as_in_e7_2() -> None:
    sample = e72_sample()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        rake(sample, E72_TARGETS, max_iter=6)
    with pytest.warns(ConvergenceWarning, match="max_iter = 5"):
        rake(sample, E72_TARGETS, max_iter=5)


def test_raked_weights_meet_every_margin_and_sum_to_the_requested_total() -> None:
    sample = e72_sample()
    w = rake(sample, E72_TARGETS, total=1000.0)
    assert w.sum() == pytest.approx(1000.0)
    for margin, targets in E72_TARGETS.items():
        for category, share in targets.items():
            assert w[sample[margin] == category].sum() / w.sum() == pytest.approx(share, abs=1e-10)


def test_raking_starts_from_design_weights() -> None:
    sample = e72_sample()
    base = np.where(sample["age"] == "65+", 0.5, 1.0)
    w = rake(sample, {"gender": {"kvinna": 0.5, "man": 0.5}}, base_weights=base)
    # One margin: weights within a gender keep their design-weight ratios.
    women = (sample["gender"] == "kvinna").to_numpy()
    ratio = w[women] / base[women]
    assert np.ptp(ratio) == pytest.approx(0.0, abs=1e-12)


def test_weighted_index_with_raked_weights_reports_the_kish_n() -> None:
    sample = e72_sample()
    w = rake(sample, E72_TARGETS)
    items = np.where(sample["age"] == "65+", 9.0, 6.0).reshape(-1, 1)
    r = satisfaction_index(items, sample_weights=w)
    assert r.n == 200 and r.n_eff == pytest.approx(126.09, abs=1e-2)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: rake(e72_sample(), {"region": {"a": 1.0}}), InvalidArgument, "sample: margin 'region'"),
        (
            lambda: rake(e72_sample(), {"gender": {"kvinna": 1.0}}),
            InvalidArgument,
            "category 'man' of margin 'gender' has no target",
        ),
        (
            lambda: rake(e72_sample(), {"gender": {"kvinna": 0.5, "man": 0.4, "annat": 0.1}}),
            InvalidArgument,
            "category 'annat' has no respondents; collapse",
        ),
        (
            lambda: rake(e72_sample(), {"gender": {"kvinna": -1, "man": 2}}),
            InvalidArgument,
            "target of 'kvinna'",
        ),
        (lambda: rake(e72_sample(), E72_TARGETS, max_iter=0), InvalidArgument, "max_iter: 0"),
        (
            lambda: rake({"g": ["a", "b"], "h": ["a"]}, {"g": {"a": 1, "b": 1}, "h": {"a": 1}}),
            InvalidArgument,
            "'h' has 1 rows",
        ),
        (lambda: design_effect([]), InsufficientData, "weights"),
        (lambda: design_effect([1.0, -2.0]), InvalidArgument, "weights: negative weight -2"),
        (lambda: poststratify(["a", "x"], {"a": 1.0}), InvalidArgument, "cells: cell 'x'"),
        (lambda: poststratify(["a"], {"a": 0.5, "b": 0.5}), InvalidArgument, "cell 'b' has share 0.5"),
    ],
)
def test_it_rejects_bad_input(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call()


def test_trimmed_raking_caps_the_weights_and_still_meets_the_margins() -> None:
    sample = e72_sample()
    untrimmed = rake(sample, E72_TARGETS)
    assert untrimmed.max() / np.median(untrimmed) > 4.9
    w = rake(sample, E72_TARGETS, trim=4.0, max_iter=1000)
    assert w.max() <= 4.0 * np.median(w) * (1 + 1e-9)
    for margin, targets in E72_TARGETS.items():
        for category, share in targets.items():
            assert w[sample[margin] == category].sum() / w.sum() == pytest.approx(share, abs=1e-8)
    assert design_effect(w)[0] < design_effect(untrimmed)[0]


def test_it_rejects_a_trim_factor_of_one_or_less() -> None:
    with pytest.raises(InvalidArgument, match="trim: 1"):
        rake(e72_sample(), E72_TARGETS, trim=1)
