"""Driver analysis from a group's moments equals fitting its rows (PLSPathModel + driver_analysis)."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.demo.structural import example_nki_model, simulate_survey
from kundpuls.errors import InsufficientData, InvalidArgument
from kundpuls.stats.pls import PLSPathModel, driver_analysis
from kundpuls.stats.pls.moments import drivers_from_moments


@pytest.mark.parametrize(("n", "seed", "scheme"), [(3000, 8, "path"), (120, 3, "path"), (400, 5, "centroid")])
def test_moments_give_what_the_rows_give(n: int, seed: int, scheme: str) -> None:
    truth = example_nki_model()
    frame = simulate_survey(truth, n, seed=seed).to_frame()
    spec = truth.to_model_mapping()
    model = PLSPathModel(spec, scheme=scheme).fit(frame)
    table = driver_analysis(model, frame, target="NKI", scales=(1, 10)).table.set_index("construct")
    # extra columns in the moments are ignored; the order of the indicators does not matter
    columns = list(frame.columns)[::-1]
    values = frame[columns].to_numpy(dtype=float)
    found = drivers_from_moments(
        spec,
        columns,
        values.mean(axis=0),
        np.cov(values, rowvar=False, ddof=1),
        len(frame),
        target="NKI",
        scales=(1, 10),
        scheme=scheme,
    )
    assert set(found.effects) == set(table.index)
    for construct in table.index:  # tolerance: rounding only (both are the same closed-form functions)
        assert found.effects[construct] == pytest.approx(table.loc[construct, "effect"], rel=1e-9, abs=1e-9)
        assert found.scores[construct] == pytest.approx(table.loc[construct, "score"], rel=1e-9, abs=1e-9)
        assert found.standardised[construct] == pytest.approx(
            model.total_effects_.loc[construct, "NKI"], abs=1e-9
        )
    assert found.target_index == pytest.approx(float(table["target_index"].iloc[0]), abs=1e-9)
    assert found.r_squared == pytest.approx(float(model.r_squared_["NKI"]), abs=1e-9)
    assert found.n == n


def test_too_few_respondents_or_a_missing_item_are_named() -> None:
    truth = example_nki_model()
    frame = simulate_survey(truth, 50, seed=1).to_frame()
    spec = truth.to_model_mapping()
    values = frame.to_numpy(dtype=float)
    cov = np.cov(values, rowvar=False)
    with pytest.raises(InsufficientData):
        drivers_from_moments(
            spec, list(frame.columns), values.mean(axis=0), cov, 2, target="NKI", scales=(1, 10)
        )
    with pytest.raises(InvalidArgument, match="has no moments"):
        drivers_from_moments(
            spec,
            list(frame.columns)[1:],
            values.mean(axis=0)[1:],
            cov[1:, 1:],
            50,
            target="NKI",
            scales=(1, 10),
        )
    with pytest.raises(InvalidArgument, match="target"):
        drivers_from_moments(
            spec, list(frame.columns), values.mean(axis=0), cov, 50, target="Nope", scales=(1, 10)
        )
