"""Every visible word in the person's language (issue 18): every staff page, rendered in Swedish, holds no
English interface word, no enum value and no codebook key where a label belongs; and an English page holds
no Swedish interface word.

What a respondent wrote (quoted comments) and what a person typed (names, e-mail addresses) are left out:
they are in the respondent's words, not the interface's.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"

#: Staff pages (HTML) with the test responses behind them, as the administrator sees them.
PAGES = (
    "/portal/",
    "/portal/enheter/VOF-HT-N/",
    "/portal/resultat/",
    "/portal/resultat/?index=BEMOTANDE",
    "/portal/resultat/enheter/VOF-HT-N/",
    "/portal/resultat/enheter/VOF-HT-N/?segment=tjanst&value=annat",
    "/portal/resultat/metoder/",
    "/portal/mal/",
    "/portal/mal/enheter/VOF-HT-N/",
    "/portal/arenden/",
    "/portal/arenden/ni-sa-vi-gjorde/VOF-HT-N/",
    "/portal/arenden/regler/nki/",
    "/portal/enkater/",
    "/portal/enkater/nki/",
    "/portal/enkater/nki/forhandsgranska/",
    "/portal/inbjudningar/nki/",
    "/portal/teman/",
    "/portal/teman/historik/",
    "/portal/teman/upptack/",
    "/portal/dataskydd/",
    "/portal/api-nycklar/",
)

#: English interface words that must not stand on a Swedish page (whole words, case as written; not
#: words that are Swedish too, such as "sent" or "Status").
ENGLISH = (
    "Results", "Survey", "Surveys", "Unit", "Units", "Download", "Hidden", "Significant", "Clear change",
    "Save", "Delete", "Cancel", "Overdue", "Responses", "Comments", "Theme", "Themes", "Goal", "Goals",
    "Show", "Filters", "Sort by", "Ascending", "Descending", "Newest", "Segment", "Change", "Target",
    "published", "draft", "closed", "pending", "sending", "uncertain", "not_met", "no_data",
    "suppressed", "Open", "Closed", "Owner", "Due date", "Action", "Driver", "Improve", "the", "and",
    "with", "your", "you", "per unit", "Log out", "Trend over time", "Comparison",
)  # fmt: skip
#: Swedish interface words that must not stand on an English page.
SWEDISH = ("Resultat för", "Enheter", "Enkät", "Visa", "Spara", "Mål", "Ärenden", "Förändring", "och")
#: Abbreviations that are labels themselves.
LABEL_KEYS = {"NKI", "NPS", "CSAT", "CES"}


def _visible_text(page: str, language: str = "sv") -> str:
    """The words a person reads, without quotes, code and parts marked as another language (lang="…")."""
    page = re.sub(r"<(script|style|q|blockquote|code|pre)\b.*?</\1>", " ", page, flags=re.S | re.I)
    other = "en" if language == "sv" else "sv"
    page = re.sub(rf'<(\w+)\b[^>]*\blang="{other}"[^>]*>.*?</\1>', " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    page = re.sub(r"\S+@\S+", " ", page)  # e-mail addresses are names people typed
    return " ".join(html.unescape(page).split())


def _codebook_keys() -> set[str]:
    """Item keys, index keys, background variables and option values of the stored surveys."""
    from kundpuls.instruments import stored_items
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    keys: set[str] = set()
    for survey in Survey.objects.all():
        version = current_version(survey)
        if version is None:
            continue
        definition = definition_of(version)
        for item in stored_items(definition):
            keys.add(item.key)
            keys.update(v for v in item.options or () if "_" in v)
            if item.background_variable:
                keys.add(item.background_variable)
        keys.update(k for k in definition.codebook.indices if k not in LABEL_KEYS)
    return {k for k in keys if len(k) > 3 and ("_" in k or k.isupper())}


def _leaks(text: str, words: tuple[str, ...], keys: set[str]) -> list[str]:
    found = [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    found += sorted(k for k in keys if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", text))
    return found


@pytest.fixture
def admin(personas: dict[str, Any], results: dict[str, int]) -> Client:
    client = Client()
    client.force_login(personas["admin"], backend=BACKEND)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_a_swedish_page_has_no_english_word_enum_value_or_codebook_key(admin: Client, path: str) -> None:
    got = admin.get(path)
    assert got.status_code == 200, (path, got.status_code)
    text = _visible_text(got.content.decode())
    leaks = _leaks(text, ENGLISH, _codebook_keys())
    assert not leaks, f"{path} shows {leaks} on a Swedish page:\n{text[:3000]}"


@pytest.mark.parametrize("path", PAGES)
def test_an_english_page_has_no_swedish_interface_word(admin: Client, path: str) -> None:
    admin.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    got = admin.get(path)
    assert got.status_code == 200, (path, got.status_code)
    from kundpuls.web.org.models import Unit

    text = _visible_text(got.content.decode(), "en")
    for name in sorted(Unit.objects.values_list("name", flat=True), key=len, reverse=True):
        text = text.replace(name, " ")  # unit names are names, in the organisation's language
    assert 'lang="en"' in got.content.decode()
    leaks = _leaks(text, SWEDISH, set())
    assert not leaks, f"{path} shows {leaks} on an English page:\n{text[:3000]}"
