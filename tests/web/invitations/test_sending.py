"""Invitations and reminders through a real SMTP server on 127.0.0.1 (aiosmtpd), one mail per step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from tests.invitation_steps import due_deliveries

from kundpuls.web.invitations.actions import (
    deliver,
    mark_stale_as_uncertain,
    plan_invitations,
    plan_reminders,
    record_answer,
    record_opt_out,
)
from kundpuls.web.invitations.delivery import SENDING_LEASE
from kundpuls.web.invitations.models import Delivery, DeliveryState, Invitation
from kundpuls.web.invitations.queries import unit_rates
from kundpuls.web.invitations.tasks import enqueue_due
from kundpuls.web.invitations.tokens import hash_token
from kundpuls.web.org.actors import CLI
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.queries import current_version


def _send_all(survey: Any) -> list[str]:
    return [str(deliver(pk).state) for pk in due_deliveries(survey)]


def _answer(address: str) -> None:
    """The recipient answered (stored directly: this file is about mail, not about the pages)."""
    invitation = Invitation.objects.select_related("survey").get(contact__email=address)
    response = Response.objects.create(
        submission_id=invitation.submission_id,
        survey=invitation.survey,
        version=current_version(invitation.survey),
        distribution=invitation.distribution,
        unit=invitation.unit,
        channel="invitation",
        language=invitation.language,
        submitted_at=timezone.now(),
        answers={"nki_helhet": 8},
    )
    record_answer(invitation, response.pk)


def _later(days: float) -> Any:
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=days))


def test_each_recipient_gets_one_invitation_in_their_language_with_a_working_link(
    invited: Any, smtp_sink: Any, body: Any
) -> None:
    assert plan_invitations(invited, actor=CLI) == 3
    assert _send_all(invited) == ["sent"] * 3
    anna, bo = smtp_sink.to("anna@example.se"), smtp_sink.to("bo@example.se")
    assert len(anna) == len(bo) == len(smtp_sink.to("cecilia@example.se")) == 1
    assert anna[0]["Subject"].startswith("Vad tycker du?")
    assert "Hej Anna Andersson!" in body(anna[0])
    assert bo[0]["Subject"].startswith("Your opinion:")
    assert "Hello Bo Berg," in body(bo[0])
    assert "Your personal link" in body(bo[0])
    for message in (anna[0], bo[0]):
        link = next(
            line for line in body(message).splitlines() if line.startswith("https://kundpuls.example/i/")
        )
        token = link.split("/")[4]
        invitation = Invitation.objects.get(token_hash=hash_token(token))
        assert invitation.contact.email in message["To"]
        assert str(message["List-Unsubscribe"]).strip() == f"<{link}avregistrera/>"
        assert f"{link}avregistrera/" in body(message)
    assert (
        plan_invitations(invited, actor=CLI) == 0 and _send_all(invited) == []
    )  # a second run sends nothing
    assert len(smtp_sink.messages) == 3


def test_reminders_go_only_to_those_who_have_not_answered_after_n_days_at_most_k(
    invited: Any, smtp_sink: Any
) -> None:
    plan_invitations(invited, actor=CLI)
    _send_all(invited)
    _answer("anna@example.se")
    record_opt_out(Invitation.objects.get(contact__email="cecilia@example.se"))
    assert plan_reminders(invited, after_days=3, max_reminders=1, actor=CLI) == 0  # too early
    with _later(4):
        assert plan_reminders(invited, after_days=3, max_reminders=1, actor=CLI) == 1
        assert _send_all(invited) == ["sent"]
    reminder = smtp_sink.to("bo@example.se")[-1]
    assert reminder["Subject"].startswith("Reminder:")
    assert [len(smtp_sink.to(a)) for a in ("anna@example.se", "bo@example.se", "cecilia@example.se")] == [
        1,
        2,
        1,
    ]
    with _later(10):
        assert plan_reminders(invited, after_days=3, max_reminders=1, actor=CLI) == 0  # K = 1 reached
    with _later(10):
        assert plan_reminders(invited, after_days=3, max_reminders=2, actor=CLI) == 1
        _send_all(invited)
    assert len(smtp_sink.to("bo@example.se")) == 3
    assert Delivery.objects.filter(invitation__contact__email="bo@example.se").count() == 3


def test_a_temporary_smtp_failure_is_retried_later_and_sent_once(invited: Any, smtp_sink: Any) -> None:
    smtp_sink.refuse["bo@example.se"] = "451 4.3.0 Try again later"
    plan_invitations(invited, actor=CLI)
    outcomes = _send_all(invited)
    assert sorted(outcomes) == ["pending", "sent", "sent"]
    row = Delivery.objects.get(invitation__contact__email="bo@example.se")
    assert (row.state, row.attempts) == (DeliveryState.PENDING, 1)
    assert row.not_before is not None and row.not_before > timezone.now()
    assert "451" in row.last_error
    assert deliver(row.pk).state == "not_due" and smtp_sink.to("bo@example.se") == []
    queued = DBTaskResult.objects.filter(args_kwargs__args=[row.pk])
    before = queued.count()
    enqueue_due(invited)  # e.g. `kundpuls worker` starting: the retry is queued for after the back-off
    assert queued.count() == before + 1
    assert queued.order_by("-enqueued_at").first().run_after == row.not_before  # type: ignore[union-attr]
    del smtp_sink.refuse["bo@example.se"]
    with _later(1):
        assert _send_all(invited) == ["sent"]
    assert len(smtp_sink.to("bo@example.se")) == 1


def test_a_permanent_refusal_is_recorded_as_a_bounce_and_not_retried(invited: Any, smtp_sink: Any) -> None:
    smtp_sink.refuse["cecilia@example.se"] = "550 5.1.1 No such user"
    plan_invitations(invited, actor=CLI)
    _send_all(invited)
    invitation = Invitation.objects.get(contact__email="cecilia@example.se")
    assert invitation.bounced_at is not None
    assert Delivery.objects.get(invitation=invitation).state == DeliveryState.FAILED
    library = next(r for r in unit_rates(invited) if r.unit_code == "KFF-BIB-HUV")
    assert (library.invited, library.reached, library.bounced) == (1, 0, 1)
    with _later(10):
        assert plan_reminders(invited, after_days=3, max_reminders=2, actor=CLI) == 2  # anna and bo only


def test_an_unreachable_server_leaves_the_mail_waiting_for_a_retry(
    invited: Any, settings: Any, unused_port: int
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", unused_port  # nobody listens there
    settings.KUNDPULS_MAIL_RATE = 1000.0
    plan_invitations(invited, actor=CLI)
    assert _send_all(invited) == ["pending"] * 3


def test_a_row_left_sending_by_a_dead_worker_becomes_uncertain_and_is_never_resent(
    invited: Any, smtp_sink: Any
) -> None:
    plan_invitations(invited, actor=CLI)
    row = Delivery.objects.get(invitation__contact__email="anna@example.se")
    Delivery.objects.filter(pk=row.pk).update(state=DeliveryState.SENDING, claimed_at=timezone.now())
    assert mark_stale_as_uncertain() == 0  # within the lease: perhaps still sending
    with _later(SENDING_LEASE.total_seconds() / 86400 + 0.001):
        assert mark_stale_as_uncertain() == 1
    assert deliver(row.pk).state == DeliveryState.UNCERTAIN
    _send_all(invited)
    assert smtp_sink.to("anna@example.se") == []
    assert next(r for r in unit_rates(invited) if r.unit_code == "VOF-HT-N").uncertain == 1


def test_mail_goes_to_stderr_without_an_smtp_host(invited: Any, settings: Any, capsys: Any) -> None:
    """Printed to stderr, so a command's stdout stays one JSON document with --json."""
    settings.EMAIL_BACKEND = "kundpuls.web.console_mail.StderrEmailBackend"  # settings.py without SMTP host
    settings.KUNDPULS_MAIL_RATE = 1000.0
    plan_invitations(invited, actor=CLI)
    assert _send_all(invited) == ["sent"] * 3
    printed = capsys.readouterr()
    assert printed.err.count("Subject:") == 3
    assert "Subject:" not in printed.out
