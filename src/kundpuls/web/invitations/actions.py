"""Writes of the invitations app: importing a list, progress, answers, opt-outs, bounces, retention, and
sending (planning the mails and the worker's steps of :mod:`kundpuls.web.invitations.delivery`).

Every change leaves an audit event (:func:`kundpuls.web.org.actions.record_audit`); audit details never
hold contact data (counts and ids only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from kundpuls.web.collect.state import RespondentState
from kundpuls.web.invitations.delivery import (
    BACKOFF_SECONDS,
    MAX_ATTEMPTS,
    SENDING_LEASE,
    Outcome,
    eligible,
    is_permanent,
    is_temporary,
    wait_for_rate,
    worker_label,
)
from kundpuls.web.invitations.mail import build_message
from kundpuls.web.invitations.models import (
    Delivery,
    DeliveryState,
    Invitation,
    InvitationBackground,
    InvitationContact,
)
from kundpuls.web.invitations.recipients import RecipientRow, read_recipients
from kundpuls.web.invitations.tokens import hash_token, token_for
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import RESPONDENT, WORKER, Actor
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.actions import open_distribution
from kundpuls.web.surveys.models import Channel, Survey

log = logging.getLogger("kundpuls.invitations")


@dataclass(frozen=True)
class ImportSummary:
    invited: int
    units: int


def _units_for(survey: Survey) -> dict[str, bool]:
    """unit code → whether it lies in the survey owner's subtree (open units only)."""
    owner_path = survey.owner.path
    return {
        code: bool(owner_path) and path.startswith(owner_path)
        for code, path in Unit.objects.filter(valid_to__isnull=True).values_list("code", "path")
    }


def import_recipients(
    survey: Survey, table: list[list[str]], *, actor: Actor, expires_at: datetime | None = None
) -> ImportSummary:
    """Validate the recipient list ``table`` (header first) and invite everyone on it, or no one.

    Each unit gets (or keeps) a distribution on the ``invitation`` channel; each recipient an invitation
    with a single-use link and, in a separate table, the e-mail address and name. Needs
    ``manage_surveys`` on the survey's owner (the contact data are the owner's) and on every unit listed.

    Raises
    ------
    kundpuls.errors.ImportRowsError
        Naming row, column, value and problem of every bad cell; nothing is stored then.
    """
    require(actor, Capability.MANAGE_SURVEYS, survey.owner)
    existing = frozenset(InvitationContact.objects.filter(survey=survey).values_list("email", flat=True))
    rows = read_recipients(table, units=_units_for(survey), existing_emails=existing)
    with transaction.atomic():
        by_code = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows})}
        distributions = {
            code: open_distribution(survey, unit, channel=Channel.INVITATION, actor=actor)
            for code, unit in by_code.items()
        }
        for row in rows:
            _invite(survey, row, distributions[row.unit_code], expires_at)
        record_audit(actor, "invitations.import", survey.key, invited=len(rows), units=len(by_code))
    return ImportSummary(invited=len(rows), units=len(by_code))


def _invite(survey: Survey, row: RecipientRow, distribution: Any, expires_at: datetime | None) -> Invitation:
    invitation = Invitation(
        survey=survey,
        distribution=distribution,
        unit_id=distribution.unit_id,
        language=row.language,
        background=row.background,
        expires_at=expires_at or distribution.closes_at,
    )
    invitation.token_hash = hash_token(token_for(invitation.submission_id))
    invitation.save()
    InvitationContact.objects.create(invitation=invitation, survey=survey, email=row.email, name=row.name)
    return invitation


def save_progress(invitation: Invitation, state: RespondentState) -> None:
    """Keep the page and answers reached so far on the invitation (the link resumes there)."""
    progress = {"page": state.page, "language": state.language, "answers": state.answers}
    if invitation.progress != progress:
        Invitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(progress=progress)
        invitation.progress = progress


