"""Unit files: each bad row is named (row, column, value); nothing is imported unless all is valid."""

from __future__ import annotations

import pytest

from kundpuls.errors import ImportRowsError
from kundpuls.web.org.actions import export_units, import_units, units_to_csv
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit, UnitEvent

HEADER = "code,name,kind,parent_code,valid_from,valid_to\n"


def _assert_paths_consistent() -> None:
    """Every unit's path is its parent's path plus its own key, and its depth one more."""
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        parent = units.get(unit.parent_id) if unit.parent_id else None
        assert unit.path == f"{parent.path if parent else '/'}{unit.pk}/", unit.code
        assert unit.depth == (parent.depth + 1 if parent else 0), unit.code


def _errors(text: str) -> list[tuple[int, str, str]]:
    before = Unit.objects.count()
    with pytest.raises(ImportRowsError) as info:
        import_units(text, actor=CLI)
    assert Unit.objects.count() == before, "a failed import must store nothing"
    return [(e.row, e.column, e.value) for e in info.value.errors]


@pytest.mark.django_db
def test_it_imports_a_valid_file_under_an_existing_unit() -> None:
    summary = import_units(
        HEADER + "NY,Ny enhet,department,EXK,2025-01-01,\nNY-1,Nyare,unit,NY,,\n", actor=CLI
    )
    assert summary.created == 2
    parent = Unit.objects.get(code="NY")
    child = Unit.objects.get(code="NY-1")
    assert child.parent == parent
    assert child.path == f"{parent.path}{child.pk}/"
    assert child.depth == parent.depth + 1 == 2


@pytest.mark.django_db
def test_an_unknown_parent_is_named_with_its_row_and_value() -> None:
    assert _errors(HEADER + "A1,Enhet,unit,EXK,,\nA2,Enhet,unit,FINNS-INTE,,\n") == [
        (3, "parent_code", "FINNS-INTE")
    ]


@pytest.mark.django_db
def test_a_duplicate_code_in_the_file_is_named_on_its_second_row() -> None:
    assert _errors(HEADER + "D1,Ett,unit,EXK,,\nD1,Två,unit,EXK,,\n") == [(3, "code", "D1")]


@pytest.mark.django_db
def test_a_cycle_is_reported_on_every_row_that_forms_it() -> None:
    errors = _errors(HEADER + "C1,Ett,unit,C3,,\nC2,Två,unit,C1,,\nC3,Tre,unit,C2,,\nC4,Fyra,unit,EXK,,\n")
    assert errors == [(2, "parent_code", "C3"), (3, "parent_code", "C1"), (4, "parent_code", "C2")]


@pytest.mark.django_db
def test_a_move_that_would_make_a_cycle_with_stored_units_is_refused() -> None:
    # VOF is the parent of VOF-HT: making VOF a child of VOF-HT closes a loop through the database.
    assert _errors(HEADER + "VOF,Vård- och omsorgsförvaltningen,administration,VOF-HT,,\n") == [
        (2, "parent_code", "VOF-HT")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        ("B1,Enhet,unit,EXK,2025-13-01,", "valid_from", "2025-13-01"),
        ("B1,Enhet,unit,EXK,,31/12/2025", "valid_to", "31/12/2025"),
        ("B1,Enhet,unit,EXK,2025-06-01,2025-01-01", "valid_to", "2025-01-01"),
        ("B1,Enhet,planet,EXK,,", "kind", "planet"),
        ("B1,,unit,EXK,,", "name", ""),
        (",Enhet,unit,EXK,,", "code", ""),
        ("B 1/x,Enhet,unit,EXK,,", "code", "B 1/x"),
    ],
)
def test_each_bad_value_is_named_with_row_column_and_value(row: str, column: str, value: str) -> None:
    assert _errors(HEADER + "OK1,Bra enhet,unit,EXK,,\n" + row + "\n") == [(3, column, value)]


@pytest.mark.django_db
def test_a_missing_required_column_is_named() -> None:
    assert _errors("code,kind\nX,unit\n") == [(1, "name", "")]


@pytest.mark.django_db
def test_all_errors_of_a_file_are_reported_together() -> None:
    errors = _errors(HEADER + "E1,,unit,EXK,,\nE2,Enhet,unit,SAKNAS,,\nE3,Enhet,unit,EXK,fel,\n")
    assert [(r, c) for r, c, _ in errors] == [(2, "name"), (3, "parent_code"), (4, "valid_from")]


@pytest.mark.django_db
def test_error_messages_are_swedish_by_default_and_english_on_request() -> None:
    from django.utils import translation

    text = HEADER + "X1,Enhet,unit,SAKNAS,,\n"
    with translation.override("sv"), pytest.raises(ImportRowsError) as sv:
        import_units(text, actor=CLI)
    with translation.override("en"), pytest.raises(ImportRowsError) as en:
        import_units(text, actor=CLI)
    assert sv.value.errors[0].message == "okänd överordnad enhet"
    assert en.value.errors[0].message == "unknown parent unit"


@pytest.mark.django_db
def test_semicolon_files_from_swedish_excel_are_read() -> None:
    summary = import_units("code;name;kind;parent_code\nSEMI;Semikolon, AB;unit;EXK\n", actor=CLI)
    assert summary.created == 1
    assert Unit.objects.get(code="SEMI").name == "Semikolon, AB"


@pytest.mark.django_db
def test_reimporting_an_export_changes_nothing() -> None:
    exported = units_to_csv(export_units())
    summary = import_units(exported, actor=CLI)
    assert summary.created == summary.updated == summary.moved == 0
    assert summary.unchanged == Unit.objects.count()


@pytest.mark.django_db
def test_a_new_unit_under_a_unit_moved_in_the_same_file_gets_the_new_path() -> None:
    import_units(HEADER + "VOF-HT,Hemtjänst,department,SOC,,\nNY-HT,Ny hemtjänst,unit,VOF-HT,,\n", actor=CLI)
    _assert_paths_consistent()
    assert Unit.objects.get(code="NY-HT").path.startswith(Unit.objects.get(code="SOC").path)


@pytest.mark.django_db
def test_moving_a_unit_by_import_moves_its_subtree_and_keeps_history() -> None:
    department = Unit.objects.get(code="VOF-HT")
    import_units(HEADER + "VOF-HT,Hemtjänst,department,SOC,,\n", actor=CLI)
    department.refresh_from_db()
    social = Unit.objects.get(code="SOC")
    assert department.path.startswith(social.path)
    for child in Unit.objects.filter(parent=department):
        assert child.path == f"{department.path}{child.pk}/"
    _assert_paths_consistent()
    moved = UnitEvent.objects.get(unit=department, kind=UnitEvent.Kind.MOVED)
    assert moved.from_parent == Unit.objects.get(code="VOF")
    assert moved.to_parent == social


@pytest.mark.django_db
def test_ten_thousand_units_import_in_one_go() -> None:
    lines = [HEADER.strip()]
    for i in range(100):
        lines.append(f"BIG{i},Förvaltning {i},administration,EXK,,")
        for j in range(99):
            lines.append(f"BIG{i}-{j},Enhet {i}.{j},unit,BIG{i},2024-01-01,")
    summary = import_units("\n".join(lines) + "\n", actor=CLI)
    assert summary.created == 10_000
    _assert_paths_consistent()
    leaf = Unit.objects.get(code="BIG57-42")
    assert leaf.depth == 2
    assert leaf.path == f"{Unit.objects.get(code='EXK').path}{leaf.parent_id}/{leaf.pk}/"
