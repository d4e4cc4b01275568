"""Charts of a unit report: Altair (Vega-Lite) specifications rendered to SVG by vl-convert (no browser).

The same :class:`RenderedChart` serves the dashboard (inline ``<svg>``) and the PDF (an SVG file given to
Typst). Every chart has a title, a text description for screen readers and the data as a
:class:`~kundpuls.render.tables.Table`. Only shown (not suppressed) values enter a chart's data, so a
hidden group cannot appear in the SVG.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import vl_convert

from kundpuls.render import tables as tb
from kundpuls.render.labels import number, text
from kundpuls.reports.contracts import UnitReport

WIDTH = 520
HEIGHT = 240
FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
ACCENT = "#1f5a96"
GREY = "#6b6b6b"


@dataclass(frozen=True)
class RenderedChart:
    """A chart as SVG markup plus what a screen reader needs."""

    key: str
    title: str
    description: str
    svg: str
    table: tb.Table


def _config(chart: alt.TopLevelMixin) -> Any:
    return chart.configure(font=FONT, background="white").configure_view(stroke=None)


def svg_of(chart: alt.TopLevelMixin, *, title: str, description: str) -> str:
    """Render ``chart`` to SVG; the root element gets ``role="img"``, a ``<title>`` and a ``<desc>``."""
    svg = vl_convert.vegalite_to_svg(_config(chart).to_dict(validate=False))
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg)
    head = svg.index(">") + 1
    root = svg[:head]
    if "role=" not in root:
        root = root[:-1] + ' role="img" focusable="false">'
    escaped = [
        s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for s in (title, description)
    ]
    return f"{root}<title>{escaped[0]}</title><desc>{escaped[1]}</desc>{svg[head:]}"


def trend_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """The main index per period: a line with a 95 % interval band (hidden periods left out)."""
    shown = [p for p in report.trend if not p.value.suppressed]
    if not shown:
        return None
    label = report.trend[0].value.label
    frame = pd.DataFrame(
        {
            "period": [p.period for p in shown],
            "estimate": [round(p.value.estimate or 0.0, 1) for p in shown],
            "low": [round(p.value.ci_low or 0.0, 1) for p in shown],
            "high": [round(p.value.ci_high or 0.0, 1) for p in shown],
            "n": [p.value.n for p in shown],
        }
    )
    x = alt.X("period:O", title=text("period", language), sort=None)
    lo = min(frame["low"].min(), frame["estimate"].min()) - 5
    hi = max(frame["high"].max(), frame["estimate"].max()) + 5
    y = alt.Y("estimate:Q", title=label, scale=alt.Scale(domain=[max(0, lo), min(100, hi)]))
    band = (
        alt.Chart(frame)
        .mark_area(opacity=0.25, color=ACCENT)
        .encode(
            x=x,
            y=alt.Y("low:Q", scale=alt.Scale(domain=[max(0, lo), min(100, hi)]), title=label),
            y2="high:Q",
        )
    )
    line = alt.Chart(frame).mark_line(point=True, color=ACCENT).encode(x=x, y=y)
    title = f"{text('trend', language)}: {label}"
    last = shown[-1]
    description = text(
        "trend_desc",
        language,
        index=label,
        kind=text(report.period_kind, language),
        unit=report.unit_name,
        last=f"{last.period} {number(last.value.estimate, language)} "
        f"({number(last.value.ci_low, language)}–{number(last.value.ci_high, language)}, n = {last.value.n})",
    )
    chart = (band + line).properties(width=WIDTH, height=HEIGHT, title=title)
    return RenderedChart(
        "trend",
        title,
        description,
        svg_of(chart, title=title, description=description),
        tb.trend_table(report, language),
    )


def comparison_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Main index of the unit, its parent and the organisation: points with interval bars."""
    rows = [r for r in report.comparison if r.value.key == report.main_index and not r.value.suppressed]
    if not rows:
        return None
    frame = pd.DataFrame(
        {
            "group": [f"{text('role_' + r.role, language)}: {r.unit_name}" for r in rows],
            "estimate": [round(r.value.estimate or 0.0, 1) for r in rows],
            "low": [round(r.value.ci_low or 0.0, 1) for r in rows],
            "high": [round(r.value.ci_high or 0.0, 1) for r in rows],
            "n": [r.value.n for r in rows],
        }
    )
    label = rows[0].value.label
    y = alt.Y("group:N", title=None, sort=None)
    bars = (
        alt.Chart(frame)
        .mark_rule(color=GREY, strokeWidth=2)
        .encode(y=y, x=alt.X("low:Q", title=label, scale=alt.Scale(domain=[0, 100])), x2="high:Q")
    )
    points = alt.Chart(frame).mark_point(filled=True, size=80, color=ACCENT).encode(y=y, x="estimate:Q")
    labels = (
        alt.Chart(frame).mark_text(dx=0, dy=-10, color="#222").encode(y=y, x="estimate:Q", text="estimate:Q")
    )
    title = f"{text('comparison', language)}: {label} {report.period}"
    description = (
        text("comparison_desc", language, index=label, period=report.period)
        + " "
        + "; ".join(
            f"{g} {number(e, language)} ({number(lo_, language)}–{number(hi_, language)})"
            for g, e, lo_, hi_ in zip(
                frame["group"], frame["estimate"], frame["low"], frame["high"], strict=True
            )
        )
    )
    chart = (bars + points + labels).properties(width=WIDTH, height=40 * len(rows) + 20, title=title)
    return RenderedChart(
        "comparison",
        title,
        description,
        svg_of(chart, title=title, description=description),
        tb.comparison_table(report, language),
    )


