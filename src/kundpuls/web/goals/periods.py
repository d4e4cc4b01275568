"""Goal periods: a year (``2026``), a quarter (``2026-Q2``) or a month (``2026-05``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from kundpuls.errors import ValidationError

_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date

    @property
    def start_month(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def end_month(self) -> str:
        return f"{self.end:%Y-%m}"


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def parse_period(text: str) -> Period:
    """Parse ``2026``, ``2026-Q2`` or ``2026-05`` (error naming the field and value otherwise)."""
    match = _PERIOD.match(str(text).strip())
    if not match:
        raise ValidationError(
            _("period: expected YYYY, YYYY-Qn or YYYY-MM, got %(value)r") % {"value": text},
            field="period",
            value=text,
        )
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        return Period(str(year), date(year, 1, 1), date(year, 12, 31))
    if part.startswith("Q"):
        q = int(part[1])
        return Period(f"{year}-Q{q}", date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
    month = int(part)
    if not 1 <= month <= 12:
        raise ValidationError(
            _("period: month %(month)s is not 01–12") % {"month": month}, field="period", value=text
        )
    return Period(f"{year}-{month:02d}", date(year, month, 1), _month_end(year, month))
