"""Chart shapes compiled once and filled per render (kundpuls.render.vega_svg), and in-memory Typst."""

from __future__ import annotations

import subprocess

import altair as alt
import pytest

from kundpuls.render.typst_pdf import compile_pdf
from kundpuls.render.vega_svg import compiled_shape, fill_shape, render_shape, slot
from system_tools import require_tool

CALLS: list[str] = []


def _bars(language: str) -> alt.Chart:
    CALLS.append(language)
    return (
        alt.Chart(alt.NamedData("rows"))
        .mark_bar()
        .encode(x=alt.X("value:Q", title=slot("axis")), y=alt.Y("name:N", title=None))
        .properties(title=slot("title"), width=200, height=alt.Step(20))
    )


def test_a_shape_is_compiled_once_and_filled_with_each_reports_rows_and_texts() -> None:
    CALLS.clear()
    first = compiled_shape(_bars, "xx")
    again = compiled_shape(_bars, "xx")
    assert first is again and CALLS == ["xx"]
    svg_a = render_shape(
        first,
        data={"rows": [{"name": "Bemötande", "value": 71.5}]},
        texts={"title": "Enhet A", "axis": "NKI"},
        title="Enhet A",
        description="En stapel.",
    )
    svg_b = render_shape(
        first,
        data={"rows": [{"name": "Väntetid", "value": 12.25}, {"name": "Pris", "value": 40}]},
        texts={"title": "Enhet B", "axis": "NPS"},
        title="Enhet B",
        description="Två staplar.",
    )
    assert "Bemötande" in svg_a and "Väntetid" not in svg_a and "Enhet A" in svg_a
    assert "Väntetid" in svg_b and "Pris" in svg_b and "Bemötande" not in svg_b and "NPS" in svg_b
    assert svg_b.startswith("<svg") and 'role="img"' in svg_b.split(">", 1)[0]
    assert "<title>Enhet B</title><desc>Två staplar.</desc>" in svg_b


def test_texts_with_quotes_and_backslashes_survive_the_expressions_they_are_copied_into() -> None:
    shape = compiled_shape(_bars, "yy")
    awkward = 'Index "nöjd" \\ 100 % <b>'
    rows = [{"name": "a", "value": 1}]
    spec = fill_shape(shape, data={"rows": rows}, texts={"title": "t", "axis": awkward})
    svg = render_shape(
        shape,
        data={"rows": [{"name": "a", "value": 1}]},
        texts={"title": "t", "axis": awkward},
        title="t",
        description="d",
    )
    assert "⟦" not in str(spec)
    assert "&lt;b&gt;" in svg and "nöjd" in svg


def test_an_unknown_data_set_or_a_missing_text_is_named() -> None:
    shape = compiled_shape(_bars, "zz")
    with pytest.raises(KeyError, match="nothing"):
        fill_shape(shape, data={"nothing": []}, texts={"title": "t", "axis": "a"})
    with pytest.raises(KeyError, match="axis"):
        fill_shape(shape, data={"rows": []}, texts={"title": "t"})


def test_one_compiler_per_template_makes_many_documents_with_their_own_data_and_files() -> None:
    require_tool("pdftotext")
    qr = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    texts = []
    for unit in ("Hemtjänst Norr", "Biblioteket"):
        data = {
            "language": "sv",
            "heading": f"Tyck till om {unit}",
            "lead": "Det tar två minuter.",
            "scan_hint": "Skanna koden",
            "url": "https://kundpuls.example/s/abc/",
            "unit": unit,
        }
        pdf = compile_pdf("poster", data, {"qr.svg": qr.encode()})
        extracted = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        texts.append(extracted.stdout)
    assert "Hemtjänst Norr".encode() in texts[0] and b"Biblioteket" not in texts[0]
    assert b"Biblioteket" in texts[1] and "Hemtjänst".encode() not in texts[1]


def test_the_data_name_is_reserved() -> None:
    with pytest.raises(ValueError, match="reserved"):
        compile_pdf("poster", {}, {"data.json": b"{}"})
