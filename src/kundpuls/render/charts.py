"""Charts of a unit report: Altair (Vega-Lite) specifications rendered to SVG by vl-convert (no browser).

The same :class:`RenderedChart` serves the dashboard (inline ``<svg>``) and the PDF (an SVG file given to
Typst). Every chart has a title, a text description for screen readers and the data as a
:class:`~kundpuls.render.tables.Table`. Only shown (not suppressed) values enter a chart's data, so a
hidden group cannot appear in the SVG.

Each chart is a *shape* written with Altair (``_trend_shape`` …) that depends only on the language, and
a function that fills it with one report's rows and texts; :mod:`kundpuls.render.vega_svg` compiles each
shape once per process, so a batch of reports pays only for drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import altair as alt

from kundpuls.render import tables as tb
from kundpuls.render.labels import number, text
from kundpuls.render.vega_svg import Rows, compiled_shape, long_rows, render_shape, slot
from kundpuls.reports.contracts import UnitReport
from kundpuls.reports.funnel import MIN_COMPARED

WIDTH = 520
#: A funnel plot needs this many comparable units with a value to say anything.
MIN_FUNNEL_UNITS = MIN_COMPARED  # the units a funnel compares: the report's rule for its outliers
HEIGHT = 240
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
    #: The same chart drawn for a phone (:func:`kundpuls.render.vega_svg.for_phone`), once asked for
    #: with :func:`with_phone_svg`; the web page shows one or the other by the screen's width.
    phone_svg: str = ""
    draw_phone: Callable[[], str] | None = field(default=None, compare=False, repr=False)


def with_phone_svg(chart: RenderedChart) -> RenderedChart:
    """``chart`` with its phone drawing (the PDF never needs it, so it is drawn only on request)."""
    if chart.phone_svg or chart.draw_phone is None:
        return chart
    return replace(chart, phone_svg=chart.draw_phone())


def drawn(
    key: str,
    shape: Callable[[str], alt.TopLevelMixin],
    language: str,
    *,
    data: Mapping[str, Rows],
    texts: Mapping[str, str],
    title: str,
    description: str,
    table: tb.Table | None,
    shape_arguments: tuple[float | str, ...] = (),
) -> RenderedChart:
    """The chart ``key``: ``shape`` (compiled once per language and ``shape_arguments``) drawn with one
    report's rows and texts."""

    def draw(phone: bool) -> str:
        return render_shape(
            compiled_shape(shape, language, *shape_arguments, phone=phone),
            data=data,
            texts=texts,
            title=title,
            description=description,
            language=language,
        )

    return RenderedChart(
        key,
        title,
        description,
        draw(False),
        table or tb.Table(key, title, (), ()),
        draw_phone=lambda: draw(True),
    )


def _trend_shape(language: str) -> alt.LayerChart:
    x = alt.X(
        "period:O",
        title=text("period", language),
        sort=None,
        axis=alt.Axis(labelAngle=0, labelOverlap="greedy"),  # never turned on end; some dropped if need be
    )
    y_scale = alt.Scale(zero=False, nice=False)
    band = (
        alt.Chart(alt.NamedData("trend"))
        .mark_area(opacity=0.25, color=ACCENT)
        .encode(x=x, y=alt.Y("low:Q", scale=y_scale, title=slot("label")), y2="high:Q")
    )
    line = (
        alt.Chart(alt.NamedData("trend"))
        .mark_line(point=True, color=ACCENT)
        .encode(x=x, y=alt.Y("estimate:Q", title=slot("label")))
    )
    # Invisible points at the ends of the value axis: 5 points beyond the data, within the index's scale.
    bounds = (
        alt.Chart(alt.NamedData("bounds")).mark_point(opacity=0).encode(y=alt.Y("v:Q", title=slot("label")))
    )
    return (band + line + bounds).properties(width=WIDTH, height=HEIGHT)


