"""Checks of a definition's meaning, after the JSON Schema has checked its structure.

Every check returns located :class:`~kundpuls.errors.DefinitionError` objects instead of raising, so that
:func:`kundpuls.instruments.loading.parse_definition` can report all of them at once. The rules:

- keys: page, block, question, stored item and contact-field keys are unique (case does not count,
  since the response lake's column names ignore case); option values and option texts are unique per
  question and ``dont_know`` is reserved;
- scales: ``min < max``, at most 101 points; multiple choice: ``min_choices ≤ max_choices ≤ options``;
- languages: when English is offered every text has an English version;
- placeholders: no text as shown holds a ``{name}`` (a price question's ``{product}`` is filled first);
- conditions: refer only to earlier items (not to a matrix, Kano or price key as a whole), compare like
  with like, use existing options (see :mod:`kundpuls.instruments.expression_types`); a block's or a
  question's condition refers only to items of *earlier pages*, since a respondent page is sent whole
  (without JavaScript nothing appears on a page after an answer on it);
- at most one consent question;
- the codebook: see :mod:`kundpuls.instruments.codebook_validation`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kundpuls.errors import DefinitionError
from kundpuls.instruments.codebook_validation import codebook_errors
from kundpuls.instruments.exceptions import definition_error
from kundpuls.instruments.expression_types import ReferenceType, check_expression
from kundpuls.instruments.expressions import references
from kundpuls.instruments.items import StoredItem, iter_items, question_items
from kundpuls.instruments.localized import LocalizedText
from kundpuls.instruments.model import (
    BackgroundQuestion,
    Condition,
    ConsentQuestion,
    KanoQuestion,
    MatrixQuestion,
    MultipleChoiceQuestion,
    Option,
    PriceQuestion,
    Question,
    RatingQuestion,
    SingleChoiceQuestion,
    SurveyDefinition,
)
from kundpuls.instruments.presets import DONT_KNOW, MAX_SCALE_POINTS, PRODUCT_PLACEHOLDER

#: A ``{name}`` (or a stray pair of braces) in a text as shown.
PLACEHOLDER = re.compile(r"\{[^{}]{0,40}\}")


def semantic_errors(
    definition: SurveyDefinition, *, authoring: bool = True, complete: bool = True
) -> list[DefinitionError]:
    """Every problem with the meaning of a structurally valid definition.

    ``authoring=False`` is for a version stored before: the rules added later for new definitions (no
    condition on an answer of the same page, no unfilled placeholder) are not applied to it, so an upgrade
    never makes a stored survey unreadable; the rules that give its answers their meaning all still hold.
    ``complete=False`` is for a draft: a survey offered in English may still lack English texts, which
    publishing then requires (:func:`language_errors`).
    """
    errors: list[DefinitionError] = []
    errors += _key_errors(definition)
    errors += _question_errors(definition)
    if complete:
        errors += language_errors(definition)
    if authoring:
        errors += _placeholder_errors(definition)
    errors += _condition_errors(definition, same_page=authoring)
    errors += codebook_errors(definition)
    return errors


def _question_paths(definition: SurveyDefinition) -> Iterator[tuple[str, Question]]:
    for p, page in enumerate(definition.pages):
        for b, block in enumerate(page.blocks):
            for q, question in enumerate(block.questions):
                yield f"pages[{p}].blocks[{b}].questions[{q}]", question


# ----------------------------------------------------------------------------------------------- keys


def _key_errors(definition: SurveyDefinition) -> list[DefinitionError]:
    errors: list[DefinitionError] = []
    seen_pages: dict[str, str] = {}
    seen_blocks: dict[str, str] = {}
    for p, page in enumerate(definition.pages):
        _unique(page.key, f"pages[{p}].key", seen_pages, "page key", errors)
        for b, block in enumerate(page.blocks):
            _unique(block.key, f"pages[{p}].blocks[{b}].key", seen_blocks, "block key", errors)
    names: dict[str, str] = {}
    for path, question in _question_paths(definition):
        _unique(question.key, f"{path}.key", names, "key", errors)
        for item in question_items(question):
            if item.key != question.key:
                where = (
                    f"{path}.items[{[r.key for r in question.items].index(item.key)}].key"
                    if isinstance(question, MatrixQuestion)
                    else f"{path}.key"
                )
                _unique(item.key, where, names, f"stored key (from {question.key!r})", errors)
        if isinstance(question, ConsentQuestion):
            for f, contact in enumerate(question.contact_fields):
                _unique(contact.key, f"{path}.contact_fields[{f}].key", names, "contact field key", errors)
    return errors


def _unique(key: str, path: str, seen: dict[str, str], what: str, errors: list[DefinitionError]) -> None:
    folded = key.casefold()
    if folded in seen:
        errors.append(
            definition_error(path, f"duplicate {what} {key!r} (already used at {seen[folded]})", key)
        )
    else:
        seen[folded] = path


# ----------------------------------------------------------------------------------------------- questions


def _question_errors(definition: SurveyDefinition) -> list[DefinitionError]:
    errors: list[DefinitionError] = []
    consent_paths = []
    for path, question in _question_paths(definition):
        if isinstance(question, RatingQuestion | MatrixQuestion):
            scale = question.scale
            if scale.min >= scale.max:
                errors.append(
                    definition_error(
                        f"{path}.scale",
                        f"min {scale.min} must be below max {scale.max}",
                        (scale.min, scale.max),
                    )
                )
            elif scale.points > MAX_SCALE_POINTS:
                errors.append(
                    definition_error(
                        f"{path}.scale",
                        f"{scale.points} scale points; at most {MAX_SCALE_POINTS} are allowed",
                        (scale.min, scale.max),
                    )
                )
        if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion | BackgroundQuestion):
            errors += _option_errors(question.options, f"{path}.options")
        if isinstance(question, MultipleChoiceQuestion):
            count = len(question.options)
            if question.max_choices is not None and question.max_choices < question.min_choices:
                errors.append(
                    definition_error(
                        f"{path}.max_choices",
                        f"max_choices {question.max_choices} is below min_choices {question.min_choices}",
                        question.max_choices,
                    )
                )
            if question.min_choices > count:
                errors.append(
                    definition_error(
                        f"{path}.min_choices",
                        f"min_choices {question.min_choices} is more than the {count} options",
                        question.min_choices,
                    )
                )
            if question.max_choices is not None and question.max_choices > count:
                errors.append(
                    definition_error(
                        f"{path}.max_choices",
                        f"max_choices {question.max_choices} is more than the {count} options",
                        question.max_choices,
                    )
                )
        if isinstance(question, ConsentQuestion):
            consent_paths.append(path)
    for path in consent_paths[1:]:
        errors.append(
            definition_error(path, f"a survey has at most one consent question (first at {consent_paths[0]})")
        )
    return errors


def _option_errors(options: tuple[Option, ...], path: str) -> list[DefinitionError]:
    errors = []
    seen: dict[str, int] = {}
    texts: dict[str, int] = {}
    for i, option in enumerate(options):
        if option.value == DONT_KNOW:
            errors.append(
                definition_error(
                    f"{path}[{i}].value",
                    f'{DONT_KNOW!r} is reserved for the "vet ej" answer; use dont_know on the question',
                    option.value,
                )
            )
        if option.value in seen:
            errors.append(
                definition_error(
                    f"{path}[{i}].value",
                    f"duplicate option value {option.value!r} (already at {path}[{seen[option.value]}])",
                    option.value,
                )
            )
            continue
        seen[option.value] = i
        shown = option.text.sv.strip().casefold()
        if shown in texts:
            errors.append(
                definition_error(
                    f"{path}[{i}].text",
                    f"option text {option.text.sv!r} is the same as at {path}[{texts[shown]}]; "
                    "respondents cannot tell them apart",
                    option.text.sv,
                )
            )
        else:
            texts[shown] = i
    return errors


# ----------------------------------------------------------------------------------------------- languages


def _texts(definition: SurveyDefinition) -> Iterator[tuple[str, LocalizedText | None]]:
    yield "title", definition.title
    yield "intro", definition.intro
    yield "outro", definition.outro
    for p, page in enumerate(definition.pages):
        yield f"pages[{p}].title", page.title
        yield f"pages[{p}].intro", page.intro
        for b, block in enumerate(page.blocks):
            yield f"pages[{p}].blocks[{b}].title", block.title
            yield f"pages[{p}].blocks[{b}].intro", block.intro
    for path, question in _question_paths(definition):
        yield from _question_texts(path, question)
    for name, index in definition.codebook.indices.items():
        yield f"codebook.indices.{name}.label", index.label


def _question_texts(path: str, question: Question) -> Iterator[tuple[str, LocalizedText | None]]:
    yield f"{path}.text", question.text
    yield f"{path}.help", question.help
    yield f"{path}.dont_know", question.dont_know
    if isinstance(question, RatingQuestion | MatrixQuestion):
        yield f"{path}.scale.min_label", question.scale.min_label
        yield f"{path}.scale.max_label", question.scale.max_label
    if isinstance(question, MatrixQuestion):
        for i, item in enumerate(question.items):
            yield f"{path}.items[{i}].text", item.text
    if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion | BackgroundQuestion):
        for i, option in enumerate(question.options):
            yield f"{path}.options[{i}].text", option.text
    if isinstance(question, KanoQuestion):
        yield f"{path}.functional", question.functional
        yield f"{path}.dysfunctional", question.dysfunctional
    if isinstance(question, PriceQuestion):
        yield f"{path}.product", question.product
        for part in question.texts:  # as shown: with the product filled in
            yield f"{path}.texts.{part}", question.filled_text(part)
    if isinstance(question, ConsentQuestion):
        yield f"{path}.purpose", question.purpose
        for i, contact in enumerate(question.contact_fields):
            yield f"{path}.contact_fields[{i}].text", contact.text


def language_errors(definition: SurveyDefinition) -> list[DefinitionError]:
    """Every text without its English version when the survey is offered in English (a path each)."""
    if "en" not in definition.languages:
        return []
    return [
        definition_error(
            f"{path}.en", "English text (en) is missing; the survey is offered in English", text.sv
        )
        for path, text in _texts(definition)
        if text is not None and not text.en
    ]


def _placeholder_errors(definition: SurveyDefinition) -> list[DefinitionError]:
    """A ``{name}`` left in a text as shown: nothing fills it, so the respondent would read it raw."""
    errors = []
    for path, text in _texts(definition):
        if text is None:
            continue
        for language, shown in (("sv", text.sv), ("en", text.en)):
            for placeholder in dict.fromkeys(PLACEHOLDER.findall(shown or "")):
                errors.append(
                    definition_error(
                        f"{path}.{language}",
                        f"the text {_short(shown or '')!r} has the placeholder {placeholder!r}, which "
                        f"nothing fills (only {PRODUCT_PLACEHOLDER} in a price question's texts is "
                        "filled, from its product); write the text out",
                        shown,
                    )
                )
    return errors


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ----------------------------------------------------------------------------------------------- conditions


def reference_type(item: StoredItem) -> ReferenceType:
    """The type a condition sees for a stored item."""
    if item.kind == "numeric":
        return ReferenceType("number")
    if item.kind == "choice":
        return ReferenceType("string", item.options)
    if item.kind == "choices":
        return ReferenceType("list_string", item.options)
    if item.kind == "boolean":
        return ReferenceType("boolean")
    return ReferenceType("text")


def _condition_errors(definition: SurveyDefinition, *, same_page: bool = True) -> list[DefinitionError]:
    all_items = {item.key: item for item in iter_items(definition)}
    known: dict[str, ReferenceType] = {key: ReferenceType("later") for key in all_items}
    for question in definition.questions():
        if question.key not in all_items:
            parts = tuple(item.key for item in question_items(question))
            known[question.key] = ReferenceType("group", parts)
    errors: list[DefinitionError] = []

    def check(
        condition: Condition | None, path: str, what: str = "", on_page: dict[str, str] | None = None
    ) -> None:
        if condition is None:
            return
        problems = check_expression(condition.expression, condition.source, known)
        for problem in problems:
            errors.append(problem.at(f"{path}.show_if"))
        if not problems and on_page and same_page:
            errors.extend(_same_page_errors(condition, f"{path}.show_if", what, on_page))

    for p, page in enumerate(definition.pages):
        check(page.show_if, f"pages[{p}]")
        on_page: dict[str, str] = {}  # item key -> key of the question that asks it, on this page so far
        for b, block in enumerate(page.blocks):
            check(block.show_if, f"pages[{p}].blocks[{b}]", f"block {block.key!r}", on_page)
            for q, question in enumerate(block.questions):
                where = f"pages[{p}].blocks[{b}].questions[{q}]"
                check(question.show_if, where, f"question {question.key!r}", on_page)
                for item in question_items(question):
                    known[item.key] = reference_type(item)
                    on_page[item.key] = question.key
    return errors


def _same_page_errors(
    condition: Condition, path: str, what: str, on_page: dict[str, str]
) -> list[DefinitionError]:
    """A condition on an answer given on the same page: the page is sent whole, so it would never show."""
    keys = dict.fromkeys(reference.key for reference in references(condition.expression))
    return [
        definition_error(
            path,
            f"{what} depends on {key!r}{_asked_by(key, on_page[key])} on the same page; a page is "
            f"sent whole, so move {what} to a later page (condition {condition.source!r})",
            key,
        )
        for key in keys
        if key in on_page
    ]


def _asked_by(item: str, question: str) -> str:
    return "" if item == question else f" (asked by question {question!r})"
