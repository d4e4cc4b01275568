"""The language a staff page speaks, as the instruments and reports know it: ``sv`` or ``en``."""

from __future__ import annotations

from django.utils.translation import get_language


def page_language() -> str:
    """``en`` when the active language is English (``en``, ``en-gb`` …), else ``sv`` (Swedish first)."""
    return "en" if (get_language() or "sv").startswith("en") else "sv"
