"""Template filters: numbers for people (decimal comma in Swedish) and ``–`` for hidden values."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from kundpuls.render.labels import SUPPRESSED_MARK, number, text
from kundpuls.web.language import page_language

register = template.Library()


@register.filter
def cell(value: object, digits: int = 1) -> str:
    """A table cell: ``–`` for None, a number rounded to ``digits`` decimals, or the text."""
    if value is None:
        return SUPPRESSED_MARK
    if isinstance(value, float):
        return number(value, page_language(), digits=digits)
    return str(value)


@register.filter
def kano_category(category: str) -> str:
    """The name of a Kano category letter (``M`` → ``Självklar``) in the page's language."""
    return text(f"kano_{category}", page_language())


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
