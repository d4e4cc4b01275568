"""The editable theme taxonomy: loading, validation with node paths, merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from kundpuls.errors import DefinitionError
from kundpuls.text.taxonomy import (
    default_taxonomy,
    load_taxonomy,
    merge_theme_terms,
    parse_taxonomy,
    taxonomy_from_yaml,
    taxonomy_problems,
)


def test_the_default_taxonomy_covers_the_service_themes() -> None:
    keys = default_taxonomy().keys
    for key in (
        "bemotande",
        "vantetid",
        "tillganglighet",
        "information",
        "kompetens",
        "pris",
        "lokaler",
        "digitala_tjanster",
        "parkering",
    ):
        assert key in keys
    assert default_taxonomy().theme("bemotande").label_in("en") == "Treatment by staff"


def test_it_round_trips_through_yaml(tmp_path: Path) -> None:
    path = tmp_path / "themes.yaml"
    path.write_text(default_taxonomy().to_yaml(), encoding="utf-8")
    assert load_taxonomy(path) == default_taxonomy()


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"themes": {"Väntan": {"label": "V", "sv": {"words": ["kö"]}}}}, "themes.Väntan"),
        ({"themes": {"vantan": {"sv": {"words": ["kö"]}}}}, "themes.vantan.label"),
        (
            {"themes": {"vantan": {"label": "V", "sv": {"words": ["kö", "lång kö"]}}}},
            "themes.vantan.sv.words[1]",
        ),
        ({"themes": {"vantan": {"label": "V", "sv": {"phrases": ["kö"]}}}}, "themes.vantan.sv.phrases[0]"),
        ({"themes": {"vantan": {"label": "V", "sv": {"parts": ["kö"]}}}}, "themes.vantan.sv.parts[0]"),
        ({"themes": {"vantan": {"label": "V", "sv": {"stems": ["kö"]}}}}, "themes.vantan.sv.stems"),
        ({"themes": {"vantan": {"label": "V", "de": {"words": ["kö"]}}}}, "themes.vantan.de"),
        (
            {"themes": {"vantan": {"label": {"en": "Wait"}, "sv": {"words": ["kö"]}}}},
            "themes.vantan.label.sv",
        ),
        ({"themes": {}}, "themes"),
        ({"version": 0, "themes": {"vantan": {"label": "V", "sv": {"words": ["kö"]}}}}, "version"),
        (["not", "a", "mapping"], "(root)"),
    ],
)
def test_its_errors_name_the_path_of_the_node(data: object, path: str) -> None:
    with pytest.raises(DefinitionError) as info:
        parse_taxonomy(data)
    assert info.value.field == path
    assert str(info.value).startswith(path)


def test_it_lists_every_problem_for_a_form() -> None:
    data = {"themes": {"a": {"label": "A", "sv": {"words": ["två ord", 3]}}, "b": "nej"}}
    paths = [p.path for p in taxonomy_problems(data)]
    assert paths == ["themes.a.sv.words[0]", "themes.a.sv.words[1]", "themes.b"]


def test_bad_yaml_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError, match="not valid YAML"):
        taxonomy_from_yaml("themes: [unclosed")


def test_merging_adds_terms_without_duplicates_and_creates_labelled_themes() -> None:
    base = default_taxonomy()
    extended = merge_theme_terms(base, "parkering", language="sv", words=["Parkering", "garaget"])
    words = extended.theme("parkering").terms["sv"].words
    assert words.count("parkering") == 1 and words[-1] == "garaget"
    assert base.theme("parkering").terms["sv"].words.count("garaget") == 0  # the input is unchanged
    with pytest.raises(DefinitionError, match="needs a label") as info:
        merge_theme_terms(base, "snorojning", language="sv", words=["plogning"])
    assert info.value.field == "themes.snorojning.label"
    new = merge_theme_terms(base, "snorojning", language="sv", words=["plogning"], label="Snöröjning")
    assert new.keys[-1] == "snorojning"
