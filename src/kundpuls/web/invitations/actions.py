"""Writes of the invitations app: importing a list, progress, answers, opt-outs, bounces, retention.

Every change leaves an audit event (:func:`kundpuls.web.org.actions.record_audit`); audit details never
hold contact data (counts and ids only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kundpuls.web.collect.state import RespondentState
from kundpuls.web.invitations.models import Invitation, InvitationBackground, InvitationContact
from kundpuls.web.invitations.recipients import RecipientRow, read_recipients
from kundpuls.web.invitations.tokens import hash_token, token_for
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import RESPONDENT, Actor
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.actions import open_distribution
from kundpuls.web.surveys.models import Channel, Survey


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
