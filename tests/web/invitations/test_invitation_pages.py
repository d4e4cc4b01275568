"""The personal link: single use, hashed, resumable between pages, refused politely when spent."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from kundpuls.instruments import first_page_key, next_page_key
from kundpuls.web.invitations.models import Invitation, InvitationBackground
from kundpuls.web.invitations.tokens import hash_token, token_for
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.queries import current_version, definition_of

STATE = re.compile(r'name="state" value="([^"]+)"')


def _state(html: str) -> str:
    match = STATE.search(html)
    assert match, "every survey page carries its signed state"
    return match.group(1)


def _invitation(address: str) -> tuple[Invitation, str]:
    invitation = Invitation.objects.select_related("survey").get(contact__email=address)
    return invitation, f"/i/{token_for(invitation.submission_id)}/"


def _post(client: Client, url: str, html: str, data: dict[str, Any]) -> Any:
    return client.post(url, {**data, "state": _state(html), "action": "next"})


def _coerce(data: dict[str, Any]) -> dict[str, Any]:
    return {k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in data.items()}


def _finish(
    client: Client,
    url: str,
    html: str,
    definition: Any,
    key: str | None,
    answers: dict[str, Any],
    answer_page: Any,
) -> Any:
    while key is not None:
        data = answer_page(definition, key, answers)
        response = _post(client, url, html, data)
        answers.update(_coerce(data))
        key = next_page_key(definition, key, answers)
        if response.status_code == 302:
            return response
        assert response.status_code == 200
        html = response.content.decode()
    raise AssertionError("the survey never ended")


def test_only_the_hash_of_the_token_is_stored(invited: Any) -> None:
    invitation, url = _invitation("anna@example.se")
    token = url.split("/")[2]
    assert invitation.token_hash == hash_token(token)
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())


def test_the_link_opens_the_survey_in_the_recipients_language(invited: Any) -> None:
    _, url = _invitation("bo@example.se")
    response = Client().get(url)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert response.headers["Content-Language"] == "en"


def test_answers_are_saved_between_pages_and_the_link_resumes_where_the_respondent_left(
    invited: Any, answer_page: Any
) -> None:
    invitation, url = _invitation("anna@example.se")
    definition = definition_of(current_version(invited))
    first = first_page_key(definition, {})
    assert first is not None
    page = Client().get(url)
    data = answer_page(definition, first, {})
    second_page = _post(Client(), url, page.content.decode(), data)
    assert second_page.status_code == 200
    second = next_page_key(definition, first, _coerce(data))
    invitation.refresh_from_db()
    assert invitation.progress is not None
    assert invitation.progress["page"] == second
    assert invitation.progress["answers"] == _coerce(data)

    later = Client().get(url)  # another day, another browser: same page, same answers
    html = later.content.decode()
    assert later.status_code == 200
    resumed_first = Client().post(url, {"state": _state(html), "action": "back"})
    assert resumed_first.status_code == 200
    for value in [v for v in data.values() if isinstance(v, str) and v.isdigit()][:1]:
        assert (
            f'value="{value}" checked' in resumed_first.content.decode()
            or value in resumed_first.content.decode()
        )

    final = _finish(Client(), url, html, definition, second, _coerce(data), answer_page)
    assert final["Location"] == f"{url}tack/"
    invitation.refresh_from_db()
    stored = Response.objects.get(submission_id=invitation.submission_id)
    assert invitation.response == stored and invitation.answered_at is not None
    assert invitation.progress is None
    assert stored.channel == "invitation" and stored.unit.code == "VOF-HT-N"
    assert InvitationBackground.objects.get(response=stored).data == {
        "age_group": "65-79",
        "customer_type": "ny",
    }
    assert "anna" not in str(stored.answers).lower()
    thanks = Client().get(final["Location"])
    assert stored.receipt in thanks.content.decode()


def test_a_second_completion_is_refused_politely(invited: Any, answer_page: Any) -> None:
    invitation, url = _invitation("anna@example.se")
    definition = definition_of(current_version(invited))
    page = Client().get(url)
    old_html = page.content.decode()
    _finish(Client(), url, old_html, definition, first_page_key(definition, {}), {}, answer_page)
    again = Client().get(url)
    assert again.status_code == 409
    assert "redan svarat" in again.content.decode()
    replay = _post(Client(), url, old_html, answer_page(definition, first_page_key(definition, {}) or "", {}))
    assert replay.status_code == 409
    assert Response.objects.filter(submission_id=invitation.submission_id).count() == 1


def test_forged_and_unknown_tokens_find_nothing(invited: Any) -> None:
    _, url = _invitation("anna@example.se")
    token = url.split("/")[2]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (forged, "x" * 32, "kort", token.upper() if token.upper() != token else token.lower()):
        response = Client().get(f"/i/{bad}/")
        assert response.status_code == 404, bad
        assert "Länken hittades inte" in response.content.decode()


def test_an_expired_link_is_refused(invited: Any) -> None:
    invitation, url = _invitation("anna@example.se")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(url)
    assert response.status_code == 410
    assert "inte längre giltig" in response.content.decode()


def test_a_state_from_another_invitation_stores_nothing(invited: Any, answer_page: Any) -> None:
    _, anna_url = _invitation("anna@example.se")
    _, bo_url = _invitation("bo@example.se")
    definition = definition_of(current_version(invited))
    first = first_page_key(definition, {}) or ""
    bo_page = Client().get(bo_url).content.decode()
    response = _post(Client(), anna_url, bo_page, answer_page(definition, first, {}))
    assert response.status_code == 302 and response["Location"] == anna_url
    assert Invitation.objects.get(contact__email="anna@example.se").progress is None


def test_the_invitation_distribution_has_no_open_link(invited: Any) -> None:
    invitation, _ = _invitation("anna@example.se")
    assert Client().get(invitation.distribution.public_path).status_code == 404


def test_unsubscribing_needs_no_login_and_only_a_post_records_it(invited: Any) -> None:
    invitation, url = _invitation("bo@example.se")
    asked = Client().get(f"{url}avregistrera/")
    assert asked.status_code == 200 and "<form" in asked.content.decode()
    invitation.refresh_from_db()
    assert invitation.opted_out_at is None
    done = Client().post(f"{url}avregistrera/")
    assert done.status_code == 200
    assert "no more mail" in done.content.decode()
    invitation.refresh_from_db()
    assert invitation.opted_out_at is not None


def test_switching_language_is_remembered_for_the_next_visit(invited: Any) -> None:
    invitation, url = _invitation("anna@example.se")
    page = Client().get(url).content.decode()
    switched = Client().post(url, {"state": _state(page), "action": "lang-en"})
    assert '<html lang="en">' in switched.content.decode()
    invitation.refresh_from_db()
    assert invitation.progress is not None and invitation.progress["language"] == "en"
    assert '<html lang="en">' in Client().get(url).content.decode()


def test_a_response_stored_before_a_crash_still_marks_the_invitation_answered(invited: Any) -> None:
    invitation, url = _invitation("bo@example.se")
    Response.objects.create(  # the response committed, then the process died before record_answer
        submission_id=invitation.submission_id,
        survey=invitation.survey,
        version=current_version(invitation.survey),
        distribution=invitation.distribution,
        unit=invitation.unit,
        channel="invitation",
        language="en",
        submitted_at=timezone.now(),
        answers={"nki_helhet": 7},
    )
    response = Client().get(url)
    assert response.status_code == 409
    invitation.refresh_from_db()
    assert invitation.answered_at is not None and invitation.response is not None
