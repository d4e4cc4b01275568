"""Paper questionnaires typed in by staff: validated as on the web, stored once per form id, channel paper.

A form's id (printed on it) decides its submission id, so the same form entered twice stores nothing new.
With double entry the first typing waits (:class:`~kundpuls.web.paper.models.PaperEntry`); a second,
independent typing by another person is compared with it: equal, the response is stored; different, the
differences are shown, and :func:`resolve_paper_form` stores what the person resolving chose. The waiting
entries are deleted once the response is stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.errors import InvalidArgument, ValidationError
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor, user_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.paper.models import PaperEntry, PaperForm
from kundpuls.web.paper.queries import paper_submission_id, printed_form
from kundpuls.web.responses.actions import prepare_answers, submit_response
from kundpuls.web.responses.models import Response
from kundpuls.web.responses.references import PersonalReference, resolve_reference
from kundpuls.web.surveys.actions import open_distribution
from kundpuls.web.surveys.models import Channel, Distribution, Survey, SurveyVersion
from kundpuls.web.surveys.queries import current_version, definition_of

#: The characters of a printed form id: capitals and digits without 0/O, 1/I/L (read aloud and typed by
#: hand), eight of them in two groups ("K7MQ-4HXA"): 30**8 ≈ 6.6e11 ids.
FORM_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: The most copies one print run records.
MAX_COPIES = 500


@dataclass(frozen=True)
class PaperOutcome:
    """``stored``, ``already_stored`` (this form), ``already_answered`` (the invited person it names, on
    another channel), ``waiting`` (first of two entries) or ``differs`` (with the items whose two entries
    differ: key → (entry 1, entry 2))."""

    status: str
    receipt: str = ""
    differences: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def _new_form_id() -> str:
    chars = "".join(secrets.choice(FORM_ID_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


@transaction.atomic
def record_paper_forms(
    survey: Survey, unit: Unit, *, copies: int, language: str, actor: Actor
) -> tuple[SurveyVersion, Distribution, list[str]]:
    """Record ``copies`` new form ids for printing ``survey``'s current version for ``unit`` in
    ``language`` (opening the unit's paper distribution); needs ``manage_surveys`` on the unit."""
    require(actor, Capability.MANAGE_SURVEYS, unit)
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise InvalidArgument(
            _("copies: expected 1–%(max)d, got %(value)r") % {"max": MAX_COPIES, "value": copies},
            field="copies",
            value=copies,
        )
    version = current_version(survey)
    if version is None or survey.closed_at is not None:
        raise ValidationError(
            _("survey: %(key)r is not open for answers") % {"key": survey.key},
            field="survey",
            value=survey.key,
        )
    languages = definition_of(version).languages
    if language not in languages:
        raise InvalidArgument(
            _("language: survey %(key)r is offered in %(languages)s, not %(value)r")
            % {"key": survey.key, "languages": ", ".join(languages), "value": language},
            field="language",
            value=language,
        )
    distribution = open_distribution(survey, unit, channel=Channel.PAPER, actor=actor)
    ids: set[str] = set()
    while len(ids) < copies:
        ids |= {_new_form_id() for _ in range(copies - len(ids))}
        ids -= set(PaperForm.objects.filter(form_id__in=ids).values_list("form_id", flat=True))
    form_ids = sorted(ids)
    user = user_of(actor)
    PaperForm.objects.bulk_create(
        PaperForm(form_id=f, distribution=distribution, version=version, language=language, printed_by=user)
        for f in form_ids
    )
    record_audit(actor, "paper.print", survey.key, unit=unit.code, copies=copies, language=language)
    return version, distribution, form_ids


#: The key under which a waiting entry keeps the personal reference typed with it (compared like an answer).
REFERENCE_KEY = "_reference"


def _person(form: PaperForm, reference: str) -> PersonalReference | None:
    if not (reference or "").strip():
        return None
    distribution = form.distribution
    return resolve_reference(reference, survey_id=distribution.survey_id, unit_id=distribution.unit_id)


def _store(form: PaperForm, answers: dict[str, Any]) -> PaperOutcome:
    """Store ``answers`` (with the personal reference, if any, under ``REFERENCE_KEY``) once: under the
    invitation's submission id when a reference was typed, else under the form's."""
    answers = dict(answers)
    person = _person(form, str(answers.pop(REFERENCE_KEY, "") or ""))
    submission = (
        person.submission_id if person else paper_submission_id(form.distribution.survey.key, form.form_id)
    )
    receipt = submit_response(
        version=form.version, distribution=form.distribution, submission_id=submission, answers=answers
    )
    PaperForm.objects.filter(pk=form.pk).update(response_id=receipt.response_id)
    PaperEntry.objects.filter(distribution=form.distribution, form_id=form.form_id).delete()
    return PaperOutcome("stored" if receipt.created else "already_answered", receipt.code)


def _already_stored(form: PaperForm) -> PaperOutcome | None:
    submission = paper_submission_id(form.distribution.survey.key, form.form_id)
    stored = (
        Response.objects.filter(pk=form.response_id).first()
        if form.response_id is not None
        else Response.objects.filter(submission_id=submission).first()
    )
    return PaperOutcome("already_stored", stored.receipt) if stored is not None else None


@transaction.atomic
def enter_paper_form(
    distribution: Distribution,
    form_id: str,
    answers: dict[str, Any],
    *,
    double: bool,
    actor: Actor,
    reference: str = "",
) -> PaperOutcome:
    """Enter paper form ``form_id`` (see the module docstring): a form printed for ``distribution``'s survey
    and unit (:func:`printed_form`), validated against the survey version it was printed from; needs
    ``manage_surveys`` on the unit.

    With an invited person's personal ``reference`` the answers are stored under the invitation's
    submission id (:mod:`kundpuls.web.responses.references`): if that person has answered already, on
    the web or by phone, nothing new is stored (``already_answered``).

    Raises :class:`~kundpuls.instruments.AnswerErrors` (every problem by item) as the respondent pages do.
    """
    require(actor, Capability.MANAGE_SURVEYS, distribution.unit)
    form = printed_form(distribution, form_id)
    form_id = form.form_id
    done = _already_stored(form)
    if done is not None:
        return done
    person = _person(form, reference)
    if person is not None:
        answered = Response.objects.filter(submission_id=person.submission_id).first()
        if answered is not None:  # answered on another channel: this form is that person's, nothing new
            PaperForm.objects.filter(pk=form.pk).update(response_id=answered.pk)
            PaperEntry.objects.filter(distribution=form.distribution, form_id=form_id).delete()
            record_audit(actor, "paper.enter", form_id, unit=distribution.unit.code, answered_before=True)
            return PaperOutcome("already_answered", answered.receipt)
    validated = prepare_answers(definition_of(form.version), answers, language=form.language).as_input()
    if person is not None:
        validated[REFERENCE_KEY] = person.reference
    if not double:
        outcome = _store(form, {**answers, REFERENCE_KEY: person.reference if person else ""})
        record_audit(actor, "paper.enter", form_id, unit=distribution.unit.code, entry="single")
        return outcome
    distribution = form.distribution
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
            _("form_id: %(form)s was entered by you; the second entry is someone else's") % {"form": form_id},
            field="form_id",
            value=form_id,
        )
    differences = {
        key: (first.answers.get(key), validated.get(key))
        for key in dict.fromkeys([*first.answers, *validated])
        if first.answers.get(key) != validated.get(key)
    }
    record_audit(
        actor, "paper.enter", form_id, unit=distribution.unit.code, entry=2, differences=len(differences)
    )
    if not differences:
        return _store(form, validated)
    PaperEntry.objects.update_or_create(
        distribution=distribution, form_id=form_id, number=2,
        defaults={"answers": validated, "entered_by": user},
    )  # fmt: skip
    return PaperOutcome("differs", differences=differences)


