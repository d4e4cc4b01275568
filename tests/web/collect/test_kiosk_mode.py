"""A tablet at the counter: channel kiosk, no receipt shown, a restart after the thanks, nothing kept."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from django.test import Client

from kundpuls.instruments import first_page_key, next_page_key
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.actions import open_distribution
from kundpuls.web.surveys.models import Channel, Survey
from kundpuls.web.surveys.queries import current_version, definition_of

STATE = re.compile(r'name="state" value="([^"]+)"')


@pytest.fixture
def kiosk(db: None) -> Any:
    survey = Survey.objects.get(key="nki")
    return open_distribution(survey, Unit.objects.get(code="VOF-HT-S"), channel=Channel.KIOSK, actor=CLI)


def _html(response: Any) -> str:
    body = response.content
    return (gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body).decode()


def _walk(client: Client, link: Any, fill: Any, contact: dict[str, str]) -> Any:
    definition = definition_of(current_version(link.survey))  # type: ignore[arg-type]
    page = client.get(link.public_path)
    assert page["Cache-Control"] == "no-store"
    answers: dict[str, Any] = {}
    key = first_page_key(definition, answers)
    while True:
        html = _html(page)
        assert 'autocomplete="off"' in html and 'autocomplete="email"' not in html
        assert f'http-equiv="refresh" content="900;url={link.public_path}"' in html  # an idle page resets
        data = fill(definition, key, answers, contact=contact)
        state = STATE.search(html).group(1)  # type: ignore[union-attr]
        page = client.post(link.public_path, {**data, "state": state, "action": "next"})
        for k, v in data.items():
            answers[k] = int(v) if isinstance(v, str) and v.isdigit() else v
        key = next_page_key(definition, key, answers)
        if page.status_code == 302:
            return page
        assert page.status_code == 200


def test_two_respondents_in_a_row_are_stored_with_channel_kiosk_and_the_thanks_restarts(
    kiosk: Any, fill: Any
) -> None:
    client = Client()  # one tablet, one browser
    contact = {
        "kontakt_namn": "Eva Ek",
        "kontakt_telefon": "070-123 45 67",
        "kontakt_epost": "eva@example.se",
    }
    first = _walk(client, kiosk, fill, contact)
    thanks = client.get(first["Location"])
    html = _html(thanks)
    assert thanks["Cache-Control"] == "no-store"
    assert f'http-equiv="refresh" content="10;url={kiosk.public_path}"' in html
    assert "börjar om" in html and 'class="receipt"' not in html
    second = _walk(client, kiosk, fill, {})
    assert second["Location"] != first["Location"]
    stored = Response.objects.filter(distribution=kiosk)
    assert stored.count() == 2 and set(stored.values_list("channel", flat=True)) == {"kiosk"}
    assert not client.cookies  # nothing between respondents in the browser either


def test_an_open_link_keeps_its_receipt_and_no_restart(db: None) -> None:
    survey = Survey.objects.get(key="nki")
    link = open_distribution(survey, Unit.objects.get(code="VOF-HT-C"), channel=Channel.LINK, actor=CLI)
    html = _html(Client().get(link.public_path))
    assert "http-equiv" not in html and 'autocomplete="off"' not in html


def test_the_survey_page_offers_the_kiosk_channel(personas: dict[str, Any]) -> None:
    client = Client()
    client.force_login(personas["admin"], backend="kundpuls.web.accounts.backends.EmailBackend")
    html = client.get("/portal/enkater/nki/").content.decode()
    assert 'value="kiosk"' in html and "Surfplatta" in html
