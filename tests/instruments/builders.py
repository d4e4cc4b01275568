"""Small builders of raw definition data for the instruments tests."""

from __future__ import annotations

from typing import Any


def text(sv: str, en: str | None = None) -> dict[str, str]:
    return {"sv": sv} if en is None else {"sv": sv, "en": en}


def scale(low: int = 1, high: int = 10) -> dict[str, Any]:
    return {"min": low, "max": high, "min_label": text("Dåligt"), "max_label": text("Bra")}


def rating(key: str, low: int = 1, high: int = 10, **extra: Any) -> dict[str, Any]:
    return {"type": "rating", "key": key, "text": text(f"Fråga {key}"), "scale": scale(low, high), **extra}


def single(key: str, values: tuple[str, ...] = ("a", "b", "c"), **extra: Any) -> dict[str, Any]:
    options = [{"value": value, "text": text(value.upper())} for value in values]
    return {"type": "single_choice", "key": key, "text": text(f"Fråga {key}"), "options": options, **extra}


def multiple(key: str, values: tuple[str, ...] = ("a", "b", "c"), **extra: Any) -> dict[str, Any]:
    options = [{"value": value, "text": text(value.upper())} for value in values]
    return {"type": "multiple_choice", "key": key, "text": text(f"Fråga {key}"), "options": options, **extra}


def yes_no(key: str, **extra: Any) -> dict[str, Any]:
    return {"type": "yes_no", "key": key, "text": text(f"Fråga {key}"), **extra}


def open_text(key: str, **extra: Any) -> dict[str, Any]:
    return {"type": "text", "key": key, "text": text(f"Fråga {key}"), **extra}


def matrix(key: str, rows: tuple[str, ...], low: int = 1, high: int = 10, **extra: Any) -> dict[str, Any]:
    items = [{"key": row, "text": text(f"Rad {row}")} for row in rows]
    return {
        "type": "matrix",
        "key": key,
        "text": text(f"Fråga {key}"),
        "scale": scale(low, high),
        "items": items,
        **extra,
    }


def survey(
    *questions: dict[str, Any], codebook: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """One page, one block holding ``questions``."""
    data: dict[str, Any] = {
        "key": "test",
        "title": text("Test"),
        "pages": [{"key": "p1", "blocks": [{"key": "b1", "questions": list(questions)}]}],
        **extra,
    }
    if codebook is not None:
        data["codebook"] = codebook
    return data


def paged(*pages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """One page per argument, each with one block holding the questions given."""
    return {
        "key": "test",
        "title": text("Test"),
        "pages": [
            {"key": f"p{i + 1}", "blocks": [{"key": f"b{i + 1}", "questions": questions}]}
            for i, questions in enumerate(pages)
        ],
        **extra,
    }
