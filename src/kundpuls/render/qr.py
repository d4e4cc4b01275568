"""QR codes (segno): survey links as SVG for pages and print, PNG for slides and e-mail; short plain texts
(a paper form's id) as SVG for print."""

from __future__ import annotations

import io
from typing import Literal

import segno

from kundpuls.errors import InvalidArgument

#: The longest plain text :func:`qr_text` encodes (a form id is at most 40 characters).
MAX_TEXT = 64


def _encode(content: str, *, kind: str, scale: int, border: int) -> bytes:
    if kind not in {"svg", "png"}:
        raise InvalidArgument(f"kind: expected 'svg' or 'png', got {kind!r}", field="kind", value=kind)
    code = segno.make(content, error="m")
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


def qr_code(url: str, *, kind: Literal["svg", "png"] = "svg", scale: int = 8, border: int = 2) -> bytes:
    """The QR code of ``url`` (error correction M, readable when printed small or slightly damaged)."""
    if not url.startswith(("http://", "https://")):
        raise InvalidArgument(f"url: expected an http(s) address, got {url!r}", field="url", value=url)
    return _encode(url, kind=kind, scale=scale, border=border)


def qr_text(text: str, *, kind: Literal["svg", "png"] = "svg", scale: int = 8, border: int = 2) -> bytes:
    """The QR code of a short printable ``text`` such as a paper form's id: a hand scanner reads it into
    the focused field of the data-entry page as if typed."""
    if not text or len(text) > MAX_TEXT or not text.isprintable() or not text.isascii():
        raise InvalidArgument(
            f"text: expected 1–{MAX_TEXT} printable ASCII characters, got {text[:MAX_TEXT]!r}",
            field="text",
            value=text[:MAX_TEXT],
        )
    return _encode(text, kind=kind, scale=scale, border=border)
