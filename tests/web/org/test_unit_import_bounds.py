"""Issue 17: unit files with 128 KB fields or an unclosed quote are row errors, never a new unit."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kundpuls.cli.units import units_app
from kundpuls.errors import ImportRowsError
from kundpuls.table_input import TableInputError
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.unit_import import read_unit_rows

HEADER = "code,name,kind,parent_code,valid_from,valid_to\n"


@pytest.mark.django_db
def test_an_unclosed_quote_imports_nothing_and_names_the_row() -> None:
    from kundpuls.web.org.actions import import_units
    from kundpuls.web.org.models import Unit

    before = Unit.objects.count()
    text = HEADER + 'NY,"Ny enhet,unit,EXK,,\nNY-2,Nyare,unit,NY,,\n'
    with pytest.raises(ImportRowsError) as caught:
        import_units(text, actor=CLI)
    assert [e.row for e in caught.value.errors] == [2]
    assert Unit.objects.count() == before


@pytest.mark.django_db
def test_a_name_longer_than_the_column_is_a_row_error() -> None:
    from kundpuls.web.org.actions import import_units

    with pytest.raises(ImportRowsError) as caught:
        import_units(HEADER + f"NY,{'n' * 201},unit,EXK,,\n", actor=CLI)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "name")]


@pytest.mark.django_db
def test_units_import_cli_answers_128_kb_fields_with_a_row_error(tmp_path: Path) -> None:
    path = tmp_path / "enheter.csv"
    path.write_text(HEADER + f"NY,{'n' * 140_000},unit,EXK,,\n", encoding="utf-8")
    app = typer.Typer()
    app.add_typer(units_app, name="units")
    result = CliRunner().invoke(app, ["units", "import", str(path)])
    assert (result.exit_code == 2 and result.exception is None) or isinstance(result.exception, SystemExit)
    assert "rad 2" in result.output and len(result.output) < 2_000


_CELL = st.one_of(
    st.text(max_size=20),
    st.sampled_from(['"', 'a"b', "\0", "\n", ",", ";", "EXK", "2025-02-30", "unit", "=1+1"]),
    st.builds(lambda n: "x" * n, st.integers(60, 140_000)),
)


@settings(max_examples=120, deadline=None)
@given(rows=st.lists(st.lists(_CELL, max_size=7), max_size=6))
def test_fuzz_unit_files_give_only_documented_errors(rows: list[list[str]]) -> None:
    text = HEADER + "\n".join(",".join(r) for r in rows)
    try:
        for row in read_unit_rows(text, {"EXK": None}):
            assert len(row.name) <= 200 and len(row.code) <= 64
    except (ImportRowsError, TableInputError):
        pass
