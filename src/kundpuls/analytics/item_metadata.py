"""The item metadata a survey gives the lake manifest: the scale and kind of each numeric item.

The manifest keeps, per survey, ``{item: {"min", "max", "kind"}}`` for every numeric item, ``kind`` being
``"nps"`` for the codebook's NPS item and ``"rating"`` otherwise, so that queries on the lake know each
item's scale without the survey definition (``rollup.resolve_query_items``).
"""

from __future__ import annotations

from typing import Any

from kundpuls.instruments import SurveyDefinition, stored_items


def lake_item_metadata(definition: SurveyDefinition) -> dict[str, dict[str, Any]]:
    """``{item: {"min", "max", "kind"}}`` for every numeric item of ``definition`` with a known scale."""
    nps_item = definition.codebook.nps
    items: dict[str, dict[str, Any]] = {}
    for item in stored_items(definition):
        if item.kind == "numeric" and item.scale_min is not None and item.scale_max is not None:
            kind = "nps" if item.key == nps_item else "rating"
            items[item.key] = {"min": item.scale_min, "max": item.scale_max, "kind": kind}
    return items
