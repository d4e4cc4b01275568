"""Checks of a definition's meaning, after the JSON Schema has checked its structure.

Every check returns located :class:`~kundpuls.errors.DefinitionError` objects instead of raising, so that
:func:`kundpuls.instruments.loading.parse_definition` can report all of them at once. The rules:

- keys: page, block, question, stored item and contact-field keys are unique (case does not count,
  since the response lake's column names ignore case); option values are unique per question and
  ``dont_know`` is reserved;
- scales: ``min < max``, at most 101 points; multiple choice: ``min_choices ≤ max_choices ≤ options``;
- languages: when English is offered every text has an English version;
- conditions: refer only to earlier items, compare like with like, use existing options (see
  :mod:`kundpuls.instruments.expressions`);
- at most one consent question;
- codebook: indices over existing rating items (scale_mean) or items with declared positive answers
  (positive_share), weights for exactly the index's items, the main index exists, NPS on 0–10, CES on
  1–7 (CES 2.0) or 1–5 (original), CSAT on a rating, a driver model whose constructs, indicators and
  paths exist and form an acyclic model in which every driver reaches the outcome, mirrored items are
  ratings, a comment threshold no lower than the anonymity threshold.
"""

from __future__ import annotations

from collections.abc import Iterator

from kundpuls.errors import DefinitionError
from kundpuls.instruments.codebook import Codebook, IndexDefinition
from kundpuls.instruments.exceptions import definition_error
from kundpuls.instruments.expression_types import ReferenceType, check_expression
from kundpuls.instruments.items import StoredItem, question_items
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
from kundpuls.instruments.presets import DONT_KNOW, MAX_SCALE_POINTS


def semantic_errors(definition: SurveyDefinition) -> list[DefinitionError]:
    """Every problem with the meaning of a structurally valid definition."""
    errors: list[DefinitionError] = []
    errors += _key_errors(definition)
    errors += _question_errors(definition)
    errors += _language_errors(definition)
    errors += _condition_errors(definition)
    errors += codebook_errors(definition)
    return errors


def _question_paths(definition: SurveyDefinition) -> Iterator[tuple[str, Question]]:
    for p, page in enumerate(definition.pages):
        for b, block in enumerate(page.blocks):
            for q, question in enumerate(block.questions):
                yield f"pages[{p}].blocks[{b}].questions[{q}]", question


def _items_with_paths(definition: SurveyDefinition) -> Iterator[tuple[str, StoredItem]]:
    for path, question in _question_paths(definition):
        for item in question_items(question):
            if isinstance(question, MatrixQuestion):
                index = [row.key for row in question.items].index(item.key)
                yield f"{path}.items[{index}].key", item
            else:
                yield f"{path}.key", item


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
        else:
            seen[option.value] = i
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
        for part, text in question.texts.items():
            yield f"{path}.texts.{part}", text
    if isinstance(question, ConsentQuestion):
        yield f"{path}.purpose", question.purpose
        for i, contact in enumerate(question.contact_fields):
            yield f"{path}.contact_fields[{i}].text", contact.text


def _language_errors(definition: SurveyDefinition) -> list[DefinitionError]:
    if "en" not in definition.languages:
        return []
    return [
        definition_error(
            f"{path}.en", "English text (en) is missing; the survey is offered in English", text.sv
        )
        for path, text in _texts(definition)
        if text is not None and not text.en
    ]


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


def _condition_errors(definition: SurveyDefinition) -> list[DefinitionError]:
    all_items = {item.key: item for _, item in _items_with_paths(definition)}
    known: dict[str, ReferenceType] = {key: ReferenceType("later") for key in all_items}
    errors: list[DefinitionError] = []

    def check(condition: Condition | None, path: str) -> None:
        if condition is None:
            return
        for problem in check_expression(condition.expression, condition.source, known):
            errors.append(problem.at(f"{path}.show_if"))

    for p, page in enumerate(definition.pages):
        check(page.show_if, f"pages[{p}]")
        for b, block in enumerate(page.blocks):
            check(block.show_if, f"pages[{p}].blocks[{b}]")
            for q, question in enumerate(block.questions):
                check(question.show_if, f"pages[{p}].blocks[{b}].questions[{q}]")
                for item in question_items(question):
                    known[item.key] = reference_type(item)
    return errors


# ----------------------------------------------------------------------------------------------- codebook


def _is_rating(item: StoredItem | None) -> bool:
    return item is not None and item.kind == "numeric" and item.integer


