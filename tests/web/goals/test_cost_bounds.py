"""Issue 17: cost files with absurd numbers, long fields or odd encodings are row errors, never a 500."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from django.db import DataError, IntegrityError, connection, transaction
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kundpuls.cli.goals import register
from kundpuls.errors import ImportRowsError, ValidationError
from kundpuls.table_input import TableInputError, read_table
from kundpuls.web.goals.cost_import import read_cost_rows
from kundpuls.web.org.actors import CLI

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
HEADER = "unit,period,cost,volume\n"


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


@pytest.mark.parametrize(
    "cost", ["1E+999999999", "1e400", "inf", "-inf", "nan", "NaN", "1e3", "-1", "1000000000000"]
)
def test_a_cost_that_is_not_a_finite_sane_number_is_a_row_error(cost: str) -> None:
    from kundpuls.web.goals.actions import import_costs

    with pytest.raises(ImportRowsError) as caught:
        import_costs("k.csv", f"{HEADER}VOF-HT-N,2026,{cost},10\n".encode(), actor=CLI)
    assert [(e.row, e.column, e.value) for e in caught.value.errors] == [(2, "cost", cost)]


def test_swedish_decimal_comma_and_thousand_spaces_are_read() -> None:
    (row,) = read_cost_rows(
        [["unit", "period", "cost", "volume"], ["A", "2026", "1\u00a0200 000,505", "1 200"]], {"A"}
    )
    assert row.cost == Decimal("1200000.51") and row.volume == 1200


def test_a_volume_beyond_the_column_is_a_row_error() -> None:
    with pytest.raises(ImportRowsError) as caught:
        read_cost_rows(
            [["unit", "period", "cost", "volume"], ["A", "2026", "1", "99999999999999999999"]], {"A"}
        )
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "volume")]


def test_the_goals_page_answers_when_a_bad_cost_was_stored_before_the_bounds(
    lake: Path, personas: Any
) -> None:
    """A cost stored before the bounds (the migration removes such rows) must not take the page down."""
    from kundpuls.web.goals.models import UnitCost
    from kundpuls.web.org.models import Unit

    unit = Unit.objects.get(code="VOF-HT-N")
    # the database refuses it now: a check constraint (SQLite), or already the column's precision (PostgreSQL)
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        UnitCost.objects.create(unit=unit, period="2026", cost=Decimal("1E+20"), volume=1)
    with pytest.raises((IntegrityError, DataError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO goals_unitcost (unit_id, period, cost, volume) VALUES (%s, '2026', 1e999, 1)",
            [unit.pk],
        )
    client = Client()
    client.force_login(personas["viewer"], backend=BACKEND)
    assert client.get("/portal/mal/enheter/VOF-HT/?period=2026").status_code == 200


def test_costs_import_cli_names_rows_instead_of_a_traceback(tmp_path: Path) -> None:
    cases = {
        "e400.csv": f"{HEADER}VOF-HT-N,2026,1e400,10\n".encode(),
        "utf16.csv": f"{HEADER}VOF-HT-N,2026,1E+999999999,10\n".encode("utf-16"),
        "long.csv": f"{HEADER}VOF-HT-N,2026,{'9' * 140_000},10\n".encode(),
        "latin1.csv": f"{HEADER}VÅF,2026,1,10\n".encode("latin-1"),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = CliRunner().invoke(_app(), ["costs", "import", str(path)])
        assert result.exit_code == 2, (name, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), name
        assert "Traceback" not in result.output and len(result.output) < 2_000, name
        assert "rad 2" in result.output or "file:" in result.output, (name, result.output)


def test_many_bad_rows_list_fifty_and_count_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text(HEADER + "".join(f"NOPE{i},2026,1,1\n" for i in range(500)), encoding="utf-8")
    result = CliRunner().invoke(_app(), ["costs", "import", str(path), "--json"])
    assert result.exit_code == 2
    assert '"more_errors": 450' in result.stdout and len(result.stdout) < 20_000


_CELL = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["1E+999999999", "1e400", "inf", "nan", "1,5", "1 200", "-0", "٣", "²", "0x10", "1_000"]),
)


@settings(max_examples=120, deadline=None)
@given(rows=st.lists(st.lists(_CELL, min_size=0, max_size=6), max_size=6), header=st.booleans())
def test_fuzz_cost_rows_give_only_row_errors(rows: list[list[str]], header: bool) -> None:
    table = ([["unit", "period", "cost", "volume"]] if header else []) + rows
    try:
        for row in read_cost_rows(table, {"A", "B"}):
            assert row.cost.is_finite() and 0 <= row.cost < 10**12 and 0 <= row.volume < 2**31
    except (ImportRowsError, ValidationError):
        pass


@settings(max_examples=80, deadline=None)
@given(content=st.binary(max_size=1_000))
def test_fuzz_cost_files_give_only_documented_errors(content: bytes) -> None:
    with contextlib.suppress(ImportRowsError, TableInputError, ValidationError):
        read_cost_rows(read_table("k.csv", HEADER.encode() + content), {"A"})


def test_a_period_the_goals_pages_cannot_read_is_named_beside_this_years_goals(
    lake: Path, personas: Any
) -> None:
    """It was a 404 page with an English message; now the page shows this year with the error (400)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas["viewer"], backend=BACKEND)
    for url in ("/portal/mal/?period=-1", "/portal/mal/enheter/VOF-HT/?period=-1"):
        page = client.get(url)
        body = page.content.decode()
        assert page.status_code == 400, url
        assert "Perioden gick inte att tolka" in body and "&#x27;-1&#x27;" in body, url
    assert client.get("/portal/mal/?period=-1&format=json").json()["field"] == "period"
    assert client.get("/portal/mal/enheter/VOF-HT/produktivitet.svg?period=-1").status_code == 400
