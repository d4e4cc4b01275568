"""Issue 15: the errors of the web apps' actions reach a page in the person's language — a bad goal value
and a bad paper form id in Swedish on a Swedish page, with the field name in front (as the CLI and API
know it) and no English words of the message left."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
GOALS = "/portal/mal/enheter/VOF-HT-N/andra/"
PAPER = "/portal/papper/nki/VOF-HT-N/"
FORM = {"tjanst": "skola", "nki_helhet": "8", "nki_forvantan": "7", "kon": "woman", "kontakt_ok": "no"}


def _client(personas: dict[str, Any], who: str) -> Client:
    client = Client()
    client.force_login(personas[who], backend=BACKEND)
    return client


def _goal(client: Client, target: str, language: str) -> str:
    data = {"action": "goal", "metric": "nki|index:NKI", "period": "2026", "target": target}
    answer = client.post(GOALS, data, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert answer.status_code == 200
    return html.unescape(answer.content.decode())


def test_a_bad_goal_value_is_named_in_swedish(personas: dict[str, Any]) -> None:
    from kundpuls.web.goals.models import Goal

    client = _client(personas, "analyst")
    words = _goal(client, "mycket", "sv")
    assert "target: 'mycket' är inte ett tal" in words
    assert "is not a number" not in words
    high = _goal(client, "150", "sv")
    assert "target: 150 ligger utanför 0–100" in high and "is outside" not in high
    bad_period = client.post(
        GOALS,
        {"action": "goal", "metric": "nki|index:NKI", "period": "våren", "target": "50"},
        HTTP_ACCEPT_LANGUAGE="sv",
        follow=True,
    )
    text = html.unescape(bad_period.content.decode())
    assert "period: 'våren' är ingen period; skriv ÅÅÅÅ, ÅÅÅÅ-Qn eller ÅÅÅÅ-MM" in text
    assert "expected" not in text
    assert not Goal.objects.filter(unit__code="VOF-HT-N", target__gt=100).exists()
    english = _goal(client, "mycket", "en")
    assert "target: 'mycket' is not a number" in english and "är inte ett tal" not in english


def test_a_bad_paper_form_id_is_named_in_swedish(personas: dict[str, Any]) -> None:
    client = _client(personas, "analyst")
    malformed = client.post(PAPER, {"form_id": "#?!", **FORM}, HTTP_ACCEPT_LANGUAGE="sv")
    page = html.unescape(malformed.content.decode())
    assert malformed.status_code == 400
    assert "form_id: '#?!' är inget formulär-id (bokstäver, siffror, - och _; högst 40)" in page
    assert "is not a form id" not in page and "letters, digits" not in page
    unknown = client.post(PAPER, {"form_id": "ZZZZ9999", **FORM}, HTTP_ACCEPT_LANGUAGE="sv")
    page = html.unescape(unknown.content.decode())
    assert unknown.status_code == 400
    assert (
        "form_id: ZZZZ9999 är inte id:t för ett utskrivet formulär (kontrollera id:t på formuläret)" in page
    )
    assert "printed questionnaire" not in page and "check the id" not in page