def codebook_errors(definition: SurveyDefinition) -> list[DefinitionError]:
    """Every problem with the codebook of ``definition``."""
    codebook = definition.codebook
    items = {item.key: item for _, item in _items_with_paths(definition)}
    errors: list[DefinitionError] = []
    for name, index in codebook.indices.items():
        errors += _index_errors(index, f"codebook.indices.{name}", items)
    if codebook.main_index is not None and codebook.main_index not in codebook.indices:
        errors.append(
            definition_error(
                "codebook.main_index",
                f"main index {codebook.main_index!r} is not an index",
                codebook.main_index,
            )
        )
    errors += _single_item_errors(codebook, items)
    errors += _driver_errors(codebook, items)
    seen: set[str] = set()
    for i, mirror in enumerate(codebook.mirrors):
        path = f"codebook.mirrors[{i}].item"
        item = items.get(mirror.item)
        if item is None:
            errors.append(definition_error(path, f"unknown item {mirror.item!r}", mirror.item))
        elif not _is_rating(item):
            errors.append(
                definition_error(path, f"mirrored item {mirror.item!r} is not a rating", mirror.item)
            )
        if mirror.item in seen:
            errors.append(definition_error(path, f"item {mirror.item!r} is mirrored twice", mirror.item))
        seen.add(mirror.item)
    comment = codebook.comment_anonymity_threshold
    if comment is not None and comment < codebook.anonymity_threshold:
        errors.append(
            definition_error(
                "codebook.comment_anonymity_threshold",
                f"{comment} is below the anonymity threshold {codebook.anonymity_threshold}; "
                "comments may only be protected more strictly",
                comment,
            )
        )
    return errors


def _index_errors(index: IndexDefinition, path: str, items: dict[str, StoredItem]) -> list[DefinitionError]:
    errors: list[DefinitionError] = []
    seen: set[str] = set()
    for i, key in enumerate(index.items):
        where = f"{path}.items[{i}]"
        item = items.get(key)
        if key in seen:
            errors.append(definition_error(where, f"item {key!r} is listed twice", key))
        seen.add(key)
        if item is None:
            errors.append(definition_error(where, f"unknown item {key!r}", key))
        elif index.kind == "scale_mean" and not _is_rating(item):
            errors.append(
                definition_error(
                    where,
                    f"index {index.name!r} is over non-numeric item {key!r} ({item.question_type}); "
                    "a scale_mean index needs rating items",
                    key,
                )
            )
        elif index.kind == "positive_share" and item.kind in ("text", "choices"):
            errors.append(
                definition_error(
                    where, f"item {key!r} ({item.question_type}) cannot have positive answers", key
                )
            )
    if index.weights is not None:
        for key in index.weights:
            if key not in index.items:
                errors.append(
                    definition_error(
                        f"{path}.weights.{key}", f"weight for {key!r}, which is not an item", key
                    )
                )
        for key in index.items:
            if key not in index.weights:
                errors.append(definition_error(f"{path}.weights", f"no weight for item {key!r}", key))
    if index.min_answered is not None and index.min_answered > len(index.items):
        errors.append(
            definition_error(
                f"{path}.min_answered",
                f"min_answered {index.min_answered} is more than the {len(index.items)} items",
                index.min_answered,
            )
        )
    if index.kind == "scale_mean" and index.positive:
        errors.append(
            definition_error(f"{path}.positive", "positive answers apply only to kind positive_share")
        )
    if index.kind == "positive_share":
        for key in index.items:
            if key not in index.positive:
                errors.append(
                    definition_error(f"{path}.positive", f"no positive answers given for item {key!r}", key)
                )
        for key, values in index.positive.items():
            if key not in index.items:
                errors.append(
                    definition_error(f"{path}.positive.{key}", f"{key!r} is not an item of the index", key)
                )
                continue
            item = items.get(key)
            if item is not None:
                errors += _positive_value_errors(item, values, f"{path}.positive.{key}")
    return errors


def _positive_value_errors(item: StoredItem, values: tuple[object, ...], path: str) -> list[DefinitionError]:
    errors = []
    for i, value in enumerate(values):
        if item.kind == "choice":
            ok = isinstance(value, str) and value in (item.options or ())
        elif item.kind == "boolean":
            ok = isinstance(value, bool)
        elif item.kind == "numeric":
            ok = (
                isinstance(value, int)
                and not isinstance(value, bool)
                and item.scale_min is not None
                and item.scale_max is not None
                and item.scale_min <= value <= item.scale_max
            )
        else:
            ok = False
        if not ok:
            errors.append(
                definition_error(f"{path}[{i}]", f"{value!r} is not a possible answer of {item.key!r}", value)
            )
    return errors


def _single_item_errors(codebook: Codebook, items: dict[str, StoredItem]) -> list[DefinitionError]:
    errors: list[DefinitionError] = []
    rules = {
        "nps": ({(0, 10)}, "NPS needs a 0–10 rating"),
        "ces": ({(1, 7), (1, 5)}, "CES needs a 1–7 (CES 2.0) or 1–5 (original CES) rating"),
        "csat": (None, "CSAT needs a rating"),
    }
    for name, (scales, rule) in rules.items():
        key = getattr(codebook, name)
        if key is None:
            continue
        item = items.get(key)
        path = f"codebook.{name}"
        if item is None:
            errors.append(definition_error(path, f"unknown item {key!r}", key))
        elif not _is_rating(item) or item.part is not None:
            errors.append(definition_error(path, f"{rule}; {key!r} is {item.question_type}", key))
        elif scales is not None and (item.scale_min, item.scale_max) not in scales:
            errors.append(
                definition_error(path, f"{rule}; {key!r} is on {item.scale_min:g}–{item.scale_max:g}", key)
            )
    return errors


