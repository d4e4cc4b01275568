"""Reading YAML and JSON, the stored form and its round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kundpuls.errors import DefinitionError
from kundpuls.instruments import (
    DefinitionErrors,
    definition_from_json,
    definition_from_yaml,
    definition_to_dict,
    definition_to_json,
    load_definition,
    load_template,
    parse_definition,
    template_keys,
)
from kundpuls.instruments.model import PriceQuestion
from kundpuls.instruments.presets import DEFAULT_DONT_KNOW_TEXT, DEFAULT_PRICE_TEXTS

from .builders import rating, survey, text

YAML = """
key: kort
title: {sv: Kort enkät}
pages:
  - key: p1
    blocks:
      - key: b1
        questions:
          - type: rating
            key: q1
            dont_know: true
            text: {sv: "Hur nöjd är du?"}
            scale: {min: 1, max: 5, min_label: {sv: Inte alls}, max_label: {sv: Mycket}}
"""


def test_yaml_and_json_give_the_same_definition() -> None:
    from_yaml = definition_from_yaml(YAML)
    assert definition_from_json(json.dumps(definition_to_dict(from_yaml))) == from_yaml


@pytest.mark.parametrize("key", template_keys())
def test_the_stored_form_round_trips(key: str) -> None:
    definition = load_template(key)
    assert parse_definition(definition_to_dict(definition)) == definition
    assert definition_from_json(definition_to_json(definition)) == definition


def test_defaults_are_written_out_in_the_stored_form() -> None:
    stored = definition_to_dict(definition_from_yaml(YAML))
    question = stored["pages"][0]["blocks"][0]["questions"][0]
    assert question["dont_know"] == DEFAULT_DONT_KNOW_TEXT.as_dict()
    assert question["required"] is False
    assert stored["codebook"] == {"anonymity_threshold": 7}
    assert stored["languages"] == ["sv"]


def test_price_texts_default_to_the_standard_wording_and_fill_in_the_product() -> None:
    price = {"type": "price", "key": "p", "text": text("Pris"), "product": text("kortet", "the pass")}
    question = parse_definition(survey(price)).question("p")
    assert isinstance(question, PriceQuestion)
    assert question.texts["cheap"] == DEFAULT_PRICE_TEXTS["cheap"]
    assert (
        question.part_text("cheap", "sv")
        == "Vid vilket pris skulle kortet vara ett fynd, ett riktigt bra köp?"
    )
    assert "the pass" in question.part_text("too_expensive", "en")


def test_a_key_repeated_in_one_yaml_mapping_is_refused_with_its_line() -> None:
    with pytest.raises(DefinitionError, match=r"line 3, column 1: .*key 'key' appears twice"):
        definition_from_yaml("key: a\ntitle: {sv: T}\nkey: b\npages: []\n")


def test_a_yaml_syntax_error_names_line_and_column() -> None:
    with pytest.raises(DefinitionError) as caught:
        definition_from_yaml("key: a\ntitle: {sv: Vad tycker du?, en: x}\n")
    assert caught.value.field == "line 2, column 26"


def test_a_json_syntax_error_names_line_and_column() -> None:
    with pytest.raises(DefinitionError, match="line 1, column 9"):
        definition_from_json('{"key": }')


def test_a_bare_yaml_no_is_reported_as_a_boolean() -> None:
    data = YAML.replace("key: q1", "key: q1\n            help: {sv: no}")
    with pytest.raises(
        DefinitionErrors, match=r"help\.sv: must be a string, not a boolean \(true/false\) False"
    ):
        definition_from_yaml(data)


def test_definitions_load_from_yaml_and_json_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "a.json").write_text(definition_to_json(definition_from_yaml(YAML)), encoding="utf-8")
    assert load_definition(tmp_path / "a.yaml") == load_definition(str(tmp_path / "a.json"))
    assert load_definition(survey(rating("q1"))).key == "test"


def test_a_missing_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="cannot read"):
        load_definition(tmp_path / "saknas.yaml")


def test_the_first_example_of_the_documentation_is_valid_and_behaves_as_described() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "survey-definitions.md").read_text(
        encoding="utf-8"
    )
    example = next(block for block in docs.split("```yaml\n")[1:] if block.startswith("key: bibliotek"))
    definition = definition_from_yaml(example.split("```", 1)[0])
    from kundpuls.instruments import validate_answers

    result = validate_answers(definition, {"nki_helhet": "3", "varfor": " Längre öppettider "})
    assert result.answers == {"nki_helhet": 3, "varfor": "Längre öppettider"}


def test_a_definition_survives_pickling_for_a_cache_after_use() -> None:
    import pickle

    from kundpuls.instruments import stored_items

    definition = load_template("patient")
    stored_items(definition)  # fills the memo of derived items
    copy = pickle.loads(pickle.dumps(definition))
    assert copy == definition
    assert stored_items(copy) == stored_items(definition)
