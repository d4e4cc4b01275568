"""Issue 18: a case restores the dialogue — what the customer said, labelled from the survey, for whoever
calls them; a list people can read; analysts read cases but change none; an erased response a tombstone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from kundpuls.web.org.actors import CLI

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
COMMENT = "Ingen ringde tillbaka fast jag väntade i två veckor."
RAW_KEYS = ("nki_helhet", "nki_forvantan", "kontakt_namn", "kontakt_telefon", "kontakt_epost", "kommentar")


def _client(personas: dict[str, Any], who: str) -> Client:
    client = Client()
    client.force_login(personas[who], backend=BACKEND)
    return client


def _page(personas: dict[str, Any], who: str, url: str) -> str:
    response = _client(personas, who).get(url, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def case(nki_rules: Any, submit: Any) -> Any:
    from kundpuls.web.cases.models import Case

    return Case.objects.get(response_id=submit(2, comment=COMMENT))


def test_the_case_page_shows_the_answers_that_opened_it_and_labelled_contact_details(
    personas: dict[str, Any], case: Any
) -> None:
    page = _page(personas, "manager_a", f"/portal/arenden/{case.pk}/")
    said = page[page.index('id="said-h"') : page.index('id="contact-h"')]
    assert COMMENT in said
    row = re.search(r"<tr class=\"triggered\"><th scope=\"row\">([^<]+)</th><td>([^<]+)", said)
    assert row is not None, said
    assert row.group(1) == "Hur nöjd är du sammantaget med vår verksamhet?"
    assert row.group(2).strip() == "2 av 10"
    assert "Vilken verksamhet gällde din senaste kontakt?" in said and "<td>Socialtjänst" in said
    contact = page[page.index('id="contact-h"') :]
    contact = contact[: contact.index("</section>")]
    assert "<dt>Ditt namn</dt><dd>Eva Persson</dd>" in contact
    assert "<dt>Telefonnummer</dt><dd>070-174 06 55</dd>" in contact
    assert "<dt>E-postadress</dt>" in contact
    for key in RAW_KEYS:
        assert key not in page, key


def test_the_lowest_score_reads_with_the_scale_end_label_in_english(
    personas: dict[str, Any], submit: Any, nki_rules: Any
) -> None:
    from kundpuls.web.cases.models import Case

    case = Case.objects.get(response_id=submit(1))
    response = _client(personas, "manager_a").get(f"/portal/arenden/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Overall, how satisfied are you with our service?" in page
    assert "1 of 10 (Very dissatisfied)" in page and "The customer left no comment." in page


def test_the_list_shows_reason_opened_unit_name_deadline_and_status_in_swedish(
    personas: dict[str, Any], case: Any
) -> None:
    page = _page(personas, "manager_a", "/portal/arenden/")
    header = re.findall(r'<th scope="col">([^<]+)</th>', page)
    assert header == ["Ärende", "Anledning", "Öppnat", "Enhet", "Senast", "Status", "Handläggare"]
    row = page[page.index(f">{case.pk}</a>") :]
    row = row[: row.index("</tr>")]
    # the text of each cell (the dates are <time> elements)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
    assert cells[0] == "Lågt helhetsbetyg"  # the rule's label, not low_overall
    assert cells[1] == case.opened_at.astimezone().strftime("%Y-%m-%d")
    assert cells[2] == case.unit.name and case.unit.code not in row
    assert cells[3].startswith(case.due_date.isoformat())
    assert cells[4] == "Ny"


def test_an_analyst_reads_cases_but_changes_none(personas: dict[str, Any], case: Any) -> None:
    from kundpuls.web.cases.models import Case

    assert f">{case.pk}</a>" in _page(personas, "analyst", "/portal/arenden/")
    page = _page(personas, "analyst", f"/portal/arenden/{case.pk}/")
    assert COMMENT in page and "070-174 06 55" not in page  # the answers, never the contact details
    assert 'name="action"' not in page and "Du läser ärendet" in page
    client = _client(personas, "analyst")
    for data in ({"action": "advance", "status": "contacted"}, {"action": "note", "text": "Ringde"}):
        refused = client.post(f"/portal/arenden/{case.pk}/atgard/", data, HTTP_ACCEPT_LANGUAGE="sv")
        assert refused.status_code == 403
        assert "Du får läsa ärendet men inte ändra det" in refused.content.decode()
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == "new" and not stored.notes.exists()


def test_a_viewer_is_told_that_the_role_has_no_cases(personas: dict[str, Any], case: Any) -> None:
    refused = _client(personas, "viewer").get("/portal/arenden/", HTTP_ACCEPT_LANGUAGE="sv")
    assert refused.status_code == 403
    assert "Din roll omfattar inte uppföljningsärenden" in refused.content.decode()


def test_an_erased_response_leaves_a_tombstone_page(
    personas: dict[str, Any], case: Any, settings: Any, tmp_path: Path
) -> None:
    from kundpuls.web.responses.actions import erase
    from kundpuls.web.responses.erasure import parse_subject

    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    erase(parse_subject(str(case.response.submission_id)), actor=CLI)
    page = _page(personas, "manager_a", f"/portal/arenden/{case.pk}/")
    assert "raderades" in page and COMMENT not in page and "Eva Persson" not in page


def test_a_manager_moves_the_due_date_on_the_case_page_and_a_bad_date_is_named(
    personas: dict[str, Any], case: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from kundpuls.web.cases.models import CaseEvent

    page = _page(personas, "manager_a", f"/portal/arenden/{case.pk}/")
    assert 'name="due_date"' in page and "Flytta sista dag" in page
    client = _client(personas, "manager_a")
    new_due = timezone.localdate(case.opened_at) + timedelta(days=10)
    client.post(f"/portal/arenden/{case.pk}/atgard/", {"action": "due_date", "due_date": new_due.isoformat()})
    case.refresh_from_db()
    assert case.due_date == new_due
    assert CaseEvent.objects.filter(case=case, kind="due_date").count() == 1
    for bad in ("2026-02-30", "imorgon", (new_due - timedelta(days=400)).isoformat()):
        answer = client.post(
            f"/portal/arenden/{case.pk}/atgard/",
            {"action": "due_date", "due_date": bad},
            HTTP_ACCEPT_LANGUAGE="sv",
            follow=True,
        )
        assert answer.status_code == 200
        assert "due_date" in answer.content.decode() and bad in answer.content.decode(), bad
        case.refresh_from_db()
        assert case.due_date == new_due
    # an analyst reads the case but cannot move its deadline
    refused = _client(personas, "analyst").post(
        f"/portal/arenden/{case.pk}/atgard/", {"action": "due_date", "due_date": new_due.isoformat()}
    )
    assert refused.status_code in (403, 404)
