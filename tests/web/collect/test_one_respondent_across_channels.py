"""One respondent across channels: an invited person answers on the web, on paper or by phone — staff type
the personal reference printed on the invitation — and is stored once, under the invitation's submission
id; whichever channel comes second stores nothing new and says so."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kundpuls.instruments import first_page_key, next_page_key
from kundpuls.web.invitations.actions import import_recipients
from kundpuls.web.invitations.models import Invitation
from kundpuls.web.invitations.recipients import table_from_text
from kundpuls.web.invitations.tokens import token_for
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.paper.models import PaperForm
from kundpuls.web.paper.printing import print_questionnaires
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import current_version, definition_of

STATE = re.compile(r'name="state" value="([^"]+)"')
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
PHONE = "/portal/telefon/nki/VOF-HT-N/"
PAPER = "/portal/papper/nki/VOF-HT-N/"
FORM = {"tjanst": "skola", "nki_helhet": "4", "nki_forvantan": "4", "kon": "woman", "kontakt_ok": "no"}


def _staff(personas: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(personas["analyst"], backend=BACKEND)
    return client


def _walk(client: Client, url: str, fill: Any, *, start: str | None = None) -> Any:
    """Answer every page of the NKI at ``url`` (from ``start``, a GET), as a browser would."""
    definition = definition_of(current_version(Survey.objects.get(key="nki")))  # type: ignore[arg-type]
    page = client.get(start or url)
    assert page.status_code == 200, page.content.decode()[:500]
    answers: dict[str, Any] = {}
    key = first_page_key(definition, answers)
    while True:
        data = fill(definition, key, answers)
        state = STATE.search(page.content.decode()).group(1)  # type: ignore[union-attr]
        page = client.post(url, {**data, "state": state, "action": "next"})
        for k, v in data.items():
            answers[k] = int(v) if isinstance(v, str) and v.isdigit() else v
        key = next_page_key(definition, key, answers)
        if page.status_code == 302:
            return page
        assert page.status_code == 200 and 'class="errors"' not in page.content.decode()


def _error(answer: Any) -> str:
    html = answer.content.decode()
    start = html.index('class="errors"')
    return html[start : html.index("</div>", start)]


def _paper(client: Client, reference: str) -> str:
    unit = Unit.objects.get(code="VOF-HT-N")
    survey = Survey.objects.get(key="nki")
    (form_id,) = print_questionnaires(survey, unit, copies=1, language="sv", actor=CLI).form_ids
    done = client.post(PAPER, {"form_id": form_id, "reference": reference.lower(), **FORM}, follow=True)
    assert done.status_code == 200, done.content.decode()[:800]
    return done.content.decode()


@pytest.fixture
def invited() -> list[Invitation]:
    survey = Survey.objects.get(key="nki")
    rows = "\n".join(f"person{i}@example.se;VOF-HT-N" for i in range(3))
    import_recipients(survey, table_from_text(f"email;unit\n{rows}\n"), actor=CLI)
    people = list(Invitation.objects.filter(survey=survey).order_by("pk"))
    assert len(people) == 3 and len({p.reference for p in people}) == 3
    assert all(re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", p.reference) for p in people)
    return people


@pytest.mark.django_db
def test_each_invited_person_is_stored_once_whichever_channel_comes_first(
    personas: dict[str, Any], fill: Any, invited: list[Invitation]
) -> None:
    web_first, paper_first, phone_first = invited
    staff = _staff(personas)
    staff.post(PHONE, {"action": "start"})

    # 1. The web first; then paper and phone with the same reference store nothing.
    _walk(Client(), f"/i/{token_for(web_first.submission_id)}/", fill)
    stored = Response.objects.get(submission_id=web_first.submission_id)
    assert stored.channel == "invitation"
    assert "har redan svarat på annat sätt" in _paper(staff, web_first.reference)
    again = staff.get(f"{PHONE}?referens={web_first.reference}", follow=True).content.decode()
    assert "har redan svarat" in again and f"kvitto {stored.receipt}" in again
    assert Response.objects.count() == 1

    # 2. Paper first: stored under the invitation, which is answered; the link is then refused.
    assert "är sparat" in _paper(staff, paper_first.reference)
    on_paper = Response.objects.get(submission_id=paper_first.submission_id)
    assert on_paper.channel == "paper" and on_paper.unit.code == "VOF-HT-N"
    paper_first.refresh_from_db()
    assert paper_first.answered_at is not None and paper_first.response_id == on_paper.pk
    refused = Client().get(f"/i/{token_for(paper_first.submission_id)}/").content.decode()
    assert 'name="state"' not in refused
    assert (
        "har redan svarat"
        in staff.get(f"{PHONE}?referens={paper_first.reference}", follow=True).content.decode()
    )
    assert Response.objects.count() == 2

    # 3. The phone first: the interviewer types the reference; paper afterwards stores nothing.
    _walk(staff, PHONE, fill, start=f"{PHONE}?referens={phone_first.reference}")
    by_phone = Response.objects.get(submission_id=phone_first.submission_id)
    assert by_phone.channel == "phone"
    assert "har redan svarat på annat sätt" in _paper(staff, phone_first.reference)
    assert 'name="state"' not in Client().get(f"/i/{token_for(phone_first.submission_id)}/").content.decode()
    assert Response.objects.count() == 3
    assert (
        PaperForm.objects.filter(response__isnull=False).count() == 3
    )  # every printed form is accounted for


@pytest.mark.django_db
def test_a_phone_interview_that_loses_the_race_with_the_web_stores_nothing_new(
    personas: dict[str, Any], fill: Any, invited: list[Invitation]
) -> None:
    person = invited[0]
    staff = _staff(personas)
    staff.post(PHONE, {"action": "start"})
    start = staff.get(f"{PHONE}?referens={person.reference}")
    assert person.reference in start.content.decode()  # the interviewer sees whose interview it is
    _walk(Client(), f"/i/{token_for(person.submission_id)}/", fill)  # meanwhile, on the web
    definition = definition_of(current_version(Survey.objects.get(key="nki")))  # type: ignore[arg-type]
    page, answers = start, {}
    key = first_page_key(definition, answers)
    while True:
        data = fill(definition, key, answers)
        state = STATE.search(page.content.decode()).group(1)  # type: ignore[union-attr]
        page = staff.post(PHONE, {**data, "state": state, "action": "next"})
        answers.update({k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in data.items()})
        key = next_page_key(definition, key, answers)
        if page.status_code == 302:
            break
    told = staff.get(PHONE).content.decode()
    assert "inget nytt sparades" in told
    assert Response.objects.filter(submission_id=person.submission_id).get().channel == "invitation"


@pytest.mark.django_db
def test_a_wrong_reference_is_named_and_nothing_stored(
    personas: dict[str, Any], invited: list[Invitation]
) -> None:
    staff = _staff(personas)
    survey = Survey.objects.get(key="nki")
    (form_id,) = print_questionnaires(
        survey, Unit.objects.get(code="VOF-HT-N"), copies=1, language="sv", actor=CLI
    ).form_ids
    for bad in ("ZZZZ-ZZZZ", "x9"):
        answer = staff.post(PAPER, {"form_id": form_id, "reference": bad, **FORM})
        assert answer.status_code == 400 and "reference" in _error(answer) and bad in _error(answer)
    staff.post(PHONE, {"action": "start"})
    told = staff.get(f"{PHONE}?referens=ZZZZ-ZZZZ", follow=True).content.decode()
    assert "ZZZZ-ZZZZ" in told and 'name="state"' in told  # back at a fresh interview
    other = Invitation.objects.filter(pk=invited[0].pk)
    other.update(unit=Unit.objects.get(code="VOF-HT-S"))
    answer = staff.post(PAPER, {"form_id": form_id, "reference": invited[0].reference, **FORM})
    assert answer.status_code == 400 and "VOF-HT-S" in _error(answer)
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_after_an_erasure_the_old_reference_stands_for_no_one(
    personas: dict[str, Any], invited: list[Invitation], settings: Any, tmp_path: Any
) -> None:
    from kundpuls.reports import cache as report_cache
    from kundpuls.web.responses.actions import erase
    from kundpuls.web.responses.erasure import parse_subject

    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    report_cache.clear()
    person = invited[0]
    old = person.reference
    erase(parse_subject("person0@example.se"), actor=CLI)
    person.refresh_from_db()
    assert person.reference != old
    staff = _staff(personas)
    (form_id,) = print_questionnaires(
        Survey.objects.get(key="nki"), Unit.objects.get(code="VOF-HT-N"), copies=1, language="sv", actor=CLI
    ).form_ids
    answer = staff.post(PAPER, {"form_id": form_id, "reference": old, **FORM})
    assert answer.status_code == 400 and old in _error(answer) and not Response.objects.exists()