def funnel_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Sibling units: estimate against n with 95 % and 99.8 % control limits (METHODS.md §8.1)."""
    funnel = report.funnel
    if funnel is None:
        return None
    shown = [p for p in funnel.points if not p.suppressed]
    points = pd.DataFrame(
        {
            "unit": [p.unit_name for p in shown],
            "n": [p.n for p in shown],
            "estimate": [round(p.estimate or 0.0, 1) for p in shown],
            "focus": [text("role_unit", language) if p.is_focus else text("unit", language) for p in shown],
        }
    )
    limits = pd.DataFrame(
        [
            {"n": lim.n, "value": v, "line": name}
            for lim in funnel.limits
            for name, v in (
                ("lo95", lim.lower_95),
                ("hi95", lim.upper_95),
                ("lo998", lim.lower_998),
                ("hi998", lim.upper_998),
            )
        ]
    )
    x = alt.X("n:Q", title=text("n", language), scale=alt.Scale(type="log"))
    lines = (
        alt.Chart(limits)
        .mark_line(color=GREY, strokeDash=[4, 3])
        .encode(x=x, y=alt.Y("value:Q", title=funnel.index_key, scale=alt.Scale(zero=False)), detail="line:N")
    )
    target = alt.Chart(pd.DataFrame({"t": [funnel.target]})).mark_rule(color=GREY).encode(y="t:Q")
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=70)
        .encode(
            x=x,
            y="estimate:Q",
            color=alt.Color(
                "focus:N",
                title=None,
                scale=alt.Scale(
                    domain=[text("role_unit", language), text("unit", language)], range=[ACCENT, "#8a8a8a"]
                ),
            ),
            shape=alt.Shape("focus:N", title=None),
        )
    )
    title = f"{text('funnel', language)} ({funnel.index_key} {report.period})"
    outside = [p.unit_name for p in shown if p.outside_95]
    note = (
        text("funnel_some_outside", language, units=", ".join(outside))
        if outside
        else text("funnel_none_outside", language)
    )
    description = text(
        "funnel_desc",
        language,
        index=funnel.index_key,
        period=report.period,
        count=len(shown),
        target=number(funnel.target, language),
        outside=note,
    )
    chart = (lines + target + dots).properties(width=WIDTH, height=HEIGHT, title=title)
    table = tb.funnel_table(report, language)
    assert_table = table if table is not None else tb.Table("funnel", title, (), ())
    return RenderedChart(
        "funnel", title, description, svg_of(chart, title=title, description=description), assert_table
    )


def priority_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Effect (x) × score (y) per driver area with the cut lines at the means (SCB priority matrix)."""
    drivers = report.drivers
    if drivers is None:
        return None
    frame = pd.DataFrame(
        {
            "area": [r.label for r in drivers.rows],
            "score": [round(r.score, 1) for r in drivers.rows],
            "effect": [round(r.effect, 2) for r in drivers.rows],
            "quadrant": [text(r.quadrant, language) for r in drivers.rows],
        }
    )
    x = alt.X("effect:Q", title=f"{text('effect', language)} (+5)", scale=alt.Scale(zero=False, padding=20))
    y = alt.Y("score:Q", title=text("score", language), scale=alt.Scale(zero=False, padding=20))
    dots = (
        alt.Chart(frame)
        .mark_point(filled=True, size=90, color=ACCENT)
        .encode(x=x, y=y, shape=alt.Shape("quadrant:N", title=text("quadrant", language)))
    )
    names = alt.Chart(frame).mark_text(dy=-12, color="#222").encode(x=x, y=y, text="area:N")
    vcut = (
        alt.Chart(pd.DataFrame({"c": [drivers.effect_cut]}))
        .mark_rule(color=GREY, strokeDash=[4, 3])
        .encode(x="c:Q")
    )
    hcut = (
        alt.Chart(pd.DataFrame({"c": [drivers.score_cut]}))
        .mark_rule(color=GREY, strokeDash=[4, 3])
        .encode(y="c:Q")
    )
    title = text("drivers", language)
    priority = [r.label for r in drivers.rows if r.quadrant == "Prioritera"]
    description = text(
        "drivers_desc",
        language,
        outcome=drivers.outcome,
        n=drivers.n,
        priority=", ".join(priority) or text("none", language),
    )
    chart = (vcut + hcut + dots + names).properties(width=WIDTH, height=HEIGHT, title=title)
    table = tb.driver_table(report, language) or tb.Table("drivers", title, (), ())
    return RenderedChart(
        "drivers", title, description, svg_of(chart, title=title, description=description), table
    )


