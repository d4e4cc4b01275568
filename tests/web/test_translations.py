"""The Swedish catalogue is complete and its compiled form is current."""

from pathlib import Path

import polib

import kundpuls.web

CATALOGUE = Path(kundpuls.web.__file__).parent / "locale" / "sv" / "LC_MESSAGES"


def test_every_message_has_a_swedish_translation() -> None:
    po = polib.pofile(str(CATALOGUE / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"translate these in django.po (then `make messages`): {missing}"


def test_the_compiled_catalogue_matches_the_source() -> None:
    po = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(CATALOGUE / "django.po"))
        if not e.obsolete
    }
    mo = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(CATALOGUE / "django.mo"))
        if e.msgid
    }
    assert {k: v for k, v in po.items() if k[1]} == mo
