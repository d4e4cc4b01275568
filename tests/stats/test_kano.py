"""Kano classification, Better/Worse and continuous scores (docs/methods.md §4, E4.1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kundpuls.errors import InvalidArgument, SmallSampleWarning
from kundpuls.stats.kano import EVALUATION_TABLE, kano

LIKE, EXPECT, NEUTRAL, LIVE, DISLIKE = 1, 2, 3, 4, 5
E41_PAIRS = (
    [(LIKE, NEUTRAL)] * 4
    + [(LIKE, LIVE)] * 3
    + [(LIKE, DISLIKE)] * 5
    + [(EXPECT, DISLIKE)] * 2
    + [(NEUTRAL, DISLIKE)] * 2
    + [(NEUTRAL, NEUTRAL)] * 2
    + [(EXPECT, NEUTRAL)]
    + [(DISLIKE, LIKE)]
)


def e41() -> tuple[list[int], list[int]]:
    return [p[0] for p in E41_PAIRS], [p[1] for p in E41_PAIRS]


def test_it_reproduces_counts_category_and_coefficients_of_e4_1() -> None:
    f = kano(*e41())[0]
    # docs/methods.md E4.1: A 7, O 5, M 4, I 3, R 1, Q 0; category A; Better 0.6316; Worse −0.4737.
    assert f.counts == {"A": 7, "O": 5, "M": 4, "I": 3, "R": 1, "Q": 0}
    assert f.category == "A"
    assert f.better == pytest.approx(0.6316, abs=1e-4)
    assert f.worse == pytest.approx(-0.4737, abs=1e-4)


def test_it_reproduces_the_continuous_scores_of_e4_1_without_reverse_pairs() -> None:
    f = kano(*e41())[0]
    # docs/methods.md E4.1: 19 pairs, functional 2.8421, dysfunctional 2.2105.
    assert f.n_continuous == 19
    assert f.functional_mean == pytest.approx(2.8421, abs=1e-4)
    assert f.dysfunctional_mean == pytest.approx(2.2105, abs=1e-4)


def test_the_evaluation_table_has_the_published_corners() -> None:
    # Berger et al. (1993): like/like and dislike/dislike questionable, like/dislike one-dimensional.
    assert EVALUATION_TABLE[0][0] == "Q" and EVALUATION_TABLE[4][4] == "Q"
    assert EVALUATION_TABLE[0][4] == "O" and EVALUATION_TABLE[2][4] == "M" and EVALUATION_TABLE[4][0] == "R"


def test_ties_are_broken_must_be_before_one_dimensional_before_attractive() -> None:
    functional = [LIKE] * 4 + [EXPECT] * 4 + [LIKE] * 4  # A ×4, M ×4, O ×4
    dysfunctional = [NEUTRAL] * 4 + [DISLIKE] * 4 + [DISLIKE] * 4
    assert kano(functional, dysfunctional, threshold=0)[0].category == "M"
    assert (
        kano(functional[:4] + functional[8:], dysfunctional[:4] + dysfunctional[8:], threshold=0)[0].category
        == "O"
    )


def test_it_accepts_labels_in_english_and_swedish_and_skips_incomplete_pairs() -> None:
    functional = pd.DataFrame({"app": ["Like", "gillar", "I like it", None, "like", "like", "Like", "like"]})
    dysfunctional = pd.DataFrame({"app": ["neutral"] * 7 + ["ogillar"]})
    result = kano(functional, dysfunctional)
    f = result["app"]
    assert f.n == 7 and f.counts["A"] == 6 and f.counts["O"] == 1
    assert list(result.summary()["feature"]) == ["app"]


def test_it_suppresses_features_with_too_few_pairs_but_keeps_the_counts() -> None:
    f = kano([LIKE, LIKE], [NEUTRAL, NEUTRAL])[0]
    assert f.suppressed and f.category is None and f.better is None and f.counts["A"] == 2


def test_it_warns_on_a_low_base() -> None:
    with pytest.warns(SmallSampleWarning, match="n = 20"):
        kano(*e41())


def test_better_and_worse_stay_in_their_ranges_for_many_features() -> None:
    rng = np.random.default_rng(5)
    result = kano(rng.integers(1, 6, size=(200, 8)), rng.integers(1, 6, size=(200, 8)))
    for f in result.features:
        assert f.better is not None and 0 <= f.better <= 1
        assert f.worse is not None and -1 <= f.worse <= 0
        assert sum(f.counts.values()) == f.n == 200


@pytest.mark.parametrize(
    ("functional", "dysfunctional", "message"),
    [
        ([[1, 2]], [[1]], "mismatched shapes"),
        ([6], [1], "functional: answer code 6"),
        (["love it"], ["like"], "functional: unknown answer 'love it'"),
    ],
)
def test_it_rejects_bad_answers(functional, dysfunctional, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument, match=message):
        kano(functional, dysfunctional)