def gap_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Staff's belief and the customers' answers per mirrored item (dots joined by a line)."""
    shown = [g for g in report.gaps if not g.staff.suppressed and not g.customer.suppressed]
    if not shown:
        return None
    staff, customers = text("staff", language), text("customers", language)
    frame = pd.DataFrame(
        [
            {"item": g.label, "side": side, "value": round(v.estimate or 0.0, 1)}
            for g in shown
            for side, v in ((staff, g.staff), (customers, g.customer))
        ]
    )
    y = alt.Y("item:N", title=None, sort=None)
    line = (
        alt.Chart(frame).mark_line(color=GREY).encode(y=y, x=alt.X("value:Q", title="Index"), detail="item:N")
    )
    dots = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70)
        .encode(
            y=y,
            x="value:Q",
            color=alt.Color(
                "side:N", title=None, scale=alt.Scale(domain=[staff, customers], range=["#8a5a00", ACCENT])
            ),
            shape=alt.Shape("side:N", title=None),
        )
    )
    title = text("gaps", language)
    top = max(shown, key=lambda g: abs(g.gap or 0.0))
    description = text("gaps_desc", language, top=f"{top.label} ({number(top.gap, language)})")
    chart = (line + dots).properties(width=WIDTH, height=22 * len(shown) + 10, title=title)
    table = tb.gap_table(report, language) or tb.Table("gaps", title, (), ())
    return RenderedChart(
        "gaps", title, description, svg_of(chart, title=title, description=description), table
    )


def theme_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Comments per theme (only when the comments may be shown)."""
    comments = report.comments
    if comments is None or comments.suppressed or not comments.themes:
        return None
    frame = pd.DataFrame(
        {"theme": [t.label for t in comments.themes], "count": [t.count for t in comments.themes]}
    )
    chart = (
        alt.Chart(frame)
        .mark_bar(color=ACCENT)
        .encode(
            y=alt.Y("theme:N", sort="-x", title=None), x=alt.X("count:Q", title=text("comments", language))
        )
    )
    title = text("themes", language)
    top = ", ".join(f"{t.label} ({t.count})" for t in comments.themes[:3])
    description = text("themes_desc", language, count=comments.comments, top=top)
    chart = chart.properties(width=WIDTH, height=18 * len(frame) + 10, title=title)
    table = tb.theme_table(report, language) or tb.Table("themes", title, (), ())
    return RenderedChart(
        "themes", title, description, svg_of(chart, title=title, description=description), table
    )


def report_charts(report: UnitReport, language: str = "sv") -> list[RenderedChart]:
    """Every chart of the unit report that has data, in page order."""
    from kundpuls.render.needs_charts import needs_charts  # it builds on this module

    before = (trend_chart, comparison_chart, funnel_chart, priority_chart)
    after = (gap_chart, theme_chart)
    built = [build(report, language) for build in before]
    built += needs_charts(report, language)
    built += [build(report, language) for build in after]
    return [chart for chart in built if chart is not None]