def trend_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """The main index per period: a line with a 95 % interval band (hidden periods left out)."""
    shown = [p for p in report.trend if not p.value.suppressed]
    if len(shown) < 2:  # one point is no trend (omitted_charts says so)
        return None
    label = report.trend[0].value.label
    rows = [
        {
            "period": p.period,
            "estimate": round(p.value.estimate or 0.0, 1),
            "low": round(p.value.ci_low or 0.0, 1),
            "high": round(p.value.ci_high or 0.0, 1),
            "n": p.value.n,
        }
        for p in shown
    ]
    values = [(p.value.ci_low or 0.0, p.value.estimate or 0.0, p.value.ci_high or 0.0) for p in shown]
    lo = round(min(min(v) for v in values), 1) - 5
    hi = round(max(max(v) for v in values), 1) + 5
    floor, ceiling = value_domain(shown[0].value.kind)
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
    return drawn(
        "trend",
        _trend_shape,
        language,
        data={"trend": rows, "bounds": [{"v": max(floor, lo)}, {"v": min(ceiling, hi)}]},
        texts={"title": title, "label": label},
        title=title,
        description=description,
        table=tb.trend_table(report, language),
    )


def value_domain(kind: str) -> tuple[float, float]:
    """The whole scale of an index kind: NPS runs from −100 to 100, every other index from 0 to 100."""
    return (-100.0, 100.0) if kind == "nps" else (0.0, 100.0)


def _comparison_shape(language: str, low: float = 0.0, high: float = 100.0) -> alt.LayerChart:
    y = alt.Y("group:N", title=None, sort=None)
    data = alt.NamedData("groups")
    scale = alt.Scale(domain=[low, high])
    bars = (
        alt.Chart(data)
        .mark_rule(color=GREY, strokeWidth=2)
        .encode(y=y, x=alt.X("low:Q", title=slot("label"), scale=scale), x2="high:Q")
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=80, color=ACCENT)
        .encode(y=y, x=alt.X("estimate:Q", title=slot("label")))
    )
    labels = (
        alt.Chart(data)
        .mark_text(dx=0, dy=-10, color="#222")
        .encode(y=y, x=alt.X("estimate:Q", title=slot("label")), text="estimate:Q")
    )
    return long_rows((bars + points + labels).properties(width=WIDTH), 40)


def comparison_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Main index of the unit, its parent and the organisation: points with interval bars."""
    shown = [r for r in report.comparison if r.value.key == report.main_index and not r.value.suppressed]
    if not shown:
        return None
    rows = [
        {
            "group": f"{text('role_' + r.role, language)}: {r.unit_name}",
            "estimate": round(r.value.estimate or 0.0, 1),
            "low": round(r.value.ci_low or 0.0, 1),
            "high": round(r.value.ci_high or 0.0, 1),
            "n": r.value.n,
        }
        for r in shown
    ]
    label = shown[0].value.label
    title = f"{text('comparison', language)}: {label} {report.period}"
    description = (
        text("comparison_desc", language, index=label, period=report.period)
        + " "
        + "; ".join(
            f"{row['group']} {number(r.value.estimate, language)} "
            f"({number(r.value.ci_low, language)}–{number(r.value.ci_high, language)})"
            for row, r in zip(rows, shown, strict=True)
        )
    )
    return drawn(
        "comparison",
        _comparison_shape,
        language,
        shape_arguments=value_domain(shown[0].value.kind),
        data={"groups": rows},
        texts={"title": title, "label": label},
        title=title,
        description=description,
        table=tb.comparison_table(report, language),
    )


def _funnel_shape(language: str) -> alt.LayerChart:
    x = alt.X("n:Q", title=text("n", language), scale=alt.Scale(type="log"))
    y_title = slot("index")
    lines = (
        alt.Chart(alt.NamedData("limits"))
        .mark_line(color=GREY, strokeDash=[4, 3])
        .encode(x=x, y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)), detail="line:N")
    )
    target = alt.Chart(alt.NamedData("target")).mark_rule(color=GREY).encode(y=alt.Y("t:Q", title=y_title))
    focus, other = text("funnel_focus", language), text("funnel_other", language)
    dots = (
        alt.Chart(alt.NamedData("points"))
        .mark_point(filled=True, size=70)
        .encode(
            x=x,
            y=alt.Y("estimate:Q", title=y_title),
            color=alt.Color(
                "focus:N", title=None, scale=alt.Scale(domain=[focus, other], range=[ACCENT, "#8a8a8a"])
            ),
            shape=alt.Shape(
                "focus:N", title=None, scale=alt.Scale(domain=[focus, other], range=["square", "circle"])
            ),
        )
    )
    return (lines + target + dots).properties(width=WIDTH, height=HEIGHT)


def funnel_drawn(report: UnitReport) -> bool:
    """Whether the report's funnel is drawn: enough shown units to compare (else omitted_charts says so,
    and nothing else may speak of a funnel: its method, the unit's size-adjusted value)."""
    funnel = report.funnel
    return funnel is not None and sum(1 for p in funnel.points if not p.suppressed) >= MIN_FUNNEL_UNITS


