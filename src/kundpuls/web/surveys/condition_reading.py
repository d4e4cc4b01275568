"""A show-if condition read aloud: ``rekommendera <= 6`` as “Hur troligt … kollega?” är 0–6.

Covers what the editor's people write most: comparisons of one answer with a number, an option or yes/no,
an option looked for among several choices (``'tel' in kanaler``), a yes/no answer on its own (or with
``not``), joined by ``and``. Anything else has no reading (None) and
the editor shows the condition as written.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

_VALUE = r"-?\d+(?:\.\d+)?|'[^']*'|\"[^\"]*\"|true|false"
_COMPARISON = re.compile(rf"^([A-Za-z]\w*)\s*(<=|>=|==|!=|<|>)\s*({_VALUE})$")
_BARE = re.compile(r"^(not\s+)?([A-Za-z]\w*)$")
_MEMBER = re.compile(r"^'([^']*)'\s+(in|not\s+in)\s+([A-Za-z]\w*)$")
_SHORT = 70


def _items(data: dict[str, Any], language: str) -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}

    def text(value: dict[str, str]) -> str:
        shown = value.get(language) or value.get("sv", "")
        return shown if len(shown) <= _SHORT else shown[: _SHORT - 1].rstrip() + "…"

    for page in data["pages"]:
        for block in page["blocks"]:
            for question in block["questions"]:
                options = {o["value"]: text(o["text"]) for o in question.get("options", [])}
                entry = {"text": text(question["text"]), "scale": question.get("scale"), "options": options}
                entry["type"] = question["type"]
                items[question["key"]] = entry
                for row in question.get("items", []):
                    items[row["key"]] = {
                        "text": text(row["text"]),
                        "scale": question.get("scale"),
                        "options": {},
                    }
    return items


def _number(raw: str) -> float | None:
    try:
        return float(raw)
    except ValueError:
        return None


def _shown(number: float) -> str:
    return f"{number:g}"


def _part(part: str, items: dict[str, dict[str, Any]]) -> str | None:
    bare = _BARE.match(part)
    if bare and bare.group(2) in items and bare.group(2) not in ("and", "or", "not"):
        item = items[bare.group(2)]
        value = _("no") if bare.group(1) else _("yes")
        return _("“%(question)s” is %(value)s") % {"question": item["text"], "value": value}
    member = _MEMBER.match(part)
    if member and member.group(3) in items:
        item = items[member.group(3)]
        value = _("“%(option)s”") % {"option": item["options"].get(member.group(1), member.group(1))}
        template = _("“%(question)s” includes %(value)s") if member.group(2) == "in" else None
        template = template or _("“%(question)s” does not include %(value)s")
        return template % {"question": item["text"], "value": value}
    match = _COMPARISON.match(part)
    if match is None or match.group(1) not in items:
        return None
    key, op, raw = match.groups()
    item = items[key]
    number = _number(raw)
    scale = item.get("scale")
    if number is not None and scale and op in ("<=", "<", ">=", ">"):
        low, high = scale["min"], scale["max"]
        bounds = {
            "<=": (low, number),
            "<": (low, number - 1),
            ">=": (number, high),
            ">": (number + 1, high),
        }[op]
        value = f"{_shown(bounds[0])}–{_shown(bounds[1])}" if bounds[0] != bounds[1] else _shown(bounds[0])
        return _("“%(question)s” is %(value)s") % {"question": item["text"], "value": value}
    if op not in ("==", "!="):
        return None
    if raw in ("true", "false"):
        value = _("yes") if raw == "true" else _("no")
    elif number is not None:
        value = _shown(number)
    else:
        option = raw[1:-1]
        value = _("“%(option)s”") % {"option": item["options"].get(option, option)}
    template = _("“%(question)s” is %(value)s") if op == "==" else _("“%(question)s” is not %(value)s")
    return template % {"question": item["text"], "value": value}


def reading(source: str, data: dict[str, Any], *, language: str = "sv") -> str | None:
    """The condition ``source`` in words for the definition ``data`` (stored form), or None."""
    items = _items(data, language)
    parts = [part.strip() for part in re.split(r"\s+and\s+", source.strip())]
    texts = [_part(part, items) for part in parts]
    if not texts or any(text is None for text in texts):
        return None
    conjunction = _("and")
    return f" {conjunction} ".join(text for text in texts if text)
