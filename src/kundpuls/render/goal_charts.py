"""Productivity beside effectiveness: cost per served customer (x) against the goal metric (y) per unit.

Built like the unit-report charts (:mod:`kundpuls.render.charts`): an Altair shape compiled once per
language, filled with the units' rows, drawn to SVG with a title, a text description and the data as a
table. Each point is a unit, coloured and shaped by its goal status, with its 95 % interval as a vertical
line. Only units with an estimate are drawn (a hidden or missing estimate has no place on the y axis), and
only when there are at least two of them: one unit alone compares with nothing, so the page says so
(:func:`productivity_note`) and keeps the figures in its table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from kundpuls.render import tables as tb
from kundpuls.render.charts import ACCENT, GREY, HEIGHT, WIDTH, RenderedChart, drawn
from kundpuls.render.labels import number, text
from kundpuls.render.vega_svg import slot

#: Goal states that come with an estimate, in legend order, with colour and shape (not colour alone).
STATES: dict[str, tuple[str, str]] = {
    "met": (ACCENT, "circle"),
    "uncertain": ("#8a5a00", "diamond"),
    "not_met": ("#b3261e", "square"),
}


def _productivity_shape(language: str) -> alt.LayerChart:
    units = alt.NamedData("units")
    x = alt.X(
        "cost_per_customer:Q",
        title=text("cost_per_customer", language),
        scale=alt.Scale(zero=False, padding=24),
    )
    y_title = slot("metric")
    status = alt.Scale(
        domain=[slot(f"state_{state}") for state in STATES],
        range=[colour for colour, _ in STATES.values()],
    )
    shapes = alt.Scale(domain=status.domain, range=[shape for _, shape in STATES.values()])
    intervals = (
        alt.Chart(units)
        .mark_rule(color=GREY, strokeWidth=2)
        .encode(x=x, y=alt.Y("ci_low:Q", title=y_title, scale=alt.Scale(zero=False)), y2="ci_high:Q")
    )
    points = (
        alt.Chart(units)
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            x=x,
            y=alt.Y("estimate:Q", title=y_title),
            color=alt.Color("state_label:N", title=text("goal_status", language), scale=status),
            shape=alt.Shape("state_label:N", title=text("goal_status", language), scale=shapes),
        )
    )
    names = (
        alt.Chart(units)
        .mark_text(align="left", dx=9, color="#222")
        .encode(x=x, y=alt.Y("estimate:Q", title=y_title), text="unit_name:N")
    )
    return (intervals + points + names).properties(width=WIDTH, height=HEIGHT)  # titled by the page's heading


def _sek(value: float, language: str) -> str:
    """A whole amount in kronor, thousands grouped the reader's way (no-break space in Swedish)."""
    grouped = f"{round(value):,}"
    return grouped.replace(",", "\u00a0") + " kr" if language != "en" else f"SEK {grouped}"


#: Units a cost–fulfilment scatter needs before it compares anything.
MIN_UNITS = 2


def _plotted(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows with a place on the chart: a unit with an estimate and a goal state."""
    return [r for r in rows if r.get("estimate") is not None and r.get("state") in STATES]


def productivity_note(rows: Sequence[Mapping[str, Any]], language: str = "sv") -> str | None:
    """Why no productivity chart is drawn for ``rows``, in the reader's language; None when one is."""
    plotted = len(_plotted(rows))
    if plotted >= MIN_UNITS:
        return None
    return text("productivity_alone" if plotted else "productivity_none", language)


def productivity_chart(
    rows: Sequence[Mapping[str, Any]], *, state_labels: Mapping[str, str], language: str = "sv"
) -> RenderedChart | None:
    """The scatter of ``rows`` (see :func:`kundpuls.web.goals.queries.productivity_rows`); None when fewer
    than :data:`MIN_UNITS` units have both costs and an estimate (:func:`productivity_note` says why).
    ``state_labels`` names the goal states in the reader's language.
    """
    plotted = _plotted(rows)
    if len(plotted) < MIN_UNITS:
        return None
    metrics = {str(r["metric_label"]) for r in plotted}
    metric = metrics.pop() if len(metrics) == 1 else text("goal_metric", language)
    data = [
        {
            "unit_name": str(r["unit_name"]),
            "cost_per_customer": float(r["cost_per_customer"]),
            "estimate": round(float(r["estimate"]), 1),
            "ci_low": round(float(r["ci_low"] if r["ci_low"] is not None else r["estimate"]), 1),
            "ci_high": round(float(r["ci_high"] if r["ci_high"] is not None else r["estimate"]), 1),
            "state_label": state_labels.get(str(r["state"]), str(r["state"])),
        }
        for r in plotted
    ]
    title = text("productivity", language)
    cheapest = min(plotted, key=lambda r: float(r["cost_per_customer"]))
    dearest = max(plotted, key=lambda r: float(r["cost_per_customer"]))

    def described(row: Mapping[str, Any]) -> str:
        cost = _sek(float(row["cost_per_customer"]), language)
        return f"{row['unit_name']} ({cost}, {row['metric_label']} {number(row['estimate'], language)})"

    description = text(
        "productivity_desc", language, count=len(plotted), low=described(cheapest), high=described(dearest)
    )
    table = tb.Table(
        "productivity",
        title,
        (
            text("unit", language),
            text("cost_per_customer", language),
            text("goal_metric", language),
            text("estimate", language),
            text("ci_low", language),
            text("ci_high", language),
            text("goal_status", language),
        ),
        tuple(
            (
                str(r["unit_name"]),
                float(r["cost_per_customer"]),
                str(r["metric_label"]),
                r["estimate"],
                r["ci_low"],
                r["ci_high"],
                state_labels.get(str(r["state"]), str(r["state"])),
            )
            for r in plotted
        ),
    )
    texts = {"metric": metric}
    texts.update({f"state_{state}": state_labels.get(state, state) for state in STATES})
    return drawn(
        "productivity",
        _productivity_shape,
        language,
        data={"units": data},
        texts=texts,
        title=title,
        description=description,
        table=table,
    )
