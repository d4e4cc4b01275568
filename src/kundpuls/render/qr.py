"""QR codes for survey links (segno): SVG for pages and print, PNG for slides and e-mail."""

from __future__ import annotations

import io
from typing import Literal

import segno

from kundpuls.errors import InvalidArgument


def qr_code(url: str, *, kind: Literal["svg", "png"] = "svg", scale: int = 8, border: int = 2) -> bytes:
    """The QR code of ``url`` (error correction M, readable when printed small or slightly damaged)."""
    if not url.startswith(("http://", "https://")):
        raise InvalidArgument(f"url: expected an http(s) address, got {url!r}", field="url", value=url)
    if kind not in {"svg", "png"}:
        raise InvalidArgument(f"kind: expected 'svg' or 'png', got {kind!r}", field="kind", value=kind)
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(
            buffer,
            kind="svg",
            scale=scale,
            border=border,
            xmldecl=False,
            svgns=True,
            title="QR",
            dark="#000000",
        )
    else:
        code.save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()
