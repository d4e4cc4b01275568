"""The show-if expression language: tokenizer, parser, precedence, type checks, evaluation, safety."""

from __future__ import annotations

import pytest

from kundpuls.instruments.exceptions import ExpressionError
from kundpuls.instruments.expressions import (
    BooleanOperation,
    Comparison,
    Constant,
    ListLiteral,
    Membership,
    Not,
    Reference,
    evaluate,
    parse_expression,
    references,
    tokenize,
)


def test_it_tokenizes_numbers_strings_names_and_operators_with_positions() -> None:
    tokens = tokenize("nki1 >= 7.5 and besok == 'bygg\\'lov'")
    assert [(t.kind, t.value, t.position) for t in tokens] == [
        ("name", "nki1", 0),
        ("op", ">=", 5),
        ("number", 7.5, 8),
        ("keyword", "and", 12),
        ("name", "besok", 16),
        ("op", "==", 22),
        ("string", "bygg'lov", 25),
        ("end", "", 36),
    ]


def test_and_binds_tighter_than_or() -> None:
    node = parse_expression("a == 1 or b == 2 and c == 3")
    assert isinstance(node, BooleanOperation) and node.operator == "or"
    assert isinstance(node.operands[0], Comparison)
    right = node.operands[1]
    assert isinstance(right, BooleanOperation) and right.operator == "and"


def test_not_binds_tighter_than_and() -> None:
    node = parse_expression("not a == 1 and b == 2")
    assert isinstance(node, BooleanOperation) and node.operator == "and"
    assert isinstance(node.operands[0], Not)
    assert isinstance(node.operands[0].operand, Comparison)


def test_parentheses_override_precedence() -> None:
    node = parse_expression("(a == 1 or b == 2) and c == 3")
    assert isinstance(node, BooleanOperation) and node.operator == "and"
    assert isinstance(node.operands[0], BooleanOperation) and node.operands[0].operator == "or"


def test_precedence_decides_the_value() -> None:
    answers = {"a": 1, "b": 0, "c": 0}
    # a or (b and c) is true; (a or b) and c would be false
    assert evaluate(parse_expression("a == 1 or b == 1 and c == 1"), answers) is True
    assert evaluate(parse_expression("(a == 1 or b == 1) and c == 1"), answers) is False


def test_it_parses_in_and_not_in_with_list_literals() -> None:
    node = parse_expression("besok not in ['bygglov', 'miljo']")
    assert isinstance(node, Membership) and node.negated
    assert isinstance(node.element, Reference)
    assert isinstance(node.container, ListLiteral) and node.container.values == ("bygglov", "miljo")


def test_it_collects_references_in_reading_order() -> None:
    node = parse_expression("nki1 < 5 and (besok == 'x' or not ja)")
    assert [r.key for r in references(node)] == ["nki1", "besok", "ja"]


@pytest.mark.parametrize(
    ("source", "position", "reason"),
    [
        ("nki1 >", 6, "condition ends too early"),
        ("nki1 = 3", 5, "use == to compare"),
        ("nki1 == 3 &&", 10, "use and / or"),
        ("(nki1 == 3", 10, "expected ')'"),
        ("besok == 'open", 9, "string is not closed"),
        ("", 0, "condition is empty"),
        ("1a == 1", 0, "cannot start with a digit"),
        ("a < b < c", 6, "chained comparisons"),
        ("nki1 == 3 nki2", 10, "unexpected 'nki2'"),
    ],
)
def test_syntax_errors_name_the_position(source: str, position: int, reason: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(source)
    assert caught.value.position == position
    assert reason in str(caught.value)
    assert f"column {position + 1}" in str(caught.value)


def test_the_pointer_puts_a_caret_under_the_error() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("nki1 = 3")
    assert caught.value.pointer() == "nki1 = 3\n     ^"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("__import__('os')", "calls are not allowed"),
        ("eval('1')", "calls are not allowed"),
        ("nki1.real == 1", "attribute access is not allowed"),
        ("besok.__class__", "attribute access is not allowed"),
        ("kanaler[0] == 'tel'", "indexing is not allowed"),
        ("lambda: 1", "unexpected character ':'"),
        ("a; b", "unexpected character ';'"),
        ("nki1 + 1 == 2", "unexpected character '+'"),
        ("x := 1", "unexpected character ':'"),
    ],
)
def test_attribute_access_calls_and_code_are_impossible(source: str, reason: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(source)
    assert reason in str(caught.value)


def test_the_syntax_tree_holds_only_comparisons_of_keys_and_literals() -> None:
    allowed = (Constant, ListLiteral, Reference, Comparison, Membership, Not, BooleanOperation)

    def walk(node: object) -> None:
        assert isinstance(node, allowed)
        for child in vars(node).values():
            if isinstance(child, tuple):
                for element in child:
                    if not isinstance(element, str | int | float | bool):
                        walk(element)
            elif isinstance(child, allowed):
                walk(child)

    walk(parse_expression("not (nki1 < 5 or besok in ['a', 'b']) and ja == true"))


def test_deep_nesting_is_refused_instead_of_overflowing_the_stack() -> None:
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse_expression("(" * 100 + "a == 1" + ")" * 100)
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse_expression("not " * 100 + "ja")


def test_overlong_conditions_are_refused() -> None:
    with pytest.raises(ExpressionError, match="longer than"):
        parse_expression("a == 1 or " * 200 + "a == 1")


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("nki1 <= 4", {"nki1": 4}, True),
        ("nki1 <= 4", {"nki1": 5}, False),
        ("nki1 != 4", {"nki1": 5}, True),
        ("nki1 > 4.5", {"nki1": 5}, True),
        ("besok == 'bygglov'", {"besok": "bygglov"}, True),
        ("besok in ['bygglov', 'miljo']", {"besok": "miljo"}, True),
        ("besok not in ['bygglov']", {"besok": "miljo"}, True),
        ("'tel' in kanaler", {"kanaler": ["tel", "webb"]}, True),
        ("'tel' not in kanaler", {"kanaler": ["webb"]}, True),
        ("ja", {"ja": True}, True),
        ("ja", {"ja": False}, False),
        ("ja == false", {"ja": False}, True),
        ("not ja", {"ja": False}, True),
    ],
)
def test_it_evaluates_against_answers(source: str, answers: dict[str, object], expected: bool) -> None:
    assert evaluate(parse_expression(source), answers) is expected


@pytest.mark.parametrize(
    "source",
    [
        "nki1 <= 4",
        "nki1 != 4",
        "besok == 'x'",
        "besok in ['x']",
        "besok not in ['x']",
        "'tel' in kanaler",
        "ja",
    ],
)
def test_every_test_on_a_missing_answer_is_false(source: str) -> None:
    node = parse_expression(source)
    assert evaluate(node, {}) is False
    assert evaluate(node, {"nki1": None, "besok": None, "kanaler": None, "ja": None}) is False


def test_not_of_a_missing_answer_is_true() -> None:
    assert evaluate(parse_expression("not (nki1 == 1)"), {}) is True


def test_booleans_never_equal_numbers() -> None:
    assert evaluate(parse_expression("ja == 1"), {"ja": True}) is False


def test_negative_numbers_are_literals_for_scales_below_zero() -> None:
    assert evaluate(parse_expression("q == -2"), {"q": -2}) is True
    assert evaluate(parse_expression("q in [-1, -2]"), {"q": -2}) is True
    with pytest.raises(ExpressionError, match="unexpected '-'"):
        parse_expression("q - 1 == 2")
