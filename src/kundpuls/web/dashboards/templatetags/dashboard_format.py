"""Template filters: numbers for people (decimal comma in Swedish) and ``–`` for hidden values."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from kundpuls.render.labels import SUPPRESSED_MARK, number
from kundpuls.web.language import page_language

register = template.Library()


@register.filter
def cell(value: object) -> str:
    """A table cell: ``–`` for None, a rounded number, or the text."""
    if value is None:
        return SUPPRESSED_MARK
    if isinstance(value, float):
        return number(value, page_language())
    return str(value)


@register.filter
def signed(value: float | None) -> str:
    """A change with its sign (``+3,2``)."""
    if value is None:
        return SUPPRESSED_MARK
    text = number(abs(value), page_language())
    return ("+" if value >= 0 else "−") + text


@register.filter
def inline_svg(svg: str) -> SafeString:
    """SVG markup rendered on the server by vl-convert from our own chart specifications (no user HTML)."""
    return mark_safe(svg)
