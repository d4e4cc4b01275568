"""Turning true latent scores into raw answers, one column per stored item (seeded, vectorised).

Rules, by item:

- a rating in a construct: ``x = λ (η + level) + sqrt(1 − λ²) ε``, discretised with
  :class:`kundpuls.demo.structural.RatingScale` (``round(lo + 0.72 (hi − lo) + (hi − lo)/5.5 · x)``,
  clipped), so ratings are skewed high as satisfaction ratings are;
- a single choice in a construct (the patient survey's "Ja, helt och hållet / Ja, delvis / Nej"):
  ordered cut points on ``x`` such that at level 0 the options get 62 %, 30 %, 8 % (best first, or
  reversed when the index counts the last options as positive);
- background and other choices: categorical with :data:`BACKGROUND_WEIGHTS` (or a unit's weights);
  yes/no: 20 % yes; multiple choice: one to three options; Kano: categorical; price: ordered prices;
- "vet ej" (the raw value :data:`kundpuls.instruments.DONT_KNOW`) with an item's rate where the question
  allows it; optional questions are left out with ``skip_rate``; required ones are always answered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.special import ndtri

from kundpuls.demo.responses.needs import PRICE_NOISE, PRICE_STEPS
from kundpuls.demo.structural import RatingScale
from kundpuls.instruments import DONT_KNOW, StoredItem, SurveyDefinition


class _Absent:
    """Marks an item left out of a response (not answered, or not shown)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()

#: Background answer weights (option value → weight) by preset or variable; unknown lists decline
#: geometrically (1, 0.7, 0.49 …).
BACKGROUND_WEIGHTS: dict[str, dict[str, float]] = {
    "age_band": {
        "under_20": 0.04,
        "20_29": 0.12,
        "30_39": 0.17,
        "40_49": 0.18,
        "50_64": 0.24,
        "65_79": 0.18,
        "80_plus": 0.07,
    },
    "gender": {"woman": 0.56, "man": 0.42, "other": 0.02},
    "contact_channel": {"visit": 0.30, "phone": 0.32, "email": 0.18, "web": 0.17, "letter": 0.03},
}

#: Share of the best option at level 0, for ordered choices with 2, 3, 4 … options.
ORDINAL_SHARES: dict[int, tuple[float, ...]] = {
    2: (0.70, 0.30),
    3: (0.62, 0.30, 0.08),
    4: (0.45, 0.35, 0.14, 0.06),
    5: (0.38, 0.32, 0.17, 0.09, 0.04),
}


def ordinal_cuts(count: int) -> np.ndarray:
    """Cut points on a standard normal giving :data:`ORDINAL_SHARES` (best option first)."""
    shares = ORDINAL_SHARES.get(count)
    if shares is None:
        raw = 0.6 ** np.arange(count)
        shares = tuple(raw / raw.sum())
    # best option above the highest cut: cumulative shares from the worst end
    cumulative = np.cumsum(shares[::-1])[:-1]
    return np.asarray(ndtri(cumulative))


def best_first(item: StoredItem, positive: Sequence[object] | None) -> bool:
    """Whether the item's options are listed best first (the index's positive answers come first)."""
    options = list(item.options or ())
    if not positive:
        return True
    places = [options.index(value) for value in positive if value in options]
    return not places or bool(np.mean(places) < (len(options) - 1) / 2)


def indicator_values(
    rng: np.random.Generator, item: StoredItem, latent: np.ndarray, loading: float, positive: Sequence[object]
) -> list[Any]:
    """Answers of a construct's item from its construct's scores (level included)."""
    n = latent.size
    x = loading * latent + np.sqrt(1 - loading**2) * rng.standard_normal(n)
    if item.kind == "numeric":
        scale = RatingScale(low=int(item.scale_min or 0), high=int(item.scale_max or 0))
        return scale.discretise(x).astype(np.int64).tolist()
    options = list(item.options or ())
    cuts = ordinal_cuts(len(options))
    rank = np.searchsorted(cuts, x)  # 0 = worst … len-1 = best
    ordered = options if not best_first(item, positive) else options[::-1]
    # ``ordered`` runs worst … best
    return [ordered[r] for r in rank.tolist()]


