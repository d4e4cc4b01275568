"""The respondent's way through a survey without JavaScript: pages, errors, languages, the receipt."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kundpuls.instruments import first_page_key, next_page_key
from kundpuls.web.org.actors import CLI
from kundpuls.web.responses.models import ContactDetails, Response
from kundpuls.web.surveys.actions import close_distribution
from kundpuls.web.surveys.queries import current_version, definition_of

STATE = re.compile(r'name="state" value="([^"]+)"')


def _state(html: str) -> str:
    match = STATE.search(html)
    assert match, "every survey page carries its signed state"
    return match.group(1)


def _walk(client: Client, link: Any, fill: Any) -> Any:
    """Answer every page; return the final response (the redirect to the receipt)."""
    definition = definition_of(current_version(link.survey))
    page = client.get(link.public_path)
    answers: dict[str, Any] = {}
    key = first_page_key(definition, answers)
    while True:
        data = fill(definition, key, answers)
        response = client.post(
            link.public_path, {**data, "state": _state(page.content.decode()), "action": "next"}
        )
        for k, v in data.items():
            answers[k] = int(v) if isinstance(v, str) and v.isdigit() else v
        key = next_page_key(definition, key, answers)
        if response.status_code == 302:
            return response
        assert response.status_code == 200, response.content.decode()[:500]
        assert 'class="errors"' not in response.content.decode(), re.findall(
            r'<li><a href="#([^"]+)">([^<]*)', response.content.decode()
        )
        page = response


def test_a_get_shows_the_first_page_and_stores_nothing(nki_link: Any) -> None:
    response = Client().get(nki_link.public_path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Vad tycker du om vår service?" in html
    assert "Set-Cookie" not in response.headers
    assert Response.objects.count() == 0


def test_a_whole_survey_is_stored_once_and_thanked_with_a_receipt(nki_link: Any, fill: Any) -> None:
    client = Client()
    final = _walk(client, nki_link, fill)
    assert Response.objects.count() == 1
    stored = Response.objects.get()
    assert final["Location"] == f"/s/{nki_link.token}/tack/{stored.receipt}/"
    thanks = client.get(final["Location"])
    assert stored.receipt in thanks.content.decode()
    assert stored.unit.code == "VOF-HT-N"
    assert stored.answers["nki_helhet"] == 10
    assert stored.consented is False


def test_a_missing_required_answer_is_named_in_a_summary_that_links_to_it(nki_link: Any) -> None:
    client = Client()
    first = client.get(nki_link.public_path)
    response = client.post(nki_link.public_path, {"state": _state(first.content.decode()), "action": "next"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    links = re.findall(r'<li><a href="#(f-[^"]+)">', html)
    assert links, "the summary links to each field in error"
    for target in links:
        assert f'id="{target}' in html
    assert Response.objects.count() == 0


def test_answers_survive_going_back_a_page(nki_link: Any, fill: Any) -> None:
    client = Client()
    definition = definition_of(current_version(nki_link.survey))
    first_key = first_page_key(definition, {})
    data = fill(definition, first_key, {})
    page1 = client.get(nki_link.public_path)
    page2 = client.post(
        nki_link.public_path, {**data, "state": _state(page1.content.decode()), "action": "next"}
    )
    back = client.post(nki_link.public_path, {"state": _state(page2.content.decode()), "action": "back"})
    html = back.content.decode()
    chosen = next(iter(data.items()))
    assert f'name="{chosen[0]}" value="{chosen[1]}" checked' in html


def test_a_tampered_state_gets_a_clear_page_and_stores_nothing(nki_link: Any) -> None:
    client = Client()
    state = _state(client.get(nki_link.public_path).content.decode())
    forged = state[:-3] + ("AAA" if not state.endswith("AAA") else "BBB")
    response = client.post(nki_link.public_path, {"state": forged, "action": "next"})
    assert response.status_code == 400
    assert (
        "Starta enkäten igen" in response.content.decode()
        or "Start the survey again" in response.content.decode()
    )
    json_response = client.post(nki_link.public_path, {"state": forged}, HTTP_ACCEPT="application/json")
    assert json_response.status_code == 400
    assert json_response.json()["error"] == "bad_state"
    assert Response.objects.count() == 0


def test_out_of_range_and_oversized_values_are_refused_by_name(nki_link: Any, fill: Any) -> None:
    client = Client()
    definition = definition_of(current_version(nki_link.survey))
    key = first_page_key(definition, {})
    data = fill(definition, key, {})
    page = client.get(nki_link.public_path)
    page2 = client.post(nki_link.public_path, {**data, "state": _state(page.content.decode())})
    key2 = next_page_key(definition, key, data)
    data2 = fill(definition, key2, {})
    rating_key = next(k for k, v in data2.items() if isinstance(v, str) and v.isdigit())
    data2[rating_key] = "11000"
    response = client.post(
        nki_link.public_path,
        {**data2, "state": _state(page2.content.decode())},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    fields = {e["field"]: e for e in response.json()["errors"]}
    assert rating_key in fields
    assert "11000" in fields[rating_key]["value"]


def test_the_language_follows_the_browser_and_the_switch_keeps_answers(nki_link: Any, fill: Any) -> None:
    client = Client()
    english = client.get(nki_link.public_path, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="en">' in english.content.decode()
    swedish = client.get(nki_link.public_path, HTTP_ACCEPT_LANGUAGE="sv")
    definition = definition_of(current_version(nki_link.survey))
    data = fill(definition, first_page_key(definition, {}), {})
    switched = client.post(
        nki_link.public_path, {**data, "state": _state(swedish.content.decode()), "action": "lang-en"}
    )
    html = switched.content.decode()
    assert '<html lang="en">' in html
    chosen = next(iter(data.items()))
    assert f'value="{chosen[1]}" checked' in html


@pytest.mark.parametrize(("case", "status"), [("unknown", 404), ("closed", 410)])
def test_unknown_and_closed_surveys_get_a_friendly_page(nki_link: Any, case: str, status: int) -> None:
    if case == "closed":
        close_distribution(nki_link, actor=CLI)
        path = nki_link.public_path
    else:
        path = "/s/finns-inte-alls/"
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == status
    assert "<h1>" in response.content.decode()


def test_contact_details_are_stored_apart_from_the_answers(nki_link: Any, fill: Any) -> None:
    from kundpuls.instruments import contact_fields

    definition = definition_of(current_version(nki_link.survey))
    fields = contact_fields(definition)
    assert fields, "the NKI template asks for consent to be contacted"
    contact = {
        f.key: "anna@example.se" if f.kind == "email" else "070-123 45 67" if f.kind == "phone" else "Anna"
        for f in fields
    }
    _walk(Client(), nki_link, lambda d, k, a: fill(d, k, a, contact=contact))
    stored = Response.objects.get()
    assert stored.consented is True
    assert not any(isinstance(v, str) and "@" in v for v in stored.answers.values())
    assert "anna@example.se" in ContactDetails.objects.get(response=stored).data.values()
