"""Reading and validating a recipient list (CSV or Excel) before anything is stored.

Columns (header names are case-insensitive; Swedish names work too): ``email`` (``e-mail``, ``e-post``),
``name`` (``namn``, optional), ``unit`` (``unit_code``, ``enhet``), ``language`` (``språk``, optional:
``sv`` or ``en``, default ``sv``); every other column is a background variable copied onto the response.
Each bad cell gives one :class:`~kundpuls.errors.RowError` (row numbers count the header as row 1), and
:func:`read_recipients` raises :class:`~kundpuls.errors.ImportRowsError` with all of them, so nothing is
imported unless the whole list is valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from kundpuls.errors import ImportRowsError, RowError
from kundpuls.table_input import Table, read_csv_text, read_table, read_table_file

ALIASES = {
    "email": "email",
    "e-mail": "email",
    "e-post": "email",
    "epost": "email",
    "mail": "email",
    "name": "name",
    "namn": "name",
    "unit": "unit",
    "unit_code": "unit",
    "enhet": "unit",
    "enhetskod": "unit",
    "language": "language",
    "språk": "language",
    "lang": "language",
}
LANGUAGES = ("sv", "en")
EMAIL_PATTERN = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]{2,}$")
MAX_EMAIL_CHARS = 254  # RFC 5321's limit on a path, and the model field's
MAX_NAME_CHARS = 200
BACKGROUND_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class RecipientRow:
    row: int
    email: str
    name: str
    unit_code: str
    language: str
    background: dict[str, str] = field(default_factory=dict)


def table_from_file(path: Path) -> Table:
    """The cells of a CSV (comma, semicolon or tab) or Excel (.xlsx, first sheet) file, header first.

    Read by :func:`kundpuls.table_input.read_table_file` within its limits (``TableInputError`` otherwise).
    """
    return read_table_file(path)


def table_from_upload(name: str, content: bytes) -> Table:
    """:func:`table_from_file` for an uploaded file's name and bytes."""
    return read_table(name, content)


def table_from_text(text: str) -> Table:
    """:func:`table_from_file` for CSV text."""
    return read_csv_text(text)


def read_recipients(
    table: list[list[str]], *, units: Mapping[str, bool], existing_emails: frozenset[str] = frozenset()
) -> list[RecipientRow]:
    """Validate ``table`` (header first) against ``units`` (code → inside the survey owner's tree).

    Raises
    ------
    kundpuls.errors.ImportRowsError
        Every bad e-mail, unknown unit, unit outside the owner, bad language and duplicate address.
    """
    if not table or not any(table[0]):
        raise ImportRowsError([RowError(1, "email", "", _("the file is empty (a header row is needed)"))])
    header = [h.strip().lower() for h in table[0]]
    columns = [ALIASES.get(h, h) for h in header]
    errors: list[RowError] = []
    for required in ("email", "unit"):
        if required not in columns:
            errors.append(
                RowError(
                    1, required, ",".join(header), _("column %(column)r is missing") % {"column": required}
                )
            )
    for name in columns:
        if name not in ALIASES.values() and name and not BACKGROUND_KEY.match(name):
            errors.append(
                RowError(1, name, name, _("background column names are lower-case letters, digits, _"))
            )
    if errors:
        raise ImportRowsError(errors)
    rows: list[RecipientRow] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(columns) if col}
        email = values.get("email", "").lower()
        unit_code = values.get("unit", "")
        language = (values.get("language") or "sv").lower()
        if len(email) > MAX_EMAIL_CHARS or not EMAIL_PATTERN.match(email):
            errors.append(RowError(number, "email", values.get("email", ""), _("not a valid e-mail address")))
        elif email in seen:
            errors.append(
                RowError(number, "email", email, _("duplicate of row %(row)d") % {"row": seen[email]})
            )
        elif email in existing_emails:
            errors.append(RowError(number, "email", email, _("already invited to this survey")))
        else:
            seen[email] = number
        if unit_code not in units:
            errors.append(RowError(number, "unit", unit_code, _("unknown unit code")))
        elif not units[unit_code]:
            errors.append(
                RowError(number, "unit", unit_code, _("unit outside the survey owner's organisation"))
            )
        if len(values.get("name", "")) > MAX_NAME_CHARS:
            errors.append(
                RowError(
                    number,
                    "name",
                    values.get("name", ""),
                    _("longer than %(n)d characters") % {"n": MAX_NAME_CHARS},
                )
            )
        if language not in LANGUAGES:
            errors.append(RowError(number, "language", language, _("expected sv or en")))
        background = {k: v for k, v in values.items() if k not in ALIASES.values() and v != ""}
        rows.append(RecipientRow(number, email, values.get("name", ""), unit_code, language, background))
    if errors:
        raise ImportRowsError(errors)
    if not rows:
        raise ImportRowsError([RowError(2, "email", "", _("the file has no recipients"))])
    return rows
