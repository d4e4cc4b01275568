"""Charts of the needs sections: Kano category shares per feature and the Van Westendorp price curves.

Built like the other unit-report charts (:mod:`kundpuls.render.charts`): Altair → SVG with a title, a text
description and the data table. A hidden section (under the anonymity threshold) has no numbers in its
contract and gets no chart.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from kundpuls.render import tables as tb
from kundpuls.render.charts import ACCENT, GREY, HEIGHT, WIDTH, RenderedChart
from kundpuls.render.labels import number, text
from kundpuls.render.vega_svg import svg_of
from kundpuls.reports.contracts import PriceSection, UnitReport

#: Colours of the Kano categories (colour-blind safe, Okabe–Ito).
KANO_COLOURS = {
    "A": "#009E73",
    "O": "#0072B2",
    "M": "#D55E00",
    "I": "#999999",
    "R": "#CC79A7",
    "Q": "#E69F00",
}
#: Curves of the price chart and their colours.
PRICE_CURVES = {
    "too_cheap": "#56B4E9",
    "cheap": "#0072B2",
    "expensive": "#E69F00",
    "too_expensive": "#D55E00",
}


def kano_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Category shares (%) per feature as stacked bars; the most frequent category in the description."""
    section = report.kano
    if section is None or section.suppressed:
        return None
    shown = [f for f in section.features if not f.suppressed]
    if not shown:
        return None
    labels = {c: text(f"kano_{c}", language) for c in KANO_COLOURS}
    frame = pd.DataFrame(
        [
            {"feature": f.label, "category": labels[c], "share": round(100.0 * share, 1), "order": i}
            for f in shown
            for i, (c, share) in enumerate(f.shares)
        ]
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("feature:N", title=None, sort=[f.label for f in shown]),
            x=alt.X("share:Q", title=f"{text('share', language)} (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "category:N",
                title=text("category", language),
                scale=alt.Scale(domain=list(labels.values()), range=list(KANO_COLOURS.values())),
            ),
            order=alt.Order("order:Q"),
        )
    )
    title = f"{text('kano', language)} {report.period}"
    top = "; ".join(f"{f.label} {text(f'kano_{f.category}', language)}" for f in shown)
    n = max(f.n or 0 for f in shown)
    description = text("kano_desc", language, count=len(shown), n=n, top=top)
    chart = chart.properties(width=WIDTH, height=28 * len(shown) + 10, title=title)
    table = tb.kano_table(report, language) or tb.Table("kano", title, (), ())
    return RenderedChart(
        "kano",
        title,
        description,
        svg_of(chart, title=title, description=description, language=language),
        table,
    )


def price_chart(section: PriceSection, report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """The four cumulative curves against price, the acceptable range shaded and the points marked."""
    if section.suppressed or not section.curves:
        return None
    names = {key: text(f"price_{key}", language) for key in PRICE_CURVES}
    frame = pd.DataFrame(
        [
            {"price": p.price, "curve": names[key], "share": round(100.0 * value, 1)}
            for p in section.curves
            for key in PRICE_CURVES
            if (value := getattr(p, key)) is not None
        ]
    )
    x = alt.X("price:Q", title=f"{text('price_value', language)} ({section.currency})")
    lines = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after")
        .encode(
            x=x,
            y=alt.Y("share:Q", title=f"{text('share', language)} (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "curve:N",
                title=None,
                scale=alt.Scale(domain=list(names.values()), range=list(PRICE_CURVES.values())),
            ),
        )
    )
    layers: list[alt.Chart] = []
    if section.pmc is not None and section.pme is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"low": [section.pmc], "high": [section.pme]}))
            .mark_rect(opacity=0.12, color=ACCENT)
            .encode(x="low:Q", x2="high:Q")
        )
    points = pd.DataFrame(
        [
            {"price": value, "point": name.upper()}
            for name, value in (
                ("pmc", section.pmc),
                ("opp", section.opp),
                ("idp", section.idp),
                ("pme", section.pme),
            )
            if value is not None
        ]
    )
    layers.append(lines)
    if not points.empty:
        layers.append(alt.Chart(points).mark_rule(color=GREY, strokeDash=[4, 3]).encode(x="price:Q"))
        layers.append(
            alt.Chart(points)
            .mark_text(angle=270, dx=-40, dy=-6, color="#222")
            .encode(x="price:Q", text="point:N")
        )
    title = f"{text('price', language)}: {section.label} {report.period}"
    description = text(
        "price_desc",
        language,
        currency=section.currency,
        n=section.n,
        pmc=number(section.pmc, language, digits=0),
        pme=number(section.pme, language, digits=0),
        opp=number(section.opp, language, digits=0),
        idp=number(section.idp, language, digits=0),
    )
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=title)
    return RenderedChart(
        f"price-{section.key}",
        title,
        description,
        svg_of(chart, title=title, description=description, language=language),
        tb.price_curve_table(section, language),
    )


def needs_charts(report: UnitReport, language: str = "sv") -> list[RenderedChart]:
    """The Kano chart and one price chart per price module that may be shown, in page order."""
    built = [kano_chart(report, language), *(price_chart(p, report, language) for p in report.prices)]
    return [chart for chart in built if chart is not None]


def pdf_table(chart: RenderedChart, report: UnitReport, language: str = "sv") -> tb.Table:
    """The table printed under ``chart`` in the PDF: a price chart gets its points, not every grid price."""
    for section in report.prices:
        if chart.key == f"price-{section.key}":
            return tb.price_points_table(section, language)
    return chart.table


def needs_notes(report: UnitReport, language: str = "sv") -> list[str]:
    """Method notes of the needs sections, and why a hidden one is not shown."""
    notes = []
    if report.kano is not None:
        if report.kano.suppressed:
            notes.append(text("kano_hidden", language, threshold=report.kano.threshold))
        else:
            notes.append(f"Kano: {report.kano.method}.")
    for section in report.prices:
        if section.suppressed:
            notes.append(text("price_hidden", language, label=section.label, threshold=report.threshold))
        else:
            notes.append(
                f"{section.label}: {section.method}; n = {section.n} (n invalid = {section.n_invalid})."
            )
    return notes
