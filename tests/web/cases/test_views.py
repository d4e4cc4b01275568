"""Case pages per persona; the respondent's contact details only for the assignee, managers and admins."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client

from kundpuls.web.org.actors import CLI

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
PHONE = "070-174 06 55"


def _client(personas: dict[str, Any], who: str) -> Client:
    client = Client()
    if personas[who] is not None:
        client.force_login(personas[who], backend=BACKEND)
    return client


@pytest.fixture
def case(nki_rules: Any, submit: Any) -> Any:
    from kundpuls.web.cases.models import Case

    return Case.objects.get(response_id=submit(1))


@pytest.mark.parametrize(
    ("who", "status", "sees_contact"),
    [
        ("admin", 200, True),
        ("analyst", 200, False),  # reads the case, never the contact details
        ("manager_a", 200, True),
        ("manager_b", 403, False),
        ("viewer", 403, False),
    ],
)
def test_contact_details_show_only_to_those_who_follow_up(
    personas: dict[str, Any], case: Any, who: str, status: int, sees_contact: bool
) -> None:
    from kundpuls.web.cases.queries import contact_for

    response = _client(personas, who).get(f"/portal/arenden/{case.pk}/")
    assert response.status_code == status
    assert (PHONE in response.content.decode()) is sees_contact
    assert (contact_for(personas[who], case) is not None) is sees_contact


def test_contact_details_are_hidden_once_the_case_is_closed(personas: dict[str, Any], case: Any) -> None:
    from kundpuls.web.cases import actions
    from kundpuls.web.cases.queries import contact_for

    actions.close_without_contact(case, "Nåddes inte", actor=personas["manager_a"])
    page = _client(personas, "manager_a").get(f"/portal/arenden/{case.pk}/")
    assert page.status_code == 200 and PHONE not in page.content.decode()
    assert contact_for(personas["admin"], case) is None


def test_the_assignee_sees_the_contact_and_a_handler_who_is_neither_does_not(
    personas: dict[str, Any], case: Any, django_user_model: Any
) -> None:
    from kundpuls.web.cases import actions
    from kundpuls.web.cases.queries import may_see_contact
    from kundpuls.web.org.actions import grant_role
    from kundpuls.web.org.models import Unit

    helper = django_user_model.objects.create(email="handlaggare@kundpuls.example")
    grant_role(helper, Unit.objects.get(code="VOF"), "admin", actor=CLI)  # an admin role, not superuser
    assert may_see_contact(helper, case)
    other = django_user_model.objects.create(email="annan@kundpuls.example")
    assert not may_see_contact(other, case)
    actions.assign(case, helper, actor=personas["manager_a"])
    assert may_see_contact(helper, case)


def test_a_manager_moves_the_case_through_the_form(personas: dict[str, Any], case: Any) -> None:
    client = _client(personas, "manager_a")
    url = f"/portal/arenden/{case.pk}/atgard/"
    assert client.post(url, {"action": "advance", "status": "contacted"}).status_code == 302
    client.post(
        url,
        {
            "action": "advance",
            "status": "resolved",
            "root_causes": ["bemotande"],
            "improvement": "Nya rutiner",
        },
    )
    case.refresh_from_db()
    assert case.status == "resolved" and case.improvement == "Nya rutiner"
    assert (
        _client(personas, "manager_b").post(url, {"action": "advance", "status": "closed"}).status_code == 403
    )


def test_the_case_list_flags_overdue_cases(personas: dict[str, Any], case: Any) -> None:
    from kundpuls.web.cases.models import Case

    Case.objects.filter(pk=case.pk).update(due_date=datetime(2020, 1, 2, tzinfo=UTC).date())
    page = _client(personas, "manager_a").get("/portal/arenden/", HTTP_ACCEPT_LANGUAGE="sv")
    assert page.status_code == 200
    body = page.content.decode()
    assert "overdue" in body and "Försenat" in body
    assert (
        'data-label="Status">Ny</td>' in body and ">new</td>" not in body
    )  # the status in words, in Swedish


def test_you_said_we_did_has_no_personal_data_and_exports(personas: dict[str, Any], case: Any) -> None:
    from kundpuls.web.cases import actions

    manager = personas["manager_a"]
    actions.advance(case, "contacted", actor=manager)
    actions.advance(case, "resolved", actor=manager, root_causes=["bemotande"], improvement="Utbildning")
    actions.advance(case, "closed", actor=manager)
    client = _client(personas, "viewer")
    year = case.closed_at.year
    query = f"?start={year}-01-01&end={year}-12-31"
    page = client.get(f"/portal/arenden/ni-sa-vi-gjorde/VOF-HT-N/{query}")
    body = page.content.decode()
    assert page.status_code == 200 and "Utbildning" in body and PHONE not in body and "Eva" not in body
    data = client.get(f"/portal/arenden/ni-sa-vi-gjorde/VOF/{query}&format=json").json()
    assert data["closed"] == 1 and data["by_root_cause"][0]["root_cause"] == "bemotande"
    download = client.get(f"/portal/arenden/ni-sa-vi-gjorde/VOF/{query}&format=csv")
    csv_text = download.content.decode()
    named = unquote(download["Content-Disposition"])
    assert named.endswith("''Ni sa, vi gjorde, Vård- och omsorgsförvaltningen.csv")
    assert PHONE not in csv_text
    rows = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert rows[0] == ["Enhet", "Från", "Till", "Grundorsak", "Avslutade ärenden", "Vad vi gjorde"]
    assert rows[1][0] == "Vård- och omsorgsförvaltningen" and rows[1][3] == "Bemötande"
    assert rows[1][4:] == ["1", "Utbildning"]


def test_an_analyst_edits_rules_and_sees_errors_with_their_path(personas: dict[str, Any]) -> None:
    client = _client(personas, "analyst")
    bad = client.post(
        "/portal/arenden/regler/nki/", {"rules": "rules:\n  - key: x\n    when: [{item: nope, at_most: 1}]\n"}
    )
    assert bad.status_code == 400 and "rules[0].when[0].item" in bad.content.decode()
    good = client.post(
        "/portal/arenden/regler/nki/",
        {"rules": '{"rules": [{"key": "x", "when": [{"item": "nki_helhet", "at_most": 2}]}]}'},
    )
    assert good.status_code == 302
    assert _client(personas, "manager_a").get("/portal/arenden/regler/nki/").status_code == 403


def test_the_case_page_names_rules_root_causes_steps_and_events_in_words(
    personas: dict[str, Any], case: Any
) -> None:
    from kundpuls.web.cases import actions

    manager = personas["manager_a"]
    actions.advance(case, "contacted", actor=manager)
    actions.advance(case, "resolved", actor=manager, root_causes=["vantetid"], improvement="Ny telefontid")
    body = _client(personas, "manager_a").get(f"/portal/arenden/{case.pk}/", HTTP_ACCEPT_LANGUAGE="sv")
    page = body.content.decode()
    facts = page[page.index('<dl class="facts">') : page.index("</dl>")]
    assert "Lågt helhetsbetyg" in facts and "low_overall" not in facts  # the rule's label
    assert "Väntetid" in facts and "vantetid" not in facts  # the theme's name
    log = page[page.index('id="log-h"') :]
    assert "Öppnat" in log and "Kontaktad" in log and ">opened<" not in log
    assert "Nästa steg: Avslutad" in page  # a case's own word, not "Stängd" (a closed unit or survey)
    actions.advance(case, "closed", actor=manager)
    closed = _client(personas, "manager_a").get(f"/portal/arenden/{case.pk}/", HTTP_ACCEPT_LANGUAGE="sv")
    text = closed.content.decode()
    assert "<dd>Avslutad</dd>" in text and "Stängd" not in text
    assert '<td data-label="Vad">Avslutat</td>' in text


def test_you_said_we_did_refuses_a_period_it_cannot_read_naming_it(personas: dict[str, Any]) -> None:
    client = _client(personas, "viewer")
    base = "/portal/arenden/ni-sa-vi-gjorde/VOF-HT-N/"
    for query, expected in (
        ("?start=2026-13-01", "start: '2026-13-01' är inget datum (ÅÅÅÅ-MM-DD)"),
        ("?start=2026-06-01&end=2026-01-31&format=csv", "end: 2026-01-31 ligger före start 2026-06-01"),
    ):
        answer = client.get(base + query, HTTP_ACCEPT_LANGUAGE="sv")
        assert answer.status_code == 400 and answer.content.decode() == expected
