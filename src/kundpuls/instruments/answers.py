"""Validation of a respondent's answers against a definition.

Answers are a flat mapping from stored item key (see :mod:`kundpuls.instruments.items`) to the raw value a
form or an API client sent. Validation walks the questions in definition order, so that show-if
conditions see the normalised answers before them, and

- drops answers to questions that are hidden (their page, block or own condition is false);
- requires an answer to a required question only when it is shown;
- checks types, scale ranges, options, number of choices and text length;
- stores "vet ej / ej aktuellt" (``None`` or the string ``"dont_know"``) as ``None``, never as a scale value;
- returns the contact fields (shown only after a yes to the consent question) apart from the answers.

Every problem is collected into one :class:`~kundpuls.instruments.exceptions.AnswerErrors` whose errors
name the item key, the value and an error code with Swedish and English messages. The normalised result
validates to itself: ``validate_answers(d, r.as_input()) == r``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kundpuls.instruments import answer_values as values
from kundpuls.instruments.answer_values import UNANSWERED, AnswerValueError
from kundpuls.instruments.exceptions import AnswerError, AnswerErrors
from kundpuls.instruments.expressions import evaluate
from kundpuls.instruments.items import StoredItem, items_by_question
from kundpuls.instruments.model import (
    Condition,
    ConsentQuestion,
    MultipleChoiceQuestion,
    Page,
    PriceQuestion,
    Question,
    SurveyDefinition,
    TextQuestion,
)
from kundpuls.instruments.presets import DONT_KNOW


@dataclass(frozen=True)
class ValidatedAnswers:
    """Normalised answers ready to store.

    ``answers`` maps stored item keys to values (``None`` = "vet ej"; items not answered or hidden are
    absent); ``contact`` maps contact-field keys to contact data, to be stored apart from the answers.
    """

    answers: dict[str, Any] = field(default_factory=dict)
    contact: dict[str, str] = field(default_factory=dict)

    def as_input(self) -> dict[str, Any]:
        """Answers and contact data in one mapping, the shape :func:`validate_answers` takes."""
        return {**self.answers, **self.contact}

    @property
    def consented(self) -> bool:
        """Whether contact data was given (only possible after a yes to the consent question)."""
        return bool(self.contact)


def is_shown(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    """Whether a node with this show-if condition is shown, given the normalised answers so far."""
    return condition is None or evaluate(condition.expression, answers)


def validate_answers(definition: SurveyDefinition, answers: object) -> ValidatedAnswers:
    """Validate a complete answer set and return it normalised.

    Parameters
    ----------
    definition
        The survey version the respondent answered.
    answers
        Stored item key → raw value; contact-field keys → contact data.

    Raises
    ------
    AnswerErrors
        Listing every problem (item key, value, code, Swedish and English message).
    """
    return _validate(definition, answers, definition.pages, previous={})


def validate_page_answers(
    definition: SurveyDefinition,
    page_key: str,
    answers: object,
    *,
    previous: Mapping[str, Any] | None = None,
) -> ValidatedAnswers:
    """Validate the answers of one page.

    ``previous`` holds the normalised answers of the earlier pages (they decide what is shown); answers
    to items of other pages are reported as unknown. A hidden page yields an empty result.
    """
    page = definition.page(page_key)
    return _validate(definition, answers, (page,), previous=dict(previous or {}))


def _validate(
    definition: SurveyDefinition, raw: object, pages: Sequence[Page], *, previous: dict[str, Any]
) -> ValidatedAnswers:
    if not isinstance(raw, Mapping):
        raise AnswerErrors([AnswerError("not_an_answer_set", field="", value=type(raw).__name__)])
    errors: list[AnswerError] = []
    items = items_by_question(definition)
    expected: set[str] = set()
    for page in pages:
        for question in page.questions():
            expected.update(item.key for item in items[question.key])
            if isinstance(question, ConsentQuestion):
                expected.update(contact.key for contact in question.contact_fields)
    for key in raw:
        if not isinstance(key, str) or key not in expected:
            errors.append(AnswerError("unknown_question", field=str(key), value=raw[key]))

    # answers the respondent gave on these pages before (going back) are replaced, never reused
    state = {key: value for key, value in previous.items() if key not in expected}
    result = ValidatedAnswers()
    for page in pages:
        if not is_shown(page.show_if, state):
            continue
        for block in page.blocks:
            if not is_shown(block.show_if, state):
                continue
            for question in block.questions:
                if is_shown(question.show_if, state):
                    _question(question, items[question.key], raw, state, result, errors)
    if errors:
        raise AnswerErrors(errors)
    return result


def _question(
    question: Question,
    items: tuple[StoredItem, ...],
    raw: Mapping[Any, Any],
    state: dict[str, Any],
    result: ValidatedAnswers,
    errors: list[AnswerError],
) -> None:
    for item in items:
        value = raw.get(item.key, UNANSWERED)
        try:
            normalised = _item_value(question, item, value)
        except AnswerValueError as problem:
            errors.append(AnswerError(problem.code, field=item.key, value=value, params=problem.params))
            continue
        if normalised is UNANSWERED:
            if question.required:
                errors.append(
                    AnswerError("required", field=item.key, value=None if value is UNANSWERED else value)
                )
            continue
        result.answers[item.key] = normalised
        state[item.key] = normalised
    if isinstance(question, ConsentQuestion) and result.answers.get(question.key) is True:
        for contact in question.contact_fields:
            value = raw.get(contact.key, UNANSWERED)
            try:
                cleaned = UNANSWERED if values.is_blank(value) else values.contact(value, contact)
            except AnswerValueError as problem:
                errors.append(
                    AnswerError(problem.code, field=contact.key, value=value, params=problem.params)
                )
                continue
            if cleaned is UNANSWERED:
                if contact.required:
                    errors.append(AnswerError("required", field=contact.key, value=None))
                continue
            result.contact[contact.key] = cleaned
        given = any(not values.is_blank(raw.get(c.key, UNANSWERED)) for c in question.contact_fields)
        required = any(c.required for c in question.contact_fields)  # a missing one is reported above
        if question.contact_fields and not given and not required:  # "yes, contact me", but no way to
            errors.append(AnswerError("contact_missing", field=question.contact_fields[0].key, value=None))


def _item_value(question: Question, item: StoredItem, value: object) -> Any:
    if item.kind == "text":
        if value is UNANSWERED or (value is None and item.allows_dont_know is False):
            return UNANSWERED
        if value is None:
            return None
        max_length = question.max_length if isinstance(question, TextQuestion) else 0
        return values.text(value, max_length=max_length)
    if value is None or (isinstance(value, str) and value == DONT_KNOW):
        if item.allows_dont_know:
            return None
        if value is None:
            return UNANSWERED
        raise AnswerValueError("dont_know_not_allowed")
    if values.is_blank(value):
        return UNANSWERED
    if item.kind == "numeric":
        if isinstance(question, PriceQuestion) and not item.integer:
            return values.price(value, currency=question.currency)
        return values.rating(value, item)
    if item.kind == "choice":
        return values.choice(value, item)
    if item.kind == "choices":
        multiple = question if isinstance(question, MultipleChoiceQuestion) else None
        min_choices = multiple.min_choices if multiple else 1
        max_choices = multiple.max_choices if multiple else None
        return values.choices(value, item, min_choices=min_choices, max_choices=max_choices)
    return values.yes_no(value)
