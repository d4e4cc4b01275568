"""Productivity beside effectiveness: cost per served customer against goal fulfilment, as data and an SVG."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kundpuls.web.goals.metrics import served
from kundpuls.web.goals.periods import parse_period
from kundpuls.web.goals.queries import GoalRow

STATE_ORDER = ["met", "uncertain", "not_met", "suppressed", "no_data"]


def productivity_rows(rows: Sequence[GoalRow], period: str) -> list[dict[str, Any]]:
    """One row per unit with cost data: cost per served customer and its first goal's status."""
    span = parse_period(period)
    first: dict[int, GoalRow] = {}
    for row in rows:
        first.setdefault(row.unit.pk, row)
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
                "target": row.goal.target,
                "estimate": row.status.estimate,
                "ci_low": row.status.ci_low,
                "ci_high": row.status.ci_high,
                "state": str(row.status.state),
            }
        )
    return out


def productivity_svg(
    data: Sequence[dict[str, Any]], *, x_title: str, y_title: str, state_title: str, language: str = "sv"
) -> str:
    """A scatter of cost per served customer (x) against the goal metric (y) with its interval, as SVG."""
    import altair as alt

    from kundpuls.render.vega_svg import chart_svg

    plotted = [d for d in data if d["estimate"] is not None]
    base = alt.Chart(
        alt.Data(values=plotted or [{"cost_per_customer": 0, "estimate": 0, "state": "no_data"}])
    )
    points = base.mark_point(filled=True, size=80).encode(
        x=alt.X("cost_per_customer:Q", title=x_title),
        y=alt.Y("estimate:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=alt.Color("state:N", title=state_title, sort=STATE_ORDER),
        shape=alt.Shape("state:N", sort=STATE_ORDER, legend=None),
    )
    bars = base.mark_rule().encode(x="cost_per_customer:Q", y="ci_low:Q", y2="ci_high:Q")
    chart = (bars + points).properties(width=480, height=300)
    return chart_svg(chart, language=language)
