"""Every Swedish catalogue (the project's and each app's) is complete and its compiled form is current."""

from pathlib import Path

import polib
import pytest

import kundpuls.web

WEB = Path(kundpuls.web.__file__).parent
CATALOGUES = sorted(WEB.glob("**/locale/sv/LC_MESSAGES/django.po"))


def test_there_is_a_swedish_catalogue() -> None:
    assert WEB / "locale" / "sv" / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_every_message_has_a_swedish_translation(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"translate these in {po_path} (then `make messages`): {missing}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_the_compiled_catalogue_matches_the_source(po_path: Path) -> None:
    po = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(po_path))
        if not e.obsolete and e.msgid
    }
    mo = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(po_path.with_suffix(".mo")))
        if e.msgid
    }
    assert po == mo
