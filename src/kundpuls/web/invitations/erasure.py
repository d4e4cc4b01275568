"""The invitations app's part of a data-protection erasure: an invited person's link and contact data.

An erasure by e-mail address finds the person's invitations (one per survey) and through them their
responses. Every invitation found loses its contact data (address, name), its saved progress (answers not
yet sent), the background variables of the list and its link (the token hash is replaced by a random one,
so the link is dead); the row itself stays, without anything personal, so that the response rates still
count the invitation. Mail errors of its deliveries (which may quote the address) are emptied. Registered
in :data:`kundpuls.web.responses.erasure.PARTICIPANTS` by ``InvitationsConfig.ready()``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from kundpuls.web.invitations.models import (
    Delivery,
    Invitation,
    InvitationBackground,
    InvitationContact,
    new_reference,
)
from kundpuls.web.org.tenancy import within_organisations
from kundpuls.web.responses.erasure import Found, Subject


def _invitations(subject: Subject, response_ids: frozenset[int]) -> QuerySet[Invitation]:
    match = Q(response_id__in=response_ids)
    if subject.kind == "email":
        match |= Q(contact__email__iexact=subject.value)
    return Invitation.objects.filter(match).filter(within_organisations("unit__path", subject.organisations))


class InvitedPeople:
    """Finds an invited person's invitations (by address or by response) and strips them."""

    def find(self, subject: Subject, response_ids: frozenset[int]) -> Found:
        invitations = _invitations(subject, response_ids)
        answered = invitations.exclude(response__isnull=True).values_list("response_id", flat=True)
        return Found(
            response_ids=frozenset(answered),
            unit_ids=frozenset(invitations.values_list("unit_id", flat=True)),
            counts={
                "invitations": invitations.count(),
                "invitation_contacts": InvitationContact.objects.filter(invitation__in=invitations).count(),
                "invitation_backgrounds": InvitationBackground.objects.filter(
                    response_id__in=response_ids
                ).count(),
            },
        )

    def erase(
        self, subject: Subject, response_ids: frozenset[int], *, actor: Any, now: datetime
    ) -> Mapping[str, int]:
        invitations = list(_invitations(subject, response_ids))
        contacts, _ = InvitationContact.objects.filter(invitation__in=invitations).delete()
        backgrounds, _ = InvitationBackground.objects.filter(response_id__in=response_ids).delete()
        for invitation in invitations:
            invitation.token_hash = secrets.token_hex(32)  # the hash of no token: the link is dead
            invitation.reference = new_reference()  # nor can the old reference be typed for them
            invitation.progress = None
            invitation.background = {}
            invitation.response = None
            invitation.expires_at = now
            invitation.save(
                update_fields=["token_hash", "reference", "progress", "background", "response", "expires_at"]
            )
        Delivery.objects.filter(invitation__in=invitations).update(last_error="")
        return {
            "invitations": len(invitations),
            "invitation_contacts": contacts,
            "invitation_backgrounds": backgrounds,
        }
