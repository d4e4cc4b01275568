"""``POST /api/v1/responses/``: responses from other systems, validated like the pages, stored once."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from kundpuls.web.org.actors import CLI

pytestmark = pytest.mark.django_db


def _answers(score: int, **more: Any) -> dict[str, Any]:
    return {"tjanst": "socialtjanst", "nki_helhet": score, "nki_forvantan": score, "nki_ideal": score, **more}


def _post(body: Any, token: str | None, **headers: str) -> Any:
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    extra.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    data = body if isinstance(body, str) else json.dumps(body)
    return Client(enforce_csrf_checks=True).post(
        "/api/v1/responses/", data=data, content_type="application/json", **extra
    )


def _token(user: Any) -> str:
    from kundpuls.web.api.actions import create_token

    return create_token(user, "kiosk", actor=CLI)[1]


def test_a_batch_is_stored_once_however_often_it_is_sent(personas: dict[str, Any]) -> None:
    from kundpuls.web.responses.models import Response
    from kundpuls.web.surveys.models import Channel

    token = _token(personas["analyst"])
    batch = {
        "survey": "nki",
        "responses": [
            {"unit": "VOF-HT-N", "submission_id": str(uuid.uuid4()), "answers": _answers(8)},
            {
                "unit": "VOF-HT-S",
                "submission_id": str(uuid.uuid4()),
                "answers": _answers(4, kommentar="Personalen var otrevlig, ring mig på 070-123 45 67"),
                "language": "en",
                "submitted_at": "2026-11-02T09:30:00+01:00",
            },
        ],
    }
    first = _post(batch, token)
    assert first.status_code == 201, first.content
    assert first.json() == {"stored": 2, "already_stored": 0}
    again = _post(batch, token)  # a retry stores nothing twice
    assert again.status_code == 200 and again.json() == {"stored": 0, "already_stored": 2}
    stored = Response.objects.filter(channel=Channel.API).order_by("unit__code")
    assert [r.unit.code for r in stored] == ["VOF-HT-N", "VOF-HT-S"]
    south = stored[1]
    assert south.language == "en" and south.submitted_at.isoformat() == "2026-11-02T08:30:00+00:00"
    assert "070-123 45 67" not in json.dumps(south.answers, ensure_ascii=False)  # redacted as on the pages


def test_one_bad_response_stores_none_and_every_problem_is_named_in_the_users_language(
    personas: dict[str, Any],
) -> None:
    from kundpuls.web.responses.models import Response

    token = _token(personas["analyst"])
    batch = {
        "survey": "nki",
        "responses": [
            {"unit": "VOF-HT-N", "submission_id": str(uuid.uuid4()), "answers": _answers(8)},
            {"unit": "VOF-HT-N", "submission_id": str(uuid.uuid4()), "answers": _answers(11)},
            {"unit": "FINNS-INTE", "submission_id": str(uuid.uuid4()), "answers": _answers(5)},
            {"unit": "VOF-HT-N", "submission_id": "nej", "answers": _answers(5)},
            {"unit": "VOF-HT-N", "submission_id": str(uuid.uuid4()), "answers": _answers(5),
             "submitted_at": "2026-11-02T09:30:00"},
        ],
    }  # fmt: skip
    refused = _post(batch, token, **{"Accept-Language": "sv"})
    assert refused.status_code == 400
    error = refused.json()["error"]
    problems = {(p["row"], p["field"]) for p in error["problems"]}
    assert {(2, "nki_helhet"), (3, "unit"), (4, "submission_id"), (5, "submitted_at")} <= problems
    assert all(p["row"] != 1 for p in error["problems"])
    helhet = next(p for p in error["problems"] if p["field"] == "nki_helhet")
    assert helhet["value"] == 11 and "11" in helhet["message"]
    assert Response.objects.count() == 0


def test_writes_need_a_token_and_the_right_to_manage_the_units_surveys(personas: dict[str, Any]) -> None:
    batch = {
        "survey": "nki",
        "responses": [{"unit": "VOF-HT-N", "submission_id": str(uuid.uuid4()), "answers": _answers(8)}],
    }
    assert _post(batch, _token(personas["manager_a"])).status_code == 403  # may read, not write
    session = Client(enforce_csrf_checks=True)
    session.force_login(personas["analyst"], backend="kundpuls.web.accounts.backends.EmailBackend")
    by_cookie = session.post("/api/v1/responses/", data=json.dumps(batch), content_type="application/json")
    assert by_cookie.status_code == 401  # a browser session cannot write, so no cross-site request can
    assert _post("not json", _token(personas["analyst"])).json()["error"]["field"] == "body"
    empty = _post({"survey": "nki", "responses": []}, _token(personas["analyst"])).json()["error"]
    assert empty["field"] == "responses" and empty["value"] == 0
    assert _post({"survey": "finns-inte", "responses": []}, _token(personas["analyst"])).status_code == 404
    assert Client().get("/api/v1/responses/").status_code == 405
    region = {**batch, "responses": [{**batch["responses"][0], "unit": "RGX-VC-CEN"}]}
    outside = _post(region, _token(personas["admin"])).json()["error"]  # the municipality's survey
    assert outside["field"] == "unit" and outside["value"] == "RGX-VC-CEN"


def test_a_dissatisfied_respondent_who_consented_gets_a_case(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from kundpuls.web.cases.actions import save_rules
    from kundpuls.web.cases.models import Case
    from kundpuls.web.surveys.models import Survey

    rules = {"rules": [{"key": "low", "when": [{"item": "nki_helhet", "at_most": 3}]}]}
    save_rules(Survey.objects.get(key="nki"), rules, actor=CLI)
    contact = {"kontakt_ok": True, "kontakt_namn": "Eva", "kontakt_telefon": "070-174 06 55"}
    batch = {
        "survey": "nki",
        "responses": [
            {"unit": "VOF-HT-N", "submission_id": str(uuid.uuid4()), "answers": _answers(2, **contact)}
        ],
    }
    token = _token(personas["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(batch, token).status_code == 201
    assert Case.objects.get().rules == ["low"]


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-02-30T10:00:00+01:00",  # no such day
        "2026-03-01T25:00:00+01:00",  # no such hour
        "2026-03-01T10:00:00+25:00",  # no such offset
        "0001-01-01T00:00:00+01:00",  # before the first representable UTC time
    ],
)
def test_an_impossible_submitted_at_is_a_400_naming_the_field_and_the_value(
    personas: dict[str, Any], stamp: str
) -> None:
    batch = {
        "survey": "nki",
        "responses": [
            {
                "unit": "VOF-HT-N",
                "submission_id": str(uuid.uuid4()),
                "answers": _answers(8),
                "submitted_at": stamp,
            }
        ],
    }  # fmt: skip
    refused = _post(batch, _token(personas["analyst"]))
    assert refused.status_code == 400
    problem = refused.json()["error"]["problems"][0]
    assert (problem["field"], problem["value"]) == ("submitted_at", stamp)


def test_a_deeply_nested_body_is_refused_before_parsing_naming_the_depth(personas: dict[str, Any]) -> None:
    body = '{"survey": "nki", "responses": ' + "[" * 100_000 + "]" * 100_000 + "}"
    refused = _post(body, _token(personas["analyst"]))
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["field"] == "body" and error["value"] > 32
    brackets_in_text = {"survey": "nki", "responses": [{"unit": "[[[[" * 40, "submission_id": "x"}]}
    assert _post(brackets_in_text, _token(personas["analyst"])).json()["error"]["field"] != "body"


def test_a_token_without_the_right_to_write_is_refused_before_the_body_is_read(
    personas: dict[str, Any],
) -> None:
    body = "[" * 100_000 + "]" * 100_000
    refused = _post(body, _token(personas["viewer"]))
    assert refused.status_code == 403


def test_a_batch_cannot_attach_contact_details_to_a_response_stored_before(personas: dict[str, Any]) -> None:
    from kundpuls.web.responses.models import ContactDetails, Response

    token = _token(personas["analyst"])
    earlier = {"unit": "VOF-HT-N", "submission_id": str(uuid.uuid4()), "answers": _answers(8)}
    assert _post({"survey": "nki", "responses": [earlier]}, token).status_code == 201
    contact = {"kontakt_ok": True, "kontakt_namn": "Angripare", "kontakt_epost": "angripare@example.com"}
    intruding = {**earlier, "answers": _answers(8, **contact)}  # the stored one's id, now with contact data
    new = {"unit": "VOF-HT-N", "submission_id": str(uuid.uuid4()), "answers": _answers(9)}
    answer = _post({"survey": "nki", "responses": [new, intruding]}, token)
    assert answer.status_code == 201 and answer.json() == {"stored": 1, "already_stored": 1}
    stored_before = Response.objects.get(submission_id=earlier["submission_id"])
    assert not ContactDetails.objects.filter(response=stored_before).exists()
    assert not stored_before.consented and not stored_before.followup_pending


@pytest.mark.parametrize("text", ["nki\u0000", "nki\ud8f6"], ids=["nul", "lone-surrogate"])
def test_text_that_cannot_be_stored_is_a_400_naming_the_body(personas: dict[str, Any], text: str) -> None:
    """Found by schemathesis on PostgreSQL: a NUL in any string of a batch was a 500 (text cannot hold it)."""
    token = _token(personas["analyst"])
    row = {"unit": "VOF-HT-N", "submission_id": str(uuid.uuid4()), "answers": _answers(8, kommentar=text)}
    for body in ({"survey": text, "responses": [row]}, {"survey": "nki", "responses": [row]}):
        answer = _post(json.dumps(body), token)
        assert answer.status_code == 400, answer.content
        assert answer.json()["error"]["field"] == "body"
