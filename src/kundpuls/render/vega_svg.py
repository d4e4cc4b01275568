"""Altair charts compiled once, filled with data per render, drawn to SVG by vl-convert (no browser).

Building an Altair chart and compiling its Vega-Lite to Vega costs far more than drawing it (≈ 40 ms of
the ≈ 60 ms a small chart took; see docs/benchmarks.md, "pages"). A unit report draws the same few chart
shapes for every unit, so each shape is written once with Altair, with :func:`slot` placeholders where a
text varies (title, axis title) and :class:`altair.NamedData` where the data goes, compiled to Vega once
per process (:func:`compiled_shape`), and filled per render (:func:`render_shape`): the named data sets get
their rows, the placeholders their texts. Vega then draws the SVG, with numbers written the reader's way
(decimal comma in Swedish) and no data fetched from anywhere (``allowed_base_urls=[]``), measuring text
with vl-convert's in-memory fonts (:mod:`kundpuls.render.chart_fonts`).

Vega-Lite copies axis titles into the ARIA description expressions of marks, inside JavaScript string
literals; there a text is written JSON-escaped, which is a valid JavaScript string body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import altair as alt
import vl_convert

from kundpuls.render.chart_fonts import use_in_memory_fonts

FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"

_SLOT = re.compile(r"⟦([a-z_]+)⟧")

Rows = Sequence[Mapping[str, Any]]


def slot(name: str) -> str:
    """The placeholder for the text ``name`` in a chart shape (filled by :func:`render_shape`)."""
    return f"⟦{name}⟧"


def configured(chart: alt.TopLevelMixin) -> Any:
    """The house style of every chart: font, white background, no frame around the plot."""
    return chart.configure(font=FONT, background="white").configure_view(stroke=None)


#: The plot width of a chart drawn for a phone: with its axis labels the whole SVG stays within the
#: ≈ 343 px a 375 px screen leaves for content, so it is shown at its own size, text at 13 px, not
#: scaled down to half.
PHONE_WIDTH = 200
PHONE_FONT_SIZE = 13


#: A chart with one row per category (a band height, ``alt.Step``) may name its rows with texts as long as
#: a question ("Hur lätt det var att komma i kontakt med oss"); its builder says so with :func:`long_rows`.
#: Such a chart gets a narrower plot, so that the names get the room, each name is broken into lines at
#: spaces (:func:`wrap_expression`) instead of cut after a few words, and a row is high enough for its
#: lines: on a wide screen and in the PDF two lines of up to 40 characters, on a phone three of up to 24.
@dataclass(frozen=True)
class RowNames:
    """How long row names are written at one width: at most ``lines`` lines of up to ``characters``
    characters, ``line_height`` px apart, within ``label_width`` px, beside a plot ``plot_width`` px wide."""

    lines: int
    characters: int
    line_height: int
    label_width: int
    plot_width: int

    def row_height(self) -> int:
        """The least height of a row that holds its name's lines."""
        return self.lines * self.line_height + 3


PHONE_ROWS = RowNames(lines=3, characters=24, line_height=15, label_width=170, plot_width=150)
WIDE_ROWS = RowNames(lines=2, characters=40, line_height=12, label_width=260, plot_width=440)


def wrap_expression(characters: int, lines: int) -> str:
    """A Vega expression that breaks an axis label into lines of at most ``characters`` at spaces (a longer
    word stays whole and is cut at the label width), at most ``lines`` of them, the last ending in "…"
    where the label goes on (its full text is in the chart's table). Vega draws an array of texts as
    lines; the label is data, never part of the expression."""
    split = (
        f"split(trim(replace(trim(datum.label), regexp('(.{{1,{characters}}})(\\\\s+|$)', 'g'), "
        "'$1\\n')), '\\n')"
    )
    kept = ", ".join(f"{split}[{k}]" for k in range(lines - 1))
    last = f"{split}[{lines - 1}] + '…'"
    return f"length({split}) > {lines} ? [{kept + ', ' if kept else ''}{last}] : {split}"


_LONG_ROWS = "kundpuls_long_row_names"


def long_rows(chart: Any, step: int) -> Any:
    """``chart`` with one row of ``step`` px per category, whose row names may be long: they are broken
    into lines instead of cut (:class:`RowNames`)."""
    return chart.properties(height=alt.Step(step), usermeta={_LONG_ROWS: True})


def _rows_wrapped(chart: Any, *, phone: bool) -> Any:
    """``chart`` with its row names broken into lines and its rows high enough for them, where its builder
    marked them long (:func:`long_rows`); any other chart as it is."""
    usermeta = getattr(chart, "usermeta", alt.Undefined)
    height = getattr(chart, "height", alt.Undefined)
    if not isinstance(usermeta, dict) or not usermeta.get(_LONG_ROWS) or not isinstance(height, alt.Step):
        return chart
    rows = PHONE_ROWS if phone else WIDE_ROWS
    return chart.properties(
        width=rows.plot_width, height=alt.Step(max(int(height.step), rows.row_height()))
    ).configure_axisY(
        labelExpr=wrap_expression(rows.characters, rows.lines),
        labelLimit=rows.label_width,
        labelLineHeight=rows.line_height,
    )


