"""The item metadata a survey gives the lake manifest: the scale and kind of each numeric item.

The manifest keeps, per survey, ``{item: {"min", "max", "kind"}}`` for every item analysis can compute,
``kind`` being ``"nps"`` for the codebook's NPS item, ``"share"`` for a yes/no item (stored as 1/0, reported
as a share with a Wilson interval) and for the positive-answer indicators of a ``positive_share`` index, and
``"rating"`` otherwise (rating scales, and the respondent scores of positive-share dimensions on 0–1,
:mod:`kundpuls.analytics.positive_shares`), so that queries on the lake know each item's scale without the
survey definition (``rollup.resolve_query_items``).
"""

from __future__ import annotations

from typing import Any

from kundpuls.analytics.positive_shares import share_item_metadata
from kundpuls.instruments import SurveyDefinition, stored_items


def lake_item_metadata(definition: SurveyDefinition) -> dict[str, dict[str, Any]]:
    """``{item: {"min", "max", "kind"}}`` for every item of ``definition`` that has a number to report."""
    nps_item = definition.codebook.nps
    items: dict[str, dict[str, Any]] = {}
    for item in stored_items(definition):
        if item.kind == "numeric" and item.scale_min is not None and item.scale_max is not None:
            kind = "nps" if item.key == nps_item else "rating"
            items[item.key] = {"min": item.scale_min, "max": item.scale_max, "kind": kind}
        elif item.kind == "boolean" and item.question_type == "yes_no":
            items[item.key] = {"min": 0.0, "max": 1.0, "kind": "share"}
    items.update(share_item_metadata(definition))
    return items
