"""Reading a unit cost and volume file (CSV or Excel, read by :mod:`kundpuls.table_input`): columns unit,
period, cost, volume.

Rows are validated one by one; :func:`read_cost_rows` raises :class:`~kundpuls.errors.ImportRowsError`
listing every bad row (row numbers count the header as row 1), so an import stores all rows or none. A cost
is a finite number of kronor, ``0 ≤ cost < MAX_COST`` (10^12), with a decimal point or a Swedish decimal
comma and spaces between thousands, rounded to öre; a volume is a whole number ``0 ≤ volume ≤ MAX_VOLUME``
(the largest value the database column holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from kundpuls.errors import ImportRowsError, RowError, ValidationError
from kundpuls.web.goals.periods import parse_period

COLUMNS = ("unit", "period", "cost", "volume")
MAX_COST = Decimal(10) ** 12
MAX_VOLUME = 2_147_483_647
_NUMBER_CHARS = 40  # longer than any cost below MAX_COST with öre, spaces and a sign


@dataclass(frozen=True)
class CostRow:
    unit: str
    period: str
    cost: Decimal
    volume: int


def parse_cost(text: str) -> Decimal:
    """``text`` as kronor rounded to öre; ``ValueError`` unless a finite number with 0 ≤ cost < 10^12.

    Only plain decimal notation is read (no exponent), so ``1E+999999999`` never becomes a number.
    """
    plain = _plain_number(text)
    try:
        cost = Decimal(plain)
    except InvalidOperation:
        raise ValueError(text) from None
    if not (0 <= cost < MAX_COST):
        raise ValueError(text)
    return cost.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_volume(text: str) -> int:
    """``text`` as a whole number 0 ≤ volume ≤ MAX_VOLUME (``"400"``, ``"1 200"``, ``"400.0"`` from Excel)."""
    plain = _plain_number(text)
    try:
        value = Decimal(plain)
    except InvalidOperation:
        raise ValueError(text) from None
    if value != value.to_integral_value() or not (0 <= value <= MAX_VOLUME):
        raise ValueError(text)
    return int(value)


def _plain_number(text: str) -> str:
    """Digits with at most one decimal separator: spaces (also no-break) between thousands go, ',' → '.'."""
    plain = str(text).replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", ".")
    if not plain or len(plain) > _NUMBER_CHARS or plain.count(".") > 1:
        raise ValueError(text)
    if not plain.replace(".", "").lstrip("-+").isdigit() or not plain.replace(".", "").lstrip("-+").isascii():
        raise ValueError(text)
    return plain


def read_cost_rows(table: list[list[str]], known_units: set[str]) -> list[CostRow]:
    if not table:
        raise ValidationError(_("file: the file is empty"), field="file", value="")
    header = [str(c).strip().lower() for c in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRowsError([RowError(1, c, ",".join(header), _("the column is missing")) for c in missing])
    at = {c: header.index(c) for c in COLUMNS}
    rows, errors = [], []
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(table[1:], start=2):
        if not any(raw):
            continue
        cells = {c: (raw[at[c]] if at[c] < len(raw) else "") for c in COLUMNS}
        unit = str(cells["unit"]).strip()
        ok = True
        if unit not in known_units:
            errors.append(RowError(number, "unit", unit, _("unknown unit")))
            ok = False
        try:
            period = parse_period(str(cells["period"]).strip()).label
        except ValidationError:
            errors.append(
                RowError(number, "period", str(cells["period"]), _("expected YYYY, YYYY-Qn or YYYY-MM"))
            )
            ok, period = False, ""
        try:
            cost = parse_cost(str(cells["cost"]))
        except ValueError:
            errors.append(
                RowError(
                    number,
                    "cost",
                    str(cells["cost"]),
                    _("a number 0 ≤ cost < 10^12"),
                )
            )
            ok, cost = False, Decimal(0)
        try:
            volume = parse_volume(str(cells["volume"]))
        except ValueError:
            errors.append(
                RowError(
                    number,
                    "volume",
                    str(cells["volume"]),
                    _("a whole number 0–%(max)d") % {"max": MAX_VOLUME},
                )
            )
            ok, volume = False, 0
        if ok and (unit, period) in seen:
            errors.append(RowError(number, "period", period, _("duplicate unit and period")))
            ok = False
        if ok:
            seen.add((unit, period))
            rows.append(CostRow(unit, period, cost, volume))
    if errors:
        raise ImportRowsError(errors)
    return rows
