"""A printable A5 poster for the counter: the survey's question, the unit, a large QR code and the link."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from kundpuls.render.qr import qr_code
from kundpuls.render.typst_pdf import compile_pdf


@dataclass(frozen=True)
class PosterText:
    heading: str
    lead: str
    unit: str
    url: str
    scan_hint: str
    language: str = "sv"


def survey_poster(text: PosterText) -> bytes:
    """The A5 poster as PDF bytes."""
    return compile_pdf("poster", asdict(text), {"qr.svg": qr_code(text.url, kind="svg")})
