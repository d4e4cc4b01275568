"""Stored items: the flat list of answer keys a definition produces, with their kinds.

This is what the response lake and the analysis see: one column per stored item. Kinds:

========== ============================================ ==========================
kind       question types                               stored value
========== ============================================ ==========================
numeric    rating, matrix rows, price parts             ``int`` / ``float`` or None
choice     single choice, background, Kano parts        option value or None
choices    multiple choice                              list of option values
boolean    yes/no, consent                              ``True`` / ``False``
text       open text                                    ``str``
========== ============================================ ==========================

``None`` means "vet ej / ej aktuellt" (answered, but missing); an item that was not answered or not shown
is absent from the stored answers. Contact fields are not items: see :func:`contact_fields`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from kundpuls.instruments.localized import LocalizedText
from kundpuls.instruments.model import (
    BackgroundQuestion,
    ConsentQuestion,
    ContactField,
    KanoQuestion,
    MatrixQuestion,
    MultipleChoiceQuestion,
    PriceQuestion,
    Question,
    RatingQuestion,
    SingleChoiceQuestion,
    SurveyDefinition,
    TextQuestion,
    YesNoQuestion,
)
from kundpuls.instruments.presets import (
    INTENT_MAX_LABEL,
    INTENT_MIN_LABEL,
    INTENT_SCALE_MAX,
    INTENT_SCALE_MIN,
    KANO_ANSWERS,
    KANO_PARTS,
    KANO_VALUES,
    MAX_PRICE,
)

ItemKind = Literal["numeric", "choice", "choices", "boolean", "text"]


@dataclass(frozen=True, kw_only=True)
class StoredItem:
    """One stored answer column.

    ``question_key`` is the key of the question it belongs to (equal to ``key`` for single-item
    questions); ``part`` names the part of a Kano pair or price module; ``scale_min``/``scale_max`` bound
    numeric items (prices: 0 and the format's maximum, ``integer`` false and ``unit`` the currency);
    ``options`` lists the allowed values of choice items and ``option_texts`` their texts.
    """

    key: str
    question_key: str
    question_type: str
    kind: ItemKind
    text: LocalizedText
    page_key: str
    block_key: str
    part: str | None = None
    scale_min: float | None = None
    scale_max: float | None = None
    integer: bool = True
    min_label: LocalizedText | None = None
    max_label: LocalizedText | None = None
    options: tuple[str, ...] | None = None
    option_texts: tuple[LocalizedText, ...] | None = None
    allows_dont_know: bool = False
    background_variable: str | None = None
    unit: str | None = None


def question_items(question: Question, *, page_key: str = "", block_key: str = "") -> list[StoredItem]:
    """The stored items of one question, in storage order."""
    common: dict[str, Any] = {
        "question_key": question.key,
        "question_type": question.type,
        "page_key": page_key,
        "block_key": block_key,
        "allows_dont_know": question.dont_know is not None,
    }
    if isinstance(question, RatingQuestion):
        scale = question.scale
        return [
            StoredItem(
                key=question.key,
                kind="numeric",
                text=question.text,
                scale_min=scale.min,
                scale_max=scale.max,
                min_label=scale.min_label,
                max_label=scale.max_label,
                **common,
            )
        ]
    if isinstance(question, MatrixQuestion):
        scale = question.scale
        return [
            StoredItem(
                key=item.key,
                kind="numeric",
                text=item.text,
                scale_min=scale.min,
                scale_max=scale.max,
                min_label=scale.min_label,
                max_label=scale.max_label,
                **common,
            )
            for item in question.items
        ]
    if isinstance(question, SingleChoiceQuestion | BackgroundQuestion):
        return [
            StoredItem(
                key=question.key,
                kind="choice",
                text=question.text,
                options=tuple(option.value for option in question.options),
                option_texts=tuple(option.text for option in question.options),
                background_variable=question.variable if isinstance(question, BackgroundQuestion) else None,
                **common,
            )
        ]
    if isinstance(question, MultipleChoiceQuestion):
        return [
            StoredItem(
                key=question.key,
                kind="choices",
                text=question.text,
                options=tuple(option.value for option in question.options),
                option_texts=tuple(option.text for option in question.options),
                **common,
            )
        ]
    if isinstance(question, YesNoQuestion | ConsentQuestion):
        return [StoredItem(key=question.key, kind="boolean", text=question.text, **common)]
    if isinstance(question, TextQuestion):
        return [StoredItem(key=question.key, kind="text", text=question.text, **common)]
    if isinstance(question, KanoQuestion):
        texts = {"functional": question.functional, "dysfunctional": question.dysfunctional}
        return [
            StoredItem(
                key=question.part_key(part),
                kind="choice",
                text=texts[part],
                part=part,
                options=KANO_VALUES,
                option_texts=tuple(text for _, text in KANO_ANSWERS),
                **common,
            )
            for part in KANO_PARTS
        ]
    if isinstance(question, PriceQuestion):
        items = []
        for part in question.parts:
            if part.startswith("intent_"):
                items.append(
                    StoredItem(
                        key=question.part_key(part),
                        kind="numeric",
                        text=question.filled_text(part),
                        part=part,
                        scale_min=INTENT_SCALE_MIN,
                        scale_max=INTENT_SCALE_MAX,
                        min_label=INTENT_MIN_LABEL,
                        max_label=INTENT_MAX_LABEL,
                        **common,
                    )
                )
            else:
                items.append(
                    StoredItem(
                        key=question.part_key(part),
                        kind="numeric",
                        text=question.filled_text(part),
                        part=part,
                        scale_min=0,
                        scale_max=MAX_PRICE,
                        integer=False,
                        unit=question.currency,
                        **common,
                    )
                )
        return items
    raise TypeError(f"unknown question class {type(question).__name__}")


_MEMO = "_kundpuls_items_by_question"


def items_by_question(definition: SurveyDefinition) -> dict[str, tuple[StoredItem, ...]]:
    """The stored items of every question, by question key, in definition order.

    A definition is immutable, so the result is computed once and kept on the definition (answer
    validation asks for it for every response).
    """
    memo: dict[str, tuple[StoredItem, ...]] | None = definition.__dict__.get(_MEMO)
    if memo is None:
        memo = {
            question.key: tuple(question_items(question, page_key=page.key, block_key=block.key))
            for page in definition.pages
            for block in page.blocks
            for question in block.questions
        }
        object.__setattr__(definition, _MEMO, memo)  # a cache of derived data on a frozen dataclass
    return memo


def iter_items(definition: SurveyDefinition) -> Iterator[StoredItem]:
    """Every stored item of ``definition`` in definition order."""
    for items in items_by_question(definition).values():
        yield from items


def stored_items(definition: SurveyDefinition) -> list[StoredItem]:
    """The flat list of stored items (answer columns) of ``definition``, in definition order."""
    return list(iter_items(definition))


def item_map(definition: SurveyDefinition) -> dict[str, StoredItem]:
    """Stored items by key."""
    return {item.key: item for item in iter_items(definition)}


def contact_fields(definition: SurveyDefinition) -> list[ContactField]:
    """The contact fields (contact data, stored apart from the answers) of ``definition``."""
    consent = definition.consent_question
    return list(consent.contact_fields) if consent else []


def kano_pairs(definition: SurveyDefinition) -> list[tuple[str, str, str]]:
    """``(feature key, functional item key, dysfunctional item key)`` for every Kano pair."""
    return [
        (q.key, q.part_key("functional"), q.part_key("dysfunctional"))
        for q in definition.questions()
        if isinstance(q, KanoQuestion)
    ]


def price_modules(definition: SurveyDefinition) -> list[dict[str, str]]:
    """For every price module, its stored item keys by part (``too_cheap`` … ``intent_expensive``)."""
    return [
        {"key": q.key, "currency": q.currency, **{part: q.part_key(part) for part in q.parts}}
        for q in definition.questions()
        if isinstance(q, PriceQuestion)
    ]


def background_items(definition: SurveyDefinition) -> list[StoredItem]:
    """The background items (segment variables) of ``definition``."""
    return [item for item in iter_items(definition) if item.question_type == "background"]
