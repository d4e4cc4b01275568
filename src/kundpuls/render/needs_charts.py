"""Charts of the needs sections: Kano category shares per feature and the Van Westendorp price curves.

Built like the other unit-report charts (:mod:`kundpuls.render.charts`): an Altair shape compiled once,
filled with the section's rows, drawn to SVG with a title, a text description and the data table. A hidden
section (under the anonymity threshold) has no numbers in its contract and gets no chart.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from kundpuls.render import tables as tb
from kundpuls.render.charts import ACCENT, GREY, HEIGHT, WIDTH, RenderedChart, drawn
from kundpuls.render.labels import number, text
from kundpuls.render.vega_svg import PHONE_WIDTH, long_rows, slot
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


def _kano_shape(language: str) -> alt.Chart:
    labels = {c: text(f"kano_{c}", language) for c in KANO_COLOURS}
    return long_rows(
        alt.Chart(alt.NamedData("shares"))
        .mark_bar()
        .encode(
            y=alt.Y("feature:N", title=None, sort=None),  # the features in the section's order
            x=alt.X("share:Q", title=f"{text('share', language)} (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "category:N",
                title=text("category", language),
                scale=alt.Scale(domain=list(labels.values()), range=list(KANO_COLOURS.values())),
            ),
            order=alt.Order("order:Q"),
        )
        .properties(width=WIDTH),  # titled once, by the page's or the PDF's heading
        28,
    )


def kano_chart(report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """Category shares (%) per feature as stacked bars; the most frequent category in the description."""
    section = report.kano
    if section is None or section.suppressed:
        return None
    shown = [f for f in section.features if not f.suppressed]
    if not shown:
        return None
    labels = {c: text(f"kano_{c}", language) for c in KANO_COLOURS}
    rows = [
        {"feature": f.label, "category": labels[c], "share": round(100.0 * share, 1), "order": i}
        for f in shown
        for i, (c, share) in enumerate(f.shares)
    ]
    title = f"{text('kano', language)} {report.period}"
    top = "; ".join(f"{f.label}: {text(f'kano_{f.category}', language).lower()}" for f in shown)
    n = max(f.n or 0 for f in shown)
    description = text("kano_desc", language, count=len(shown), n=n, top=top)
    return drawn(
        "kano",
        _kano_shape,
        language,
        data={"shares": rows},
        texts={},
        title=title,
        description=description,
        table=tb.kano_table(report, language),
    )


def _price_shape(language: str) -> alt.TopLevelMixin:
    names = {key: text(f"price_{key}", language) for key in PRICE_CURVES}
    x_title = f"{text('price_value', language)} ({slot('currency')})"
    x = alt.X("price:Q", title=x_title)
    lines = (
        alt.Chart(alt.NamedData("curves"))
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
    accepted = (  # the acceptable range, PMC to PME (no row when either is missing)
        alt.Chart(alt.NamedData("range"))
        .mark_rect(opacity=0.12, color=ACCENT)
        .encode(x=alt.X("low:Q", title=x_title), x2="high:Q")
    )
    points = alt.NamedData("points")
    rules = alt.Chart(points).mark_rule(color=GREY, strokeDash=[4, 3]).encode(x=x)
    # each point's name beside its line, on the side _name_sides chose for the width drawn (hidden where it
    # would cover a close neighbour's name: the description and the table give every price), written over
    # a white outline of itself so that it stays readable across a curve
    side = f"(width <= {PHONE_WIDTH} ? datum.phone : datum.wide)"
    names_of_points = [
        alt.Chart(points)
        .mark_text(
            angle=270,
            dx=-40,
            dy=alt.ExprRef(f"{side} == 'right' ? {NAME_OFFSET} : {-NAME_OFFSET}"),
            opacity=alt.ExprRef(f"{side} == 'none' ? 0 : 1"),
            **style,
        )
        .encode(x=x, text="point:N")
        for style in (
            {"color": "white", "stroke": "white", "strokeWidth": 3, "strokeJoin": "round"},
            {"color": "#222"},
        )
    ]
    return alt.layer(accepted, lines, rules, *names_of_points).properties(
        width=WIDTH,
        height=HEIGHT,  # titled once, by the page's or the PDF's heading
    )


#: Pixels between a price line and the middle of its name, and the room a name takes across (its height
#: and a gap): what :func:`_name_sides` keeps apart.
NAME_OFFSET = 7
NAME_ROOM = 14


#: The x axis runs from 0 (or the lowest price below it) to the highest price rounded up to a round number,
#: which lengthens it by at most this share: :func:`_name_sides` counts it that much longer, so that two lines
#: are never closer on the drawing than it reckons.
AXIS_ROUNDING = 0.2


def _name_sides(prices: list[float], curves: list[dict[str, Any]], plot_width: int) -> list[str]:
    """Where each of the sorted ``prices`` has its name: ``"left"`` or ``"right"``, the side of its line
    where the name meets no other name on a plot ``plot_width`` pixels wide (left first), or ``"none"``
    where neither side has room."""
    axis = [float(c["price"]) for c in curves] + prices
    lowest = min(0.0, *axis)
    span = ((max(0.0, *axis) - lowest) or 1.0) * (1 + AXIS_ROUNDING)
    taken: list[tuple[float, float]] = []
    sides: list[str] = []
    for price in prices:
        x = (price - lowest) / span * plot_width
        for side, room in (
            ("left", (x - NAME_OFFSET - NAME_ROOM / 2, x - NAME_OFFSET + NAME_ROOM / 2)),
            ("right", (x + NAME_OFFSET - NAME_ROOM / 2, x + NAME_OFFSET + NAME_ROOM / 2)),
        ):
            if all(room[1] <= low or room[0] >= high for low, high in taken):
                taken.append(room)
                sides.append(side)
                break
        else:
            sides.append("none")
    return sides


def price_chart(section: PriceSection, report: UnitReport, language: str = "sv") -> RenderedChart | None:
    """The four cumulative curves against price, the acceptable range shaded and the points marked."""
    if section.suppressed or not section.curves:
        return None
    names = {key: text(f"price_{key}", language) for key in PRICE_CURVES}
    curves = [
        {"price": p.price, "curve": names[key], "share": round(100.0 * value, 1)}
        for p in section.curves
        for key in PRICE_CURVES
        if (value := getattr(p, key)) is not None
    ]
    accepted = (
        [{"low": section.pmc, "high": section.pme}]
        if section.pmc is not None and section.pme is not None
        else []
    )
    marked = sorted(
        (value, text(f"price_mark_{name}", language))
        for name, value in (
            ("pmc", section.pmc),
            ("opp", section.opp),
            ("idp", section.idp),
            ("pme", section.pme),
        )
        if value is not None
    )
    prices = [value for value, _ in marked]
    wide, phone = _name_sides(prices, curves, WIDTH), _name_sides(prices, curves, PHONE_WIDTH)
    points = [
        {"price": value, "point": name, "wide": wide[i], "phone": phone[i]}
        for i, (value, name) in enumerate(marked)
    ]
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
    return drawn(
        f"price-{section.key}",
        _price_shape,
        language,
        data={"curves": curves, "range": accepted, "points": points},
        texts={"currency": section.currency},
        title=title,
        description=description,
        table=tb.price_curve_table(
            section,
            language,
        ),
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
    """Why a hidden needs section is not shown (the methods of the shown ones are technical notes,
    :func:`kundpuls.render.method_notes.technical_notes`)."""
    notes = []
    if report.kano is not None and report.kano.suppressed:
        notes.append(text("kano_hidden", language, threshold=report.kano.threshold))
    for section in report.prices:
        if section.suppressed:
            notes.append(text("price_hidden", language, label=section.label, threshold=report.threshold))
    return notes
