"""Generated definitions and answer sets: validation never crashes and accepted answers round-trip."""

from __future__ import annotations

import contextlib
import copy
import string
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kundpuls.errors import DefinitionError, ValidationError
from kundpuls.instruments import (
    ValidatedAnswers,
    definition_to_dict,
    load_template,
    page_item_keys,
    parse_definition,
    stored_items,
    validate_answers,
    validate_page_answers,
    visible_questions,
)
from kundpuls.instruments.exceptions import ExpressionError
from kundpuls.instruments.expressions import parse_expression
from kundpuls.instruments.items import contact_fields

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _text(sv: str) -> dict[str, str]:
    return {"sv": sv}


def _scale(low: int, high: int) -> dict[str, Any]:
    return {"min": low, "max": high, "min_label": _text("Låg"), "max_label": _text("Hög")}


@st.composite
def conditions(draw: st.DrawFn, earlier: list[tuple[str, str, tuple[Any, ...]]]) -> str:
    """A well-typed condition over earlier items (key, kind, options or scale bounds)."""
    key, kind, extra = draw(st.sampled_from(earlier))
    if kind == "numeric":
        operator = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
        return f"{key} {operator} {draw(st.integers(-5, 15))}"
    if kind == "choice":
        chosen = draw(st.lists(st.sampled_from(extra), min_size=1, max_size=3))
        if len(chosen) == 1:
            return f"{key} {draw(st.sampled_from(['==', '!=']))} '{chosen[0]}'"
        return f"{key} {draw(st.sampled_from(['in', 'not in']))} [{', '.join(repr(c) for c in chosen)}]"
    if kind == "choices":
        return f"'{draw(st.sampled_from(extra))}' {draw(st.sampled_from(['in', 'not in']))} {key}"
    return draw(st.sampled_from([key, f"not {key}", f"{key} == true", f"{key} == false"]))


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    """Valid raw definitions of every question type, with show-if conditions on earlier items."""
    earlier: list[tuple[str, str, tuple[Any, ...]]] = []
    questions: list[dict[str, Any]] = []
    has_consent = False
    for i in range(draw(st.integers(1, 7))):
        key = f"q{i}"
        kind = draw(
            st.sampled_from(
                [
                    "rating",
                    "single_choice",
                    "multiple_choice",
                    "yes_no",
                    "text",
                    "matrix",
                    "background",
                    "kano",
                    "price",
                    "consent",
                ]
            )
        )
        if kind == "consent" and has_consent:
            kind = "yes_no"
        question: dict[str, Any] = {"type": kind, "key": key, "text": _text(f"Fråga {i}")}
        question["required"] = draw(st.booleans())
        if draw(st.booleans()):
            question["dont_know"] = True
        if earlier and draw(st.integers(0, 2)) == 0:
            question["show_if"] = draw(conditions(earlier))
        new_items: list[tuple[str, str, tuple[Any, ...]]] = []
        if kind in ("rating", "matrix"):
            low = draw(st.integers(-3, 5))
            high = draw(st.integers(low + 1, low + 10))
            question["scale"] = _scale(low, high)
            if kind == "matrix":
                rows = [f"{key}_r{j}" for j in range(draw(st.integers(1, 3)))]
                question["items"] = [{"key": row, "text": _text(row)} for row in rows]
                new_items += [(row, "numeric", (low, high)) for row in rows]
            else:
                new_items.append((key, "numeric", (low, high)))
        elif kind in ("single_choice", "multiple_choice", "background"):
            values = [f"o{j}" for j in range(draw(st.integers(2, 4)))]
            if kind == "background":
                question["variable"] = "other"
            if kind == "background" and draw(st.booleans()):
                question["preset"] = "gender"
                values = ["woman", "man", "other"]
            else:
                question["options"] = [{"value": v, "text": _text(v)} for v in values]
            if kind == "multiple_choice":
                question["min_choices"] = draw(st.integers(1, len(values)))
                if draw(st.booleans()):
                    question["max_choices"] = draw(st.integers(question["min_choices"], len(values)))
            new_items.append((key, "choices" if kind == "multiple_choice" else "choice", tuple(values)))
        elif kind == "text":
            question["max_length"] = draw(st.integers(1, 40))
        elif kind == "kano":
            question["functional"] = _text("Om den finns?")
            question["dysfunctional"] = _text("Om den saknas?")
        elif kind == "price":
            question["product"] = _text("tjänsten")
            question["intent"] = draw(st.booleans())
        elif kind == "consent":
            has_consent = True
            question["purpose"] = _text("Uppföljning.")
            question["contact_fields"] = [
                {
                    "key": f"{key}_{contact}",
                    "kind": contact,
                    "text": _text(contact),
                    "required": draw(st.booleans()),
                }
                for contact in draw(st.lists(st.sampled_from(["email", "phone", "name"]), unique=True))
            ]
            new_items.append((key, "boolean", ()))
        else:
            new_items.append((key, "boolean", ()))
        questions.append(question)
        earlier += new_items
    cut = draw(st.integers(1, len(questions)))
    pages: list[list[dict[str, Any]]] = [[]]
    for i, question in enumerate(questions):
        # a condition refers to earlier pages only (a page is sent whole), so it starts a page
        if pages[-1] and (i == cut or "show_if" in question):
            pages.append([])
        pages[-1].append(question)
    return {
        "key": "generated",
        "title": _text("Genererad"),
        "pages": [
            {"key": f"p{i}", "blocks": [{"key": f"b{i}", "questions": qs}]} for i, qs in enumerate(pages)
        ],
    }


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-20, 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        ["dont_know", "ja", "nej", "7", "3,5", "o0", "o1", "like", "1 200 kr", "a@b.se", "070-1234567", ""]
    ),
    st.lists(
        st.one_of(st.text(max_size=4), st.sampled_from(["o0", "o1", "o2"]), st.integers(0, 3)), max_size=4
    ),
)


