"""The show-if language: a small, safe expression language over answers (no ``eval``).

A condition such as ``besok == 'bygglov' and (nki1 <= 4 or 'tel' in kanaler)`` is tokenised, parsed by a
recursive-descent parser into an abstract syntax tree of frozen dataclasses, type-checked against the
definition's stored items when the definition is validated, and evaluated against a respondent's answers.
Nothing is ever handed to Python's ``eval``: there are no attribute accesses, calls, indexing or
assignments in the grammar, so a condition can only compare answers with literals.

Grammar (lowest precedence first)::

    expression := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := operand [("==" | "!=" | "<" | "<=" | ">" | ">=") operand
                          | ["not"] "in" operand]
    operand    := ["-"] NUMBER | STRING | "true" | "false" | KEY | list | "(" expression ")"
    list       := "[" literal ("," literal)* [","] "]"
    literal    := ["-"] NUMBER | STRING | "true" | "false"

Semantics: a key stands for the stored answer of that item. An unanswered, hidden or "vet ej" item has no
value, and every comparison or membership test with a missing value is false (so ``not (q == 1)`` is true
when ``q`` is missing). A yes/no key may stand alone as a condition (true only when answered yes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from kundpuls.instruments.exceptions import ExpressionError

MAX_EXPRESSION_LENGTH = 1_000
MAX_NESTING = 40

Comparator = Literal["==", "!=", "<", "<=", ">", ">="]
LiteralValue = bool | int | float | str


# ----------------------------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    """One token: its kind (``number``, ``string``, ``name``, ``op``, ``end``), value and 0-based offset."""

    kind: str
    value: str | int | float
    position: int


_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ",", "-")
_NUMBER = re.compile(r"\d+(\.\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens; raise :class:`ExpressionError` with the position of a bad character."""
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            f"condition is longer than {MAX_EXPRESSION_LENGTH} characters", source=source, position=0
        )
    tokens: list[Token] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char.isspace():
            i += 1
            continue
        if char in "'\"":
            value, i_next = _read_string(source, i)
            tokens.append(Token("string", value, i))
            i = i_next
            continue
        number = _NUMBER.match(source, i)
        if number:
            text = number.group(0)
            end = number.end()
            if end < len(source) and (source[end].isalpha() or source[end] == "_"):
                raise ExpressionError("a key cannot start with a digit", source=source, position=i)
            tokens.append(Token("number", float(text) if "." in text else int(text), i))
            i = end
            continue
        name = _NAME.match(source, i)
        if name:
            word = name.group(0)
            tokens.append(Token("keyword" if word in _KEYWORDS else "name", word, i))
            i = name.end()
            continue
        for operator in _OPERATORS:
            if source.startswith(operator, i):
                tokens.append(Token("op", operator, i))
                i += len(operator)
                break
        else:
            hint = _forbidden_hint(char)
            raise ExpressionError(f"unexpected character {char!r}{hint}", source=source, position=i)
    tokens.append(Token("end", "", len(source)))
    return tokens


def _forbidden_hint(char: str) -> str:
    if char == ".":
        return " (attribute access is not allowed)"
    if char == "=":
        return " (use == to compare)"
    if char in "&|":
        return " (use and / or)"
    if char == "!":
        return " (use not, or != to compare)"
    return ""


def _read_string(source: str, start: int) -> tuple[str, int]:
    quote = source[start]
    i = start + 1
    chars: list[str] = []
    while i < len(source):
        char = source[i]
        if char == "\\":
            if i + 1 < len(source) and source[i + 1] in ("\\", "'", '"'):
                chars.append(source[i + 1])
                i += 2
                continue
            raise ExpressionError("unknown escape in string", source=source, position=i)
        if char == quote:
            return "".join(chars), i + 1
        chars.append(char)
        i += 1
    raise ExpressionError("string is not closed", source=source, position=start)


# ----------------------------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Constant:
    """A number, string or boolean literal."""

    value: LiteralValue
    position: int


@dataclass(frozen=True)
class ListLiteral:
    """A list of literals, the right-hand side of ``in``."""

    values: tuple[LiteralValue, ...]
    position: int


@dataclass(frozen=True)
class Reference:
    """The answer of a stored item, named by its key."""

    key: str
    position: int


