"""One translation mechanism for code-side texts: gettext catalogues, complete and in step with the code.

The render layer's texts (:data:`kundpuls.render.labels.MESSAGES`) and the answer-validation messages
(:data:`kundpuls.instruments.messages.MESSAGES`, named ``answer_<code>``) are English message ids
translated by the catalogue ``src/kundpuls/locale/sv/LC_MESSAGES/kundpuls.po`` (:mod:`kundpuls.i18n`). Every
name has a Swedish translation with the same placeholders, the catalogue holds nothing the code does not
use, the compiled ``.mo`` says what the ``.po`` says, and every name the code builds from data exists.
"""

from __future__ import annotations

import gettext
import string

import polib
import pytest

from kundpuls import i18n
from kundpuls.instruments.messages import MESSAGES as ANSWER_MESSAGES
from kundpuls.instruments.messages import render_hint
from kundpuls.render.labels import MESSAGES, text
from kundpuls.render.paper_form import WORD_NAMES
from kundpuls.reports.needs import PRICE_PARTS
from kundpuls.stats.kano import CATEGORIES
from kundpuls.stats.pls.index_layer import QUADRANTS

CATALOGUE = i18n.LOCALE_DIR / "sv" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


#: Every message the code holds, by its name in the catalogue.
NAMED = {**MESSAGES, **{f"answer_{code}": english for code, english in ANSWER_MESSAGES.items()}}


def test_every_message_has_a_swedish_translation_with_the_same_placeholders() -> None:
    assert len(NAMED) == len(MESSAGES) + len(ANSWER_MESSAGES), "a render name clashes with an answer name"
    entries = {entry.msgctxt: entry for entry in polib.pofile(str(CATALOGUE))}
    missing = sorted(set(NAMED) - set(entries))
    unused = sorted(set(entries) - set(NAMED))
    assert not missing, f"in the code but not in {CATALOGUE.name}: {missing}"
    assert not unused, f"in {CATALOGUE.name} but no longer in the code: {unused}"
    for name, english in NAMED.items():
        entry = entries[name]
        assert entry.msgid == english, f"{name}: the catalogue translates an older English text"
        assert entry.msgstr.strip() and "fuzzy" not in entry.flags, f"{name}: no Swedish translation"
        assert _fields(entry.msgstr) == _fields(english), f"{name}: placeholders differ"


def test_the_compiled_catalogue_says_what_the_source_says() -> None:
    with (CATALOGUE.with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in polib.pofile(str(CATALOGUE)):
        assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgctxt


def test_swedish_is_the_default_and_english_is_the_message_itself() -> None:
    assert text("heading_improve") == "Viktigast att förbättra"
    assert text("heading_improve", "en") == "Most important to improve"
    assert text("summary_value", "sv", label="NKI", value="70,1", low="65,0", high="75,2", n=80) == (
        "NKI 70,1 (65,0–75,2, n = 80)"
    )
    assert text("index", "de") == text("index", "sv")  # a language without a catalogue reads Swedish
    assert render_hint("too_long", "sv", max=10, length=12) == "Texten får vara högst 10 tecken lång (nu 12)."
    assert render_hint("price_out_of_range", "en", max=5000, currency="SEK") == (
        "The amount must be between 0 and 5000 SEK."
    )


def test_a_name_without_a_message_is_an_error_not_a_raw_key_on_a_page() -> None:
    with pytest.raises(KeyError):
        text("no_such_message")


@pytest.mark.parametrize(
    "name",
    [
        *(f"role_{role}" for role in ("unit", "parent", "organisation")),
        *(f"kano_{category}" for category in CATEGORIES),
        *(f"price_{part}" for part in PRICE_PARTS),
        *(f"price_{point}" for point in ("pmc", "opp", "idp", "pme", "trial", "revenue")),
        *QUADRANTS.values(),
        *(f"paper_{word}" for word in WORD_NAMES),
    ],
)
def test_every_name_built_from_data_has_a_message(name: str) -> None:
    assert name in MESSAGES
    assert text(name, "sv") and text(name, "en")
