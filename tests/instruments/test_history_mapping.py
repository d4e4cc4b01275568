"""The pure part of reading old responses: column roles, the mapping's shape, value recoding (fuzzed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.errors import RowError
from kundpuls.instruments import DONT_KNOW, AnswerErrors, load_template, validate_answers
from kundpuls.instruments.history_mapping import (
    HistoryMapping,
    MappingError,
    parse_mapping,
    plan_columns,
    raw_answers,
    recode,
)
from kundpuls.instruments.items import item_map

NKI = load_template("nki")
ITEMS = item_map(NKI)


def test_columns_are_matched_by_key_text_label_and_fixed_names_in_that_order() -> None:
    header = ["ID", "Enhet", "Datum", "NKI_Helhet", "Vilket kön har du?", "F9", "okänd"]
    plan = plan_columns(NKI, header, variable_labels={"F9": "Hur gammal är du?"})
    roles = {r.column: (r.role, r.special or r.item, r.how) for r in plan.roles}
    assert roles["ID"] == ("special", "id", "name")
    assert roles["NKI_Helhet"] == ("item", "nki_helhet", "key")
    assert roles["Vilket kön har du?"] == ("item", "kon", "label")
    assert roles["F9"] == ("item", "alder", "label")
    assert [(p.row, p.column) for p in plan.problems] == [(1, "okänd")]


def test_a_mapping_overrides_and_a_missing_required_column_is_named() -> None:
    mapping = parse_mapping({"columns": {"okänd": None, "X": "nki_ideal"}, "id": "Nr"})
    plan = plan_columns(NKI, ["Nr", "okänd", "X"], mapping=mapping)
    assert {(p.column, p.value) for p in plan.problems} == {("unit", ""), ("submitted", "")}
    assert plan.special_index("id") == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([1, 2], "mapping"),
        ({"kolumner": {}}, "mapping"),
        ({"columns": ["a"]}, "columns"),
        ({"values": {"F1": [1]}}, "values.F1"),
        ({"defaults": {"enhet": "X"}}, "defaults"),
        ({"id": {"a": 1}}, "id"),
    ],
)
def test_a_mapping_of_the_wrong_shape_names_the_key(data: object, field: str) -> None:
    with pytest.raises(MappingError) as info:
        parse_mapping(data)
    assert info.value.field == field


def test_values_are_recoded_through_the_mapping_then_the_label_then_as_typed() -> None:
    assert recode("1", ITEMS["kon"], "Kvinna") == "woman"
    assert recode("Man", ITEMS["kon"]) == "man"
    assert recode("99", ITEMS["nki_helhet"], "Vet ej") == DONT_KNOW
    assert recode("Vet ej / ej aktuellt", ITEMS["alder"]) == DONT_KNOW
    assert recode("7", ITEMS["nki_helhet"], "Ganska nöjd") == "7"
    mapping = HistoryMapping(values={"F1": {"99": None, "98": DONT_KNOW}})
    plan = plan_columns(
        NKI, ["F1", "F2"], mapping=HistoryMapping(columns={"F1": "nki_helhet", "F2": "nki_ideal"})
    )
    answers, sources = raw_answers(plan, NKI, ["99", "4"], mapping=mapping)
    assert answers == {"nki_ideal": "4"} and sources["nki_ideal"] == ("F2", "4")
    answers, _ = raw_answers(plan, NKI, ["98", ""], mapping=mapping)
    assert answers == {"nki_helhet": DONT_KNOW}


CELLS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(header=st.lists(CELLS, max_size=8), labels=st.dictionaries(CELLS, CELLS, max_size=4))
def test_any_header_gets_a_role_or_a_named_problem_and_nothing_else(
    header: list[str], labels: dict[str, str]
) -> None:
    plan = plan_columns(NKI, header, variable_labels=labels)
    assert len(plan.roles) == len(header)
    assert all(isinstance(p, RowError) and p.row == 1 for p in plan.problems)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(CELLS, min_size=4, max_size=4), label=st.one_of(st.none(), CELLS))
def test_any_row_recodes_to_answers_that_validation_accepts_or_refuses_by_name(
    cells: list[str], label: str | None
) -> None:
    plan = plan_columns(NKI, ["tjanst", "nki_helhet", "kon", "kommentar"])
    answers, sources = raw_answers(plan, NKI, cells, value_labels={"kon": {cells[2]: label}} if label else {})
    assert set(sources) == set(answers)
    try:
        validate_answers(NKI, answers)
    except AnswerErrors as exc:
        assert all(error.field in {"tjanst", "nki_helhet", "kon", "kommentar"} for error in exc.errors)


@settings(max_examples=200, deadline=None)
@given(
    data=st.recursive(
        st.none() | st.booleans() | st.integers() | CELLS,
        lambda c: st.lists(c, max_size=3) | st.dictionaries(CELLS, c, max_size=3),
        max_leaves=12,
    )
)
def test_any_yaml_value_is_a_mapping_or_a_mapping_error(data: object) -> None:
    try:
        parse_mapping(data)
    except MappingError as exc:
        assert exc.field
