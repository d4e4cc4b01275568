"""The API described as OpenAPI 3.1 (served at ``/api/v1/openapi.json``), its result schemas derived from
the report contracts themselves, so the description cannot drift from what the API returns.

:func:`register_schema` turns a contract dataclass (``UnitReport``, ``Overview`` and what they hold) into
JSON Schema: ``str``/``int``/``float``/``bool``, ``X | None``, ``tuple[X, ...]``, fixed tuples and nested
dataclasses; a field of any other type stops the document with a ``TypeError`` instead of an empty schema.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from kundpuls.analytics.period_kinds import REPORT_PERIOD_KINDS
from kundpuls.reports import contracts
from kundpuls.reports.contracts import INDEX_VALUE_FIELDS, INDEX_VALUE_SCHEMA, Overview, UnitReport
from kundpuls.stats.results import IndexResult

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
}


def _schema(tp: Any, components: dict[str, Any]) -> dict[str, Any]:
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        register_schema(tp, components)
        return {"$ref": f"#/components/schemas/{_name(tp)}"}
    origin, arguments = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema(a, components) for a in arguments]}
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        return {"type": "array", "items": _schema(arguments[0], components)}
    if origin is tuple:
        items = [_schema(a, components) for a in arguments]
        return {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}
    raise TypeError(f"a contract field of type {tp!r} has no JSON Schema here; add it to _schema")


def _name(cls: type) -> str:
    return INDEX_VALUE_SCHEMA[0] if cls is IndexResult else cls.__name__


def register_schema(cls: type, components: dict[str, Any]) -> None:
    """Put the JSON Schema of contract ``cls``, and of every contract it holds, in ``components``.

    An index value (:class:`~kundpuls.stats.results.IndexResult`) is described as the API returns it
    (:func:`kundpuls.reports.contracts.contract_dict`): the schema ``IndexValue``, the fields a report
    shows.
    """
    name = _name(cls)
    if name in components:
        return
    components[name] = {}  # a placeholder against recursion
    hints = typing.get_type_hints(cls, vars(contracts))
    names = [f.name for f in dataclasses.fields(cls)]
    description = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
    if cls is IndexResult:
        names, description = list(INDEX_VALUE_FIELDS), INDEX_VALUE_SCHEMA[1]
    schema = {
        "type": "object",
        "description": description,
        "properties": {field: _schema(hints[field], components) for field in names},
        "required": names,
        "additionalProperties": False,
    }
    components[name] = schema


def _error_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "field", "value"],
                "properties": {
                    "problems": {
                        "type": "array",
                        "description": "A refused batch: every bad response (row from 1), item and value",
                        "items": {
                            "type": "object",
                            "properties": {
                                "row": {"type": "integer"},
                                "field": {"type": "string"},
                                "value": {},
                                "message": {"type": "string"},
                            },
                        },
                    },
                    "code": {"enum": ["invalid", "unauthenticated", "forbidden", "not_found"]},
                    "message": {"type": "string", "description": "In the request's language."},
                    "field": {"type": ["string", "null"]},
                    "value": {},
                },
            }
        },
    }


def _batch_schema() -> dict[str, Any]:
    response = {
        "type": "object",
        "required": ["unit", "submission_id", "answers"],
        "properties": {
            "unit": {"type": "string", "description": "The unit's code"},
            "submission_id": {
                "type": "string",
                "format": "uuid",
                "description": "The sender's id: stored once",
            },
            "answers": {"type": "object", "description": "Item key -> answer, as in the survey's codebook"},
            "language": {"enum": ["sv", "en"], "default": "sv"},
            "submitted_at": {"type": "string", "format": "date-time", "description": "With a time zone"},
        },
    }
    return {
        "type": "object",
        "required": ["survey", "responses"],
        "properties": {
            "survey": {"type": "string"},
            "responses": {"type": "array", "minItems": 1, "maxItems": 1000, "items": response},
        },
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    str(status): {"$ref": f"#/components/responses/{name}"}
    for status, name in ((400, "Invalid"), (401, "Unauthenticated"), (403, "Forbidden"), (404, "NotFound"))
}

_PERIOD = [
    {
        "name": "period_kind",
        "in": "query",
        "schema": {"enum": list(REPORT_PERIOD_KINDS), "default": "quarter"},
    },
    {
        "name": "period",
        "in": "query",
        "description": "e.g. 2026-Q2, 2026-05, 2026 or 'R12 2026-05'; default: the latest with data",
        "schema": {"type": "string"},
    },
]


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``/api/v1/``."""
    schemas: dict[str, Any] = {}
    register_schema(UnitReport, schemas)
    register_schema(Overview, schemas)
    schemas["Error"] = _error_schema()
    schemas["ResponseBatch"] = _batch_schema()
    unit = {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "parent": {"type": ["string", "null"]},
            "depth": {"type": "integer"},
            "active": {"type": "boolean"},
            "export": {"type": "boolean", "description": "Results of this unit may be read here."},
        },
    }
    survey = {
        "type": "object",
        "properties": {
            "key": {"type": "string", "description": "KEY, or ORG:KEY where the person sees two"},
            "reference": {"type": "string", "description": "ORG:KEY, never changing meaning"},
            "title": {"type": "string"},
            "main_index": {"type": ["string", "null"]},
            "indices": {"type": "array", "items": {"type": "object"}},
        },
    }
    survey_parameter = {"name": "survey", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kundpuls API",
            "version": "1",
            "description": "Results for programs, with the roles and anonymity threshold of the pages "
            "(a hidden group's numbers are null). See docs/api.md.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "paths": {
            "/": {
                "get": {
                    "summary": "What the API offers",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["version", "user", "endpoints", "openapi"],
                                "properties": {
                                    "version": {"type": "integer"},
                                    "user": {"type": "string"},
                                    "endpoints": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                    "openapi": {"type": "string"},
                                    "documentation": {"type": "string"},
                                },
                            },
                            "Index",
                        ),
                        "401": _ERRORS["401"],
                    },
                }
            },
            "/units/": {
                "get": {
                    "summary": "Units whose results the person may see",
                    "responses": {
                        "200": _json(
                            {"type": "object", "properties": {"units": {"type": "array", "items": unit}}},
                            "Units",
                        ),
                        **_ERRORS,
                    },
                }
            },
            "/surveys/": {
                "get": {
                    "summary": "Surveys with results",
                    "responses": {
                        "200": _json(
                            {"type": "object", "properties": {"surveys": {"type": "array", "items": survey}}},
                            "Surveys",
                        ),
                        **_ERRORS,
                    },
                }
            },
            "/results/{survey}/": {
                "get": {
                    "summary": "One index (default: the main one) of every unit the person may export, "
                    "in one period",
                    "parameters": [
                        survey_parameter,
                        *_PERIOD,
                        {
                            "name": "index",
                            "in": "query",
                            "description": "a key from 'indices' (NPS: 'NPS'); default: the main index",
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Overview"}, "Overview"),
                        **_ERRORS,
                    },
                }
            },
            "/results/{survey}/units/{unit}/": {
                "get": {
                    "summary": "The unit report",
                    "parameters": [
                        survey_parameter,
                        {"name": "unit", "in": "path", "required": True, "schema": {"type": "string"}},
                        *_PERIOD,
                        {"name": "segment", "in": "query", "schema": {"type": "string"}},
                        {"name": "value", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/UnitReport"}, "Unit report"),
                        **_ERRORS,
                    },
                }
            },
            "/responses/": {
                "post": {
                    "summary": "Store responses from another system (all or none; each id stored once)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/ResponseBatch"}}
                        },
                    },
                    "responses": {
                        "201": _json(
                            {
                                "type": "object",
                                "required": ["stored", "already_stored"],
                                "properties": {
                                    "stored": {"type": "integer"},
                                    "already_stored": {"type": "integer"},
                                },
                            },
                            "Stored",
                        ),
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["stored", "already_stored"],
                                "properties": {
                                    "stored": {"const": 0},
                                    "already_stored": {"type": "integer"},
                                },
                            },
                            "Every response was stored before: nothing new",
                        ),
                        **_ERRORS,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": _json({}, "OpenAPI")},
                }
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer", "description": "kp_… token"}},
            "responses": {
                name: _json({"$ref": "#/components/schemas/Error"}, name)
                for name in ("Invalid", "Unauthenticated", "Forbidden", "NotFound")
            },
        },
    }
