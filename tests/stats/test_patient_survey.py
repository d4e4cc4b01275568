"""NPE dimension scores (docs/methods.md §10, E10.3)."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.errors import InsufficientData, InvalidArgument
from kundpuls.stats.patient_survey import NPE_DIMENSIONS, npe_dimension, respondent_dimension_scores

NAN = np.nan
WEIGHTS = [0.34, 0.23, 0.43]
E103 = [[1, 1, 1], [1, 0, 1], [0, 0, 1], [1, 1, 0], [1, NAN, 1], [0, NAN, 0]]


def test_it_reproduces_the_respondent_scores_and_dimension_of_e10_3() -> None:
    scores = respondent_dimension_scores(E103, weights=WEIGHTS)
    # docs/methods.md E10.3: 1.0, 0.77, 0.43, 0.57, 1.0, 0.0 -> dimension 62.833.
    np.testing.assert_allclose(scores, [1.0, 0.77, 0.43, 0.57, 1.0, 0.0], atol=1e-12)
    r = npe_dimension(E103, weights=WEIGHTS, threshold=0)
    assert r.estimate == pytest.approx(62.833, abs=1e-3)
    assert r.n == 6


def test_proportional_renormalisation_differs_from_the_published_half_half_rule() -> None:
    # docs/methods.md §10.2: answering only questions 1 and 3: 0.50/0.50 at NPE, 0.4416/0.5584 proportionally.
    one_and_three = [[1, NAN, 0]]
    proportional = respondent_dimension_scores(one_and_three, weights=WEIGHTS)
    assert proportional[0] == pytest.approx(0.4416, abs=1e-4)
    configured = respondent_dimension_scores(
        one_and_three, weights=WEIGHTS, reduced_weights={(True, False, True): [0.5, 0.0, 0.5]}
    )
    assert configured[0] == pytest.approx(0.5)


def test_it_lists_the_seven_dimensions() -> None:
    assert len(NPE_DIMENSIONS) == 7 and "Tillgänglighet" in NPE_DIMENSIONS


def test_it_suppresses_small_groups() -> None:
    r = npe_dimension(E103, weights=WEIGHTS)
    assert r.suppressed and r.estimate is None and r.n == 6


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: npe_dimension([[2, 1, 1]], weights=WEIGHTS), InvalidArgument, "positive: 2 is not 0, 1"),
        (lambda: npe_dimension([[1, 1]], weights=WEIGHTS), InvalidArgument, "weights: 3 weights for 2"),
        (lambda: npe_dimension([[NAN, NAN, NAN]], weights=WEIGHTS), InsufficientData, "positive"),
        (
            lambda: respondent_dimension_scores(
                [[1, 1, 1]], weights=WEIGHTS, reduced_weights={(True, False, True): [0.5, 0.1, 0.5]}
            ),
            InvalidArgument,
            "reduced_weights",
        ),
    ],
)
def test_it_rejects_bad_input(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call()
