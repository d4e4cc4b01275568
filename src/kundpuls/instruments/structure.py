"""Structural validation of a definition against the JSON Schema, with readable, located messages.

The checker runs :func:`kundpuls.instruments.schema.definition_json_schema` over the raw data and turns
every schema violation into a :class:`~kundpuls.errors.DefinitionError` whose ``field`` is the path of the
node (``pages[0].blocks[0].questions[3].scale.min``) and whose message says what is wrong in plain words.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaViolation

from kundpuls.errors import DefinitionError
from kundpuls.instruments.exceptions import definition_error
from kundpuls.instruments.schema import definition_json_schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(definition_json_schema())


def format_path(parts: Iterable[str | int]) -> str:
    """``["pages", 0, "key"]`` → ``"pages[0].key"``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean (true/false)",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


def _describe_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _expected_type(expected: object) -> str:
    names = {
        "object": "an object",
        "array": "a list",
        "string": "a string",
        "boolean": "a boolean (true/false)",
        "integer": "an integer",
        "number": "a number",
        "null": "null",
    }
    if isinstance(expected, list):
        return " or ".join(names.get(str(item), str(item)) for item in expected)
    return names.get(str(expected), str(expected))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _known_properties(schema: dict[str, Any]) -> set[str]:
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= set(part.get("then", {}).get("properties", {}))
    return names


def _allowed_properties(schema: dict[str, Any], instance: object) -> set[str]:
    """Fields allowed on this node: the common ones plus those of its type (for a question)."""
    names = set(schema.get("properties", {}))
    kind = instance.get("type") if isinstance(instance, dict) else None
    for part in schema.get("allOf", []):
        condition = part.get("if", {}).get("properties", {}).get("type", {})
        if condition.get("const") == kind:
            names |= set(part.get("then", {}).get("properties", {}))
    return names


def _unexpected_names(violation: SchemaViolation) -> list[str]:
    instance = violation.instance if isinstance(violation.instance, dict) else {}
    quoted = re.findall(r"'([^']*)'", violation.message.split("(", 1)[-1])
    return [name for name in quoted if name in instance] or sorted(instance)


def _convert(violation: SchemaViolation) -> list[DefinitionError]:
    path = format_path(violation.absolute_path)
    kind = violation.validator
    value = violation.instance
    schema = violation.schema if isinstance(violation.schema, dict) else {}
    if kind == "required":
        missing = re.findall(r"'([^']*)' is a required property", violation.message)
        name = missing[0] if missing else "?"
        if name == "sv":
            return [definition_error(_join(path, "sv"), "Swedish text (sv) is missing", value)]
        return [definition_error(_join(path, name), f"required field {name!r} is missing", value)]
    if kind in ("additionalProperties", "unevaluatedProperties"):
        known = sorted(_known_properties(schema))
        allowed = _allowed_properties(schema, value)
        errors = []
        for name in _unexpected_names(violation):
            if name in allowed:
                continue  # a field of this type whose own value is wrong; that error is reported itself
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
            errors.append(
                definition_error(_join(path, name), f"unknown field {name!r}{hint}", value.get(name))
            )
        return errors
    if kind == "type":
        expected = _expected_type(violation.validator_value)
        return [
            definition_error(path, f"must be {expected}, not {_describe_type(value)} {_short(value)}", value)
        ]
    if kind == "enum":
        choices = ", ".join(str(v) for v in violation.validator_value)
        return [definition_error(path, f"{_short(value)} is not allowed; use one of: {choices}", value)]
    if kind == "const":
        return [definition_error(path, f"must be {violation.validator_value!r}, not {_short(value)}", value)]
    if kind == "pattern":
        rule = schema.get("description", f"must match {violation.validator_value}")
        return [definition_error(path, f"{_short(value)} is not valid: {rule}", value)]
    if kind == "propertyNames":
        return [definition_error(path, f"name {_short(value)} is not valid", value)]
    if kind == "minItems":
        count = violation.validator_value
        noun = "entry" if count == 1 else "entries"
        return [definition_error(path, f"needs at least {count} {noun}", value)]
    if kind == "maxItems":
        return [definition_error(path, f"has more than {violation.validator_value} entries", value)]
    if kind == "minLength":
        return [definition_error(path, "must not be empty", value)]
    if kind == "maxLength":
        return [definition_error(path, f"is longer than {violation.validator_value} characters", value)]
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        sign = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}[kind]
        return [
            definition_error(path, f"must be {sign} {violation.validator_value}, not {_short(value)}", value)
        ]
    if kind == "anyOf":
        rule = schema.get("description", "has the wrong form")
        return [definition_error(path, f"{_short(value)}: must be {rule}", value)]
    if kind == "contains":
        return [definition_error(path, "must include 'sv' (Swedish is always offered)", value)]
    if kind == "uniqueItems":
        return [definition_error(path, "lists an entry twice", value)]
    return [definition_error(path, violation.message, value)]


def _document_order(violation: SchemaViolation) -> list[tuple[int, int, str]]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in violation.absolute_path]


def structural_errors(data: object) -> list[DefinitionError]:
    """Every schema violation of ``data`` as located definition errors, in document order."""
    if not isinstance(data, dict):
        return [
            definition_error("", f"a survey definition must be an object, not {_describe_type(data)}", data)
        ]
    violations = list(_validator().iter_errors(data))
    bad_type_paths = {
        tuple(v.absolute_path)[:-1]
        for v in violations
        if v.validator == "enum" and list(v.absolute_path)[-1:] == ["type"]
    }
    errors: list[DefinitionError] = []
    seen: set[tuple[str | None, str]] = set()
    for violation in sorted(violations, key=_document_order):
        if (
            violation.validator == "unevaluatedProperties"
            and tuple(violation.absolute_path) in bad_type_paths
        ):
            continue  # the type is wrong, so every type-specific field looks unknown: say it once
        for error in _convert(violation):
            signature = (error.field, str(error))
            if signature not in seen:
                seen.add(signature)
                errors.append(error)
    return errors
