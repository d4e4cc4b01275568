"""Compiling a Typst template with JSON data and files to PDF, in a private temporary folder.

Templates live in ``kundpuls/render/templates`` and read their data with ``json("data.json")``, so no text
is ever spliced into Typst markup (no escaping bugs, no injection). Only the fonts bundled with the
``typst`` package are used, and no ``@preview`` package is imported, so nothing is downloaded.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import typst


def compile_pdf(template: str, data: Mapping[str, Any], files: Mapping[str, bytes] | None = None) -> bytes:
    """Compile ``templates/<template>.typ`` with ``data`` (as ``data.json``) and extra ``files``."""
    source = resources.files("kundpuls.render").joinpath("templates", f"{template}.typ")
    with tempfile.TemporaryDirectory(prefix="kundpuls-typst-") as folder:
        root = Path(folder)
        with resources.as_file(source) as path:
            shutil.copyfile(path, root / "main.typ")
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
        for name, content in (files or {}).items():
            (root / name).write_bytes(content)
        pdf = typst.compile(str(root / "main.typ"), root=str(root))
    if not isinstance(pdf, bytes):
        raise TypeError("typst.compile returned no PDF bytes")
    return pdf
