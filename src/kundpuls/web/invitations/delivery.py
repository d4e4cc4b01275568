"""Sending invitations and reminders: at most one mail per recipient and step, also across worker crashes.

This module holds the rules (the state machine, which SMTP failures may be retried, the mail rate) and the
reads of the queue; the writes that follow them (:func:`~kundpuls.web.invitations.actions.plan_invitations`,
:func:`~kundpuls.web.invitations.actions.plan_reminders`, :func:`~kundpuls.web.invitations.actions.deliver`,
:func:`~kundpuls.web.invitations.actions.mark_stale_as_uncertain`) live in the app's ``actions.py``.

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

import os
import smtplib
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from kundpuls.web.invitations.models import Delivery, DeliveryState
from kundpuls.web.surveys.models import Survey

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 60
SENDING_LEASE = timedelta(minutes=10)

_rate_lock = threading.Lock()
_last_send = [0.0]


def wait_for_rate() -> None:
    """Keep this worker process under ``KUNDPULS_MAIL_RATE`` mails per second."""
    interval = 1.0 / float(settings.KUNDPULS_MAIL_RATE)
    with _rate_lock:
        wait = _last_send[0] + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        _last_send[0] = time.monotonic()


def worker_label() -> str:
    """Who claimed a row: host and process, for the status page."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def eligible() -> Q:
    """Invitations that may still get mail: unanswered, not opted out, not bounced, contact data kept."""
    return Q(
        answered_at__isnull=True, opted_out_at__isnull=True, bounced_at__isnull=True, contact__isnull=False
    )


def waiting_deliveries(survey: Survey | None = None) -> list[tuple[int, datetime | None]]:
    """(id, not before) of every ``pending`` delivery, due or waiting for a retry."""
    query = Delivery.objects.filter(state=DeliveryState.PENDING)
    if survey is not None:
        query = query.filter(invitation__survey=survey)
    return list(query.order_by("pk").values_list("pk", "not_before"))


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    state: str
    retry_at: datetime | None = None


def is_temporary(exc: Exception) -> bool:
    """True only when the failure proves the server accepted nothing (safe to try again)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, (ConnectionRefusedError, smtplib.SMTPConnectError, socket.gaierror))


def is_permanent(exc: Exception) -> bool:
    """True when the server refused the mail for good (a 5xx answer): a bounce."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500
