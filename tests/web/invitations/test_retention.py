"""Retention: contact data are deleted a set time after the survey closes; answers and rates remain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

from django.utils import timezone

from kundpuls.web.invitations.actions import apply_retention, record_answer, retention_days
from kundpuls.web.invitations.models import Invitation, InvitationBackground, InvitationContact
from kundpuls.web.org.actors import CLI
from kundpuls.web.responses.lake_source import fetch_responses
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.actions import close_survey
from kundpuls.web.surveys.queries import current_version


def _answer(invitation: Invitation) -> Response:
    response = Response.objects.create(
        submission_id=invitation.submission_id,
        survey=invitation.survey,
        version=current_version(invitation.survey),
        distribution=invitation.distribution,
        unit=invitation.unit,
        channel="invitation",
        language="sv",
        submitted_at=timezone.now(),
        answers={"nki_helhet": 9},
    )
    record_answer(invitation, response.pk)
    return response


def _at(moment: Any) -> Any:
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_contact_data_go_after_the_retention_period_and_answers_remain(invited: Any) -> None:
    anna = Invitation.objects.get(contact__email="anna@example.se")
    response = _answer(anna)
    Invitation.objects.filter(contact__email="bo@example.se").update(
        progress={"page": "p2", "answers": {"x": 1}}
    )
    assert retention_days() == 30
    close_survey(invited, actor=CLI)
    closed = timezone.now()
    with _at(closed + timedelta(days=29)):
        assert apply_retention(actor=CLI).contacts_deleted == 0
    assert InvitationContact.objects.filter(survey=invited).count() == 3
    with _at(closed + timedelta(days=30, minutes=1)):
        summary = apply_retention(actor=CLI)
    assert (summary.surveys, summary.contacts_deleted, summary.progress_cleared) == (["nki"], 3, 1)
    assert not InvitationContact.objects.filter(survey=invited).exists()
    assert Invitation.objects.filter(survey=invited).count() == 3  # outcomes stay for the response rate
    assert not Invitation.objects.filter(survey=invited, progress__isnull=False).exists()
    assert Response.objects.filter(pk=response.pk, answers={"nki_helhet": 9}).exists()
    assert InvitationBackground.objects.filter(response=response).exists()


def test_the_retention_period_comes_from_the_setting(invited: Any, settings: Any) -> None:
    settings.KUNDPULS_CONTACT_RETENTION_DAYS = 0
    close_survey(invited, actor=CLI)
    with _at(timezone.now() + timedelta(seconds=1)):
        assert apply_retention(actor=CLI).contacts_deleted == 3


def test_an_open_survey_keeps_its_contact_data(invited: Any) -> None:
    with _at(timezone.now() + timedelta(days=400)):
        assert apply_retention(actor=CLI).contacts_deleted == 0


def test_the_lake_seam_never_sees_contact_data(invited: Any) -> None:
    _answer(Invitation.objects.get(contact__email="anna@example.se"))
    records = fetch_responses(None, 10_000).to_pylist()
    text = repr(records)
    assert records and "anna@example.se" not in text and "Anna Andersson" not in text
