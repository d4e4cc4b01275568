"""Positive-share dimensions (the national patient survey's "andel positiva svar") as lake columns.

A codebook index of kind ``positive_share`` names its items and, per item, the answers that count as
positive (docs/methods.md §10.2). When a response goes to the lake, each such item gets an indicator column
``pos__<item>`` (1 positive, 0 not positive, empty when the item was missing or "ej aktuellt") and each
dimension a column ``dim__<index>`` holding the respondent's score: the weighted share of positive answers
over the questions the respondent answered, the weights of the answered questions summing to one
(:func:`kundpuls.stats.patient_survey.respondent_dimension_scores`). Both lie on 0–1, so every results
surface reads them as any other item on a known scale: a dimension's value is 100 × the mean respondent score
with the mean interval of §1.8, a question's share is 100 × the share of positive answers with a Wilson
interval (§3.2).

The codebook's CSAT and CES items are reported the same way, as one-question shares (docs/methods.md §3.2):
CSAT the top-2-box share (the scale's two highest answers), CES the share agreeing (answers above the scale's
midpoint: 5–7 on CES 2.0's 1–7), each with a Wilson interval; they are the dimensions ``CSAT`` and ``CES``.

The score is computed when the response is written, with the codebook of the survey version it was given on,
so a later version with other weights changes only the responses given on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kundpuls.instruments import SurveyDefinition
from kundpuls.instruments.items import item_map
from kundpuls.instruments.localized import LocalizedText
from kundpuls.stats.patient_survey import respondent_dimension_scores

INDICATOR_PREFIX = "pos__"
DIMENSION_PREFIX = "dim__"
#: The longest column key the lake accepts (``check_key``).
_MAX_KEY = 63


def indicator_column(item: str) -> str:
    """The lake column of ``item``'s positive indicator."""
    return (INDICATOR_PREFIX + item)[:_MAX_KEY]


def dimension_column(index: str) -> str:
    """The lake column of dimension ``index``'s respondent score."""
    return (DIMENSION_PREFIX + index.lower())[:_MAX_KEY]


def is_derived_column(key: str) -> bool:
    """True for the columns this module adds (indicators and dimension scores)."""
    return key.startswith((INDICATOR_PREFIX, DIMENSION_PREFIX))


@dataclass(frozen=True)
class ShareDimension:
    """One ``positive_share`` index: its items, weights and positive answers."""

    index: str
    items: tuple[str, ...]
    weights: tuple[float, ...]
    positive: Mapping[str, frozenset[str]]
    label: LocalizedText | None = None

    @property
    def column(self) -> str:
        return dimension_column(self.index)


#: The labels of the CSAT and CES shares.
SCALE_SHARE_LABELS = {
    "CSAT": LocalizedText("CSAT, andel nöjda", "CSAT, share satisfied"),
    "CES": LocalizedText("CES, andel som tyckte det var enkelt", "CES, share who found it easy"),
}


def scale_share_dimensions(definition: SurveyDefinition) -> tuple[ShareDimension, ...]:
    """The codebook's CSAT item as its top-2-box share, its CES item as the share agreeing (§3.2)."""
    items = item_map(definition)
    dimensions = []
    for name, key in (("CSAT", definition.codebook.csat), ("CES", definition.codebook.ces)):
        item = items.get(key or "")
        if item is None or item.scale_min is None or item.scale_max is None:
            continue
        lo, hi = int(item.scale_min), int(item.scale_max)
        positive = range(hi - 1, hi + 1) if name == "CSAT" else range(int((lo + hi) // 2) + 1, hi + 1)
        dimensions.append(
            ShareDimension(
                index=name,
                items=(item.key,),
                weights=(1.0,),
                positive={item.key: frozenset(_answer_text(v) for v in positive)},
                label=SCALE_SHARE_LABELS[name],
            )
        )
    return tuple(dimensions)


def share_dimensions(definition: SurveyDefinition) -> tuple[ShareDimension, ...]:
    """The ``positive_share`` indices of ``definition``'s codebook in codebook order, then CSAT and CES."""
    dimensions = []
    for key, index in definition.codebook.indices.items():
        if index.kind != "positive_share":
            continue
        weights = index.normalised_weights()
        dimensions.append(
            ShareDimension(
                index=key,
                items=tuple(index.items),
                weights=tuple(weights[item] for item in index.items),
                positive={
                    item: frozenset(_answer_text(v) for v in index.positive.get(item, ()))
                    for item in index.items
                },
                label=index.label,
            )
        )
    return (*dimensions, *scale_share_dimensions(definition))


def _answer_text(value: Any) -> str:
    """One spelling for an answer, whatever its type: ``4``, ``4.0`` and ``"4"`` are one answer."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def positive_indicator(value: Any, positive: frozenset[str]) -> float | None:
    """1.0 when ``value`` counts as positive, 0.0 when not, None when missing ("ej aktuellt")."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return 1.0 if _answer_text(value) in positive else 0.0


def share_item_metadata(definition: SurveyDefinition) -> dict[str, dict[str, Any]]:
    """Lake item metadata of the derived columns: indicators are shares, dimensions means on 0–1."""
    metadata: dict[str, dict[str, Any]] = {}
    for dimension in share_dimensions(definition):
        for item in dimension.items:
            metadata[indicator_column(item)] = {"min": 0.0, "max": 1.0, "kind": "share"}
        kind = "share" if len(dimension.items) == 1 else "rating"
        metadata[dimension.column] = {"min": 0.0, "max": 1.0, "kind": kind}
    return metadata


def derived_answers(
    dimensions: Sequence[ShareDimension], answers: Sequence[Mapping[str, Any]]
) -> list[dict[str, float | None]]:
    """For each response's stored answers, its indicator and dimension columns (``None`` = missing)."""
    out: list[dict[str, float | None]] = [{} for _ in answers]
    for dimension in dimensions:
        matrix = np.full((len(answers), len(dimension.items)), np.nan)
        for row, response in enumerate(answers):
            for col, item in enumerate(dimension.items):
                if item not in response:
                    continue
                indicator = positive_indicator(response[item], dimension.positive[item])
                out[row][indicator_column(item)] = indicator
                if indicator is not None:
                    matrix[row, col] = indicator
        if not len(answers):
            continue
        scores = respondent_dimension_scores(matrix, weights=dimension.weights)
        for row, score in enumerate(scores):
            out[row][dimension.column] = None if np.isnan(score) else float(score)
    return out
