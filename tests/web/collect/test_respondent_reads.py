"""The respondent pages read everything they need in one query per request, and read it fresh every time."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kundpuls.instruments import definition_to_dict, load_template, parse_definition
from kundpuls.web.collect.queries import respondent_target, response_by_receipt
from kundpuls.web.collect.state import RespondentState
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.actions import (
    close_distribution,
    close_survey,
    create_from_template,
    open_distribution,
    publish,
    save_definition,
)
from kundpuls.web.surveys.models import SurveyVersion

STATE = re.compile(r'name="state" value="([^"]+)"')


def _state_of(response: Any) -> RespondentState:
    match = STATE.search(response.content.decode())
    assert match, "every survey page carries its signed state"
    return RespondentState.read(match.group(1))


def _new_version(title: str) -> SurveyVersion:
    """A new version of the NKI survey that differs only in its title (a compatible change)."""
    data = definition_to_dict(load_template("nki"))
    data["title"] = {"sv": title, "en": title}
    return save_definition(parse_definition(data), owner=Unit.objects.get(code="EXK"), actor=CLI)


def test_a_new_published_version_is_served_to_the_next_respondent(nki_link: Any) -> None:
    first = _state_of(Client().get(nki_link.public_path))
    draft = _new_version("Ny version")
    assert (
        _state_of(Client().get(nki_link.public_path)).version_id == first.version_id
    )  # a draft is not served
    published = publish(draft, actor=CLI)
    page = Client().get(nki_link.public_path)
    assert _state_of(page).version_id == published.pk != first.version_id
    assert "Ny version" in page.content.decode()


def test_a_form_in_progress_keeps_its_version_after_a_new_one_is_published(nki_link: Any) -> None:
    page = Client().get(nki_link.public_path)
    state = _state_of(page)
    publish(_new_version("Ny version"), actor=CLI)
    back = Client().post(nki_link.public_path, {"state": state.dumps(), "action": "lang-en"})
    assert back.status_code == 200
    assert _state_of(back).version_id == state.version_id


def test_a_distribution_closed_between_two_pages_takes_no_more_answers(nki_link: Any) -> None:
    state = _state_of(Client().get(nki_link.public_path))
    close_distribution(nki_link, actor=CLI)
    response = Client().post(nki_link.public_path, {"state": state.dumps(), "action": "next"})
    assert response.status_code == 410
    assert Client().get(nki_link.public_path).status_code == 410
    assert Response.objects.count() == 0


def test_a_closed_survey_closes_its_links_at_once(nki_link: Any) -> None:
    assert Client().get(nki_link.public_path).status_code == 200
    close_survey(nki_link.survey, actor=CLI)
    assert Client().get(nki_link.public_path).status_code == 410


@pytest.mark.parametrize(
    ("opens", "closes", "status"),
    [(-1, 1, 200), (1, None, 403), (None, -1, 410)],
    ids=["open-window", "not-yet-open", "past-closing-time"],
)
def test_opening_and_closing_times_are_read_as_times(
    nki_link: Any, opens: int | None, closes: int | None, status: int
) -> None:
    now = timezone.now()
    close_distribution(nki_link, actor=CLI)
    link = open_distribution(
        nki_link.survey,
        nki_link.unit,
        opens_at=now + timedelta(hours=opens) if opens is not None else None,
        closes_at=now + timedelta(hours=closes) if closes is not None else None,
        actor=CLI,
    )
    target = respondent_target(link.token)
    assert target is not None
    assert target.distribution.closes_at == link.closes_at
    assert target.distribution.opens_at == link.opens_at
    assert Client().get(link.public_path).status_code == status


def test_a_state_naming_a_draft_or_another_surveys_version_is_refused(nki_link: Any) -> None:
    state = _state_of(Client().get(nki_link.public_path))
    draft = _new_version("Utkast")
    other = publish(create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
    for version_id in (draft.pk, other.pk):
        forged = RespondentState(state.submission_id, nki_link.pk, version_id, state.page, "sv", {})
        response = Client().post(nki_link.public_path, {"state": forged.dumps(), "action": "next"})
        assert response.status_code == 400
    assert Response.objects.count() == 0


def test_one_query_per_page_and_for_the_receipt(nki_link: Any, django_assert_num_queries: Any) -> None:
    client = Client()
    with django_assert_num_queries(1):
        page = client.get(nki_link.public_path)
    with django_assert_num_queries(1):
        assert client.post(nki_link.public_path, {"state": _state_of(page).dumps(), "action": "lang-en"})
    stored = Response.objects.create(
        submission_id=uuid.uuid4(),
        survey=nki_link.survey,
        version=SurveyVersion.objects.get(survey=nki_link.survey),
        distribution=nki_link,
        unit=nki_link.unit,
        channel=nki_link.channel,
        submitted_at=timezone.now(),
    )
    with django_assert_num_queries(1):
        thanks = client.get(f"/s/{nki_link.token}/tack/{stored.receipt}/")
    assert thanks.status_code == 200
    assert stored.receipt in thanks.content.decode()


def test_a_receipt_is_found_only_through_its_own_link(nki_link: Any) -> None:
    version = SurveyVersion.objects.get(survey=nki_link.survey)
    other = open_distribution(nki_link.survey, Unit.objects.get(code="KFF-BIB-HUV"), actor=CLI)
    ids = [
        uuid.UUID("0123abcd" + "0" * 24),
        uuid.UUID("0123abcd" + "f" * 24),
        uuid.UUID("0123abce" + "0" * 24),
    ]
    for submission_id, link in zip(ids, (nki_link, nki_link, other), strict=True):
        Response.objects.create(
            submission_id=submission_id,
            survey=nki_link.survey,
            version=version,
            distribution=link,
            unit=link.unit,
            channel=link.channel,
            submitted_at=timezone.now(),
        )
    found = response_by_receipt(nki_link.token, "0123ABCD")
    assert found is not None and found.submission_id in ids[:2]
    assert found.version.pk == version.pk and found.version.published_at == version.published_at
    assert response_by_receipt(other.token, "0123ABCD") is None  # another unit's link
    assert response_by_receipt(other.token, "0123abce") is not None
    assert response_by_receipt(nki_link.token, "0123ABC") is None
    assert response_by_receipt(nki_link.token, "0123ABCG") is None
    assert response_by_receipt("finns-inte", "0123ABCD") is None
    assert Client().get(f"/s/{other.token}/tack/0123ABCD/").status_code == 404


def test_the_receipt_is_looked_up_by_the_range_of_the_submission_id_index(nki_link: Any) -> None:
    from django.db import connection

    from kundpuls.web.collect.queries import _receipt_sql

    if connection.vendor != "sqlite":
        pytest.skip("the query plan is SQLite's (PostgreSQL plans with statistics)")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {_receipt_sql(connection.vendor)}", ["a" * 32, "b" * 32, "token"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert (
        "SEARCH r USING INDEX sqlite_autoindex_responses_response_1 (submission_id>? AND submission_id<?)"
        in plan
    )