def categorical_values(
    rng: np.random.Generator,
    item: StoredItem,
    units: np.ndarray,
    unit_weights: Sequence[Mapping[str, float] | None],
    preset: str | None,
) -> list[Any]:
    """Categorical answers; a unit's own weights (if given) replace the default ones."""
    options = list(item.options or ())
    default = BACKGROUND_WEIGHTS.get(preset or "") or BACKGROUND_WEIGHTS.get(item.background_variable or "")
    base = (
        np.array([(default or {}).get(o, 0.0) for o in options])
        if default
        else 0.7 ** np.arange(len(options))
    )
    if base.sum() <= 0:
        base = np.ones(len(options))
    table = np.tile(base / base.sum(), (len(unit_weights), 1))
    for u, weights in enumerate(unit_weights):
        if weights:
            row = np.array([float(weights.get(o, 0.0)) for o in options])
            if row.sum() > 0:
                table[u] = row / row.sum()
    cumulative = np.cumsum(table, axis=1)[units]
    draws = rng.random(units.size)[:, None]
    chosen = np.minimum((draws > cumulative).sum(axis=1), len(options) - 1)
    return [options[c] for c in chosen.tolist()]


def other_values(rng: np.random.Generator, item: StoredItem, n: int, extra: Mapping[str, Any]) -> list[Any]:
    """Answers of items outside the latent model: yes/no, multiple choice, Kano, price, unlinked ratings."""
    if item.kind == "boolean":
        return (rng.random(n) < 0.2).tolist()
    if item.kind == "choices":
        options = list(item.options or ())
        low, high = int(extra.get("min_choices", 1)), extra.get("max_choices")
        high = min(len(options), 3 if high is None else int(high))
        low = min(max(low, 1), high)
        count = rng.integers(low, high + 1, size=n)
        keys = rng.random((n, len(options))).argsort(axis=1)
        return [
            [options[k] for k in sorted(row[:c])]
            for row, c in zip(keys.tolist(), count.tolist(), strict=True)
        ]
    if item.kind == "choice":
        options = list(item.options or ())
        chosen = rng.integers(0, len(options), size=n)
        return [options[c] for c in chosen.tolist()]
    if item.kind == "numeric" and item.integer:
        scale = RatingScale(low=int(item.scale_min or 0), high=int(item.scale_max or 0))
        return scale.discretise(rng.standard_normal(n)).astype(np.int64).tolist()
    if item.kind == "numeric":
        return price_values(rng, item, n, extra)
    return [ABSENT] * n


def price_values(rng: np.random.Generator, item: StoredItem, n: int, extra: Mapping[str, Any]) -> list[Any]:
    """Van Westendorp prices around each respondent's reference price, rounded to 10 (kronor).

    ``extra["reference"]`` holds the respondents' reference prices, shared by the module's parts; the
    parts sit at 0.45, 0.75, 1.3 and 1.8 times it with 8 % noise, so they are nearly always ordered. The
    purchase likelihoods (1–5) are uniform.
    """
    part = item.part or ""
    if part not in PRICE_STEPS:
        return rng.integers(1, 6, size=n).tolist()
    reference = np.asarray(extra["reference"], dtype=float)
    prices = np.round(reference * PRICE_STEPS[part] * np.exp(PRICE_NOISE * rng.standard_normal(n)) / 10) * 10
    return np.maximum(prices, 0).astype(np.int64).tolist()


def blank_out(
    rng: np.random.Generator,
    values: list[Any],
    *,
    dont_know_rate: float,
    skip_rate: float,
) -> list[Any]:
    """Replace a share of answers by "vet ej" (:data:`DONT_KNOW`) and another share by :data:`ABSENT`."""
    n = len(values)
    draws = rng.random(n)
    for i in np.flatnonzero(draws < dont_know_rate).tolist():
        values[i] = DONT_KNOW
    for i in np.flatnonzero((draws >= dont_know_rate) & (draws < dont_know_rate + skip_rate)).tolist():
        values[i] = ABSENT
    return values


def question_options(definition: SurveyDefinition) -> dict[str, dict[str, Any]]:
    """Per question key: ``required``, ``preset``, ``min_choices``/``max_choices``, ``max_length``."""
    found: dict[str, dict[str, Any]] = {}
    for question in definition.questions():
        found[question.key] = {
            "required": question.required,
            "preset": getattr(question, "preset", None),
            "min_choices": getattr(question, "min_choices", 1),
            "max_choices": getattr(question, "max_choices", None),
            "max_length": getattr(question, "max_length", None),
        }
    return found
