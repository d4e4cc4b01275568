"""The one bounded table reader: limits, encodings, strict quoting, xlsx zip bombs; fuzzed."""

from __future__ import annotations

import contextlib
import io
import time
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kundpuls.errors import ImportRowsError
from kundpuls.table_input import TableInputError, TableLimits, read_csv_text, read_table


def _xlsx(rows: list[list[object]], *, write_only: bool = False) -> bytes:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_comma_semicolon_tab_and_a_bom_are_read_alike() -> None:
    expected = [["email", "unit"], ["a@example.se", "X"]]
    assert read_csv_text("email,unit\na@example.se,X\n") == expected
    assert read_table("l.csv", "\ufeffemail;unit\r\na@example.se;X\r\n".encode()) == expected
    assert read_table("l.txt", "email\tunit\na@example.se\tX\n".encode("utf-16")) == expected


def test_a_field_over_128_kb_is_a_row_error_naming_the_row() -> None:
    with pytest.raises(ImportRowsError) as caught:
        read_csv_text("email,unit\n" + "x" * 140_000 + ",X\n")
    (error,) = caught.value.errors
    assert error.row == 2 and "4,096" in error.message


def test_a_long_cell_names_row_column_and_quotes_the_value_briefly() -> None:
    with pytest.raises(ImportRowsError) as caught:
        read_csv_text("email,unit\na@example.se," + "y" * 5_000 + "\n")
    (error,) = caught.value.errors
    assert (error.row, error.column) == (2, "unit") and len(error.value) <= 80 and len(str(error)) < 300


def test_a_wide_column_may_hold_more() -> None:
    limits = TableLimits(wide_columns={"note": 10_000})
    assert read_csv_text("note\n" + "z" * 5_000 + "\n", limits=limits)[1][0] == "z" * 5_000


def test_an_unclosed_quote_is_an_error_not_a_merged_row() -> None:
    with pytest.raises(ImportRowsError) as caught:
        read_csv_text('code,name\nA,"Enhet A\nB,Enhet B\nC,Enhet C\n')
    (error,) = caught.value.errors
    assert error.row == 2 and "line 2" in error.message


def test_a_stray_character_after_a_closing_quote_is_an_error() -> None:
    with pytest.raises(ImportRowsError, match="rad 3"):
        read_csv_text('code,name\nA,B\n"C"x,D\n')


@pytest.mark.parametrize(
    ("name", "content", "limit"),
    [
        ("l.csv", "email\nåsa@example.se\n".encode("latin-1"), "encoding"),
        ("l.csv", b"email\na\x00b\n", "nul"),
        ("l.xls", b"\xd0\xcf\x11\xe0", "file_kind"),
        ("l.pdf", b"%PDF", "file_kind"),
        ("l.xlsx", b"not a workbook", "unreadable"),
        ("l.csv", b"a\n" * 60_000, "max_rows"),
        ("l.csv", (",".join(["c"] * 101) + "\n").encode(), "max_columns"),
    ],
)
def test_file_level_problems_name_their_limit(name: str, content: bytes, limit: str) -> None:
    with pytest.raises(TableInputError) as caught:
        read_table(name, content)
    assert caught.value.limit == limit and caught.value.field == "file"
    assert len(str(caught.value)) < 300


def test_too_many_cells_and_too_many_bytes() -> None:
    with pytest.raises(TableInputError) as cells:
        read_csv_text("a,b,c\n" * 100, limits=TableLimits(max_cells=200))
    assert cells.value.limit == "max_cells"
    with pytest.raises(TableInputError) as size:
        read_table("l.csv", b"a\n" * 100, limits=TableLimits(max_bytes=100))
    assert size.value.limit == "max_bytes"


