"""vl-convert measures chart text with its in-memory fonts: the same SVG, system fonts untouched elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from kundpuls.render.vega_svg import FONT
from system_tools import require_font

# A chart whose layout depends on measured text: a bold title, Swedish letters, a long category label,
# and numbers with the Swedish thousands separator (no-break space) and minus sign.
SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "title": "Nöjd-Kund-Index per enhet – Äldreomsorg",
    "data": {
        "values": [
            {"enhet": "Hemtjänst Norr (Östra området)", "svar": 12500, "förändring": -3.25},
            {"enhet": "Vård- och omsorgsboende Åkerö", "svar": 4800, "förändring": 1.5},
            {"enhet": "Å", "svar": 980, "förändring": -0.75},
        ]
    },
    "mark": "bar",
    "encoding": {
        "y": {"field": "enhet", "type": "nominal", "title": "Enhet"},
        "x": {"field": "svar", "type": "quantitative", "title": "Antal svar"},
        "color": {"field": "förändring", "type": "quantitative", "title": "Förändring"},
    },
    "config": {"font": FONT},
}

_DRAW = textwrap.dedent(
    """
    import json, os, sys
    import vl_convert
    from kundpuls.render.chart_fonts import use_in_memory_fonts
    use_in_memory_fonts()
    assert "FONTCONFIG_FILE" not in os.environ, "not put back"
    spec = json.loads(sys.stdin.read())
    sys.stdout.write(vl_convert.vegalite_to_svg(spec, format_locale="sv-SE"))
    """
)


def _draw(fonts: str) -> str:
    environment = dict(os.environ)
    environment.pop("FONTCONFIG_FILE", None)
    environment["KUNDPULS_CHART_FONTS"] = fonts
    result = subprocess.run(
        [sys.executable, "-c", _DRAW],
        input=json.dumps(SPEC, ensure_ascii=False),
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig is only consulted on Linux")
def test_in_memory_fonts_draw_the_same_svg_as_system_fonts() -> None:
    with_system_fonts = _draw("system")
    in_memory = _draw("bundled")
    assert "Hemtjänst Norr (Östra området)" in in_memory and "−3" in in_memory
    assert in_memory == with_system_fonts


def test_typst_still_finds_system_fonts_afterwards() -> None:
    """The fontconfig change lasts only while vl-convert builds its font database."""
    require_font("Liberation Sans")
    from kundpuls.render.chart_fonts import use_in_memory_fonts

    before = os.environ.get("FONTCONFIG_FILE")
    use_in_memory_fonts()
    assert os.environ.get("FONTCONFIG_FILE") == before
    import typst

    markup = '#set text(font: "Liberation Sans", fallback: false)\nÅngermanland'
    pdf = typst.Compiler(markup.encode()).compile()
    assert isinstance(pdf, bytes) and b"LiberationSans" in pdf