def funnel_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Sibling units: estimate against n with 95 % and 99.8 % control limits (docs/methods.md §8.1)."""
    funnel = report.funnel
    if funnel is None or not funnel_drawn(report):
        return None
    shown = [p for p in funnel.points if not p.suppressed]
    focus, other = text("funnel_focus", language), text("funnel_other", language)
    points = [
        {
            "unit": p.unit_name,
            "n": p.n,
            "estimate": round(p.estimate or 0.0, 1),
            "focus": focus if p.is_focus else other,
        }
        for p in shown
    ]
    limits = [
        {"n": lim.n, "value": v, "line": name}
        for lim in funnel.limits
        for name, v in (
            ("lo95", lim.lower_95),
            ("hi95", lim.upper_95),
            ("lo998", lim.lower_998),
            ("hi998", lim.upper_998),
        )
    ]
    label = next(
        (h.value.label for h in report.headlines if h.value.key == funnel.index_key), funnel.index_key
    )
    title = f"{text('funnel', language)} ({label} {report.period})"
    outside = [p.unit_name for p in shown if p.outlier]
    note = (
        text("funnel_some_outside", language, units=", ".join(outside))
        if outside
        else text("funnel_none_outside", language)
    )
    description = text(
        "funnel_desc",
        language,
        index=label,
        period=report.period,
        count=len(shown),
        target=number(funnel.target, language),
        outside=note,
    )
    return drawn(
        "funnel",
        _funnel_shape,
        language,
        data={"limits": limits, "target": [{"t": funnel.target}], "points": points},
        texts={"title": title, "index": label},
        title=title,
        description=description,
        table=tb.funnel_table(report, language),
    )


def _priority_shape(language: str) -> alt.LayerChart:
    x_title, y_title = f"{text('effect', language)} (+5)", text("score", language)
    scale = alt.Scale(zero=False, padding=20)
    x, y = alt.X("effect:Q", title=x_title, scale=scale), alt.Y("score:Q", title=y_title, scale=scale)
    areas = alt.NamedData("areas")
    dots = (
        alt.Chart(areas)
        .mark_point(filled=True, size=90, color=ACCENT)
        .encode(x=x, y=y, shape=alt.Shape("quadrant:N", title=text("quadrant", language)))
    )
    names = alt.Chart(areas).mark_text(dy=-12, color="#222").encode(x=x, y=y, text="area:N")
    vcut = (
        alt.Chart(alt.NamedData("effect_cut"))
        .mark_rule(color=GREY, strokeDash=[4, 3])
        .encode(x=alt.X("c:Q", title=x_title))
    )
    hcut = (
        alt.Chart(alt.NamedData("score_cut"))
        .mark_rule(color=GREY, strokeDash=[4, 3])
        .encode(y=alt.Y("c:Q", title=y_title))
    )
    return (vcut + hcut + dots + names).properties(width=WIDTH, height=HEIGHT)


def priority_rows(report: UnitReport, language: str = "sv") -> list[dict[str, float | str]]:
    """The points of the priority matrix: each area's index of the window (y) and effect (x), unrounded."""
    if report.drivers is None:
        return []
    return [
        {"area": r.label, "score": r.score, "effect": r.effect, "quadrant": text(r.quadrant, language)}
        for r in report.drivers.rows
    ]


def priority_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Effect (x) × index (y) per driver area over the drivers' window, cut at the means (SCB matrix)."""
    drivers = report.drivers
    if drivers is None:
        return None
    title = text("drivers_window", language, window=drivers.window)
    priority = [r.label for r in drivers.improve_first()]
    description = text(
        "drivers_desc",
        language,
        outcome=drivers.outcome,
        n=drivers.n,
        window=drivers.window,
        priority=", ".join(priority) or text("none", language),
    )
    return drawn(
        "drivers",
        _priority_shape,
        language,
        data={
            "areas": priority_rows(report, language),
            "effect_cut": [{"c": drivers.effect_cut}],
            "score_cut": [{"c": drivers.score_cut}],
        },
        texts={"title": title},
        title=title,
        description=description,
        table=tb.driver_table(report, language),
    )


