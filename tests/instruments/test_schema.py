"""The published JSON Schema equals the generated one, and every template satisfies it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from kundpuls.instruments import (
    definition_json_schema,
    definition_to_dict,
    load_template,
    template_keys,
    template_text,
)
from kundpuls.instruments.loading import read_yaml
from kundpuls.instruments.schema import json_schema_text, write_json_schema

DOCS_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "survey-definition.schema.json"


def test_the_schema_in_docs_equals_the_generated_one() -> None:
    assert DOCS_SCHEMA.read_text(encoding="utf-8") == json_schema_text()
    assert json.loads(DOCS_SCHEMA.read_text(encoding="utf-8")) == definition_json_schema()


def test_writing_the_schema_writes_the_published_text(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    write_json_schema(target)
    assert target.read_text(encoding="utf-8") == json_schema_text()


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(definition_json_schema())


@pytest.mark.parametrize("key", template_keys())
def test_every_template_file_satisfies_the_json_schema(key: str) -> None:
    Draft202012Validator(definition_json_schema()).validate(read_yaml(template_text(key)))


@pytest.mark.parametrize("key", template_keys())
def test_the_stored_form_of_every_template_satisfies_the_json_schema(key: str) -> None:
    stored = json.loads(json.dumps(definition_to_dict(load_template(key))))
    Draft202012Validator(definition_json_schema()).validate(stored)


def test_the_schema_refuses_what_the_validator_refuses() -> None:
    data = read_yaml(template_text("nps"))
    data["pages"][0]["blocks"][0]["questions"][0]["text"] = {"en": "No Swedish"}
    assert not Draft202012Validator(definition_json_schema()).is_valid(data)
