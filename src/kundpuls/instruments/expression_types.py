"""Type checking of show-if conditions against the items of a definition.

When a definition is validated, every condition is checked against the stored items that come before
it: keys must exist (and come earlier), comparisons must compare like with like, ``<`` and friends need
numbers, ``in`` needs a list or a multiple-choice item, string literals must be options of the choice they
are compared with, and open-text answers cannot be used. Each problem is an
:class:`~kundpuls.instruments.exceptions.ExpressionError` with the position of the offending part.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from kundpuls.instruments.exceptions import ExpressionError
from kundpuls.instruments.expressions import (
    BooleanOperation,
    Comparison,
    Constant,
    ListLiteral,
    LiteralValue,
    Membership,
    Node,
    Not,
    Reference,
)

ValueType = Literal[
    "number", "string", "boolean", "text", "list_number", "list_string", "list_boolean", "later", "group"
]


@dataclass(frozen=True)
class ReferenceType:
    """What a condition may know about a stored item: its value type and, for choices, the options.

    The type ``later`` marks an item that exists but comes after the condition (so it cannot be used);
    ``group`` marks the key of a matrix, Kano pair or price module, whose ``options`` are its item keys.
    """

    value_type: ValueType
    options: tuple[str, ...] | None = None


def check_expression(node: Node, source: str, known: Mapping[str, ReferenceType]) -> list[ExpressionError]:
    """Type-check ``node`` against the items a condition may refer to; return every problem found.

    ``known`` maps each key the condition may use (items that come before the conditioned node) to its
    type. Problems: unknown keys, comparing values of different types, ordering non-numbers, ``in`` on
    something that is not a list, string literals that are not an option of the choice they are compared
    with, a non-boolean standing alone as a condition, open-text answers in conditions.
    """
    problems: list[ExpressionError] = []
    _check_boolean(node, source, known, problems)
    return problems


def _check_boolean(
    node: Node, source: str, known: Mapping[str, ReferenceType], problems: list[ExpressionError]
) -> None:
    if isinstance(node, BooleanOperation):
        for operand in node.operands:
            _check_boolean(operand, source, known, problems)
    elif isinstance(node, Not):
        _check_boolean(node.operand, source, known, problems)
    elif isinstance(node, Comparison):
        _check_comparison(node, source, known, problems)
    elif isinstance(node, Membership):
        _check_membership(node, source, known, problems)
    else:
        value_type = _operand_type(node, source, known, problems)
        if value_type is not None and value_type.value_type != "boolean":
            problems.append(
                ExpressionError(
                    f"a {value_type.value_type} cannot stand alone as a condition; compare it with a value",
                    source=source,
                    position=node.position,
                )
            )


def _operand_type(
    node: Node, source: str, known: Mapping[str, ReferenceType], problems: list[ExpressionError]
) -> ReferenceType | None:
    if isinstance(node, Constant):
        return ReferenceType(_literal_type(node.value))
    if isinstance(node, ListLiteral):
        kinds = {_literal_type(value) for value in node.values}
        if len(kinds) > 1:
            problems.append(ExpressionError("a list mixes types", source=source, position=node.position))
            return None
        kind = kinds.pop()
        return ReferenceType(f"list_{kind}")  # type: ignore[arg-type]  # kind is number, string or boolean
    if isinstance(node, Reference):
        found = known.get(node.key)
        if found is None:
            problems.append(
                ExpressionError(
                    f"unknown question key {node.key!r} (a condition may only refer to questions before it)",
                    source=source,
                    position=node.position,
                )
            )
            return None
        if found.value_type == "group":
            problems.append(
                ExpressionError(
                    f"{node.key!r} names a group of items; refer to one of them: "
                    + ", ".join(found.options or ()),
                    source=source,
                    position=node.position,
                )
            )
            return None
        if found.value_type == "later":
            problems.append(
                ExpressionError(
                    f"question {node.key!r} comes later; a condition may only refer to questions before it",
                    source=source,
                    position=node.position,
                )
            )
            return None
        if found.value_type == "text":
            problems.append(
                ExpressionError(
                    f"open-text answer {node.key!r} cannot be used in a condition",
                    source=source,
                    position=node.position,
                )
            )
            return None
        return found
    # a parenthesised boolean expression used as an operand
    _check_boolean(node, source, known, problems)
    return ReferenceType("boolean")


def _literal_type(value: LiteralValue) -> ValueType:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def _check_comparison(
    node: Comparison, source: str, known: Mapping[str, ReferenceType], problems: list[ExpressionError]
) -> None:
    left = _operand_type(node.left, source, known, problems)
    right = _operand_type(node.right, source, known, problems)
    if left is None or right is None:
        return
    if left.value_type != right.value_type:
        problems.append(
            ExpressionError(
                f"cannot compare a {left.value_type} with a {right.value_type}",
                source=source,
                position=node.position,
            )
        )
        return
    if left.value_type.startswith("list_"):
        problems.append(
            ExpressionError("lists can only be used with in", source=source, position=node.position)
        )
        return
    if node.operator in ("<", "<=", ">", ">=") and left.value_type != "number":
        problems.append(
            ExpressionError(
                f"{node.operator} needs numbers, not {left.value_type}s",
                source=source,
                position=node.position,
            )
        )
        return
    _check_options(node.left, right, node.right, source, problems)
    _check_options(node.right, left, node.left, source, problems)


def _check_options(
    literal_node: Node,
    reference_type: ReferenceType,
    reference_node: Node,
    source: str,
    problems: list[ExpressionError],
) -> None:
    if reference_type.options is None or not isinstance(reference_node, Reference):
        return
    values: tuple[LiteralValue, ...]
    if isinstance(literal_node, Constant):
        values = (literal_node.value,)
    elif isinstance(literal_node, ListLiteral):
        values = literal_node.values
    else:
        return
    for value in values:
        if isinstance(value, str) and value not in reference_type.options:
            problems.append(
                ExpressionError(
                    f"{value!r} is not an option of {reference_node.key!r} "
                    f"(options: {', '.join(reference_type.options)})",
                    source=source,
                    position=literal_node.position,
                )
            )


def _check_membership(
    node: Membership, source: str, known: Mapping[str, ReferenceType], problems: list[ExpressionError]
) -> None:
    element = _operand_type(node.element, source, known, problems)
    container = _operand_type(node.container, source, known, problems)
    if element is None or container is None:
        return
    if not container.value_type.startswith("list_"):
        problems.append(
            ExpressionError(
                f"in needs a list or a multiple-choice question on its right, not a {container.value_type}",
                source=source,
                position=node.position,
            )
        )
        return
    if container.value_type != f"list_{element.value_type}":
        problems.append(
            ExpressionError(
                f"cannot look for a {element.value_type} in a {container.value_type.replace('_', ' of ')}s",
                source=source,
                position=node.position,
            )
        )
        return
    _check_options(node.container, element, node.element, source, problems)
    _check_options(node.element, container, node.container, source, problems)
