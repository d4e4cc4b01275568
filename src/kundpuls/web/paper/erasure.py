"""The paper app's part of a data-protection erasure: waiting entries (the first typing of a double entry,
which may hold the contact details the respondent wrote on the form).

A waiting entry has no response yet, so it is found by what the request names: the e-mail address among
its contact fields, or the submission id (or receipt code, its first block) the form will be stored
under (:func:`~kundpuls.web.paper.queries.paper_submission_id`). Found entries are deleted; the paper
form can be typed again if the person still wants to take part. Registered in
:data:`kundpuls.web.responses.erasure.PARTICIPANTS` by ``PaperConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kundpuls.web.org.tenancy import within_organisations
from kundpuls.web.paper.models import PaperEntry
from kundpuls.web.paper.queries import paper_submission_id
from kundpuls.web.responses.erasure import Found, Subject


def _matches(entry: PaperEntry, subject: Subject) -> bool:
    if subject.kind == "email":
        return any(isinstance(v, str) and v.strip().lower() == subject.value for v in entry.answers.values())
    submission = paper_submission_id(entry.distribution.survey.key, entry.form_id).hex
    if subject.kind == "receipt":
        return submission.upper().startswith(subject.value)
    return submission == subject.value


def _entries(subject: Subject) -> list[PaperEntry]:
    # Waiting entries are few (deleted once their form is stored): read in Python, on every database alike.
    waiting = (
        PaperEntry.objects.select_related("distribution__survey")
        .filter(within_organisations("distribution__unit__path", subject.organisations))
        .order_by("pk")
    )
    return [entry for entry in waiting.iterator() if _matches(entry, subject)]


class WaitingPaperEntries:
    """Finds the waiting paper entries of a subject and deletes them."""

    def find(self, subject: Subject, response_ids: frozenset[int]) -> Found:
        entries = _entries(subject)
        return Found(
            unit_ids=frozenset(e.distribution.unit_id for e in entries),
            counts={"paper_entries": len(entries)},
        )

    def erase(
        self, subject: Subject, response_ids: frozenset[int], *, actor: Any, now: datetime
    ) -> Mapping[str, int]:
        deleted, _ = PaperEntry.objects.filter(pk__in=[e.pk for e in _entries(subject)]).delete()
        return {"paper_entries": deleted}
