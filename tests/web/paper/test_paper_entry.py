"""Paper questionnaires typed in: validated as on the web, stored once per form id with channel paper, and
double entry with the differences shown and resolved."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.paper.models import PaperEntry
from kundpuls.web.paper.printing import print_questionnaires
from kundpuls.web.paper.queries import paper_submission_id
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.queries import survey_by_key

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
URL = "/portal/papper/nki/VOF-HT-N/"
FORM = {"tjanst": "skola", "nki_helhet": "8", "nki_forvantan": "7", "kon": "woman", "kontakt_ok": "no"}


def _printed(copies: int) -> list[str]:
    survey, unit = survey_by_key("nki", actor=CLI), Unit.objects.get(code="VOF-HT-N")
    return print_questionnaires(survey, unit, copies=copies, language="sv", actor=CLI).form_ids


def _client(personas: dict[str, Any], who: str) -> Client:
    client = Client()
    client.force_login(personas[who], backend=BACKEND)
    return client


@pytest.mark.django_db
def test_a_form_is_stored_once_with_channel_paper(personas: dict[str, Any]) -> None:
    (form_id,) = _printed(1)
    client = _client(personas, "analyst")
    page = client.get(URL).content.decode()
    assert 'id="form_id"' in page and page.index('id="form_id"') < page.index('name="nki_helhet"')
    first = client.post(URL, {"form_id": form_id.lower(), **FORM}, follow=True)
    assert f"Formulär {form_id} är sparat" in first.content.decode()
    stored = Response.objects.get(submission_id=paper_submission_id("nki", form_id))
    assert stored.channel == "paper" and stored.answers["nki_helhet"] == 8 and stored.unit.code == "VOF-HT-N"
    again = client.post(URL, {"form_id": form_id, **FORM, "nki_helhet": "3"}, follow=True)
    assert "sparades tidigare" in again.content.decode()
    assert Response.objects.count() == 1 and Response.objects.get().answers["nki_helhet"] == 8


@pytest.mark.django_db
def test_a_bad_answer_or_form_id_is_named_and_nothing_stored(personas: dict[str, Any]) -> None:
    (form_id,) = _printed(1)
    client = _client(personas, "analyst")
    bad = client.post(URL, {"form_id": form_id, **FORM, "nki_helhet": "12"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    missing = client.post(URL, {"form_id": "", **FORM})
    assert missing.status_code == 400 and "form_id" in missing.content.decode()
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_double_entry_shows_the_difference_and_stores_the_resolution_once(personas: dict[str, Any]) -> None:
    (form_id,) = _printed(1)
    admin, analyst = _client(personas, "admin"), _client(personas, "analyst")
    waiting = admin.post(URL, {"form_id": form_id, "double": "1", **FORM}, follow=True)
    assert "andra gång" in waiting.content.decode() and not Response.objects.exists()
    same_person = admin.post(URL, {"form_id": form_id, "double": "1", **FORM})
    assert same_person.status_code == 400 and not Response.objects.exists()
    differs = analyst.post(URL, {"form_id": form_id, "double": "1", **FORM, "kon": "man", "nki_helhet": "8"})
    page = differs.content.decode()
    assert differs.status_code == 200 and "Vilket kön har du?" in page
    assert "Kvinna" in page and "Man" in page and "woman" not in page  # texts, never raw values
    assert not Response.objects.exists() and PaperEntry.objects.count() == 2
    resolved = analyst.post(
        URL, {"form_id": form_id, "double": "1", "step": "resolve", "pick-kon": "2"}, follow=True
    )
    assert "sparat" in resolved.content.decode()
    stored = Response.objects.get()
    assert stored.answers["kon"] == "man" and stored.channel == "paper"
    assert not PaperEntry.objects.exists()  # the waiting entries (with any contact data) are gone
    late = admin.post(URL, {"form_id": form_id, "double": "1", **FORM}, follow=True)
    assert "sparades tidigare" in late.content.decode() and Response.objects.count() == 1


@pytest.mark.django_db
def test_two_equal_entries_store_at_once(personas: dict[str, Any]) -> None:
    (form_id,) = _printed(1)
    _client(personas, "admin").post(URL, {"form_id": form_id, "double": "1", **FORM})
    _client(personas, "analyst").post(URL, {"form_id": form_id.lower(), "double": "1", **FORM})
    assert Response.objects.filter(submission_id=paper_submission_id("nki", form_id)).count() == 1


@pytest.mark.django_db
def test_only_those_who_manage_the_survey_for_the_unit_enter_forms(personas: dict[str, Any]) -> None:
    (form_id,) = _printed(1)
    for who in ("manager_a", "viewer"):
        assert _client(personas, who).get(URL).status_code == 403
        assert _client(personas, who).post(URL, {"form_id": form_id, **FORM}).status_code == 403
    assert not Response.objects.exists()
