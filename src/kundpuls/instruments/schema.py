"""The JSON Schema of a survey definition: the one source of the format's structure.

:func:`definition_json_schema` builds the schema (JSON Schema draft 2020-12). The definition validator
checks every file against it first (structure: fields, types, required texts), then checks the meaning
(keys, conditions, codebook) in :mod:`kundpuls.instruments.validation`. The published copy in
``docs/survey-definition.schema.json`` is this schema written by :func:`write_json_schema`; a test checks
that the two are equal. Regenerate it with (in Python)::

    from kundpuls.instruments.schema import write_json_schema
    write_json_schema("docs/survey-definition.schema.json")
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kundpuls.instruments.expressions import MAX_EXPRESSION_LENGTH
from kundpuls.instruments.presets import (
    BACKGROUND_PRESETS,
    BACKGROUND_VARIABLES,
    CONSTRUCT_PATTERN,
    CONTACT_KINDS,
    INTENT_PARTS,
    KEY_PATTERN,
    MAX_TEXT_LENGTH,
    OPTION_VALUE_PATTERN,
    PRICE_PARTS,
)

SCHEMA_ID = "https://kundpuls.se/schema/survey-definition.schema.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _object(properties: Schema, required: list[str], description: str) -> Schema:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _definitions() -> Schema:
    text = _object(
        {
            "sv": {
                "type": "string",
                "pattern": "\\S",
                "description": "Swedish text (required, not blank)",
            },
            "en": {
                "type": "string",
                "pattern": "\\S",
                "description": "English text (not blank; falls back to Swedish when left out)",
            },
        },
        ["sv"],
        "A text in Swedish (required) and English (optional).",
    )
    key = {
        "type": "string",
        "pattern": KEY_PATTERN,
        "description": "a key is a letter, then letters, digits or _ (at most 40 characters)",
    }
    condition = {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_EXPRESSION_LENGTH,
        "description": "A show-if condition in the expression language (see docs/survey-definitions.md).",
    }
    scale = _object(
        {
            "min": {"type": "integer", "description": "Lowest scale value."},
            "max": {"type": "integer", "description": "Highest scale value (above min)."},
            "min_label": _ref("text"),
            "max_label": _ref("text"),
        },
        ["min", "max", "min_label", "max_label"],
        "An integer rating scale with labelled end points.",
    )
    option = _object(
        {
            "value": {
                "type": "string",
                "pattern": OPTION_VALUE_PATTERN,
                "description": "an option value is letters, digits, _ or - (at most 40 characters)",
            },
            "text": _ref("text"),
        },
        ["value", "text"],
        "An answer option.",
    )
    options = {"type": "array", "items": _ref("option"), "minItems": 2}
    dont_know = {
        "description": 'true (default text "Vet ej / ej aktuellt") or a text; stored as missing',
        "anyOf": [{"type": "boolean"}, _ref("text")],
    }
    matrix_item = _object({"key": _ref("key"), "text": _ref("text")}, ["key", "text"], "A row of a matrix.")
    contact_field = _object(
        {
            "key": _ref("key"),
            "kind": {"enum": list(CONTACT_KINDS)},
            "text": _ref("text"),
            "required": {"type": "boolean"},
        },
        ["key", "kind", "text"],
        "A contact field (contact data, stored apart from the answers).",
    )
    price_texts = _object(
        {part: _ref("text") for part in PRICE_PARTS + INTENT_PARTS},
        [],
        "Question texts of the price parts; {product} is replaced by the product text.",
    )
    type_specific: dict[str, tuple[Schema, list[str]]] = {
        "rating": ({"scale": _ref("scale")}, ["scale"]),
        "single_choice": ({"options": options}, ["options"]),
        "multiple_choice": (
            {
                "options": options,
                "min_choices": {"type": "integer", "minimum": 1},
                "max_choices": {"type": "integer", "minimum": 1},
            },
            ["options"],
        ),
        "yes_no": ({}, []),
        "text": (
            {
                "max_length": {"type": "integer", "minimum": 1, "maximum": MAX_TEXT_LENGTH},
                "multiline": {"type": "boolean"},
            },
            [],
        ),
        "matrix": (
            {"scale": _ref("scale"), "items": {"type": "array", "items": _ref("matrix_item"), "minItems": 1}},
            ["scale", "items"],
        ),
        "background": (
            {
                "variable": {"enum": list(BACKGROUND_VARIABLES)},
                "preset": {"enum": list(BACKGROUND_PRESETS)},
                "options": options,
            },
            ["variable"],
        ),
        "kano": (
            {"functional": _ref("text"), "dysfunctional": _ref("text")},
            ["functional", "dysfunctional"],
        ),
        "price": (
            {
                "product": _ref("text"),
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "intent": {"type": "boolean"},
                "texts": price_texts,
            },
            ["product"],
        ),
        "consent": (
            {
                "purpose": _ref("text"),
                "contact_fields": {"type": "array", "items": _ref("contact_field")},
            },
            ["purpose"],
        ),
    }
    common: Schema = {
        "type": {"enum": list(type_specific)},
        "key": _ref("key"),
        "text": _ref("text"),
        "help": _ref("text"),
        "required": {"type": "boolean"},
        "show_if": _ref("condition"),
        "dont_know": _ref("dont_know"),
    }
    every_field = dict(common)
    for properties, _ in type_specific.values():
        every_field.update(properties)
    question: Schema = {
        "type": "object",
        "description": "A question; the fields besides the common ones depend on type.",
        "properties": every_field,
        "required": ["type", "key", "text"],
        "additionalProperties": False,
        "allOf": [
            {
                "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                "then": {"required": required, "propertyNames": {"enum": [*common, *properties]}},
            }
            for name, (properties, required) in type_specific.items()
        ],
    }
    block = _object(
        {
            "key": _ref("key"),
            "title": _ref("text"),
            "intro": _ref("text"),
            "show_if": _ref("condition"),
            "questions": {"type": "array", "items": _ref("question"), "minItems": 1},
        },
        ["key", "questions"],
        "A group of questions shown together.",
    )
    page = _object(
        {
            "key": _ref("key"),
            "title": _ref("text"),
            "intro": _ref("text"),
            "show_if": _ref("condition"),
            "blocks": {"type": "array", "items": _ref("block"), "minItems": 1},
        },
        ["key", "blocks"],
        "One page (screen) of the questionnaire.",
    )
    construct_name = {"type": "string", "pattern": CONSTRUCT_PATTERN}
    index = _object(
        {
            "items": {"type": "array", "items": _ref("key"), "minItems": 1},
            "label": _ref("text"),
            "kind": {"enum": ["scale_mean", "positive_share"]},
            "weights": {
                "description": '"equal" or a weight per item (positive numbers, renormalised to sum 1).',
                "anyOf": [
                    {"const": "equal"},
                    {
                        "type": "object",
                        "propertyNames": _ref("key"),
                        "additionalProperties": {"type": "number", "exclusiveMinimum": 0},
                    },
                ],
            },
            "positive": {
                "type": "object",
                "description": "positive_share: per item, the answers counted as positive.",
                "propertyNames": _ref("key"),
                "additionalProperties": {
                    "type": "array",
                    "items": {"type": ["string", "integer", "boolean"]},
                    "minItems": 1,
                },
            },
            "min_answered": {"type": "integer", "minimum": 1},
        },
        ["items"],
        "An index over stored items.",
    )
    construct = _object(
        {
            "indicators": {"type": "array", "items": _ref("key"), "minItems": 1},
            "mode": {"enum": ["A", "B"]},
        },
        ["indicators"],
        "A construct of the driver model (PLS model-file shape).",
    )
    driver_model = _object(
        {
            "outcome": construct_name,
            "drivers": {"type": "array", "items": construct_name, "minItems": 1},
            "constructs": {
                "type": "object",
                "propertyNames": construct_name,
                "additionalProperties": _ref("construct"),
                "description": "Omitted: built from the indices named by outcome and drivers (mode A).",
            },
            "paths": {
                "type": "array",
                "items": {"type": "array", "items": construct_name, "minItems": 2, "maxItems": 2},
                "description": "[[FROM, TO], ...]; omitted: every driver -> outcome.",
            },
        },
        ["outcome", "drivers"],
        "The driver (PLS path) model.",
    )
    mirror = _object(
        {"item": _ref("key"), "customer_item": _ref("key"), "customer_survey": _ref("key")},
        ["item", "customer_item"],
        "A staff item mirrored on a customer item (same wording and scale).",
    )
    codebook = _object(
        {
            "indices": {
                "type": "object",
                "propertyNames": construct_name,
                "additionalProperties": _ref("index"),
            },
            "main_index": construct_name,
            "nps": _ref("key"),
            "csat": _ref("key"),
            "ces": _ref("key"),
            "driver_model": _ref("driver_model"),
            "anonymity_threshold": {"type": "integer", "minimum": 1, "default": 7},
            "comment_anonymity_threshold": {"type": "integer", "minimum": 1},
            "mirrors": {"type": "array", "items": _ref("mirror")},
        },
        [],
        "Which items form which index, NPS/CSAT/CES items, the driver model, the anonymity threshold.",
    )
    return {
        "text": text,
        "key": key,
        "condition": condition,
        "scale": scale,
        "option": option,
        "dont_know": dont_know,
        "matrix_item": matrix_item,
        "contact_field": contact_field,
        "question": question,
        "block": block,
        "page": page,
        "index": index,
        "construct": construct,
        "driver_model": driver_model,
        "mirror": mirror,
        "codebook": codebook,
    }


def definition_json_schema() -> Schema:
    """The JSON Schema (draft 2020-12) of a survey definition, as a fresh dict."""
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "Kundpuls survey definition",
        "description": "A survey: pages of blocks of questions, texts in Swedish and English, a codebook.",
        "type": "object",
        "properties": {
            "$schema": {"type": "string"},
            "format_version": {"const": 1},
            "key": _ref("key"),
            "title": _ref("text"),
            "intro": _ref("text"),
            "outro": _ref("text"),
            "languages": {
                "type": "array",
                "items": {"enum": ["sv", "en"]},
                "contains": {"const": "sv"},
                "uniqueItems": True,
                "description": 'Languages offered; "sv" is always one. With "en" every text needs English.',
            },
            "pages": {"type": "array", "items": _ref("page"), "minItems": 1},
            "codebook": _ref("codebook"),
        },
        "required": ["key", "title", "pages"],
        "additionalProperties": False,
        "$defs": _definitions(),
    }


def json_schema_text() -> str:
    """The schema as the text of the published file (sorted keys, 2-space indent, final newline)."""
    return json.dumps(definition_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_json_schema(path: str | Path) -> None:
    """Write the published copy of the schema to ``path``."""
    Path(path).write_text(json_schema_text(), encoding="utf-8")