def test_an_xlsx_is_read_with_numbers_and_dates_as_text() -> None:
    from datetime import date

    content = _xlsx([["unit", "cost", "day", None], ["X", 1200000, date(2026, 1, 31)], [None, 2.5]])
    assert read_table("k.xlsx", content) == [
        ["unit", "cost", "day"],
        ["X", "1200000", "2026-01-31"],
        ["", "2.5"],
    ]


def test_an_xlsx_zip_bomb_is_refused_from_the_zip_directory() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 60_000_000 + b">")
    started = time.perf_counter()
    with pytest.raises(TableInputError) as caught:
        read_table("bomb.xlsx", buffer.getvalue())
    assert caught.value.limit == "max_unzipped_bytes"
    assert len(buffer.getvalue()) < 100_000
    assert time.perf_counter() - started < 5  # generous: the check reads no member


def test_an_xlsx_declaring_more_rows_than_allowed_is_refused_before_reading_them() -> None:
    content = _xlsx([["email"]] + [[f"a{i}@example.se"] for i in range(60)])
    with pytest.raises(TableInputError) as caught:
        read_table("l.xlsx", content, limits=TableLimits(max_rows=50))
    assert caught.value.limit == "max_rows"


def test_an_xlsx_without_a_true_dimension_stops_at_the_row_limit() -> None:
    content = _xlsx([["email"]] + [[f"a{i}@example.se"] for i in range(60)], write_only=True)
    with pytest.raises(TableInputError) as caught:
        read_table("l.xlsx", content, limits=TableLimits(max_rows=50))
    assert caught.value.limit == "max_rows"


# --- fuzz: whatever the bytes, only the documented errors -------------------------------------------------

_CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(['"', '""', '"a', 'a"b', "\0", "\r", "\n", ";", ",", "\t", "\ufeff", "1E+999999999"]),
    st.builds(lambda n: "x" * n, st.integers(4_000, 140_000)),
)
_ROWS = st.lists(st.lists(_CELL, max_size=8), max_size=8)
_DOCUMENTED = (ImportRowsError, TableInputError)


def _join(rows: list[list[str]], delimiter: str) -> str:
    return "\n".join(delimiter.join(row) for row in rows)


@settings(max_examples=150, deadline=None)
@given(rows=_ROWS, delimiter=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_fuzz_csv_text_gives_only_documented_errors(
    rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    text = _join(rows, delimiter)
    try:
        content = text.encode(encoding, errors="surrogatepass")
        table = read_table("f.csv", content)
    except _DOCUMENTED:
        return
    assert all(len(c) <= 4_096 for row in table for c in row)


@settings(max_examples=150, deadline=None)
@given(content=st.binary(max_size=2_000), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".ods"]))
def test_fuzz_bytes_give_only_documented_errors(content: bytes, suffix: str) -> None:
    with contextlib.suppress(_DOCUMENTED):
        read_table("f" + suffix, content)


@settings(max_examples=40, deadline=None)
@given(content=st.binary(min_size=1, max_size=400), at=st.integers(0, 10_000))
def test_fuzz_damaged_workbooks_give_only_documented_errors(content: bytes, at: int) -> None:
    workbook = bytearray(_xlsx([["unit", "cost"], ["X", 1]]))
    at %= len(workbook)
    workbook[at : at + len(content)] = content
    with contextlib.suppress(_DOCUMENTED):
        read_table("f.xlsx", bytes(workbook))


def test_a_workbook_of_a_zip_version_python_cannot_read_is_named_not_a_traceback() -> None:
    """Found by the fuzz test above: a central directory that asks for zip version 6.4 made ``zipfile``
    raise NotImplementedError, which no caller expected."""
    import struct

    workbook = bytearray(_xlsx([["unit", "cost"], ["X", 1]]))
    at = workbook.find(b"PK\x01\x02")
    workbook[at + 6 : at + 8] = struct.pack("<H", 64)  # "version needed to extract": 6.4
    with pytest.raises(TableInputError, match="not a readable Excel workbook"):
        read_table("f.xlsx", bytes(workbook))
