"""Reading and validating a unit file (CSV or Excel, read by :mod:`kundpuls.table_input`) before anything is
stored.

Columns: ``code`` and ``name`` (required), ``kind``, ``parent_code``, ``valid_from``, ``valid_to`` (ISO
dates). Each bad row gives one :class:`~kundpuls.errors.RowError` per offending column (row numbers count
the header as row 1); :func:`read_unit_rows` raises :class:`~kundpuls.errors.ImportRowsError` with all of
them, so that nothing is imported unless everything is valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from kundpuls.errors import ImportRowsError, RowError
from kundpuls.render.formula_guard import restore_csv_cell
from kundpuls.table_input import Table, read_csv_text
from kundpuls.web.org.models import UnitKind
from kundpuls.web.org.tree import find_cycle

COLUMNS = ("code", "name", "kind", "parent_code", "valid_from", "valid_to")
REQUIRED = ("code", "name")
CODE_PATTERN = re.compile(r"^[\w.\-]{1,64}$")
MAX_NAME_CHARS = 200  # Unit.name


@dataclass(frozen=True)
class UnitRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None


def _parse_date(value: str) -> date | None:
    if not value:
        return None
    return date.fromisoformat(value)


def _records(table: Table) -> list[tuple[int, dict[str, str]]]:
    """(row number, column → cell) of every non-empty row after the header."""
    header = [h.strip().lower() for h in table[0]] if table else []
    # the export quotes formula-like names ('=…, render.formula_guard); reading our own file takes it off
    return [
        (number, {name: restore_csv_cell(cell) for name, cell in zip(header, cells, strict=False) if name})
        for number, cells in enumerate(table[1:], start=2)
        if any(cells)
    ]


def read_unit_rows(source: str | Table, existing_parents: Mapping[str, str | None]) -> list[UnitRow]:
    """Validate a unit file against the units already stored (``code -> parent code``).

    ``source`` is the CSV text or a table from :func:`kundpuls.table_input.read_table`; reading the text
    may raise :class:`~kundpuls.table_input.TableInputError` or ``ImportRowsError`` (bad quoting, long cells).
    """
    table = read_csv_text(source) if isinstance(source, str) else source
    header_names = {h.strip().lower() for h in table[0]} if table else set()
    missing = [c for c in REQUIRED if c not in header_names]
    if missing:
        raise ImportRowsError(
            [
                RowError(1, c, "", _("required column is missing (columns: %s)") % ", ".join(COLUMNS))
                for c in missing
            ]
        )
    errors: list[RowError] = []
    rows: list[UnitRow] = []
    first_row_of: dict[str, int] = {}
    kinds = set(UnitKind.values)
    for number, raw in _records(table):
        row_errors: list[RowError] = []
        code, name = raw.get("code", ""), raw.get("name", "")
        kind = raw.get("kind", "") or UnitKind.UNIT
        parent = raw.get("parent_code", "") or None
        if not code:
            row_errors.append(RowError(number, "code", code, _("a code is required")))
        elif not CODE_PATTERN.match(code):
            row_errors.append(
                RowError(number, "code", code, _("use at most 64 letters, digits, '.', '-' or '_'"))
            )
        elif code in first_row_of:
            row_errors.append(
                RowError(number, "code", code, _("duplicate code (first on row %d)") % first_row_of[code])
            )
        if not name:
            row_errors.append(RowError(number, "name", name, _("a name is required")))
        elif len(name) > MAX_NAME_CHARS:
            row_errors.append(RowError(number, "name", name, _("longer than %d characters") % MAX_NAME_CHARS))
        if kind not in kinds:
            row_errors.append(
                RowError(number, "kind", kind, _("unknown kind; use one of %s") % ", ".join(sorted(kinds)))
            )
        dates: dict[str, date | None] = {}
        for column in ("valid_from", "valid_to"):
            try:
                dates[column] = _parse_date(raw.get(column, ""))
            except ValueError:
                row_errors.append(RowError(number, column, raw.get(column, ""), _("not a date (YYYY-MM-DD)")))
                dates[column] = None
        if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
            row_errors.append(
                RowError(number, "valid_to", raw.get("valid_to", ""), _("ends before valid_from"))
            )
        if code and code not in first_row_of:
            first_row_of[code] = number
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(UnitRow(number, code, name, kind, parent, dates["valid_from"], dates["valid_to"]))

    known = set(existing_parents) | {r.code for r in rows} | set(first_row_of)
    parent_of: dict[str, str | None] = dict(existing_parents)
    parent_of.update({r.code: r.parent_code for r in rows})
    for r in rows:
        if r.parent_code is None:
            continue
        if r.parent_code not in known:
            errors.append(RowError(r.row, "parent_code", r.parent_code, _("unknown parent unit")))
            continue
        cycle = find_cycle(parent_of, r.code)
        if cycle is not None and r.code in cycle:
            chain = " → ".join(str(c) for c in cycle)
            errors.append(RowError(r.row, "parent_code", r.parent_code, _("makes a cycle: %s") % chain))
    if errors:
        errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
        raise ImportRowsError(errors)
    return rows
