"""A browser's form data for a respondent page (the collect tests and the load tests through real servers)."""

from __future__ import annotations

from typing import Any


def form_answers(
    definition: Any, page_key: str, answers: dict[str, Any], *, contact: dict[str, str] | None = None
) -> dict[str, Any]:
    """A browser's form data answering every shown question of a page validly.

    The consent question is answered no, or yes with ``contact`` (contact-field key -> value) filled in.
    """
    from kundpuls.instruments import visible_blocks
    from kundpuls.instruments.items import question_items
    from kundpuls.instruments.model import ConsentQuestion

    data: dict[str, Any] = {}
    for block in visible_blocks(definition, page_key, answers):
        for question in block.questions:
            for item in question_items(question):
                if item.kind == "numeric" and item.unit:
                    data[item.key] = {"too_cheap": "50", "cheap": "100", "expensive": "300"}.get(
                        item.part, "500"
                    )
                elif item.kind == "numeric":
                    data[item.key] = str(int(item.scale_max or 0))
                elif item.kind in {"choice", "choices"}:
                    data[item.key] = [item.options[0]] if item.kind == "choices" else item.options[0]
                elif item.kind == "boolean":
                    data[item.key] = "no"
                else:
                    data[item.key] = "Trevligt bemötande men lång väntetid."
            if isinstance(question, ConsentQuestion) and contact:
                data[question.key] = "yes"
                data.update({c.key: contact[c.key] for c in question.contact_fields if c.key in contact})
    return data
