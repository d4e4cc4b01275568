"""Sending invitations and reminders: at most one mail per recipient and step, also across worker crashes.

The state machine of a :class:`~kundpuls.web.invitations.models.Delivery` (one row per invitation and step;
the pair is unique in the database, so a step can never be planned twice):

::

    pending ──claim (committed before any SMTP traffic)──► sending ──SMTP 250──► sent
       ▲                                                   │  │
       └── temporary failure known to be undelivered ◄─────┘  ├── permanent 5xx ──► failed (bounce recorded)
           (connection refused, 4xx answer), with back-off    └── worker died / unclear error ──► uncertain

The guarantee, window by window (a worker can be SIGKILLed at any instant):

1. Killed before the claim commits: the row is still ``pending`` and nothing was sent. Its task stays
   marked running and never runs again, so ``kundpuls worker`` queues every due ``pending`` row anew when
   it starts (a duplicate task is harmless: only one claim can win).
2. Killed after the claim commits, during the SMTP conversation: the row stays ``sending``. Whether the
   server accepted the mail is unknown, so the row is never sent again automatically: after
   ``SENDING_LEASE`` it is marked ``uncertain`` and shown on the status page and in ``status --json``.
3. Killed after the server's 250 and before ``sent`` commits: as 2 — the mail went out once.

Hence **at most once** for every (recipient, step), always; **exactly once** for every row except the
(at most one per worker process) row that was in flight when a worker died, which ends ``uncertain``.
Errors during a conversation that may have delivered the mail (a dropped connection after ``DATA``) also
end ``uncertain``, never in a retry. Only answers that prove nothing was accepted (connection refused, a
4xx reply) are retried, up to ``MAX_ATTEMPTS`` with exponential back-off.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Max, Q
from django.utils import timezone

from kundpuls.web.invitations.actions import record_bounce
from kundpuls.web.invitations.mail import build_message
from kundpuls.web.invitations.models import Delivery, DeliveryState, Invitation, InvitationContact
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import WORKER, Actor
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.surveys.models import Survey

log = logging.getLogger("kundpuls.invitations")

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 60
SENDING_LEASE = timedelta(minutes=10)

_rate_lock = threading.Lock()
_last_send = [0.0]


def _wait_for_rate() -> None:
    """Keep this worker process under ``KUNDPULS_MAIL_RATE`` mails per second."""
    interval = 1.0 / float(settings.KUNDPULS_MAIL_RATE)
    with _rate_lock:
        wait = _last_send[0] + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        _last_send[0] = time.monotonic()


def _worker_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _eligible() -> Q:
    """Invitations that may still get mail: unanswered, not opted out, not bounced, contact data kept."""
    return Q(
        answered_at__isnull=True, opted_out_at__isnull=True, bounced_at__isnull=True, contact__isnull=False
    )


def plan_invitations(survey: Survey, *, actor: Actor) -> int:
    """A step-0 delivery for every eligible invitation that has none yet; returns how many were added."""
    require(actor, Capability.MANAGE_SURVEYS, survey.owner)
    invitations = Invitation.objects.filter(_eligible(), survey=survey).exclude(deliveries__step=0)
    rows = [Delivery(invitation_id=pk, step=0) for pk in invitations.values_list("pk", flat=True)]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if rows:
        record_audit(actor, "invitations.plan", survey.key, step=0, planned=len(rows))
    return len(rows)


def plan_reminders(
    survey: Survey, *, actor: Actor, after_days: int, max_reminders: int, now: datetime | None = None
) -> int:
    """The next reminder for everyone who has not answered, ``after_days`` after their last mail.

    At most ``max_reminders`` reminders per person; only invitations whose last step was sent get one.
    """
    require(actor, Capability.MANAGE_SURVEYS, survey.owner)
    now = now or timezone.now()
    latest = (
        Invitation.objects.filter(_eligible(), survey=survey)
        .annotate(last_step=Max("deliveries__step"))
        .filter(last_step__isnull=False, last_step__lt=max_reminders)
        .values_list("pk", "last_step")
    )
    due = dict(latest)
    sent = Delivery.objects.filter(
        invitation_id__in=list(due), state=DeliveryState.SENT, sent_at__lte=now - timedelta(days=after_days)
    ).values_list("invitation_id", "step")
    rows = [Delivery(invitation_id=pk, step=step + 1) for pk, step in sent if due.get(pk) == step]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if rows:
        record_audit(actor, "invitations.plan", survey.key, step="reminder", planned=len(rows))
    return len(rows)


def mark_stale_as_uncertain(*, now: datetime | None = None) -> int:
    """Rows left ``sending`` longer than the lease (their worker died): ``uncertain``, never resent."""
    now = now or timezone.now()
    return Delivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=now - SENDING_LEASE).update(
        state=DeliveryState.UNCERTAIN, last_error="worker stopped while sending"
    )


def waiting_deliveries(survey: Survey | None = None) -> list[tuple[int, datetime | None]]:
    """(id, not before) of every ``pending`` delivery, due or waiting for a retry."""
    query = Delivery.objects.filter(state=DeliveryState.PENDING)
    if survey is not None:
        query = query.filter(invitation__survey=survey)
    return list(query.order_by("pk").values_list("pk", "not_before"))


def due_deliveries(survey: Survey | None = None, *, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    query = Delivery.objects.filter(state=DeliveryState.PENDING).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )
    if survey is not None:
        query = query.filter(invitation__survey=survey)
    return list(query.order_by("pk").values_list("pk", flat=True))


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    state: str
    retry_at: datetime | None = None


def _temporary(exc: Exception) -> bool:
    """True only when the failure proves the server accepted nothing (safe to try again)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, (ConnectionRefusedError, smtplib.SMTPConnectError, socket.gaierror))


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def deliver(delivery_id: int) -> Outcome:
    """Send one planned mail, following the state machine above; safe to call any number of times."""
    now = timezone.now()
    delivery = (
        Delivery.objects.select_related("invitation__survey", "invitation__unit")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return Outcome(delivery_id, delivery.state if delivery else "missing")
    if delivery.not_before is not None and delivery.not_before > now:
        return Outcome(delivery_id, "not_due")  # the task queued with the back-off will send it
    invitation = delivery.invitation
    contact = InvitationContact.objects.filter(invitation=invitation).first()
    if contact is None or not Invitation.objects.filter(_eligible(), pk=invitation.pk).exists():
        Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
            state=DeliveryState.SKIPPED
        )
        return Outcome(delivery_id, DeliveryState.SKIPPED)
    message = build_message(invitation, contact, step=delivery.step, delivery_id=delivery.pk)
    # The claim: a conditional update that exactly one caller wins, committed before any SMTP traffic.
    claimed = Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
        state=DeliveryState.SENDING, claimed_at=now, claimed_by=_worker_label(), attempts=F("attempts") + 1
    )
    if not claimed:
        return Outcome(delivery_id, "taken")
    _wait_for_rate()
    try:
        get_connection(fail_silently=False).send_messages([message])
    except Exception as exc:  # every outcome of an SMTP conversation is classified below
        return _after_failure(delivery, exc)
    Delivery.objects.filter(pk=delivery_id, state=DeliveryState.SENDING).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), last_error=""
    )
    return Outcome(delivery_id, DeliveryState.SENT)


def _after_failure(delivery: Delivery, exc: Exception) -> Outcome:
    error = f"{type(exc).__name__}: {exc}"[:300]
    attempts = delivery.attempts + 1
    if _temporary(exc) and attempts < MAX_ATTEMPTS:
        retry_at = timezone.now() + timedelta(seconds=BACKOFF_SECONDS * 2 ** (attempts - 1))
        Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
            state=DeliveryState.PENDING, not_before=retry_at, last_error=error
        )
        log.info("delivery %s: temporary failure, retry at %s", delivery.pk, retry_at.isoformat())
        return Outcome(delivery.pk, DeliveryState.PENDING, retry_at)
    state = DeliveryState.FAILED if (_temporary(exc) or _permanent(exc)) else DeliveryState.UNCERTAIN
    Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(state=state, last_error=error)
    if _permanent(exc):
        record_bounce(delivery.invitation, reason=error, actor=WORKER)
    log.warning("delivery %s: %s", delivery.pk, state)
    return Outcome(delivery.pk, state)