@dataclass(frozen=True)
class Comparison:
    """``left OP right`` with OP one of ``== != < <= > >=``."""

    operator: Comparator
    left: Node
    right: Node
    position: int


@dataclass(frozen=True)
class Membership:
    """``element in container`` (``negated`` for ``not in``)."""

    element: Node
    container: Node
    negated: bool
    position: int


@dataclass(frozen=True)
class Not:
    """``not operand``."""

    operand: Node
    position: int


@dataclass(frozen=True)
class BooleanOperation:
    """``and`` / ``or`` over two or more operands, left to right."""

    operator: Literal["and", "or"]
    operands: tuple[Node, ...]
    position: int


Node = Constant | ListLiteral | Reference | Comparison | Membership | Not | BooleanOperation


# ----------------------------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def error(self, message: str, token: Token | None = None) -> ExpressionError:
        position = (token or self.current).position
        return ExpressionError(message, source=self.source, position=position)

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def at(self, kind: str, value: str | None = None) -> bool:
        token = self.current
        return token.kind == kind and (value is None or token.value == value)

    def expect(self, kind: str, value: str) -> Token:
        if not self.at(kind, value):
            raise self.error(f"expected {value!r}, found {_describe(self.current)}")
        return self.advance()

    def parse(self) -> Node:
        if self.at("end"):
            raise self.error("condition is empty")
        node = self.parse_or()
        if not self.at("end"):
            token = self.current
            if token.kind == "op" and token.value == "(":
                raise self.error("calls are not allowed")
            if token.kind == "op" and token.value == "[":
                raise self.error("indexing is not allowed")
            raise self.error(f"unexpected {_describe(token)}")
        return node

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"condition is nested deeper than {MAX_NESTING} levels")

    def parse_or(self) -> Node:
        first = self.parse_and()
        operands = [first]
        position = self.current.position
        while self.at("keyword", "or"):
            position = self.advance().position
            operands.append(self.parse_and())
        if len(operands) == 1:
            return first
        return BooleanOperation("or", tuple(operands), _position(first, position))

    def parse_and(self) -> Node:
        first = self.parse_not()
        operands = [first]
        position = self.current.position
        while self.at("keyword", "and"):
            position = self.advance().position
            operands.append(self.parse_not())
        if len(operands) == 1:
            return first
        return BooleanOperation("and", tuple(operands), _position(first, position))

    def parse_not(self) -> Node:
        if self.at("keyword", "not"):
            token = self.advance()
            self.nested()
            operand = self.parse_not()
            self.depth -= 1
            return Not(operand, token.position)
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_operand()
        token = self.current
        if token.kind == "op" and token.value in ("==", "!=", "<", "<=", ">", ">="):
            self.advance()
            right = self.parse_operand()
            node: Node = Comparison(token.value, left, right, token.position)  # type: ignore[arg-type]  # value checked above
        elif token.kind == "keyword" and token.value == "in":
            self.advance()
            node = Membership(left, self.parse_operand(), False, token.position)
        elif token.kind == "keyword" and token.value == "not" and self._next_is_in():
            self.advance()
            self.advance()
            node = Membership(left, self.parse_operand(), True, token.position)
        else:
            return left
        following = self.current
        if following.kind == "op" and following.value in ("==", "!=", "<", "<=", ">", ">="):
            raise self.error("chained comparisons are not allowed; join them with and")
        return node

    def _next_is_in(self) -> bool:
        following = self.tokens[self.index + 1]
        return following.kind == "keyword" and following.value == "in"

    def parse_operand(self) -> Node:
        token = self.current
        if token.kind == "number" or token.kind == "string":
            self.advance()
            return Constant(token.value, token.position)
        if token.kind == "op" and token.value == "-" and self.tokens[self.index + 1].kind == "number":
            self.advance()
            number = self.advance()
            return Constant(-number.value, token.position)  # type: ignore[operator]  # a number token
        if token.kind == "keyword" and token.value in ("true", "false"):
            self.advance()
            return Constant(token.value == "true", token.position)
        if token.kind == "name":
            self.advance()
            return Reference(str(token.value), token.position)
        if token.kind == "op" and token.value == "(":
            self.advance()
            self.nested()
            node = self.parse_or()
            self.depth -= 1
            self.expect("op", ")")
            return node
        if token.kind == "op" and token.value == "[":
            return self.parse_list()
        if token.kind == "end":
            raise self.error("condition ends too early")
        raise self.error(f"expected a value or a key, found {_describe(token)}")

    def parse_list(self) -> ListLiteral:
        start = self.advance()
        values: list[LiteralValue] = []
        while True:
            token = self.current
            if token.kind == "op" and token.value == "-" and self.tokens[self.index + 1].kind == "number":
                self.advance()
                values.append(-self.current.value)  # type: ignore[operator]  # a number token
            elif token.kind in ("number", "string"):
                values.append(token.value)
            elif token.kind == "keyword" and token.value in ("true", "false"):
                values.append(token.value == "true")
            elif token.kind == "op" and token.value == "]" and values:
                break
            else:
                raise self.error(f"a list holds only numbers or strings, found {_describe(token)}")
            self.advance()
            if self.at("op", ","):
                self.advance()
                continue
            break
        self.expect("op", "]")
        return ListLiteral(tuple(values), start.position)


