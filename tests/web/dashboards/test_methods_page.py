"""The page of how every number is computed (issue 18: "method notes in plain Swedish with a link to the full
method"): reached from the unit page's "Om siffrorna", in the person's language, every section it lists
there, and the rules it states are the ones the pages apply."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
METHODS = "/portal/resultat/metoder/"
UNIT_A = "/portal/resultat/enheter/VOF-HT-N/"


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person, backend=BACKEND)
    return client


def _sections(html: str) -> tuple[list[str], list[str]]:
    listed = re.findall(r'<li><a href="#([a-z]+)">', html)
    present = re.findall(r'<section id="([a-z]+)"', html)
    return listed, present


@pytest.mark.django_db
def test_the_unit_page_links_its_plain_notes_to_the_methods_page(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    html = _client(personas["manager_a"]).get(UNIT_A + "?survey=nki").content.decode()
    about = html.split('id="method-h"', 1)[1]
    assert f'<a href="{METHODS}">Så räknas varje siffra, med vanliga ord</a>' in about
    assert "docs/methods.md" not in html  # a repository file is no link (the methods page names it, for IT)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["manager_a", "viewer", "analyst", "admin"])
def test_every_role_reads_the_methods_in_swedish_with_every_listed_section(
    personas: dict[str, Any], who: str
) -> None:
    page = _client(personas[who]).get(METHODS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Så räknar Kundpuls</h1>" in html
    listed, present = _sections(html)
    assert len(listed) >= 10 and listed == present
    # the rules the pages apply, said as they are applied
    from kundpuls.reports.change_flags import BASELINE_PERIODS
    from kundpuls.reports.driver_window import DRIVER_MIN_N
    from kundpuls.reports.funnel import MIN_COMPARED

    assert "”färre än 7 svar”" in html  # the installation's threshold (tests run with the default)
    assert (
        f"upp till {BASELINE_PERIODS} perioderna" in html
        and f"minst {DRIVER_MIN_N} fullständiga svar" in html
    )
    assert f"minst {MIN_COMPARED} jämförbara enheter" in html


@pytest.mark.django_db
def test_the_methods_page_speaks_english_after_the_language_switch(personas: dict[str, Any]) -> None:
    client = _client(personas["manager_a"])
    client.post("/i18n/setlang/", {"language": "en", "next": METHODS})
    html = client.get(METHODS).content.decode()
    assert "<h1>How Kundpuls computes its numbers</h1>" in html
    assert "Så räknar" not in html and "Anonymitetsgränsen" not in html
    listed, present = _sections(html)
    assert listed == present == _sections(_client(personas["manager_a"]).get(METHODS).content.decode())[0]


@pytest.mark.django_db
def test_the_methods_page_asks_a_stranger_to_log_in(personas: dict[str, Any]) -> None:
    page = Client().get(METHODS)
    assert page.status_code == 302 and "/konto/logga-in/" in page["Location"]
