"""Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from kundpuls.errors import InvalidArgument
from kundpuls.text.log_odds import (
    distinguishing_terms,
    distinguishing_themes,
    split_scores,
    weighted_log_odds,
)


def _paper_loop(ya: list[int], yb: list[int], prior: list[int], alpha0: float) -> list[tuple[float, float]]:
    """The paper's point estimate and variance written out term by term in odds form, with plain floats."""
    pseudo = [p + 0.01 for p in prior]
    total = sum(pseudo)
    na, nb = sum(ya), sum(yb)
    out = []
    for w in range(len(ya)):
        alpha_w = alpha0 * pseudo[w] / total
        odds_a = (ya[w] + alpha_w) / (na + alpha0 - ya[w] - alpha_w)
        odds_b = (yb[w] + alpha_w) / (nb + alpha0 - yb[w] - alpha_w)
        delta = math.log(odds_a / odds_b)
        sigma2 = 1 / (ya[w] + alpha_w) + 1 / (yb[w] + alpha_w)
        out.append((delta, delta / math.sqrt(sigma2)))
    return out


counts = st.lists(st.integers(0, 60), min_size=3, max_size=12)


@settings(max_examples=60, deadline=None)
@given(a=counts, b=counts, strength=st.one_of(st.none(), st.floats(1.0, 5000.0)))
def test_it_equals_the_papers_formula_computed_term_by_term(
    a: list[int], b: list[int], strength: float | None
) -> None:
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    if sum(a) == 0 or sum(b) == 0:
        return
    prior = [x + y for x, y in zip(a, b, strict=True)]
    result = weighted_log_odds(a, b, prior_strength=strength)
    alpha0 = sum(a) + sum(b) if strength is None else strength
    expected = _paper_loop(a, b, prior, alpha0)
    # two floating-point routes to the same closed form: agree to 1e-9
    assert result.delta == pytest.approx([d for d, _ in expected], rel=1e-9, abs=1e-9)
    assert result.z == pytest.approx([z for _, z in expected], rel=1e-9, abs=1e-9)


