"""The staff pages of a survey speak Swedish: its status, and its pages named by their titles."""

from __future__ import annotations

from typing import Any

from django.test import Client

from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.actions import create_from_template, publish

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _client(personas: dict[str, Any]) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas["analyst"], backend=BACKEND)
    return client


def test_the_survey_list_shows_the_status_in_swedish(personas: dict[str, Any]) -> None:
    publish(create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
    html = _client(personas).get("/portal/enkater/").content.decode()
    assert "<td>publicerad</td>" in html
    assert "<td>published</td>" not in html


def test_the_preview_names_pages_by_title_and_shows_follow_ups_with_their_condition(
    personas: dict[str, Any],
) -> None:
    create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    first = client.get("/portal/enkater/nps/forhandsgranska/").content.decode()
    assert '<strong aria-current="page">Sida 1</strong>' in first
    assert ">nps<" not in first
    second = client.get("/portal/enkater/nps/forhandsgranska/?sida=foljdfragor").content.decode()
    assert "<h2>Berätta gärna mer</h2>" in second
    assert "Vad skulle vi behöva göra bättre?" in second
    assert "Visas bara när <code>rekommendera &lt;= 6</code>" in second
