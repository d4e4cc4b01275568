"""Reading a unit cost and volume file (CSV or Excel via python-calamine): columns unit, period, cost, volume.

Rows are validated one by one; :func:`read_cost_rows` raises :class:`~kundpuls.errors.ImportRowsError`
listing every bad row (row numbers count the header as row 1), so an import stores all rows or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from kundpuls.errors import ImportRowsError, RowError, ValidationError
from kundpuls.web.goals.periods import parse_period

COLUMNS = ("unit", "period", "cost", "volume")


@dataclass(frozen=True)
class CostRow:
    unit: str
    period: str
    cost: Decimal
    volume: int


def table_from_file(name: str, content: bytes) -> list[list[Any]]:
    """Rows of the first sheet (.xlsx/.xls/.ods) or of a CSV (``,`` or ``;``, UTF-8 with or without BOM)."""
    if Path(name).suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods"}:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return [list(r) for r in workbook.get_sheet_by_index(0).to_python(skip_empty_area=True)]
    text = content.decode("utf-8-sig")
    dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=dialect) if any(c.strip() for c in row)]


def read_cost_rows(table: list[list[Any]], known_units: set[str]) -> list[CostRow]:
    if not table:
        raise ValidationError("file: empty", field="file", value="")
    header = [str(c).strip().lower() for c in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError(f"columns: missing {missing}", field="columns", value=header)
    at = {c: header.index(c) for c in COLUMNS}
    rows, errors = [], []
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(table[1:], start=2):
        cells = {c: (raw[at[c]] if at[c] < len(raw) else "") for c in COLUMNS}
        unit = str(cells["unit"]).strip()
        ok = True
        if unit not in known_units:
            errors.append(RowError(number, "unit", unit, "okänd enhet / unknown unit"))
            ok = False
        try:
            period = parse_period(str(cells["period"]).strip()).label
        except ValidationError:
            errors.append(
                RowError(number, "period", str(cells["period"]), "period: YYYY, YYYY-Qn eller YYYY-MM")
            )
            ok, period = False, ""
        try:
            cost = Decimal(str(cells["cost"]).replace(" ", "").replace(",", "."))
            if cost < 0 or not cost.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                RowError(number, "cost", str(cells["cost"]), "kostnad: ett tal ≥ 0 / cost: a number ≥ 0")
            )
            ok, cost = False, Decimal(0)
        try:
            volume_value = float(str(cells["volume"]).replace(" ", "").replace(",", "."))
            if volume_value < 0 or volume_value != int(volume_value):
                raise ValueError
            volume = int(volume_value)
        except ValueError:
            errors.append(
                RowError(
                    number,
                    "volume",
                    str(cells["volume"]),
                    "volym: ett heltal ≥ 0 / volume: a whole number ≥ 0",
                )
            )
            ok, volume = False, 0
        if ok and (unit, period) in seen:
            errors.append(RowError(number, "period", period, "dubblett / duplicate unit and period"))
            ok = False
        if ok:
            seen.add((unit, period))
            rows.append(CostRow(unit, period, cost, volume))
    if errors:
        raise ImportRowsError(errors)
    return rows
