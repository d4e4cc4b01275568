"""The phone interviewer's pages: the survey walked for someone on the line, stored with channel phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kundpuls.instruments import first_page_key, next_page_key
from kundpuls.web.responses.models import ContactDetails, Response
from kundpuls.web.surveys.models import Distribution, Survey
from kundpuls.web.surveys.queries import current_version, definition_of

STATE = re.compile(r'name="state" value="([^"]+)"')
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
URL = "/portal/telefon/nki/VOF-HT-N/"


def _client(personas: dict[str, Any], who: str) -> Client:
    client = Client()
    client.force_login(personas[who], backend=BACKEND)
    return client


def _interview(client: Client, fill: Any, contact: dict[str, str] | None = None) -> Any:
    definition = definition_of(current_version(Survey.objects.get(key="nki")))  # type: ignore[arg-type]
    assert client.post(URL, {"action": "start"})["Location"] == URL  # opens the distribution, once
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Manus" in html and "ordagrant" in html and "Hemtjänst Norr" in html
    answers: dict[str, Any] = {}
    key = first_page_key(definition, answers)
    while True:
        data = fill(definition, key, answers, contact=contact)
        state = STATE.search(page.content.decode()).group(1)  # type: ignore[union-attr]
        page = client.post(URL, {**data, "state": state, "action": "next"})
        for k, v in data.items():
            answers[k] = int(v) if isinstance(v, str) and v.isdigit() else v
        key = next_page_key(definition, key, answers)
        if page.status_code == 302:
            return page
        assert page.status_code == 200 and 'class="errors"' not in page.content.decode()


@pytest.mark.django_db
def test_an_interview_is_stored_once_with_channel_phone_and_the_next_call_starts(
    personas: dict[str, Any], fill: Any
) -> None:
    client = _client(personas, "analyst")
    start = client.get("/portal/telefon/nki/").content.decode()
    assert "Starta en intervju för Hemtjänst Norr" in start
    contact = {
        "kontakt_namn": "Eva Ek",
        "kontakt_telefon": "070-123 45 67",
        "kontakt_epost": "eva@example.se",
    }
    done = _interview(client, fill, contact)
    assert done["Location"] == URL
    stored = Response.objects.get()
    assert stored.channel == "phone" and stored.unit.code == "VOF-HT-N" and stored.consented
    assert ContactDetails.objects.get(response=stored).data["kontakt_epost"] == "eva@example.se"
    after = client.get(URL).content.decode()
    assert f"kvitto {stored.receipt}" in after  # the interviewer is told, and starts the next call
    _interview(client, fill)
    assert Response.objects.filter(channel="phone").count() == 2


@pytest.mark.django_db
def test_a_get_writes_nothing_and_the_start_button_opens_the_phone_distribution(
    personas: dict[str, Any],
) -> None:
    client = _client(personas, "analyst")
    phone = Distribution.objects.filter(survey__key="nki", unit__code="VOF-HT-N", channel="phone")
    first = client.get(URL).content.decode()
    assert not phone.exists() and 'name="state"' not in first
    assert 'value="start"' in first and "Starta en intervju för Hemtjänst Norr" in first
    assert client.post(URL, {"action": "start"}).status_code == 302 and phone.count() == 1
    assert 'name="state"' in client.get(URL).content.decode()
    client.post(URL, {"action": "start"})
    assert phone.count() == 1
    assert _client(personas, "viewer").post(URL, {"action": "start"}).status_code == 403


@pytest.mark.django_db
def test_a_bad_answer_is_named_as_on_the_web_and_a_foreign_state_is_refused(personas: dict[str, Any]) -> None:
    client = _client(personas, "admin")
    client.post(URL, {"action": "start"})
    page = client.get(URL).content.decode()
    state = STATE.search(page).group(1)  # type: ignore[union-attr]
    again = client.post(URL, {"state": state, "action": "next"}).content.decode()
    assert 'class="errors"' in again  # the required questions of the first page
    forged = client.post(URL, {"state": "x" + state[1:], "action": "next"})
    assert forged.status_code == 302 and not Response.objects.exists()


@pytest.mark.django_db
def test_only_those_who_manage_the_survey_for_the_unit_interview(personas: dict[str, Any]) -> None:
    for who in ("manager_a", "manager_b", "viewer"):
        assert _client(personas, who).get(URL).status_code == 403
        assert _client(personas, who).get("/portal/telefon/nki/").status_code == 403
    assert _client(personas, "admin").get("/portal/telefon/nki/FINNS-INTE/").status_code == 404
    assert Client().get(URL).status_code == 302  # the login page
