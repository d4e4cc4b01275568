"""A key two of a person's organisations use asks which one, with a link to each (kundpuls.web.refusals).

A person who gains a role in a second organisation with a survey of the same key finds that her bookmarked
links (``/portal/enkater/nki/``, ``?survey=nki``) name two surveys. The page answers 300 (Multiple Choices)
in her language, names both organisations and links to the same address with ``ORG:KEY``; a form sent and
the API get 400 with the message; a person of one organisation never sees the page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.refusals import choice_url
from kundpuls.web.surveys.actions import create_from_template


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    return client


@pytest.fixture
def two_nki(personas: dict[str, Any]) -> Any:
    """The region gets its own ``nki`` beside the municipality's; the administrator has roles in both."""
    create_from_template("nki", owner=Unit.objects.get(code="RGX"), actor=CLI)
    return personas["admin"]


@pytest.mark.django_db
def test_a_bookmarked_key_of_two_organisations_asks_which_with_a_link_to_each(two_nki: Any) -> None:
    client = _client(two_nki)
    page = client.get("/portal/enkater/nki/")
    assert page.status_code == 300
    html = page.content.decode()
    assert "Vilken organisation menar du?" in html
    names = dict(Unit.objects.filter(code__in=["EXK", "RGX"]).values_list("code", "name"))
    for code in ("EXK", "RGX"):
        assert f'href="/portal/enkater/{code}:nki/"' in html and names[code] in html
        assert client.get(f"/portal/enkater/{code}:nki/").status_code == 200  # the link opens that survey
    assert "Which" not in html and "organisations has" not in html  # Swedish throughout


def test_the_key_in_a_query_is_replaced_and_the_other_parameters_kept() -> None:
    built = RequestFactory().get("/portal/resultat/", {"survey": "nki", "period": "2026-Q2", "q": "nki x"})
    url = choice_url(built, "nki", "RGX")
    assert url is not None and url.startswith("/portal/resultat/?")
    assert "survey=RGX:nki" in url and "period=2026-Q2" in url and "q=nki%20x" in url  # only exact values
    assert choice_url(RequestFactory().get("/portal/", {"x": "1"}), "nki", "RGX") is None


@pytest.mark.django_db
def test_a_form_sent_and_the_api_get_the_message_not_the_page(two_nki: Any) -> None:
    client = _client(two_nki)
    sent = client.post("/portal/enkater/nki/publicera/")
    assert sent.status_code == 400
    assert "EXK:nki" in sent.content.decode() and "RGX:nki" in sent.content.decode()


@pytest.mark.django_db
def test_a_person_of_one_organisation_opens_the_key_as_before(two_nki: Any, personas: dict[str, Any]) -> None:
    page = _client(personas["analyst"]).get("/portal/enkater/")
    assert page.status_code in (200, 403)  # her role decides; never the choice page
    assert _client(personas["analyst"]).get("/portal/enkater/nki/").status_code != 300
