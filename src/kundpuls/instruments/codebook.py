"""The codebook: which stored items form which index, which item is NPS, CSAT and CES, the driver model.

The codebook lives in the definition (``codebook:``), so a survey version carries its own analysis plan::

    codebook:
      main_index: NKI
      anonymity_threshold: 7
      indices:
        NKI: {items: [nki_helhet, nki_forvantan, nki_ideal], min_answered: 2}
        BEMOTANDE: {items: [bem1, bem2], weights: {bem1: 0.6, bem2: 0.4}}
      nps: rekommendera
      driver_model:
        outcome: NKI
        drivers: [BEMOTANDE]
        constructs:
          NKI: {indicators: [nki_helhet, nki_forvantan, nki_ideal], mode: A}
          BEMOTANDE: {indicators: [bem1, bem2], mode: A}
        paths: [[BEMOTANDE, NKI]]

Index kinds: ``scale_mean`` (default; the weighted mean of the items' 0–100 rescaled answers,
``idx(x) = 100·(x − lo)/(hi − lo)``, docs/methods.md §1.4) and ``positive_share`` (the weighted share of
answers counted as positive, per item ``positive`` values, as in the patient survey dimensions,
docs/methods.md §10.2). Weights are equal unless given; they are renormalised over the answered items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kundpuls.errors import NotFound
from kundpuls.instruments.localized import LocalizedText
from kundpuls.instruments.presets import DEFAULT_ANONYMITY_THRESHOLD

PositiveValue = str | int | bool


@dataclass(frozen=True, kw_only=True)
class IndexDefinition:
    """One index: its items, their weights (``None`` = equal) and how a respondent enters it.

    ``min_answered`` is the number of items a respondent must have answered to get an index value
    (``None``: at least half of the items, docs/methods.md §1.7; NKI uses 2 of 3).
    """

    name: str
    items: tuple[str, ...]
    label: LocalizedText | None = None
    kind: str = "scale_mean"
    weights: dict[str, float] | None = None
    positive: dict[str, tuple[PositiveValue, ...]] = field(default_factory=dict)
    min_answered: int | None = None

    def normalised_weights(self) -> dict[str, float]:
        """Weights per item summing to 1 (equal weights when none are given): ``w_i / Σ w``."""
        if self.weights is None:
            return {item: 1.0 / len(self.items) for item in self.items}
        total = sum(self.weights[item] for item in self.items)
        return {item: self.weights[item] / total for item in self.items}

    @property
    def required_answers(self) -> int:
        """Items a respondent must have answered: ``min_answered`` or ⌈items / 2⌉."""
        if self.min_answered is not None:
            return self.min_answered
        return (len(self.items) + 1) // 2


@dataclass(frozen=True, kw_only=True)
class Construct:
    """A construct of the driver model: its indicators (stored item keys) and measurement mode A or B."""

    indicators: tuple[str, ...]
    mode: str = "A"


@dataclass(frozen=True, kw_only=True)
class DriverModel:
    """The driver (PLS path) model: outcome, drivers, constructs and paths, in the PLS model-file shape."""

    outcome: str
    drivers: tuple[str, ...]
    constructs: dict[str, Construct]
    paths: tuple[tuple[str, str], ...]

    def as_model_file(self) -> dict[str, Any]:
        """The model in the PLS model-file shape: ``{"constructs": {NAME: {...}}, "paths": [[FROM, TO]]}``."""
        return {
            "constructs": {
                name: {"indicators": list(construct.indicators), "mode": construct.mode}
                for name, construct in self.constructs.items()
            },
            "paths": [list(path) for path in self.paths],
        }


@dataclass(frozen=True, kw_only=True)
class Mirror:
    """A staff item mirrored on a customer item: same wording and scale, asked of staff as
    "how do you think customers rate …" (docs/methods.md §9.3). ``gap = idx_staff − idx_customer``."""

    item: str
    customer_item: str
    customer_survey: str | None = None


@dataclass(frozen=True, kw_only=True)
class Codebook:
    """The analysis plan of a survey (all keys refer to stored item keys).

    ``anonymity_threshold`` (default 7, SKR Insikt's rule) is the smallest group shown;
    ``comment_anonymity_threshold`` an optional stricter one for comments.
    """

    indices: dict[str, IndexDefinition] = field(default_factory=dict)
    main_index: str | None = None
    nps: str | None = None
    csat: str | None = None
    ces: str | None = None
    driver_model: DriverModel | None = None
    anonymity_threshold: int = DEFAULT_ANONYMITY_THRESHOLD
    comment_anonymity_threshold: int | None = None
    mirrors: tuple[Mirror, ...] = ()

    def index(self, name: str) -> IndexDefinition:
        """The index called ``name``; :class:`~kundpuls.errors.NotFound` when there is none."""
        if name not in self.indices:
            raise NotFound(f"no index {name!r}; indices: {', '.join(self.indices) or 'none'}")
        return self.indices[name]

    @property
    def main(self) -> IndexDefinition | None:
        """The main index, if one is named."""
        return self.indices[self.main_index] if self.main_index else None