@transaction.atomic
def record_answer(invitation: Invitation, response_id: int) -> Invitation:
    """Link the stored response to the invitation, copy the background variables, forget the progress."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.answered_at is None:
        response = Response.objects.get(pk=response_id)
        invitation.response = response
        invitation.answered_at = response.submitted_at
        invitation.progress = None
        invitation.save(update_fields=["response", "answered_at", "progress"])
        if invitation.background:
            InvitationBackground.objects.get_or_create(
                response=response, defaults={"data": invitation.background}
            )
        record_audit(RESPONDENT, "invitations.answered", invitation.survey.key, invitation=invitation.pk)
    return invitation


def record_opt_out(invitation: Invitation) -> bool:
    """The recipient wants no more mail about this survey; True when this call recorded it.

    The respondent's personal link is the authority here, not a role: audited as the respondent.
    """
    changed = Invitation.objects.filter(pk=invitation.pk, opted_out_at__isnull=True).update(
        opted_out_at=timezone.now()
    )
    if changed:
        record_audit(RESPONDENT, "invitations.opt_out", invitation.survey.key, invitation=invitation.pk)
    return bool(changed)


def record_bounce(invitation: Invitation, *, actor: Actor, reason: str = "") -> bool:
    """The address does not take mail (a 5xx answer or a returned bounce); no more mail goes to it."""
    require(actor, Capability.MANAGE_SURVEYS, invitation.survey.owner)
    changed = Invitation.objects.filter(pk=invitation.pk, bounced_at__isnull=True).update(
        bounced_at=timezone.now()
    )
    if changed:
        record_audit(
            actor, "invitations.bounce", invitation.survey.key, invitation=invitation.pk, reason=reason[:200]
        )
    return bool(changed)


def retention_days() -> int:
    """Days after a survey closes before its contact data go (``KUNDPULS_CONTACT_RETENTION_DAYS``)."""
    return int(settings.KUNDPULS_CONTACT_RETENTION_DAYS)


@dataclass(frozen=True)
class RetentionSummary:
    surveys: list[str]
    contacts_deleted: int
    progress_cleared: int


def apply_retention(*, actor: Actor, now: datetime | None = None) -> RetentionSummary:
    """Delete the contact data (and unfinished progress) of every survey closed ``retention_days()`` ago.

    Invitations (without personal data), their outcome and all responses stay, so response rates and
    results remain; only who was invited and their half-typed answers go. It spans every survey, so it
    needs ``administer`` everywhere (a superuser or an operator).
    """
    require(actor, Capability.ADMINISTER, None)
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    surveys = list(
        Survey.objects.filter(closed_at__isnull=False, closed_at__lte=cutoff)
        .filter(invitation_contacts__isnull=False)
        .distinct()
        .order_by("key")
    )
    deleted = cleared = 0
    with transaction.atomic():
        for survey in surveys:
            deleted += InvitationContact.objects.filter(survey=survey).delete()[0]
            cleared += Invitation.objects.filter(survey=survey, progress__isnull=False).update(progress=None)
            record_audit(actor, "invitations.retention", survey.key, days=retention_days())
    return RetentionSummary([s.key for s in surveys], deleted, cleared)


# ------------------------------------------------------------------ sending (see invitations.delivery)


def plan_invitations(survey: Survey, *, actor: Actor) -> int:
    """A step-0 delivery for every eligible invitation that has none yet; returns how many were added."""
    require(actor, Capability.MANAGE_SURVEYS, survey.owner)
    invitations = Invitation.objects.filter(eligible(), survey=survey).exclude(deliveries__step=0)
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
        Invitation.objects.filter(eligible(), survey=survey)
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
    if contact is None or not Invitation.objects.filter(eligible(), pk=invitation.pk).exists():
        Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
            state=DeliveryState.SKIPPED
        )
        return Outcome(delivery_id, DeliveryState.SKIPPED)
    message = build_message(invitation, contact, step=delivery.step, delivery_id=delivery.pk)
    # The claim: a conditional update that exactly one caller wins, committed before any SMTP traffic.
    claimed = Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
        state=DeliveryState.SENDING, claimed_at=now, claimed_by=worker_label(), attempts=F("attempts") + 1
    )
    if not claimed:
        return Outcome(delivery_id, "taken")
    wait_for_rate()
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
    if is_temporary(exc) and attempts < MAX_ATTEMPTS:
        retry_at = timezone.now() + timedelta(seconds=BACKOFF_SECONDS * 2 ** (attempts - 1))
        Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
            state=DeliveryState.PENDING, not_before=retry_at, last_error=error
        )
        log.info("delivery %s: temporary failure, retry at %s", delivery.pk, retry_at.isoformat())
        return Outcome(delivery.pk, DeliveryState.PENDING, retry_at)
    state = DeliveryState.FAILED if (is_temporary(exc) or is_permanent(exc)) else DeliveryState.UNCERTAIN
    Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(state=state, last_error=error)
    if is_permanent(exc):
        record_bounce(delivery.invitation, reason=error, actor=WORKER)
    log.warning("delivery %s: %s", delivery.pk, state)
    return Outcome(delivery.pk, state)
