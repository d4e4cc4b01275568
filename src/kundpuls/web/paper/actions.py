"""Paper questionnaires typed in by staff: validated as on the web, stored once per form id, channel paper.

A form's id (printed on it) decides its submission id, so the same form entered twice stores nothing new.
With double entry the first typing waits (:class:`~kundpuls.web.paper.models.PaperEntry`); a second,
independent typing by another person is compared with it: equal, the response is stored; different, the
differences are shown, and :func:`resolve_paper_form` stores what the person resolving chose. The waiting
entries are deleted once the response is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from kundpuls.errors import InvalidArgument, ValidationError
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor, user_of
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.paper.models import PaperEntry
from kundpuls.web.paper.queries import paper_submission_id
from kundpuls.web.responses.actions import prepare_answers, submit_response
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution, SurveyVersion
from kundpuls.web.surveys.queries import definition_of

FORM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class PaperOutcome:
    """``stored``, ``already_stored``, ``waiting`` (first of two entries) or ``differs`` (with the items
    whose two entries differ: key → (entry 1, entry 2))."""

    status: str
    receipt: str = ""
    differences: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def _check_form_id(form_id: str) -> str:
    form_id = (form_id or "").strip()
    if not FORM_ID.match(form_id):
        raise InvalidArgument(
            f"form_id: {form_id[:40]!r} is not a form id (letters, digits, - and _; at most 40)",
            field="form_id",
            value=form_id[:40],
        )
    return form_id.upper()


def _store(version: SurveyVersion, distribution: Distribution, form_id: str, answers: dict[str, Any]) -> str:
    receipt = submit_response(
        version=version,
        distribution=distribution,
        submission_id=paper_submission_id(distribution.survey.key, form_id),
        answers=answers,
    )
    PaperEntry.objects.filter(distribution=distribution, form_id=form_id).delete()
    return receipt.code


@transaction.atomic
def enter_paper_form(
    version: SurveyVersion,
    distribution: Distribution,
    form_id: str,
    answers: dict[str, Any],
    *,
    double: bool,
    actor: Actor,
) -> PaperOutcome:
    """Enter paper form ``form_id`` (see the module docstring); needs ``manage_surveys`` on the unit.

    Raises :class:`~kundpuls.instruments.AnswerErrors` (every problem by item) as the respondent pages do.
    """
    require(actor, Capability.MANAGE_SURVEYS, distribution.unit)
    form_id = _check_form_id(form_id)
    submission = paper_submission_id(distribution.survey.key, form_id)
    stored = Response.objects.filter(submission_id=submission).first()
    if stored is not None:
        return PaperOutcome("already_stored", stored.receipt)
    validated = prepare_answers(definition_of(version), answers, language="sv").as_input()
    if not double:
        receipt = _store(version, distribution, form_id, answers)
        record_audit(actor, "paper.enter", form_id, unit=distribution.unit.code, entry="single")
        return PaperOutcome("stored", receipt)
    entries = list(PaperEntry.objects.select_for_update().filter(distribution=distribution, form_id=form_id))
    first = next((e for e in entries if e.number == 1), None)
    if first is None:
        PaperEntry.objects.create(
            distribution=distribution, form_id=form_id, number=1, answers=validated, entered_by=user_of(actor)
        )
        record_audit(actor, "paper.enter", form_id, unit=distribution.unit.code, entry=1)
        return PaperOutcome("waiting")
    user = user_of(actor)
    if user is not None and first.entered_by_id == user.pk:
        raise ValidationError(
            f"form_id: {form_id} was entered by you; the second entry is someone else's", field="form_id",
            value=form_id,
        )  # fmt: skip
    differences = {
        key: (first.answers.get(key), validated.get(key))
        for key in dict.fromkeys([*first.answers, *validated])
        if first.answers.get(key) != validated.get(key)
    }
    record_audit(
        actor, "paper.enter", form_id, unit=distribution.unit.code, entry=2, differences=len(differences)
    )
    if not differences:
        return PaperOutcome("stored", _store(version, distribution, form_id, validated))
    PaperEntry.objects.update_or_create(
        distribution=distribution, form_id=form_id, number=2,
        defaults={"answers": validated, "entered_by": user},
    )  # fmt: skip
    return PaperOutcome("differs", differences=differences)


@transaction.atomic
def resolve_paper_form(
    version: SurveyVersion, distribution: Distribution, form_id: str, answers: dict[str, Any], *, actor: Actor
) -> PaperOutcome:
    """Store ``answers`` (entry 1's and entry 2's, with each difference resolved) for a form whose two
    entries differ; needs ``manage_surveys`` on the unit."""
    require(actor, Capability.MANAGE_SURVEYS, distribution.unit)
    form_id = _check_form_id(form_id)
    if PaperEntry.objects.filter(distribution=distribution, form_id=form_id).count() < 2:
        raise ValidationError(
            f"form_id: {form_id} has no two entries to resolve", field="form_id", value=form_id
        )
    prepare_answers(definition_of(version), answers, language="sv")
    receipt = _store(version, distribution, form_id, answers)
    record_audit(actor, "paper.resolve", form_id, unit=distribution.unit.code)
    return PaperOutcome("stored", receipt)
