"""Which texts of a stored definition have no English version: for the editor's flags and its count.

A text is a ``{"sv": …, "en": …}`` pair anywhere in the stored form (``definition_to_dict``): survey,
page and section texts, every text of a question (its options, rows, scale ends, contact fields, price
parts …) and the indices' labels. The same texts ``instruments`` requires in English when a survey is
offered in English (``validation._texts``); a draft may lack some, publishing may not
(``actions.publish``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: Keys of a page or block that hold its children (counted apart, per question or per block).
_CHILDREN = ("blocks", "questions")


def _is_text(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("sv"), str) and set(value) <= {"sv", "en"}


def _gaps(value: Any, path: str) -> Iterator[str]:
    if _is_text(value):
        if not (value.get("en") or "").strip():
            yield path
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _gaps(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _gaps(child, f"{path}[{i}]")


def missing_in(node: dict[str, Any]) -> list[str]:
    """Paths (relative to ``node``) of ``node``'s own texts without English; a page's or block's
    questions are not its own."""
    own = {key: value for key, value in node.items() if key not in _CHILDREN}
    return list(_gaps(own, ""))


def missing_english(data: dict[str, Any]) -> list[str]:
    """Paths of every text of the stored definition ``data`` that has no English version."""
    found = [p for p in missing_in({k: v for k, v in data.items() if k in ("title", "intro", "outro")})]
    for p, page in enumerate(data.get("pages", [])):
        found += [f"pages[{p}].{path}" for path in missing_in(page)]
        for b, block in enumerate(page.get("blocks", [])):
            found += [f"pages[{p}].blocks[{b}].{path}" for path in missing_in(block)]
            for q, question in enumerate(block.get("questions", [])):
                found += [f"pages[{p}].blocks[{b}].questions[{q}].{path}" for path in missing_in(question)]
    for name, index in data.get("codebook", {}).get("indices", {}).items():
        if "label" in index:
            found += [f"codebook.indices.{name}.{path}" for path in missing_in({"label": index["label"]})]
    return found