def _driver_errors(codebook: Codebook, items: dict[str, StoredItem]) -> list[DefinitionError]:
    model = codebook.driver_model
    if model is None:
        return []
    path = "codebook.driver_model"
    errors: list[DefinitionError] = []
    names = set(model.constructs)
    reported: set[str] = set()
    for role, name in [("outcome", model.outcome)] + [
        (f"drivers[{i}]", d) for i, d in enumerate(model.drivers)
    ]:
        if name not in names:
            reported.add(name)
            hint = "" if name in codebook.indices else f" (and {name!r} is not an index either)"
            errors.append(
                definition_error(f"{path}.{role}", f"{name!r} is not a construct of the model{hint}", name)
            )
    if model.outcome in model.drivers:
        errors.append(
            definition_error(f"{path}.drivers", f"the outcome {model.outcome!r} cannot also be a driver")
        )
    owner: dict[str, str] = {}
    for name, construct in model.constructs.items():
        for i, key in enumerate(construct.indicators):
            where = f"{path}.constructs.{name}.indicators[{i}]"
            item = items.get(key)
            if item is None:
                errors.append(definition_error(where, f"unknown item {key!r}", key))
            elif not _is_rating(item):
                errors.append(
                    definition_error(where, f"indicator {key!r} is not a rating ({item.question_type})", key)
                )
            if key in owner:
                errors.append(
                    definition_error(where, f"indicator {key!r} is already in construct {owner[key]!r}", key)
                )
            owner.setdefault(key, name)
    edges: set[tuple[str, str]] = set()
    for i, (source, target) in enumerate(model.paths):
        where = f"{path}.paths[{i}]"
        for end in (source, target):
            if end not in names and end not in reported:
                errors.append(definition_error(where, f"{end!r} is not a construct of the model", end))
        if source == target:
            errors.append(definition_error(where, f"path from {source!r} to itself", source))
        if (source, target) in edges:
            errors.append(definition_error(where, f"path {source!r} → {target!r} is listed twice"))
        edges.add((source, target))
    if _has_cycle(edges):
        errors.append(
            definition_error(f"{path}.paths", "the paths form a cycle; a path model must be acyclic")
        )
    else:
        for i, driver in enumerate(model.drivers):
            if driver in names and model.outcome in names and not _reaches(driver, model.outcome, edges):
                errors.append(
                    definition_error(
                        f"{path}.drivers[{i}]", f"driver {driver!r} has no path to {model.outcome!r}", driver
                    )
                )
    connected = {end for edge in edges for end in edge}
    for name in model.constructs:
        if name not in connected:
            errors.append(
                definition_error(f"{path}.constructs.{name}", f"construct {name!r} is on no path", name)
            )
    return errors


def _has_cycle(edges: set[tuple[str, str]]) -> bool:
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for following in graph.get(node, []):
            mark = state.get(following, 0)
            if mark == 1 or (mark == 0 and visit(following)):
                return True
        state[node] = 2
        return False

    return any(state.get(node, 0) == 0 and visit(node) for node in list(graph))


def _reaches(source: str, target: str, edges: set[tuple[str, str]]) -> bool:
    frontier = [source]
    seen = {source}
    while frontier:
        node = frontier.pop()
        for start, end in edges:
            if start == node and end not in seen:
                if end == target:
                    return True
                seen.add(end)
                frontier.append(end)
    return False


def mirror_errors(staff: SurveyDefinition, customer: SurveyDefinition) -> list[DefinitionError]:
    """Problems with the staff survey's mirrored items against a customer survey.

    Each mirror (whose ``customer_survey`` is empty or equals ``customer.key``) must point at a rating of
    the customer survey on the same scale as the staff item, so that ``gap = idx_staff − idx_customer``
    compares like with like (METHODS.md §9.3).
    """
    staff_items = {item.key: item for _, item in _items_with_paths(staff)}
    customer_items = {item.key: item for _, item in _items_with_paths(customer)}
    errors: list[DefinitionError] = []
    for i, mirror in enumerate(staff.codebook.mirrors):
        if mirror.customer_survey not in (None, customer.key):
            continue
        path = f"codebook.mirrors[{i}].customer_item"
        mine = staff_items.get(mirror.item)
        theirs = customer_items.get(mirror.customer_item)
        if theirs is None:
            errors.append(
                definition_error(
                    path, f"{customer.key!r} has no item {mirror.customer_item!r}", mirror.customer_item
                )
            )
        elif not _is_rating(theirs):
            errors.append(
                definition_error(path, f"{mirror.customer_item!r} is not a rating", mirror.customer_item)
            )
        elif mine is not None and (mine.scale_min, mine.scale_max) != (theirs.scale_min, theirs.scale_max):
            errors.append(
                definition_error(
                    path,
                    f"{mirror.item!r} is on {mine.scale_min:g}–{mine.scale_max:g} but "
                    f"{mirror.customer_item!r} is on {theirs.scale_min:g}–{theirs.scale_max:g}; "
                    "mirrored items need the same scale",
                    mirror.customer_item,
                )
            )
    return errors
