"""The cases app's part of a data-protection erasure: a follow-up case becomes a tombstone.

The case keeps its status, dates, unit, survey, triggered rule keys, root causes and the staff's
improvement action (the follow-up statistics and "Ni sa, vi gjorde" count it); it loses its response, its
notes, the close reason and the reasons in its event log and audit events. Registered in
:data:`kundpuls.web.responses.erasure.PARTICIPANTS` by ``CasesConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kundpuls.web.cases.models import Case, CaseEvent, CaseNote
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import actor_label, user_of
from kundpuls.web.org.models import AuditEvent
from kundpuls.web.responses.erasure import Found, Subject

#: Keys of event details that may hold free text written about the person.
FREE_TEXT_DETAILS = ("reason",)


class CaseTombstones:
    """Finds the cases of the erased responses and turns them into tombstones."""

    def find(self, subject: Subject, response_ids: frozenset[int]) -> Found:
        cases = Case.objects.filter(response_id__in=response_ids)
        return Found(
            unit_ids=frozenset(cases.values_list("unit_id", flat=True)),
            counts={
                "cases": cases.count(),
                "case_notes": CaseNote.objects.filter(case__in=cases).count(),
            },
        )

    def erase(
        self, subject: Subject, response_ids: frozenset[int], *, actor: Any, now: datetime
    ) -> Mapping[str, int]:
        cases = list(Case.objects.filter(response_id__in=response_ids))
        notes, _ = CaseNote.objects.filter(case__in=cases).delete()
        for case in cases:
            case.response = None
            case.close_reason = ""
            case.erased_at = now
            case.contact_deleted_at = case.contact_deleted_at or now
            case.save(update_fields=["response", "close_reason", "erased_at", "contact_deleted_at"])
            for event in CaseEvent.objects.filter(case=case):
                _drop_free_text(event)
            for audit in AuditEvent.objects.filter(target=f"case:{case.pk}"):
                _drop_free_text(audit)
            user = user_of(actor)
            CaseEvent.objects.create(
                case=case, actor=user, actor_label="" if user else actor_label(actor), kind="erased", at=now
            )
            record_audit(actor, "cases.erased", f"case:{case.pk}")
        return {"cases": len(cases), "case_notes": notes}


def _drop_free_text(event: CaseEvent | AuditEvent) -> None:
    if any(key in event.details for key in FREE_TEXT_DETAILS):
        event.details = {k: v for k, v in event.details.items() if k not in FREE_TEXT_DETAILS}
        event.save(update_fields=["details"])
