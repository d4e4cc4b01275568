"""SPSS files through the one bounded table reader: labels read, every bound checked from the header."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.errors import ImportRowsError
from kundpuls.table_input import TableInputError, TableLimits, read_labelled_table


def _sav(tmp_path: Path, frame: pd.DataFrame, **options: object) -> bytes:
    path = tmp_path / "data.sav"
    pyreadstat.write_sav(frame, str(path), **options)  # type: ignore[arg-type]
    return path.read_bytes()


def test_cells_variable_labels_value_labels_and_user_missing_codes_are_read(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "id": [1.0, 2.0, 3.0],
            "q": [1.0, np.nan, 99.0],
            "text": ["a", "", "=b"],
            "when": [datetime(2024, 1, 2, 10, 30), datetime(2024, 2, 3), pd.NaT],
        }
    )
    content = _sav(
        tmp_path,
        frame,
        column_labels={"q": "Hur nöjd är du?"},
        variable_value_labels={"q": {1: "Inte alls", 99: "Vet ej"}},
        missing_ranges={"q": [99]},
    )
    table = read_labelled_table("gammal.sav", content)
    assert table.rows == [
        ["id", "q", "text", "when"],
        ["1", "1", "a", "2024-01-02 10:30:00"],
        ["2", "", "", "2024-02-03"],
        ["3", "99", "=b", ""],
    ]
    assert table.variable_labels == {"q": "Hur nöjd är du?"}
    assert table.value_labels == {"q": {"1": "Inte alls", "99": "Vet ej"}}


def test_rows_columns_and_decompressed_size_are_refused_from_the_header(tmp_path: Path) -> None:
    content = _sav(tmp_path, pd.DataFrame({f"v{i}": [1.0] * 20 for i in range(5)}))
    with pytest.raises(TableInputError) as rows:
        read_labelled_table("a.sav", content, limits=TableLimits(max_rows=10))
    assert rows.value.limit == "max_rows"
    with pytest.raises(TableInputError) as columns:
        read_labelled_table("a.sav", content, limits=TableLimits(max_columns=4))
    assert columns.value.limit == "max_columns"
    with pytest.raises(TableInputError) as size:
        read_labelled_table("a.sav", content, limits=TableLimits(max_unzipped_bytes=100))
    assert size.value.limit == "max_unzipped_bytes"
    with pytest.raises(TableInputError) as large:
        read_labelled_table("a.sav", content, limits=TableLimits(max_bytes=100))
    assert large.value.limit == "max_bytes"


def test_a_long_string_cell_is_named_by_row_and_column(tmp_path: Path) -> None:
    content = _sav(tmp_path, pd.DataFrame({"kommentar": ["kort", "x" * 300]}))
    with pytest.raises(ImportRowsError) as info:
        read_labelled_table("a.sav", content, limits=TableLimits(max_cell_chars=100))
    assert [(e.row, e.column) for e in info.value.errors] == [(3, "kommentar")]


@pytest.mark.parametrize(
    "content", [b"", b"$FL2@(#) not really", b"PK\x03\x04" + b"\0" * 50, bytes(range(256)) * 8]
)
def test_a_file_that_is_not_spss_is_refused_as_unreadable(content: bytes) -> None:
    with pytest.raises(TableInputError) as info:
        read_labelled_table("trasig.sav", content)
    assert info.value.limit == "unreadable"


def test_csv_and_excel_come_without_labels_and_other_kinds_are_named() -> None:
    table = read_labelled_table("a.csv", b"id;q\n1;2\n")
    assert table.rows == [["id", "q"], ["1", "2"]] and table.value_labels == {}
    with pytest.raises(TableInputError) as info:
        read_labelled_table("a.dta", b"x")
    assert info.value.limit == "file_kind" and ".sav" in str(info.value)


@settings(max_examples=150, deadline=None)
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".sav", ".csv", ".xlsx"]))
def test_any_bytes_give_a_table_or_a_named_refusal(content: bytes, suffix: str) -> None:
    try:
        table = read_labelled_table(f"fil{suffix}", content)
    except (TableInputError, ImportRowsError):
        return
    assert all(isinstance(cell, str) for row in table.rows for cell in row)
