"""What one respondent page shows: questions, their inputs, current values and errors, in one language.

Inputs are built from the stored items of each question (see :mod:`kundpuls.instruments.items`), so every
question type the definition model knows is rendered, and a form sends exactly the item keys the answer
validation expects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.safestring import SafeString

from kundpuls.instruments import DONT_KNOW, StoredItem, SurveyDefinition, VisibleBlock, visible_blocks
from kundpuls.instruments.items import question_items
from kundpuls.instruments.model import (
    BackgroundQuestion,
    ConsentQuestion,
    KanoQuestion,
    MultipleChoiceQuestion,
    Question,
    SingleChoiceQuestion,
    TextQuestion,
)
from kundpuls.instruments.presets import DEFAULT_DONT_KNOW_TEXT, currency_label
from kundpuls.web.surveys.markup import question_html

YES_NO = {"sv": (("yes", "Ja"), ("no", "Nej")), "en": (("yes", "Yes"), ("no", "No"))}
MAX_RADIO_POINTS = 11


@dataclass
class Choice:
    value: str
    label: str
    id: str
    checked: bool
    note: str = ""  # the end-point label of a scale ("Mycket dåligt")


@dataclass
class Input:
    """One stored item as the respondent answers it."""

    key: str
    label: str
    widget: str  # "scale", "radio", "checkbox", "text", "textarea", "number"
    id: str
    choices: list[Choice] = field(default_factory=list)
    value: str = ""
    min_label: str = ""
    max_label: str = ""
    unit: str = ""
    max_length: int | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class QuestionView:
    key: str
    text: str
    help: str
    required: bool
    inputs: list[Input]
    grouped: bool  # several inputs under one legend (matrix, Kano, price)
    purpose: str = ""
    contact_inputs: list[Input] = field(default_factory=list)
    condition: str = ""  # the show-if of the question or its block (shown to staff in the preview)

    @property
    def errors(self) -> list[str]:
        return [e for i in [*self.inputs, *self.contact_inputs] for e in i.errors]

    @property
    def html(self) -> SafeString:
        """The question's markup (see :mod:`kundpuls.web.surveys.markup`)."""
        return question_html(self)


@dataclass
class BlockView:
    title: str
    intro: str
    questions: list[QuestionView]


def _option_texts(question: Question, language: str) -> dict[str, str]:
    if isinstance(question, SingleChoiceQuestion | BackgroundQuestion | MultipleChoiceQuestion):
        return {o.value: o.text.in_language(language) for o in question.options}
    if isinstance(question, KanoQuestion):
        return {value: text.in_language(language) for value, text in question.answers}
    return {}


def _shown_value(raw: Any) -> str:
    if raw is None:
        return DONT_KNOW
    if raw is True:
        return "yes"
    if raw is False:
        return "no"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _input(question: Question, item: StoredItem, values: dict[str, Any], language: str) -> Input:
    raw = values.get(item.key)
    ident = f"f-{item.key}"
    label = item.text.in_language(language)
    base = Input(key=item.key, label=label, widget="text", id=ident)
    selected = {_shown_value(v) for v in raw} if isinstance(raw, list) else {_shown_value(raw)}
    if item.key not in values:
        selected = set()
    dont_know = question.dont_know if question.dont_know is not None else None

    def choices(pairs: list[tuple[str, str]]) -> list[Choice]:
        made = [Choice(v, text, f"{ident}-{v}", v in selected) for v, text in pairs]
        if item.allows_dont_know and dont_know is not None:
            text = (dont_know or DEFAULT_DONT_KNOW_TEXT).in_language(language)
            made.append(Choice(DONT_KNOW, text, f"{ident}-{DONT_KNOW}", DONT_KNOW in selected))
        return made

    low, high = item.scale_min, item.scale_max
    if (
        item.kind == "numeric"
        and item.integer
        and low is not None
        and high is not None
        and high - low < MAX_RADIO_POINTS
    ):
        points = range(int(low), int(high) + 1)
        base.widget = "scale"
        base.choices = choices([(str(p), str(p)) for p in points])
        base.min_label = item.min_label.in_language(language) if item.min_label else ""
        base.max_label = item.max_label.in_language(language) if item.max_label else ""
        base.choices[0].note = base.min_label
        base.choices[len(points) - 1].note = base.max_label
        return base
    if item.kind == "numeric":
        base.widget = "number"
        base.unit = currency_label(item.unit, language) if item.unit else ""
        base.value = "" if item.key not in values or raw is None else _shown_value(raw)
        return base
    if item.kind in {"choice", "choices"}:
        texts = _option_texts(question, language)
        base.widget = "radio" if item.kind == "choice" else "checkbox"
        base.choices = choices([(v, texts.get(v, v)) for v in item.options or ()])
        return base
    if item.kind == "boolean":
        base.widget = "radio"
        base.choices = choices(list(YES_NO.get(language, YES_NO["sv"])))
        return base
    base.widget = "textarea" if isinstance(question, TextQuestion) and question.multiline else "text"
    base.max_length = question.max_length if isinstance(question, TextQuestion) else None
    base.value = "" if raw is None else str(raw)
    return base