def _position(first: Node, fallback: int) -> int:
    return getattr(first, "position", fallback)


def _describe(token: Token) -> str:
    if token.kind == "end":
        return "the end of the condition"
    if token.kind == "string":
        return f"string {token.value!r}"
    return f"{token.value!r}"


def parse_expression(source: str) -> Node:
    """Parse a show-if condition into its syntax tree.

    Raises
    ------
    ExpressionError
        With ``position`` (0-based offset into ``source``) of the first problem.
    """
    if not isinstance(source, str):
        raise ExpressionError(f"a condition must be a string, got {type(source).__name__}", source="")
    return _Parser(source).parse()


def references(node: Node) -> list[Reference]:
    """Every key the expression refers to, in reading order."""
    found: list[Reference] = []
    _collect(node, found)
    return found


def _collect(node: Node, found: list[Reference]) -> None:
    if isinstance(node, Reference):
        found.append(node)
    elif isinstance(node, Comparison):
        _collect(node.left, found)
        _collect(node.right, found)
    elif isinstance(node, Membership):
        _collect(node.element, found)
        _collect(node.container, found)
    elif isinstance(node, Not):
        _collect(node.operand, found)
    elif isinstance(node, BooleanOperation):
        for operand in node.operands:
            _collect(operand, found)


# ----------------------------------------------------------------------------------------------- evaluation


def evaluate(node: Node, answers: Mapping[str, object]) -> bool:
    """Evaluate a (type-checked) condition against normalised answers; missing values make tests false."""
    return _truth(node, answers)


def _truth(node: Node, answers: Mapping[str, object]) -> bool:
    if isinstance(node, BooleanOperation):
        if node.operator == "and":
            return all(_truth(operand, answers) for operand in node.operands)
        return any(_truth(operand, answers) for operand in node.operands)
    if isinstance(node, Not):
        return not _truth(node.operand, answers)
    if isinstance(node, Comparison):
        left = _value(node.left, answers)
        right = _value(node.right, answers)
        if left is None or right is None:
            return False
        return _compare(node.operator, left, right)
    if isinstance(node, Membership):
        element = _value(node.element, answers)
        container = _value(node.container, answers)
        if element is None or not isinstance(container, list | tuple):
            return False
        found = any(_same(element, item) for item in container)
        return found != node.negated
    value = _value(node, answers)
    return value is True


def _value(node: Node, answers: Mapping[str, object]) -> object:
    if isinstance(node, Constant):
        return node.value
    if isinstance(node, ListLiteral):
        return list(node.values)
    if isinstance(node, Reference):
        return answers.get(node.key)
    return _truth(node, answers)


def _same(left: object, right: object) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    return left == right


def _compare(operator: Comparator, left: object, right: object) -> bool:
    if operator == "==":
        return _same(left, right)
    if operator == "!=":
        return not _same(left, right)
    if not (_is_number(left) and _is_number(right)):
        return False
    a = float(left)  # type: ignore[arg-type]  # checked by _is_number
    b = float(right)  # type: ignore[arg-type]  # checked by _is_number
    if operator == "<":
        return a < b
    if operator == "<=":
        return a <= b
    if operator == ">":
        return a > b
    return a >= b


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
