"""Model files: parsing and validation errors that name the node."""

from __future__ import annotations

import pytest

from kundpuls.errors import DefinitionError
from kundpuls.stats.pls import model_from_mapping, model_from_yaml

GOOD = {
    "constructs": {
        "A": {"indicators": ["a1", "a2"], "mode": "A"},
        "B": {"indicators": ["b1"], "mode": "B"},
        "C": {"indicators": ["c1", "c2"]},
    },
    "paths": [["A", "C"], ["B", "C"]],
}


@pytest.mark.parametrize(
    "stem", ["mobi_ecsi", "corp_rep_simple", "corp_rep_extended", "satisfaction_modeA", "satisfaction_modeB"]
)
def test_it_reads_every_reference_model_file(stem, load_model):
    spec = load_model(stem)
    assert spec.constructs and spec.paths
    assert model_from_mapping(spec.to_mapping()) == spec


def test_it_defaults_a_block_to_mode_a_and_lists_predecessors():
    spec = model_from_mapping(GOOD)
    assert spec.block("C").mode == "A"
    assert spec.predecessors("C") == ("A", "B")
    assert spec.endogenous == ("C",)
    assert spec.indicators == ("a1", "a2", "b1", "c1", "c2")


def _with(**changes):
    doc = {"constructs": {k: dict(v) for k, v in GOOD["constructs"].items()}, "paths": list(GOOD["paths"])}
    for key, value in changes.items():
        if key == "paths":
            doc["paths"] = value
        else:
            doc["constructs"][key] = value
    return doc


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (_with(A={"indicators": ["a1"], "mode": "C"}), "constructs.A.mode"),
        (_with(A={"indicators": []}), "constructs.A.indicators"),
        (_with(A={"indicators": ["a1", 3]}), "constructs.A.indicators[1]"),
        (_with(B={"indicators": ["a1"]}), "constructs.B.indicators[0]"),
        (_with(A={"indicators": ["a1"], "weights": [1]}), "constructs.A.weights"),
        (_with(paths=[["A", "C"], ["B", "X"]]), "paths[1][1]"),
        (_with(paths=[["A", "C"], ["B"]]), "paths[1]"),
        (_with(paths=[["A", "C"], ["B", "C"], ["A", "C"]]), "paths[2]"),
        (_with(paths=[["A", "A"], ["B", "C"]]), "paths[0]"),
        (_with(paths=[["A", "C"], ["C", "B"], ["B", "A"]]), "paths"),
        (_with(paths=[["A", "C"]]), "constructs.B"),
        (_with(paths=[]), "paths"),
        ({"constructs": {}, "paths": [["A", "B"]]}, "constructs"),
        ({"constructs": GOOD["constructs"], "paths": GOOD["paths"], "extra": 1}, "extra"),
        (["not", "a", "mapping"], "model"),
    ],
)
def test_it_names_the_path_of_an_invalid_node(document, field):
    with pytest.raises(DefinitionError) as caught:
        model_from_mapping(document)
    assert caught.value.field == field
    assert field.split("[")[0].split(".")[0] in str(caught.value)


def test_it_reports_broken_yaml_as_a_definition_error():
    with pytest.raises(DefinitionError) as caught:
        model_from_yaml("constructs: [unclosed")
    assert caught.value.field == "model"


def test_it_reads_the_yaml_shape_of_the_issue():
    spec = model_from_yaml(
        "constructs:\n"
        "  X: {indicators: [x1, x2], mode: B}\n"
        "  Y: {indicators: [y1], mode: A}\n"
        "paths:\n"
        "  - [X, Y]\n"
    )
    assert spec.block("X").mode == "B"
    assert spec.paths == (("X", "Y"),)
