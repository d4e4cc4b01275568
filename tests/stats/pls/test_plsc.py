"""Consistent PLS (PLSc, kundpuls.stats.pls.consistent): exact on a reflective population model."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.demo.structural import Construct, StructuralModel, example_nki_model, simulate_survey
from kundpuls.errors import ConvergenceError
from kundpuls.stats.pls.algorithm import iterate_weights
from kundpuls.stats.pls.consistent import consistent_paths
from kundpuls.stats.pls.moments import drivers_from_moments
from kundpuls.stats.pls.spec import model_from_mapping
from kundpuls.stats.pls.structure import CompiledModel


def unequal_model() -> StructuralModel:
    """Three areas measured with different reliability (loadings 0.9 / 0.75 / 0.6) → NKI."""
    constructs = (
        Construct("Bem", ("b1", "b2", "b3"), (0.92, 0.90, 0.88)),
        Construct("Inf", ("i1", "i2", "i3"), (0.78, 0.75, 0.72)),
        Construct("Till", ("t1", "t2"), (0.62, 0.58)),
        Construct("NKI", ("n1", "n2", "n3"), (0.90, 0.85, 0.80)),
    )
    areas = ("Bem", "Inf", "Till")
    return StructuralModel(
        constructs=constructs,
        paths={("Bem", "NKI"): 0.30, ("Inf", "NKI"): 0.20, ("Till", "NKI"): 0.35},
        exogenous_correlations={(a, b): 0.45 for i, a in enumerate(areas) for b in areas[i + 1 :]},
    )


def population_drivers(model: StructuralModel, *, consistent: bool) -> dict[str, float]:
    cov = model.indicator_covariance()
    found = drivers_from_moments(
        model.to_model_mapping(),
        list(model.indicators),
        np.full(len(model.indicators), 5.5),
        cov,
        10_000,
        target="NKI",
        scales=(1, 10),
        consistent=consistent,
    )
    return found.standardised


@pytest.mark.parametrize("make", [example_nki_model, unequal_model])
def test_plsc_gives_the_true_paths_of_the_population(make) -> None:
    """Dijkstra & Henseler (2015): on the population covariance PLSc is exact; PLS is attenuated."""
    model = make()
    truth = dict(zip(model.names, model.total_effects()[:, model.names.index("NKI")], strict=True))
    plsc = population_drivers(model, consistent=True)
    pls = population_drivers(model, consistent=False)
    for name, value in plsc.items():
        assert value == pytest.approx(truth[name], abs=1e-9)
    assert max(abs(pls[name] - truth[name]) for name in pls) > 0.02


def test_plsc_corrects_the_ranking_that_unequal_reliability_distorts() -> None:
    """The least reliable area has the largest true path; PLS ranks it below, PLSc first."""
    model = unequal_model()
    pls = population_drivers(model, consistent=False)
    plsc = population_drivers(model, consistent=True)
    assert max(pls, key=pls.__getitem__) != "Till"
    assert max(plsc, key=plsc.__getitem__) == "Till"


def test_plsc_in_a_sample_approaches_the_truth() -> None:
    model = unequal_model()
    survey = simulate_survey(model, 20_000, seed=3)
    frame = survey.to_frame()[list(model.indicators)].to_numpy(dtype=float)
    found = drivers_from_moments(
        model.to_model_mapping(),
        list(model.indicators),
        frame.mean(axis=0),
        np.cov(frame, rowvar=False),
        frame.shape[0],
        target="NKI",
        scales=(1, 10),
        consistent=True,
    )
    truth = dict(zip(model.names, model.total_effects()[:, model.names.index("NKI")], strict=True))
    for name, value in found.standardised.items():
        assert value == pytest.approx(truth[name], abs=0.03)


def test_an_inadmissible_reliability_is_refused() -> None:
    """Weights of opposite sign within a block give a ρ_A outside (0, 1]: an error, not a number."""
    model = example_nki_model()
    spec = model_from_mapping(model.to_model_mapping())
    compiled = CompiledModel.from_spec(spec)
    cov = model.indicator_covariance()
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    weights = iterate_weights(corr[None], compiled).weights[0].copy()
    weights[0] = -3 * weights[0]
    with pytest.raises(ConvergenceError, match="ρ_A"):
        consistent_paths(corr, weights, compiled)
