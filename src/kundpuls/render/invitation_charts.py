"""The response rate of an invitation round over time: the cumulative share answered per day.

Built like the unit-report charts (:mod:`kundpuls.render.charts`): an Altair shape compiled once per
language, filled with the days' rows, drawn to SVG with a title, a text description and the data as a
table. The rate axis always runs from 0 to 100 %, so rounds can be compared by eye.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import altair as alt

from kundpuls.render import tables as tb
from kundpuls.render.charts import ACCENT, HEIGHT, WIDTH, RenderedChart, drawn
from kundpuls.render.labels import number, text

#: Day labels on the time axis: 21/11 in Swedish, 21 Nov in English (the table has the full dates).
DAY_FORMATS = {"sv": "%-d/%-m", "en": "%-d %b"}


def _rate_shape(language: str) -> alt.LayerChart:
    days = alt.NamedData("days")
    x = alt.X(
        "day:T",
        title=text("day", language),
        scale=alt.Scale(type="utc"),  # ISO days are read as UTC midnight: labelled in UTC too
        axis=alt.Axis(
            format=DAY_FORMATS.get(language, DAY_FORMATS["sv"]), labelFlush=False, labelOverlap="greedy"
        ),
    )
    y = alt.Y(
        "rate:Q",
        title=text("response_rate_pct", language),
        scale=alt.Scale(domain=[0, 100]),
        axis=alt.Axis(values=[0, 25, 50, 75, 100]),
    )
    line = alt.Chart(days).mark_line(color=ACCENT, strokeWidth=2).encode(x=x, y=y)
    points = alt.Chart(days).mark_point(filled=True, size=30, color=ACCENT, opacity=1).encode(x=x, y=y)
    return (line + points).properties(width=WIDTH, height=HEIGHT, title=text("rate_over_time", language))


def _iso(day: date) -> str:
    return day.isoformat()


def response_rate_chart(rows: Sequence[Mapping[str, Any]], language: str = "sv") -> RenderedChart | None:
    """The cumulative response rate per day (rows of :func:`kundpuls.web.invitations.queries.rate_over_time`:
    ``day``, ``answered``, ``rate`` in percent); None before the first mail."""
    if not rows:
        return None
    data = [{"day": _iso(r["day"]), "rate": float(r["rate"]), "answered": int(r["answered"])} for r in rows]
    title = text("rate_over_time", language)
    description = text(
        "rate_over_time_desc",
        language,
        first=_iso(rows[0]["day"]),
        last=_iso(rows[-1]["day"]),
        final=number(float(rows[-1]["rate"]), language),
    )
    table = tb.Table(
        "response-rate",
        title,
        (text("day", language), text("answered_so_far", language), text("response_rate_pct", language)),
        tuple((_iso(r["day"]), int(r["answered"]), float(r["rate"])) for r in rows),
    )
    return drawn(
        "response-rate",
        _rate_shape,
        language,
        data={"days": data},
        texts={},
        title=title,
        description=description,
        table=table,
    )
