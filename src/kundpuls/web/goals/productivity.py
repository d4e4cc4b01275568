"""Productivity beside effectiveness: cost per served customer against goal fulfilment, as data and an SVG."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kundpuls.web.goals.labels import state_label
from kundpuls.web.goals.metrics import served
from kundpuls.web.goals.periods import parse_period
from kundpuls.web.goals.queries import GoalRow

STATE_ORDER = ["met", "uncertain", "not_met", "suppressed", "no_data"]


def productivity_rows(rows: Sequence[GoalRow], period: str) -> list[dict[str, Any]]:
    """One row per unit with cost data: cost per served customer and the status of its first goal that
    has an estimate (else its first goal)."""
    span = parse_period(period)
    first: dict[int, GoalRow] = {}
    for row in rows:
        if row.unit.pk not in first or (
            first[row.unit.pk].status.estimate is None and row.status.estimate is not None
        ):
            first[row.unit.pk] = row
    out = []
    for row in first.values():
        volume = served(row.unit, span)
        if volume is None or volume[1] == 0:
            continue
        cost, customers = volume
        out.append(
            {
                "unit": row.unit.code,
                "unit_name": row.unit.name,
                "cost": cost,
                "customers": customers,
                "cost_per_customer": round(cost / customers, 2),
                "metric": row.goal.metric,
                "metric_label": row.metric_label,
                "target": row.goal.target,
                "estimate": row.status.estimate,
                "ci_low": row.status.ci_low,
                "ci_high": row.status.ci_high,
                "state": str(row.status.state),
                "state_label": row.state_label,
            }
        )
    return out


def productivity_svg(
    data: Sequence[dict[str, Any]],
    *,
    x_title: str,
    y_title: str,
    state_title: str,
    empty: str,
    language: str = "sv",
) -> str:
    """A scatter of cost per served customer (x) against the goal metric (y) with its interval, as SVG.

    Units without an estimate are left out; with none left the chart says ``empty`` instead of plotting.
    """
    import altair as alt

    from kundpuls.render.vega_svg import chart_svg

    plotted = [d for d in data if d["estimate"] is not None]
    if not plotted:
        message = alt.Chart(alt.Data(values=[{"text": empty}])).mark_text(size=14).encode(text="text:N")
        return chart_svg(message.properties(width=480, height=60), language=language)
    base = alt.Chart(alt.Data(values=plotted))
    order = [state_label(state) for state in STATE_ORDER]
    points = base.mark_point(filled=True, size=80).encode(
        x=alt.X("cost_per_customer:Q", title=x_title, scale=alt.Scale(zero=False)),
        y=alt.Y("estimate:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=alt.Color("state_label:N", title=state_title, sort=order),
        shape=alt.Shape("state_label:N", sort=order, legend=None),
    )
    bars = base.mark_rule().encode(x="cost_per_customer:Q", y="ci_low:Q", y2="ci_high:Q")
    chart = (bars + points).properties(width=480, height=300)
    return chart_svg(chart, language=language)
