"""The anonymity rule of a respondent-level export (:func:`kundpuls.web.responses.actions.export_responses`).

A file of rows is a table its holder can subtract from every number the results pages show, and from
another file. So a selection is taken only where no subtraction leaves a group of fewer respondents than
the survey's threshold:

1. **Ended periods only.** Two files of a running quarter, a day apart, differ by the people who answered
   in between; the same selection exported again later differs by nobody. Without ``--to`` a file ends
   with the last ended period; a ``--to`` inside the running period is refused.
2. **Whole periods.** A file by quarter holds whole quarters: April–May and April alone would each pass a
   quarter's rule, and their difference is May. A file by month holds whole months by construction.
3. **The file's groups.** Every unit × period (the file's precision) of the file holds 0 or at least the
   threshold (what a period's results show beyond the file is rule 4: a file holds whole periods).
4. **What is left of every enclosing number.** For every unit above or at a unit of the file (its roll-up:
   the unit and everything under it) and every period the results show that holds a period of the file
   (the quarter and year of a month, the year of a quarter), the respondents the file leaves out of that
   number are 0 or at least the threshold: the parent's quarter minus a child's file is the child's
   siblings; the year minus the first three quarters is the fourth.

Rows are given as ``(unit path, submitted at)``; a unit path is the materialised path of primary keys
(``/1/4/17/``), so a row counts for every unit on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.analytics.unit_paths import path_segments
from kundpuls.errors import InvalidArgument
from kundpuls.web.responses.export import month_after, period_of, period_start

#: The periods the results show that hold a period of a file at each precision, finest first.
ENCLOSING = {"month": ("month", "quarter", "year"), "quarter": ("quarter", "year")}


def selection_window(
    first_month: date | None, last_month: date | None, precision: str, now: datetime
) -> tuple[datetime | None, datetime]:
    """``(start, end)`` of the selection in local time (``start`` ``None``: from the first response).

    Refused (:class:`InvalidArgument` naming ``from`` or ``to``): a quarter cut by ``from``/``to`` in a
    file by quarter, a ``to`` in the running period, a ``to`` before the ``from``.
    """
    zone = timezone.get_current_timezone()
    running = period_start(now, precision)
    if precision == "quarter":
        if first_month is not None and (first_month.month - 1) % 3:
            raise _cut("from", first_month, date(first_month.year, (first_month.month - 1) // 3 * 3 + 1, 1))
        if last_month is not None and last_month.month % 3:
            raise _cut("to", last_month, date(last_month.year, (last_month.month - 1) // 3 * 3 + 3, 1))
    if last_month is not None and month_after(last_month) > running:
        shown = period_of(datetime.combine(last_month, time(12), zone), precision)
        raise InvalidArgument(
            _("to: %(value)s is in %(period)s, which has not ended; a file holds ended periods only")
            % {"value": last_month.isoformat()[:7], "period": shown},
            field="to",
            value=last_month.isoformat()[:7],
        )
    if first_month is not None and last_month is not None and last_month < first_month:
        raise InvalidArgument(
            _("to: %(to)s is before from %(from)s")
            % {"to": last_month.isoformat()[:7], "from": first_month.isoformat()[:7]},
            field="to",
            value=last_month.isoformat()[:7],
        )
    start = None if first_month is None else datetime.combine(first_month, time(0), zone)
    end = datetime.combine(running if last_month is None else month_after(last_month), time(0), zone)
    return start, end


def _cut(field: str, month: date, whole: date) -> InvalidArgument:
    return InvalidArgument(
        _(
            "%(field)s: %(value)s cuts a quarter; a file by quarter holds whole quarters (%(whole)s), "
            "a file by month any months"
        )
        % {"field": field, "value": month.isoformat()[:7], "whole": whole.isoformat()[:7]},
        field=field,
        value=month.isoformat()[:7],
    )


def enclosing_start(first: datetime) -> datetime:
    """The start of the year of ``first`` (local time): the widest period the rule compares with."""
    local = timezone.localtime(first)
    return datetime.combine(date(local.year, 1, 1), time(0), timezone.get_current_timezone())


def _period(moment: datetime, level: str) -> str:
    return str(timezone.localtime(moment).year) if level == "year" else period_of(moment, level)


def _counts(rows: Iterable[tuple[str, datetime]], levels: tuple[str, ...]) -> Counter[tuple[str, str]]:
    """Respondents per (unit on the row's path, period at each level)."""
    counted: Counter[tuple[str, str]] = Counter()
    for path, moment in rows:
        periods = [_period(moment, level) for level in levels]
        for unit in path_segments(path):
            for period in periods:
                counted[(unit, period)] += 1
    return counted


def groups_too_small(
    selected: list[tuple[str, datetime]],
    everything: list[tuple[str, datetime]],
    threshold: int,
    precision: str,
    codes: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The groups a file of ``selected`` rows would reveal below ``threshold`` (rules 3 and 4 above; the
    selection is whole periods of a whole subtree, rules 1 and 2).

    ``everything`` holds every row of the survey's organisation in the years the file touches (the file's
    rows among them); ``codes`` maps a unit's primary key (as text) to its code. Each problem names the
    unit, the period, whether the group is in the file (``selected``) or left out of a number the results
    show (``left_out``), and its size ``n`` (for the log and tests; pages never show it).
    """
    problems: dict[tuple[str, str, str], int] = {}
    own = Counter((path_segments(p)[-1], period_of(m, precision)) for p, m in selected)
    for (unit, period), n in own.items():
        if n < threshold:
            problems[(unit, period, "selected")] = n
    levels = ENCLOSING[precision]
    in_file, shown = _counts(selected, levels), _counts(everything, levels)
    for (unit, period), n in in_file.items():
        left = shown[(unit, period)] - n
        if 0 < left < threshold:
            problems.setdefault((unit, period, "left_out"), left)
    return [
        {"unit": codes.get(unit, unit), "period": period, "group": what, "n": n}
        for (unit, period, what), n in sorted(problems.items())
    ]
