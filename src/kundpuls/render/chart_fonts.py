"""vl-convert measures chart text with the Liberation Sans it carries in memory, not with font files.

Vega places every label by its width, and vl-convert measures a text by laying it out with its font
database. That database holds vl-convert's own copy of Liberation Sans (the charts' font, loaded from
memory) and, on Linux, every font fontconfig lists. Where the system has Liberation Sans too, as Debian
and most Linux distributions do, the system's file wins the lookup, and for a file the font database
opens, maps and parses the file again for every glyph it lays out: about 900 opens for one trend chart,
more than half of the time a chart took (docs/dashboards-and-reports.md, "Performance").

So before vl-convert builds its font database (once per process, on the first text it measures), this
module points fontconfig, for that moment only, at a configuration that lists no font folder: vl-convert
then finds only its in-memory Liberation Sans. The widths are the same (Liberation Sans is
metric-compatible with Arial in every version; the SVG is byte for byte the same, which
``tests/render/test_chart_fonts.py`` checks), and charts are drawn 2–3 × faster. ``FONTCONFIG_FILE`` is
put back at once, so nothing else in the process (Typst's fonts, above all) sees the change.

On other systems (macOS, Windows) fontconfig is not used and nothing changes; charts are drawn as before.
``KUNDPULS_CHART_FONTS=system`` keeps the system's fonts too: text in a script Liberation Sans lacks
(Chinese, Arabic …) is then measured with the font that draws it, at the old speed. With ``bundled`` such
a label is still drawn by the browser or Typst with their fonts, only its width is measured short.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

import vl_convert

from kundpuls.config import chart_fonts

_VARIABLE = "FONTCONFIG_FILE"

_CONFIGURATION = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>{folder}</dir></fontconfig>
"""

# A chart with one text, so that vl-convert measures a text and builds its font database now.
_FIRST_TEXT = {
    "width": 10,
    "height": 10,
    "marks": [{"type": "text", "encode": {"enter": {"text": {"value": "Å"}}}}],
}

log = logging.getLogger(__name__)

font_environment_lock = threading.Lock()
"""Held while ``FONTCONFIG_FILE`` is changed; take it to build anything else that reads system fonts."""
_ready = False


def _measure_once_without_system_fonts() -> None:
    with tempfile.TemporaryDirectory(prefix="kundpuls-fonts-") as folder:
        configuration = Path(folder) / "fonts.conf"
        # The listed folder does not exist: fontconfig then has no folder to offer, and fontdb does not
        # fall back to the system's folders as it would for a configuration without any <dir>.
        configuration.write_text(_CONFIGURATION.format(folder=Path(folder) / "none"), encoding="utf-8")
        before = os.environ.get(_VARIABLE)
        os.environ[_VARIABLE] = str(configuration)
        try:
            vl_convert.vega_to_svg(_FIRST_TEXT, allowed_base_urls=[])
        finally:
            if before is None:
                del os.environ[_VARIABLE]
            else:
                os.environ[_VARIABLE] = before


def use_in_memory_fonts() -> None:
    """Make vl-convert measure with its in-memory fonts; call before any other vl-convert use.

    Cheap after the first call in a process. Does nothing outside Linux, with
    ``KUNDPULS_CHART_FONTS=system``, or once vl-convert has measured a text already (its font database is
    built once per process).
    """
    global _ready
    if _ready:
        return
    with font_environment_lock:
        if not _ready:
            if sys.platform.startswith("linux") and chart_fonts() == "bundled":
                try:
                    _measure_once_without_system_fonts()
                except OSError as exc:  # no writable temporary folder: charts are drawn, only slower
                    log.warning("chart text is measured with the system's font files: %s", exc)
            _ready = True
