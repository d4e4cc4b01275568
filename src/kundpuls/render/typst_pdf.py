"""Compiling a Typst template with JSON data and files to PDF, in memory.

Templates live in ``kundpuls/render/templates`` and read everything through ``sys.inputs``: the data as
JSON under ``"data.json"`` and each extra file (an SVG chart, a QR code) under its name, through the
template's ``input(name)`` helper. No text is ever spliced into Typst markup (no escaping bugs, no
injection), and nothing is written to disk.

One :class:`typst.Compiler` is kept per template and process: it loads the fonts once and keeps Typst's
incremental caches, so the second and later reports of a batch cost a fraction of the first. A compiler is
not shared between threads at the same time (a lock per template). Only installed fonts and those bundled
with the ``typst`` package are used, and no ``@preview`` package is imported, so nothing is downloaded.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import typst

from kundpuls.render.chart_fonts import font_environment_lock

_DATA = "data.json"


@cache
def _compiler(template: str) -> tuple[typst.Compiler, bytes, threading.Lock]:
    source = resources.files("kundpuls.render").joinpath("templates", f"{template}.typ")
    markup = source.read_bytes()
    with font_environment_lock:  # Typst reads the system's fonts now: not while they are hidden
        compiler = typst.Compiler(markup)
    return compiler, markup, threading.Lock()


def prepare_compiler(template: str) -> None:
    """Load ``template``'s compiler and the fonts now (a batch does it while its first report is drawn)."""
    _compiler(template)


def compile_pdf(template: str, data: Mapping[str, Any], files: Mapping[str, bytes] | None = None) -> bytes:
    """Compile ``templates/<template>.typ`` with ``data`` (as input ``data.json``) and extra ``files``."""
    inputs = {_DATA: json.dumps(data, ensure_ascii=False, default=str)}
    for name, content in (files or {}).items():
        if name == _DATA:
            raise ValueError(f"files: {name!r} is reserved for the data")
        inputs[name] = content.decode("utf-8")
    compiler, markup, lock = _compiler(template)
    with lock:
        pdf = compiler.compile(markup, format="pdf", sys_inputs=inputs)
    if not isinstance(pdf, bytes):
        raise TypeError("typst compiled no PDF bytes")
    return pdf
