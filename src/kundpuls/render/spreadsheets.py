"""Tables to Excel (openpyxl, one sheet per table) and CSV (all tables, one block each).

Hidden (suppressed) cells are written as ``–``, never as a number; each file ends with a note that says
what ``–`` means. Text a spreadsheet would run as a formula is neutralised (``render.formula_guard``).
A Swedish CSV is written the way a Swedish spreadsheet reads one: fields separated by ``;`` and a decimal
comma (``76,5``); an English one with ``,`` and a decimal point. Excel cells hold numbers as numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from kundpuls.render.formula_guard import csv_row, xlsx_strings
from kundpuls.render.labels import MESSAGES, SUPPRESSED_MARK, text
from kundpuls.render.tables import Table

_SHEET_BAD = re.compile(r"[\[\]\*\?/\\:]")


def _cell(value: object) -> object:
    return SUPPRESSED_MARK if value is None else value


def sheet_name(table: Table, language: str = "sv") -> str:
    """A sheet's name in the reader's language: the table's short name (``sheet_KEY`` in ``labels``, for a
    name longer than a sheet's 31 characters), its name, else its caption."""
    short = f"sheet_{table.key}"
    if short in MESSAGES:
        name = text(short, language)
    else:
        name = text(table.key, language) if table.key in MESSAGES else table.caption
    return _SHEET_BAD.sub("-", name).strip()[:31] or "1"


def tables_xlsx(tables: Sequence[Table], *, note: str = "", language: str = "sv") -> bytes:
    """An XLSX workbook with one sheet per table (caption in row 1, header in row 2) and a note sheet,
    sheets named in ``language``."""
    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    used: set[str] = set()
    for table in tables:
        name = sheet_name(table, language)
        while name in used:
            name = (name[:28] + f"-{len(used)}")[:31]
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([table.caption])
        sheet["A1"].font = Font(bold=True)
        sheet.append(list(table.columns))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column[1:]) if len(column) > 1 else 10
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 50)
    if note:
        sheet = book.create_sheet(text("note_sheet", language))
        sheet.append([note])
    xlsx_strings(book.worksheets)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_cell(value: object, language: str) -> object:
    if isinstance(value, float) and language != "en":
        return repr(value).replace(".", ",") if value == value else ""
    return _cell(value)


def tables_csv(tables: Sequence[Table], *, note: str = "", language: str = "sv") -> str:
    """All tables in one CSV text: per table a caption row, a header row, the rows and a blank line
    (``;`` and a decimal comma in Swedish)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", delimiter="," if language == "en" else ";")
    for table in tables:
        writer.writerow(csv_row([table.caption]))
        writer.writerow(csv_row(table.columns))
        for row in table.rows:
            writer.writerow(csv_row(_csv_cell(v, language) for v in row))
        writer.writerow([])
    if note:
        writer.writerow(csv_row([note]))
    return out.getvalue()
