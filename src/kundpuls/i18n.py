"""Texts the code itself writes for people — charts, tables, spreadsheets, PDFs — translated by gettext.

The one mechanism for code-side texts is gettext, as on the web pages (where Django's gettext reads each
app's catalogue). The layers below the web (``render``, ``reports``) must work without Django, so they read
their catalogue with the standard library: English is the message id, the Swedish translation lives in
``src/kundpuls/locale/sv/LC_MESSAGES/kundpuls.po`` (compiled to ``kundpuls.mo`` beside it), and every message
carries its name as context (``msgctxt``), so a short word such as "Index" in a table head can never take
over another place's translation. ``make messages`` compiles this catalogue with the web's.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kundpuls"
LANGUAGES = ("sv", "en")  # Swedish first; English is the source language of the messages


@lru_cache(maxsize=len(LANGUAGES))
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])


def translate(name: str, message: str, language: str = "sv") -> str:
    """``message`` (English) in ``language``: Swedish unless ``"en"``, looked up under its ``name``."""
    return _catalogue("en" if language == "en" else "sv").pgettext(name, message)