@transaction.atomic
def resolve_paper_form(
    distribution: Distribution, form_id: str, answers: dict[str, Any], *, actor: Actor
) -> PaperOutcome:
    """Store ``answers`` (entry 1's and entry 2's, with each difference resolved) for a form whose two
    entries differ; needs ``manage_surveys`` on the unit."""
    require(actor, Capability.MANAGE_SURVEYS, distribution.unit)
    form = printed_form(distribution, form_id)
    done = _already_stored(form)
    if done is not None:
        return done
    if PaperEntry.objects.filter(distribution=form.distribution, form_id=form.form_id).count() < 2:
        raise ValidationError(
            _("form_id: %(form)s has no two entries to resolve") % {"form": form.form_id},
            field="form_id",
            value=form.form_id,
        )
    prepare_answers(
        definition_of(form.version),
        {k: v for k, v in answers.items() if k != REFERENCE_KEY},
        language=form.language,
    )
    outcome = _store(form, answers)
    record_audit(actor, "paper.resolve", form.form_id, unit=distribution.unit.code)
    return outcome


def apply_entry_retention(*, actor: Actor, now: datetime | None = None) -> int:
    """Delete waiting entries (first typings of a double entry, which may hold contact details) entered
    ``KUNDPULS_CONTACT_RETENTION_DAYS`` ago or more, and those of a survey closed that long ago; the paper
    form is still there to be typed again. Spans every survey, so it needs ``administer`` everywhere.
    Returns how many were deleted."""
    require(actor, Capability.ADMINISTER, None)
    days = int(settings.KUNDPULS_CONTACT_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = PaperEntry.objects.filter(
        Q(entered_at__lte=cutoff) | Q(distribution__survey__closed_at__lte=cutoff)
    )
    deleted = old.delete()[0]
    if deleted:
        record_audit(actor, "paper.retention", "", deleted=deleted, days=days)
    return deleted