def _valid_value(item: Any, question: Any) -> st.SearchStrategy[Any]:
    if item.allows_dont_know and item.kind != "text":
        dont_know: st.SearchStrategy[Any] = st.sampled_from([None, "dont_know"])
    else:
        dont_know = st.nothing()
    if item.kind == "numeric" and item.integer:
        valid: st.SearchStrategy[Any] = st.integers(int(item.scale_min), int(item.scale_max))
    elif item.kind == "numeric":
        valid = st.one_of(st.integers(0, 5000), st.floats(0, 5000), st.sampled_from(["1 200 kr", "149,50"]))
    elif item.kind == "choice":
        valid = st.sampled_from(item.options)
    elif item.kind == "choices":
        top = question.max_choices or len(item.options)
        valid = st.lists(
            st.sampled_from(item.options), min_size=question.min_choices, max_size=top, unique=True
        )
    elif item.kind == "boolean":
        valid = st.sampled_from([True, False, "ja", "nej"])
    else:
        valid = st.text(string.ascii_letters + "åäö \n", min_size=1, max_size=question.max_length).filter(
            str.strip
        )
    return st.one_of(valid, dont_know)


CONTACT_VALUES = {
    "email": "anna@exempel.se",
    "phone": "070-123 45 67",
    "name": "Anna Berg",
    "text": "kvällar",
}


@st.composite
def clean_answer_sets(draw: st.DrawFn, definition: Any) -> dict[str, Any]:
    """Answers with only valid values: every item answered, so required questions are met."""
    answers: dict[str, Any] = {}
    for item in stored_items(definition):
        answers[item.key] = draw(_valid_value(item, definition.question(item.question_key)))
    for contact in contact_fields(definition):
        answers[contact.key] = CONTACT_VALUES[contact.kind]
    return answers


@st.composite
def answer_sets(draw: st.DrawFn, definition: Any) -> dict[str, Any]:
    """Answers to a random subset of the items: mostly plausible values, sometimes junk or unknown keys."""
    if draw(st.booleans()):
        return draw(clean_answer_sets(definition))
    answers: dict[str, Any] = {}
    for item in stored_items(definition):
        if not draw(st.integers(0, 3)):
            continue
        plausible: st.SearchStrategy[Any]
        if item.kind == "numeric" and item.integer:
            plausible = st.integers(int(item.scale_min or 0), int(item.scale_max or 0))
        elif item.kind == "numeric":
            plausible = st.one_of(
                st.integers(0, 5000), st.floats(0, 5000), st.sampled_from(["1 200 kr", "149,50"])
            )
        elif item.kind == "choice":
            plausible = st.sampled_from(item.options or ("x",))
        elif item.kind == "choices":
            plausible = st.lists(st.sampled_from(item.options or ("x",)), max_size=4)
        elif item.kind == "boolean":
            plausible = st.sampled_from([True, False, "ja", "nej"])
        else:
            plausible = st.text(max_size=60)
        answers[item.key] = draw(st.one_of(plausible, plausible, plausible, JUNK))
    for contact in contact_fields(definition):
        if draw(st.booleans()):
            answers[contact.key] = draw(
                st.sampled_from(["anna@exempel.se", "070-123 45 67", "Anna", "", "x"])
            )
    if not draw(st.integers(0, 9)):
        answers[draw(st.text(string.ascii_lowercase, min_size=1, max_size=5))] = draw(JUNK)
    return answers


