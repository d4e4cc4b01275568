"""Kano answers with known true categories and Van Westendorp prices with known true price points.

**Kano.** A feature given a true category ``c`` (A, O, M, I) and a purity ``p``: each respondent's own
category is ``c`` with probability ``p`` and otherwise drawn from :data:`KANO_NOISE`; the answer pair is then
drawn uniformly among the cells of the Kano evaluation table (docs/methods.md §4.1) that give that category.
The expected category shares are ``p·[k = c] + (1 − p)·KANO_NOISE[k]`` (:func:`expected_kano_shares`), so the
true category is the most frequent one whenever ``p > 0.3``.

**Prices.** Respondent ``i`` has a reference price ``R_i = reference · exp(spread · z_i)``; the four
prices are ``R_i · step · exp(0.08 · e)`` (steps 0.45, 0.75, 1.3, 1.8), rounded to 10. Every price question
is then log-normal with the same σ, so two of its curves cross at the geometric mean of their medians: the
true points are ``PMC = reference·√(0.45·0.75)``, ``OPP = reference·√(0.45·1.8)``,
``IDP = reference·√(0.75·1.3)`` and ``PME = reference·√(1.3·1.8)`` (:func:`true_price_points`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from kundpuls.errors import InvalidArgument
from kundpuls.stats.kano import ANSWERS, EVALUATION_TABLE

#: The Kano evaluation table (rows functional, columns dysfunctional; like … dislike), docs/methods.md §4.1:
#: the analysis' own, so the demo's answers mean what the analysis reads.
KANO_TABLE = EVALUATION_TABLE
KANO_ANSWER_VALUES = ANSWERS
#: The categories of respondents who do not share the feature's true category.
KANO_NOISE: Mapping[str, float] = {"A": 0.25, "O": 0.2, "M": 0.2, "I": 0.3, "R": 0.05}
#: Each price question's multiple of the respondent's reference price.
PRICE_STEPS: Mapping[str, float] = {"too_cheap": 0.45, "cheap": 0.75, "expensive": 1.3, "too_expensive": 1.8}
#: Noise (log scale) of each price around its step.
PRICE_NOISE = 0.08

_CELLS = {
    category: [(f, d) for f in range(5) for d in range(5) if KANO_TABLE[f][d] == category]
    for category in ("A", "O", "M", "I", "R", "Q")
}


@dataclass(frozen=True)
class NeedsTruth:
    """The true Kano categories and price distribution put into the data.

    ``kano_categories`` maps a Kano question key to its true category; ``kano_shares`` gives each one's
    expected category shares. ``price_points`` are the true PMC, OPP, IDP and PME of the price modules (the
    same for every module of the survey).
    """

    kano_categories: dict[str, str] = field(default_factory=dict)
    kano_purity: float = 0.0
    kano_shares: dict[str, dict[str, float]] = field(default_factory=dict)
    price_reference: float = 500.0
    price_spread: float = 0.3
    price_points: dict[str, float] = field(default_factory=dict)


def expected_kano_shares(category: str, purity: float) -> dict[str, float]:
    """Expected share of each category A, O, M, I, R, Q for a feature of true ``category``."""
    shares = {k: (1.0 - purity) * KANO_NOISE.get(k, 0.0) for k in ("A", "O", "M", "I", "R", "Q")}
    shares[category] += purity
    return shares


def true_price_points(reference: float) -> dict[str, float]:
    """The true Van Westendorp points of prices generated around ``reference`` (module docstring)."""
    s = PRICE_STEPS
    return {
        "pmc": reference * math.sqrt(s["too_cheap"] * s["cheap"]),
        "opp": reference * math.sqrt(s["too_cheap"] * s["too_expensive"]),
        "idp": reference * math.sqrt(s["cheap"] * s["expensive"]),
        "pme": reference * math.sqrt(s["expensive"] * s["too_expensive"]),
    }


def check_kano_categories(categories: Mapping[str, str], purity: float) -> None:
    """Raise :class:`InvalidArgument` for an unknown category or a purity outside (0.3, 1]."""
    for key, category in categories.items():
        if category not in ("A", "O", "M", "I"):
            raise InvalidArgument(
                f"kano_categories.{key}: {category!r} is not A, O, M or I",
                field="kano_categories",
                value=category,
            )
    if categories and not 0.3 < purity <= 1.0:
        raise InvalidArgument(
            f"kano_purity: {purity!r} must lie in (0.3, 1]", field="kano_purity", value=purity
        )


def kano_answer_pairs(
    rng: np.random.Generator, n: int, category: str, purity: float
) -> tuple[list[str], list[str]]:
    """``n`` (functional, dysfunctional) answers of respondents to a feature of true ``category``."""
    noise = list(KANO_NOISE)
    weights = np.array([KANO_NOISE[k] for k in noise])
    own = rng.random(n) < purity
    drawn = rng.choice(len(noise), size=n, p=weights / weights.sum())
    categories = [
        category if keep else noise[j] for keep, j in zip(own.tolist(), drawn.tolist(), strict=True)
    ]
    picks = rng.random(n)
    functional, dysfunctional = [], []
    for c, u in zip(categories, picks.tolist(), strict=True):
        cells = _CELLS[c]
        f, d = cells[min(int(u * len(cells)), len(cells) - 1)]
        functional.append(KANO_ANSWER_VALUES[f])
        dysfunctional.append(KANO_ANSWER_VALUES[d])
    return functional, dysfunctional
