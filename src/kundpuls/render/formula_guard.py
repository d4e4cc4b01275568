"""Text in spreadsheet exports is never a live formula (the OWASP "CSV injection" rule).

Unit names, theme labels, comments and model names are typed by people, some of them outsiders. A cell
``=HYPERLINK("http://…"&B3,"Personal")`` would become a working link (or worse, ``=cmd|…``) when a colleague
opens the export in Excel or LibreOffice. Every export writer therefore passes its cells through here:

* **CSV**: a *text* cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  leading single quote (``'=HYPERLINK(…)``), which spreadsheets show as text. Numbers are never touched
  (``-3`` stays ``-3``), and neither is text that is just a number (``"-0,4"``, ``"+1.5e3"``): a spreadsheet
  reads that as the number it is and runs nothing.
* **XLSX**: openpyxl turns any string that begins with ``=`` into a formula; :func:`xlsx_strings` makes
  every such cell a string cell again, so the workbook shows the text exactly as typed and never runs it.

:func:`restore_csv_cell` undoes the quote for files that come back in (the unit import reads its own export).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def formula_like(value: object) -> bool:
    """True for text a spreadsheet could evaluate: it begins with a formula character and is not a number."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and _PLAIN_NUMBER.fullmatch(value.strip()) is None
    )


def csv_cell(value: Any) -> Any:
    """The cell as a CSV writer should write it: formula-like text behind a single quote, all else as is."""
    return "'" + value if formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a CSV row through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]


def csv_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A ``csv.DictWriter`` row with every value through :func:`csv_cell` (the keys are the header)."""
    return {key: csv_cell(value) for key, value in record.items()}


def csv_frame(frame: Any) -> Any:
    """A copy of a pandas frame with its text cells and headers guarded; numeric columns are left alone."""
    guarded = frame.copy()
    for column in guarded.columns:
        if guarded[column].dtype.kind in "OSU" or str(guarded[column].dtype) == "string":
            guarded[column] = guarded[column].map(csv_cell)
    return guarded.rename(columns=csv_cell)


def restore_csv_cell(text: str) -> str:
    """The text :func:`csv_cell` guarded, without its quote (other text unchanged)."""
    return text[1:] if text.startswith("'") and formula_like(text[1:]) else text


def xlsx_strings(sheets: Iterable[Any]) -> None:
    """Make every cell openpyxl took for a formula a plain string cell (the exports write no formulas)."""
    for sheet in sheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
