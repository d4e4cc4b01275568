"""The survey definition model: a survey has pages, a page has blocks, a block has questions.

Every class is a frozen dataclass; a :class:`SurveyDefinition` is built by
:func:`kundpuls.instruments.loading.parse_definition` (which validates it) and turned back into the
stored form by :func:`kundpuls.instruments.loading.definition_to_dict`.

Each question has a stable ``key``. Most questions store one answer under their own key; a matrix stores
one answer per row (the row keys), a Kano pair stores ``KEY_functional`` and ``KEY_dysfunctional``, a price
module stores ``KEY_too_cheap``, ``KEY_cheap``, ``KEY_expensive``, ``KEY_too_expensive`` and (unless
``intent: false``) ``KEY_intent_cheap`` and ``KEY_intent_expensive``. Contact fields of the consent
question are stored apart from the answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from kundpuls.errors import NotFound
from kundpuls.instruments.codebook import Codebook
from kundpuls.instruments.expressions import Node
from kundpuls.instruments.localized import LocalizedText
from kundpuls.instruments.presets import (
    INTENT_PARTS,
    KANO_ANSWERS,
    PRICE_PARTS,
    PRODUCT_PLACEHOLDER,
)


@dataclass(frozen=True)
class Condition:
    """A parsed show-if condition: the source text and its syntax tree."""

    source: str
    expression: Node


@dataclass(frozen=True, kw_only=True)
class Scale:
    """An integer rating scale ``min``…``max`` with labelled end points (1–10, 1–6, 1–5, 0–10 …)."""

    min: int
    max: int
    min_label: LocalizedText
    max_label: LocalizedText

    @property
    def points(self) -> int:
        """Number of scale points, ``max − min + 1``."""
        return self.max - self.min + 1

    def values(self) -> range:
        """The allowed answers."""
        return range(self.min, self.max + 1)


@dataclass(frozen=True, kw_only=True)
class Option:
    """One answer option of a choice: a stable ``value`` (what is stored) and its text."""

    value: str
    text: LocalizedText


@dataclass(frozen=True, kw_only=True)
class MatrixItem:
    """One row of a matrix question; ``key`` is the stored item key."""

    key: str
    text: LocalizedText


@dataclass(frozen=True, kw_only=True)
class ContactField:
    """A contact field of the consent question; its value is contact data, stored apart from answers."""

    key: str
    kind: str
    text: LocalizedText
    required: bool = False


@dataclass(frozen=True, kw_only=True)
class QuestionBase:
    """What every question has: key, text, optional help text, required flag, show-if and "vet ej"."""

    type: ClassVar[str] = ""

    key: str
    text: LocalizedText
    help: LocalizedText | None = None
    required: bool = False
    show_if: Condition | None = None
    dont_know: LocalizedText | None = None


@dataclass(frozen=True, kw_only=True)
class RatingQuestion(QuestionBase):
    """A rating on an integer scale with labelled end points."""

    type: ClassVar[str] = "rating"
    scale: Scale


@dataclass(frozen=True, kw_only=True)
class SingleChoiceQuestion(QuestionBase):
    """Choose exactly one option."""

    type: ClassVar[str] = "single_choice"
    options: tuple[Option, ...]


@dataclass(frozen=True, kw_only=True)
class MultipleChoiceQuestion(QuestionBase):
    """Choose any number of options (between ``min_choices`` and ``max_choices`` when answered)."""

    type: ClassVar[str] = "multiple_choice"
    options: tuple[Option, ...]
    min_choices: int = 1
    max_choices: int | None = None


@dataclass(frozen=True, kw_only=True)
class YesNoQuestion(QuestionBase):
    """Yes or no, stored as ``True``/``False``."""

    type: ClassVar[str] = "yes_no"


@dataclass(frozen=True, kw_only=True)
class TextQuestion(QuestionBase):
    """An open answer of at most ``max_length`` characters."""

    type: ClassVar[str] = "text"
    max_length: int
    multiline: bool = True


@dataclass(frozen=True, kw_only=True)
class MatrixQuestion(QuestionBase):
    """Several items rated on one shared scale; each row is stored under its own key."""

    type: ClassVar[str] = "matrix"
    scale: Scale
    items: tuple[MatrixItem, ...]


@dataclass(frozen=True, kw_only=True)
class BackgroundQuestion(QuestionBase):
    """A background question (age band, gender, service used …): one option, usable as a segment.

    ``variable`` names what it measures (``age_band``, ``gender``, ``service`` …) so analysis can find the
    segment variables; ``preset`` records which built-in option list was used, if any.
    """

    type: ClassVar[str] = "background"
    variable: str
    options: tuple[Option, ...]
    preset: str | None = None


@dataclass(frozen=True, kw_only=True)
class KanoQuestion(QuestionBase):
    """A Kano pair: the functional and the dysfunctional question about one feature, five answers each.

    ``text`` names the feature; answers are ``like``, ``expect``, ``neutral``, ``live_with``, ``dislike``.
    """

    type: ClassVar[str] = "kano"
    functional: LocalizedText
    dysfunctional: LocalizedText

    @property
    def answers(self) -> tuple[tuple[str, LocalizedText], ...]:
        """The five answers (value, text) in the order of the Kano evaluation table."""
        return KANO_ANSWERS

    def part_key(self, part: str) -> str:
        """Stored key of ``part`` (``functional`` or ``dysfunctional``)."""
        return f"{self.key}_{part}"


@dataclass(frozen=True, kw_only=True)
class PriceQuestion(QuestionBase):
    """Van Westendorp's four price questions plus the two Newton–Miller–Smith purchase-likelihood ones.

    ``texts`` holds the question text of each part (``too_cheap`` … ``intent_expensive``); ``{product}``
    in a text is replaced by ``product``. Prices are stored as numbers in ``currency``; the likelihoods on
    1–5 (1 = very unlikely, 5 = very likely).
    """

    type: ClassVar[str] = "price"
    product: LocalizedText
    currency: str = "SEK"
    intent: bool = True
    texts: dict[str, LocalizedText] = field(default_factory=dict)

    @property
    def parts(self) -> tuple[str, ...]:
        """The stored parts in order: four prices, then the two likelihoods when ``intent``."""
        return PRICE_PARTS + (INTENT_PARTS if self.intent else ())

    def part_key(self, part: str) -> str:
        """Stored key of ``part``."""
        return f"{self.key}_{part}"

    def filled_text(self, part: str) -> LocalizedText:
        """The question text of ``part`` in both languages with ``{product}`` filled in."""
        text = self.texts[part]
        return LocalizedText(
            text.sv.replace(PRODUCT_PLACEHOLDER, self.product.sv),
            text.en.replace(PRODUCT_PLACEHOLDER, self.product.in_language("en")) if text.en else None,
        )

    def part_text(self, part: str, language: str) -> str:
        """The question text of ``part`` in ``language`` with the product filled in."""
        return self.filled_text(part).in_language(language)


@dataclass(frozen=True, kw_only=True)
class ConsentQuestion(QuestionBase):
    """ "Får vi kontakta dig om ditt svar?": yes/no with a plain purpose text and contact fields.

    The answer (``True``/``False``) is stored with the answers; the contact fields are shown only after a
    yes and their values are contact data, returned apart from the answers.
    """

    type: ClassVar[str] = "consent"
    purpose: LocalizedText
    contact_fields: tuple[ContactField, ...] = ()


Question = (
    RatingQuestion
    | SingleChoiceQuestion
    | MultipleChoiceQuestion
    | YesNoQuestion
    | TextQuestion
    | MatrixQuestion
    | BackgroundQuestion
    | KanoQuestion
    | PriceQuestion
    | ConsentQuestion
)

QUESTION_CLASSES: dict[str, type[QuestionBase]] = {
    cls.type: cls
    for cls in (
        RatingQuestion,
        SingleChoiceQuestion,
        MultipleChoiceQuestion,
        YesNoQuestion,
        TextQuestion,
        MatrixQuestion,
        BackgroundQuestion,
        KanoQuestion,
        PriceQuestion,
        ConsentQuestion,
    )
}

#: The question types of the format, in the order the documentation lists them.
QUESTION_TYPES: tuple[str, ...] = tuple(QUESTION_CLASSES)


@dataclass(frozen=True, kw_only=True)
class Block:
    """A group of questions shown together under an optional title."""

    key: str
    title: LocalizedText | None = None
    intro: LocalizedText | None = None
    show_if: Condition | None = None
    questions: tuple[Question, ...]


@dataclass(frozen=True, kw_only=True)
class Page:
    """One page of the questionnaire (one screen for the respondent)."""

    key: str
    title: LocalizedText | None = None
    intro: LocalizedText | None = None
    show_if: Condition | None = None
    blocks: tuple[Block, ...]

    def questions(self) -> Iterator[Question]:
        """Every question of the page, in order."""
        for block in self.blocks:
            yield from block.questions


@dataclass(frozen=True, kw_only=True)
class SurveyDefinition:
    """A complete, validated survey definition.

    ``languages`` lists the languages the survey is offered in (Swedish always; when English is listed
    every text must have an English version). ``codebook`` says which items form which index.
    """

    key: str
    title: LocalizedText
    intro: LocalizedText | None = None
    outro: LocalizedText | None = None
    languages: tuple[str, ...] = ("sv",)
    format_version: int = 1
    pages: tuple[Page, ...]
    codebook: Codebook = field(default_factory=Codebook)

    def questions(self) -> Iterator[Question]:
        """Every question in definition order."""
        for page in self.pages:
            yield from page.questions()

    def question(self, key: str) -> Question:
        """The question with ``key``.

        Raises
        ------
        NotFound
            When the survey has no such question (a ``LookupError``).
        """
        for question in self.questions():
            if question.key == key:
                return question
        raise NotFound(f"survey {self.key!r} has no question {key!r}")

    def page(self, key: str) -> Page:
        """The page with ``key``.

        Raises
        ------
        NotFound
            When the survey has no such page (a ``LookupError``; a web view answers 404).
        """
        for page in self.pages:
            if page.key == key:
                return page
        raise NotFound(f"survey {self.key!r} has no page {key!r}; pages: {', '.join(self.page_keys)}")

    def page_position(self, key: str) -> int:
        """The 0-based position of page ``key``; :class:`NotFound` when there is none."""
        return self.pages.index(self.page(key))

    @property
    def page_keys(self) -> tuple[str, ...]:
        """The keys of the pages, in order."""
        return tuple(page.key for page in self.pages)

    @property
    def consent_question(self) -> ConsentQuestion | None:
        """The consent question, if the survey has one."""
        for question in self.questions():
            if isinstance(question, ConsentQuestion):
                return question
        return None


__all__ = [
    "BackgroundQuestion",
    "Block",
    "Condition",
    "ConsentQuestion",
    "ContactField",
    "KanoQuestion",
    "MatrixItem",
    "MatrixQuestion",
    "MultipleChoiceQuestion",
    "Option",
    "Page",
    "PriceQuestion",
    "Question",
    "QuestionBase",
    "RatingQuestion",
    "Scale",
    "SingleChoiceQuestion",
    "SurveyDefinition",
    "TextQuestion",
    "YesNoQuestion",
]