def _gap_shape(language: str) -> alt.LayerChart:
    staff, customers = text("staff", language), text("customers", language)
    y = alt.Y("item:N", title=None, sort=None)
    x = alt.X("value:Q", title="Index")
    gaps = alt.NamedData("gaps")
    line = alt.Chart(gaps).mark_line(color=GREY).encode(y=y, x=x, detail="item:N")
    dots = (
        alt.Chart(gaps)
        .mark_point(filled=True, size=70)
        .encode(
            y=y,
            x=x,
            color=alt.Color(
                "side:N", title=None, scale=alt.Scale(domain=[staff, customers], range=["#8a5a00", ACCENT])
            ),
            # the same domain as the colour: one legend of two entries, not two legends of the same two
            shape=alt.Shape(
                "side:N", title=None, scale=alt.Scale(domain=[staff, customers], range=["square", "circle"])
            ),
        )
    )
    return long_rows((line + dots).properties(width=WIDTH), 22)  # titled by the page, not twice


def gap_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Staff's belief and the customers' answers per mirrored item (dots joined by a line)."""
    shown = [g for g in report.gaps if not g.staff.suppressed and not g.customer.suppressed]
    if not shown:
        return None
    staff, customers = text("staff", language), text("customers", language)
    rows = [
        {"item": g.label, "side": side, "value": round(v.estimate or 0.0, 1)}
        for g in shown
        for side, v in ((staff, g.staff), (customers, g.customer))
    ]
    title = tb.gaps_title(report, language)
    top = max(shown, key=lambda g: abs(g.gap or 0.0))
    description = text("gaps_desc", language, top=f"{top.label} ({number(top.gap, language)})")
    return drawn(
        "gaps",
        _gap_shape,
        language,
        data={"gaps": rows},
        texts={},
        title=title,
        description=description,
        table=tb.gap_table(report, language),
    )


def _theme_shape(language: str) -> alt.Chart:
    return (
        alt.Chart(alt.NamedData("themes"))
        .mark_bar(color=ACCENT)
        .encode(
            y=alt.Y("theme:N", sort="-x", title=None),
            x=alt.X("count:Q", title=text("comments", language), axis=alt.Axis(tickMinStep=1, format="d")),
        )
        .properties(width=WIDTH, height=alt.Step(18))  # titled by the page, not twice
    )


def theme_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Comments per theme (only when the comments may be shown)."""
    comments = report.comments
    if comments is None or comments.suppressed or not comments.themes:
        return None
    rows = [{"theme": t.label, "count": t.count} for t in comments.themes]
    title = text("themes", language)
    top = ", ".join(f"{t.label} ({t.count})" for t in comments.themes[:3])
    description = text("themes_desc", language, count=comments.comments, top=top)
    return drawn(
        "themes",
        _theme_shape,
        language,
        data={"themes": rows},
        texts={},
        title=title,
        description=description,
        table=tb.theme_table(report, language),
    )


def omitted_charts(report: UnitReport, language: str = "sv") -> list[str]:
    """Why a chart the page would show is left out: it could not say anything with these data."""
    notes = []
    if sum(1 for p in report.trend if not p.value.suppressed) == 1:
        notes.append(text("no_trend", language))
    if (
        report.funnel is not None
        and not funnel_drawn(report)
        and any(not p.suppressed for p in report.funnel.points)
    ):
        notes.append(text("no_funnel", language, k=MIN_FUNNEL_UNITS))
    return notes


def report_charts(report: UnitReport, language: str = "sv") -> list[RenderedChart]:
    """Every chart of the unit report that has data, in page order."""
    from kundpuls.render.needs_charts import needs_charts  # it builds on this module

    before = (trend_chart, comparison_chart, funnel_chart, priority_chart)
    after = (gap_chart, theme_chart)
    built = [build(report, language) for build in before]
    built += needs_charts(report, language)
    built += [build(report, language) for build in after]
    return [chart for chart in built if chart is not None]
