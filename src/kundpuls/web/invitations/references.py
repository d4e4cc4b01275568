"""The invitations' side of one respondent across channels (:mod:`kundpuls.web.responses.references`):
an invitation's personal reference resolves to its submission id, and an answer stored under that
submission id on any channel (paper, phone) marks the invitation answered, in the same transaction.
Both are connected in ``InvitationsConfig.ready()``."""

from __future__ import annotations

import uuid
from typing import Any

from kundpuls.web.invitations.actions import record_answer
from kundpuls.web.invitations.models import Invitation
from kundpuls.web.responses.models import Response
from kundpuls.web.responses.references import PersonalReference


def invitation_of_reference(reference: str) -> PersonalReference | None:
    """The invitation with personal reference ``reference``, as :data:`RESOLVERS` want it."""
    invitation = Invitation.objects.select_related("unit").filter(reference=reference).first()
    if invitation is None:
        return None
    return PersonalReference(
        reference=reference,
        submission_id=invitation.submission_id,
        survey_id=invitation.survey_id,
        unit_id=invitation.unit_id,
        unit_code=invitation.unit.code,
    )


def answered_on_any_channel(sender: object, submission_ids: list[uuid.UUID], **kwargs: Any) -> None:
    """``responses_created``: an invitation whose submission id was just stored is answered."""
    for invitation in Invitation.objects.filter(submission_id__in=submission_ids, answered_at__isnull=True):
        stored = Response.objects.filter(submission_id=invitation.submission_id).values_list("pk", flat=True)
        for response_id in stored:
            record_answer(invitation, response_id)
