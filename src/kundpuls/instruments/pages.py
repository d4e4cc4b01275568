"""Page helpers for the respondent pages: which pages and questions are shown, and in what order.

The web layer keeps the normalised answers of the pages done so far (what
:func:`~kundpuls.instruments.answers.validate_page_answers` returned, merged) and asks:

- :func:`first_page_key` / :func:`next_page_key` / :func:`previous_page_key`: where to go, skipping pages
  whose show-if is false;
- :func:`visible_blocks` / :func:`visible_questions`: what to render on a page;
- :func:`progress`: "page 2 of 4" among the pages shown;
- :func:`page_item_keys`: the form field names of a page.

An unknown page key raises :class:`~kundpuls.errors.NotFound` (a web view answers 404).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kundpuls.instruments.answers import is_shown
from kundpuls.instruments.items import items_by_question
from kundpuls.instruments.model import Block, ConsentQuestion, Question, SurveyDefinition


@dataclass(frozen=True)
class VisibleBlock:
    """A block as shown: the block (title, intro) and its questions that are shown."""

    block: Block
    questions: tuple[Question, ...]


def is_page_shown(definition: SurveyDefinition, page_key: str, answers: Mapping[str, Any]) -> bool:
    """Whether the page's show-if holds for the normalised ``answers`` so far."""
    return is_shown(definition.page(page_key).show_if, answers)


def visible_blocks(
    definition: SurveyDefinition, page_key: str, answers: Mapping[str, Any]
) -> list[VisibleBlock]:
    """The blocks of a page that are shown, each with its shown questions (empty blocks left out).

    Conditions are evaluated in order with ``answers`` (normalised); a condition on a question of the same
    page sees that question's answer only when it is in ``answers``.
    """
    page = definition.page(page_key)
    if not is_shown(page.show_if, answers):
        return []
    shown = []
    for block in page.blocks:
        if not is_shown(block.show_if, answers):
            continue
        questions = tuple(q for q in block.questions if is_shown(q.show_if, answers))
        if questions:
            shown.append(VisibleBlock(block, questions))
    return shown


def visible_questions(
    definition: SurveyDefinition, page_key: str, answers: Mapping[str, Any]
) -> list[Question]:
    """The questions shown on a page, given the normalised answers so far."""
    return [
        question for block in visible_blocks(definition, page_key, answers) for question in block.questions
    ]


def page_item_keys(definition: SurveyDefinition, page_key: str) -> list[str]:
    """The form field names of a page: its stored item keys, then its contact-field keys.

    Use it to pick a page's fields from a posted form, or to prefill a page from the answers so far.
    """
    items = items_by_question(definition)
    keys: list[str] = []
    contacts: list[str] = []
    for question in definition.page(page_key).questions():
        keys += [item.key for item in items[question.key]]
        if isinstance(question, ConsentQuestion):
            contacts += [field.key for field in question.contact_fields]
    return keys + contacts


def _shown_pages(definition: SurveyDefinition, answers: Mapping[str, Any]) -> list[str]:
    return [page.key for page in definition.pages if is_shown(page.show_if, answers)]


def first_page_key(definition: SurveyDefinition, answers: Mapping[str, Any] | None = None) -> str | None:
    """The first page shown (``None`` when no page is shown)."""
    return next_page_key(definition, None, answers or {})


def next_page_key(
    definition: SurveyDefinition, current: str | None, answers: Mapping[str, Any]
) -> str | None:
    """The next page after ``current`` (the first when ``None``) whose show-if holds; ``None`` at the end."""
    start = 0 if current is None else definition.page_position(current) + 1
    for page in definition.pages[start:]:
        if is_shown(page.show_if, answers):
            return page.key
    return None


def previous_page_key(definition: SurveyDefinition, current: str, answers: Mapping[str, Any]) -> str | None:
    """The page before ``current`` whose show-if holds; ``None`` on the first page."""
    for page in reversed(definition.pages[: definition.page_position(current)]):
        if is_shown(page.show_if, answers):
            return page.key
    return None


def progress(definition: SurveyDefinition, current: str, answers: Mapping[str, Any]) -> tuple[int, int]:
    """``(position, count)`` of ``current`` among the pages shown, 1-based (for "sida 2 av 4")."""
    definition.page(current)
    shown = _shown_pages(definition, answers)
    if current not in shown:
        shown = [key for key in definition.page_keys if key in shown or key == current]
    return shown.index(current) + 1, len(shown)