def test_it_approximates_the_exact_dirichlet_posterior_for_large_counts() -> None:
    # Under the posterior Dirichlet(y + alpha) a term's share p is Beta(a, b) with a = y_w + alpha_w and
    # b = n + alpha0 - a, and log(p / (1 - p)) has mean digamma(a) - digamma(b) and variance
    # trigamma(a) + trigamma(b). The paper's point estimate log(a/b) and variance 1/a (per group) are the
    # large-count approximations, dropping the 1/b part (b ≫ a when the vocabulary is large).
    ya = np.array(
        [400.0, 150.0, 900.0, 250.0, 60000.0]
    )  # the last entry stands for the rest of the vocabulary
    yb = np.array([200.0, 300.0, 880.0, 120.0, 55000.0])
    prior = np.array([5000.0, 4000.0, 20000.0, 3000.0, 900000.0])
    alpha0 = 1000.0
    result = weighted_log_odds(ya, yb, prior_counts=prior, prior_strength=alpha0)
    pseudo = prior + 0.01
    alpha = alpha0 * pseudo / pseudo.sum()

    def exact(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a = y + alpha
        b = y.sum() + alpha0 - a
        return special.digamma(a) - special.digamma(b), special.polygamma(1, a) + special.polygamma(1, b)

    mean_a, var_a = exact(ya)
    mean_b, var_b = exact(yb)
    terms = slice(0, 4)
    # log(a/b) - (digamma(a) - digamma(b)) = 1/(2a) - 1/(2b) + O(1/a^2): below 0.003 for a >= 120
    assert result.delta[terms] == pytest.approx((mean_a - mean_b)[terms], abs=3e-3)
    # variance: trigamma(a) = 1/a + 1/(2a^2) + ..., and the dropped 1/b part is below 1 % here; 2 % tolerance
    assert result.variance[terms] == pytest.approx((var_a + var_b)[terms], rel=0.02)


def test_it_is_antisymmetric_and_reduces_to_the_plain_log_odds_ratio_without_prior() -> None:
    a, b = [10, 20, 30], [30, 20, 10]
    forward, backward = weighted_log_odds(a, b), weighted_log_odds(b, a)
    assert forward.delta == pytest.approx(-backward.delta)
    assert forward.z == pytest.approx(-backward.z)
    weak = weighted_log_odds(a, b, prior_strength=1e-9)
    plain = np.log(np.array(a) / (60 - np.array(a))) - np.log(np.array(b) / (60 - np.array(b)))
    assert weak.delta == pytest.approx(plain, rel=1e-6)


def test_it_rejects_bad_counts() -> None:
    with pytest.raises(InvalidArgument, match="counts_b: shape"):
        weighted_log_odds([1, 2], [1, 2, 3])
    with pytest.raises(InvalidArgument, match="non-negative"):
        weighted_log_odds([1, -2], [1, 2])
    with pytest.raises(InvalidArgument, match="prior_strength"):
        weighted_log_odds([1, 2], [1, 2], prior_strength=0)


def test_the_score_split_defaults_to_terciles_and_skips_missing_scores() -> None:
    split = split_scores([1, 2, 3, 4, 5, 6, 7, 8, 9, np.nan])
    assert split.low.sum() == 3 and split.high.sum() == 3
    assert not split.low[-1] and not split.high[-1]
    with pytest.raises(InvalidArgument, match="high_min"):
        split_scores([1, 2], low_max=5, high_min=3)


def _planted(seed: int = 1) -> tuple[list[str], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    filler = ["vi var där i går", "besöket gällde min mamma", "det var en vanlig dag", "jag kom med bil"]
    texts, scores, groups = [], [], []
    for group, complaint in (("A", "parkeringen är omöjlig"), ("B", "telefonkön är oändlig")):
        for _ in range(60):
            low = rng.random() < 0.5
            texts.append(f"{rng.choice(filler)}, {complaint if low else 'personalen var trevlig'}")
            scores.append(2.0 if low else 9.0)
            groups.append(group)
    return texts, np.array(scores), np.array(groups)


def test_it_finds_the_complaint_planted_in_each_units_low_scorers() -> None:
    texts, scores, groups = _planted()
    table = distinguishing_terms(texts, scores, groups=groups, low_max=4, high_min=8, top=2)
    low_a = table[(table["group"] == "A") & (table["side"] == "low")]["label"].tolist()
    low_b = table[(table["group"] == "B") & (table["side"] == "low")]["label"].tolist()
    high_a = table[(table["group"] == "A") & (table["side"] == "high")]["label"].tolist()
    assert set(low_a) == {"parkeringen", "omöjlig"}
    assert set(low_b) == {"telefonkön", "oändlig"}
    assert set(high_a) == {"personalen", "trevlig"}
    assert (table.loc[table["side"] == "low", "z"] > 0).all()


def test_it_suppresses_groups_with_too_few_low_or_high_comments() -> None:
    texts, scores, groups = _planted()
    groups = groups.copy()
    groups[:5] = "C"
    table = distinguishing_terms(texts, scores, groups=groups, low_max=4, high_min=8)
    c = table[table["group"] == "C"]
    assert len(c) == 1 and bool(c["suppressed"].iloc[0]) and pd.isna(c["term"].iloc[0])


def test_distinguishing_themes_rank_every_theme() -> None:
    texts, scores, groups = _planted()
    table = distinguishing_themes(texts, scores, groups=groups, low_max=4, high_min=8)
    a = table[table["group"] == "A"]
    assert a["theme"].iloc[0] == "parkering" and a["side"].iloc[0] == "low"
    sides = dict(zip(a["theme"], a["side"], strict=True))
    assert sides["bemotande"] == "high" and "pris" not in sides  # raised by nobody: no row
    assert list(a["z"]) == sorted(a["z"], reverse=True)