def _check_normalised(definition: Any, result: ValidatedAnswers) -> None:
    items = {item.key: item for item in stored_items(definition)}
    for key, value in result.answers.items():
        item = items[key]
        if value is None:
            assert item.allows_dont_know
        elif item.kind == "numeric":
            assert isinstance(value, int | float) and not isinstance(value, bool)
            assert (item.scale_min or 0) <= value <= (item.scale_max or 0)
        elif item.kind == "choice":
            assert value in (item.options or ())
        elif item.kind == "choices":
            assert value and all(v in (item.options or ()) for v in value)
        elif item.kind == "boolean":
            assert isinstance(value, bool)
        else:
            assert isinstance(value, str) and value == value.strip() and value


@SETTINGS
@given(st.data())
def test_accepted_answer_sets_round_trip_and_rejected_ones_raise_validation_errors(
    data: st.DataObject,
) -> None:
    definition = parse_definition(data.draw(definitions()))
    raw = data.draw(answer_sets(definition))
    try:
        result = validate_answers(definition, raw)
    except ValidationError:
        event("rejected")
        return
    event("accepted")
    _check_normalised(definition, result)
    assert validate_answers(definition, result.as_input()) == result


@SETTINGS
@given(st.data())
def test_page_by_page_validation_agrees_with_whole_validation(data: st.DataObject) -> None:
    definition = parse_definition(data.draw(definitions()))
    raw = data.draw(answer_sets(definition))
    try:
        whole = validate_answers(definition, raw)
    except ValidationError:
        return
    answers: dict[str, Any] = {}
    contact: dict[str, str] = {}
    for page in definition.pages:
        on_page = set(page_item_keys(definition, page.key))
        result = validate_page_answers(
            definition, page.key, {k: v for k, v in raw.items() if k in on_page}, previous=answers
        )
        shown = {q.key for q in visible_questions(definition, page.key, {**answers, **result.answers})}
        assert {k for k in result.answers} <= {
            item.key for q in page.questions() if q.key in shown for item in stored_items_of(q)
        }
        answers |= result.answers
        contact |= result.contact
    assert ValidatedAnswers(answers, contact) == whole


def stored_items_of(question: Any) -> list[Any]:
    from kundpuls.instruments.items import question_items

    return question_items(question)


@SETTINGS
@given(definitions())
def test_generated_definitions_validate_and_round_trip_through_the_stored_form(data: dict[str, Any]) -> None:
    definition = parse_definition(data)
    assert parse_definition(definition_to_dict(definition)) == definition


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 12), st.text(max_size=8)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@SETTINGS
@given(st.sampled_from(["nki", "insikt", "patient", "staff", "price", "kano"]), st.data())
def test_a_damaged_template_raises_only_definition_errors(key: str, data: st.DataObject) -> None:
    original = definition_to_dict(load_template(key))
    damaged = copy.deepcopy(original)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(damaged)[1:]))
        parent = damaged
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=6))] = data.draw(JSON_VALUES)
        else:
            parent[path[-1]] = data.draw(JSON_VALUES)
    try:
        parse_definition(damaged)
    except DefinitionError as error:
        assert str(error)
        for problem in getattr(error, "errors", [error]):
            assert isinstance(problem, DefinitionError)


@SETTINGS
@given(JSON_VALUES)
def test_arbitrary_data_raises_only_definition_errors(data: Any) -> None:
    with contextlib.suppress(DefinitionError):
        parse_definition(data)


@SETTINGS
@given(st.text(alphabet=string.printable + "åäö", max_size=60))
def test_parsing_any_text_as_a_condition_raises_only_expression_errors(source: str) -> None:
    try:
        parse_expression(source)
    except ExpressionError as error:
        assert 0 <= error.position <= len(source)


CONDITION_PIECES = st.lists(
    st.sampled_from(
        [
            "q0",
            "q1",
            "q2",
            "q0_r0",
            "==",
            "!=",
            "<",
            ">=",
            "and",
            "or",
            "not",
            "in",
            "(",
            ")",
            "[",
            "]",
            ",",
            "'o0'",
            "'x'",
            "3",
            "-1",
            "2.5",
            "true",
            "false",
            ".",
            "__class__",
            "eval",
            "'",
            "=",
            "-",
        ]
    ),
    min_size=1,
    max_size=8,
).map(" ".join)


@SETTINGS
@given(definitions(), CONDITION_PIECES)
def test_any_condition_in_a_valid_definition_is_accepted_or_reported(
    data: dict[str, Any], condition: str
) -> None:
    data = copy.deepcopy(data)
    data["pages"][-1]["blocks"][0]["questions"][-1]["show_if"] = condition
    try:
        parse_definition(data)
    except DefinitionError as error:
        problems = getattr(error, "errors", [error])
        assert all(problem.field and problem.field.endswith("show_if") for problem in problems)
