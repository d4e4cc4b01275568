"""The lake sync's old record path, kept as the reference the column path is compared with: how one stored
answer set was split into the record's numeric answers, background values and comments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def split_answers(
    stored: Mapping[str, Any], kinds: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``(answers, background, comments)`` of one stored answer set, as the record path held them; raises
    ``TypeError``/``ValueError`` where that path did."""
    answers: dict[str, Any] = {}
    background: dict[str, Any] = {}
    comments: dict[str, Any] = {}
    for key, value in stored.items():
        kind = kinds.get(key)
        if kind == "numeric":
            answers[key] = None if value is None else float(value)
        elif kind == "boolean":
            answers[key] = None if value is None else float(bool(value))
        elif kind == "choice":
            background[key] = None if value is None else str(value)
        elif kind == "text" and value:
            comments[key] = str(value)
    return answers, background, comments