def for_phone(chart: Any) -> Any:
    """``chart`` (already :func:`configured`) restyled for a narrow screen: a narrow plot, larger text,
    horizontal labels (long row names broken into lines, :func:`long_rows`; others cut at a width, the
    full label is in the chart's table), the legend below."""
    size = PHONE_FONT_SIZE
    return _rows_wrapped(
        chart.properties(width=PHONE_WIDTH)
        .configure_axis(labelFontSize=size, titleFontSize=size, labelLimit=120, titleLimit=PHONE_WIDTH)
        .configure_axisX(labelAngle=0, labelOverlap="greedy", labelSeparation=6)
        .configure_legend(
            orient="bottom",
            direction="vertical",
            columns=1,
            labelFontSize=size,
            titleFontSize=size,
            labelLimit=PHONE_WIDTH,
        )
        .configure_text(fontSize=size - 1),
        phone=True,
    )


def vega_of(chart: alt.TopLevelMixin, *, phone: bool = False) -> dict[str, Any]:
    """Compile an Altair chart (Vega-Lite) to a Vega specification (``phone``: see :func:`for_phone`)."""
    use_in_memory_fonts()
    styled = configured(chart)
    styled = for_phone(styled) if phone else _rows_wrapped(styled, phone=False)
    spec: dict[str, Any] = vl_convert.vegalite_to_vega(styled.to_dict(validate=False))
    return spec


@lru_cache(maxsize=256)
def _compiled(build: Callable[..., alt.TopLevelMixin], arguments: tuple[Any, ...], phone: bool) -> str:
    return json.dumps(vega_of(build(*arguments), phone=phone), ensure_ascii=False)


def compiled_shape(build: Callable[..., alt.TopLevelMixin], *arguments: Any, phone: bool = False) -> str:
    """The Vega JSON of ``build(*arguments)``, built and compiled once per process and arguments.

    ``arguments`` must be hashable and hold only what shapes the chart (language, fixed colours); every
    text or number that changes from report to report goes in through slots and named data instead.
    ``phone`` compiles the variant drawn for a narrow screen (:func:`for_phone`).
    """
    return _compiled(build, arguments, phone)


def _fill_text(value: str, texts: Mapping[str, str]) -> str:
    whole = _SLOT.fullmatch(value)
    if whole:
        return texts[whole.group(1)]
    return _SLOT.sub(lambda m: json.dumps(texts[m.group(1)], ensure_ascii=False)[1:-1], value)


def _fill(node: Any, texts: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return _fill_text(node, texts) if "⟦" in node else node
    if isinstance(node, list):
        return [_fill(item, texts) for item in node]
    if isinstance(node, dict):
        return {key: _fill(value, texts) for key, value in node.items()}
    return node


def fill_shape(shape: str, *, data: Mapping[str, Rows], texts: Mapping[str, str]) -> dict[str, Any]:
    """A Vega specification from a compiled shape: rows into the named data sets, texts into slots.

    A named data set the shape does not have, or a slot without a text, is a programming error and
    raises :class:`KeyError` naming it.
    """
    spec: dict[str, Any] = _fill(json.loads(shape), texts)
    names = {entry.get("name") for entry in spec.get("data", [])}
    missing = set(data) - names
    if missing:
        raise KeyError(f"the chart has no data set {sorted(missing)}")
    for entry in spec.get("data", []):
        if entry.get("name") in data:
            entry["values"] = [dict(row) for row in data[entry["name"]]]
    return spec


def accessible_svg(svg: str, *, title: str, description: str) -> str:
    """``svg`` with ``role="img"``, a ``<title>`` and a ``<desc>`` on the root element."""
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg)
    head = svg.index(">") + 1
    root = svg[:head]
    if "role=" not in root:
        root = root[:-1] + ' role="img" focusable="false">'
    escaped = [
        s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for s in (title, description)
    ]
    return f"{root}<title>{escaped[0]}</title><desc>{escaped[1]}</desc>{svg[head:]}"


def number_locale(language: str) -> Literal["sv-SE", "en-US"]:
    """The d3-format locale of a language: Swedish decimal comma and thin-space thousands, or English."""
    return "sv-SE" if language == "sv" else "en-US"


def render_shape(
    shape: str,
    *,
    data: Mapping[str, Rows],
    texts: Mapping[str, str],
    title: str,
    description: str,
    language: str = "sv",
) -> str:
    """Draw a compiled shape with its data and texts to accessible SVG, numbers written for ``language``."""
    spec = fill_shape(shape, data=data, texts=texts)
    use_in_memory_fonts()
    svg = vl_convert.vega_to_svg(spec, allowed_base_urls=[], format_locale=number_locale(language))
    return accessible_svg(svg, title=title, description=description)