def page_view(
    definition: SurveyDefinition,
    page_key: str,
    answers: dict[str, Any],
    *,
    language: str,
    errors: dict[str, list[str]] | None = None,
    contact: dict[str, str] | None = None,
    every_question: bool = False,
) -> list[BlockView]:
    """The blocks of ``page_key`` with their questions, filled with ``answers`` and ``errors``.

    ``every_question`` (the staff preview) shows the questions whose conditions are false too, each with
    its condition in ``condition``.
    """
    errors = errors or {}
    contact = contact or {}
    blocks = []
    if every_question:
        page = definition.page(page_key)
        shown_blocks = [VisibleBlock(block, block.questions) for block in page.blocks]
    else:
        shown_blocks = visible_blocks(definition, page_key, answers)
    for shown in shown_blocks:
        questions = []
        for question in shown.questions:
            items = question_items(question)
            inputs = [_input(question, item, answers, language) for item in items]
            for i in inputs:
                i.errors = errors.get(i.key, [])
            view = QuestionView(
                key=question.key,
                text=question.text.in_language(language),
                help=question.help.in_language(language) if question.help else "",
                required=question.required,
                inputs=inputs,
                grouped=len(inputs) > 1,
                condition=" and ".join(
                    f"({c.source})" if " or " in c.source else c.source
                    for c in (shown.block.show_if, question.show_if)
                    if c is not None
                ),
            )
            if isinstance(question, ConsentQuestion):
                view.purpose = question.purpose.in_language(language)
                view.contact_inputs = [
                    Input(
                        key=c.key,
                        label=c.text.in_language(language),
                        widget={"email": "email", "phone": "tel"}.get(c.kind, "text"),
                        id=f"f-{c.key}",
                        value=contact.get(c.key, ""),
                        max_length=200,
                        errors=errors.get(c.key, []),
                    )
                    for c in question.contact_fields
                ]
            questions.append(view)
        title = shown.block.title.in_language(language) if shown.block.title else ""
        intro = shown.block.intro.in_language(language) if shown.block.intro else ""
        blocks.append(BlockView(title=title, intro=intro, questions=questions))
    return blocks


def raw_page_answers(definition: SurveyDefinition, page_key: str, data: QueryDict) -> dict[str, Any]:
    """The raw answers to the items (and contact fields) of one page from a posted form."""
    raw: dict[str, Any] = {}
    page = definition.page(page_key)
    for question in page.questions():
        for item in question_items(question):
            if item.kind == "choices":
                values = data.getlist(item.key)
                if values:
                    raw[item.key] = values
            elif item.key in data:
                raw[item.key] = data.get(item.key, "")
        if isinstance(question, ConsentQuestion):
            for c in question.contact_fields:
                if data.get(c.key, "").strip():
                    raw[c.key] = data.get(c.key, "")
    return raw
