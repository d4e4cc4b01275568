"""Reads and derivations for paper questionnaires."""

from __future__ import annotations

import re
import uuid

from django.utils.translation import gettext as _

from kundpuls.errors import InvalidArgument, ValidationError
from kundpuls.web.org.models import Unit
from kundpuls.web.paper.models import PaperForm
from kundpuls.web.surveys.models import Distribution, Survey, SurveyVersion

#: A form id as the data-entry page takes it (printed ids are of the form ``K7MQ-4HXA``).
FORM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")

PAPER_NAMESPACE = uuid.UUID("0b6f3f2e-8c53-4a37-9d0e-5a1f9a2c7e44")


def paper_submission_id(survey_key: str, form_id: str) -> uuid.UUID:
    """The submission id of paper form ``form_id`` of ``survey_key`` (the same at every entry, whatever
    the case of the letters typed)."""
    return uuid.uuid5(PAPER_NAMESPACE, f"{survey_key}\n{form_id.upper()}")


def printed_version(form_id: str, survey: Survey) -> SurveyVersion | None:
    """The version of ``survey`` paper form ``form_id`` was printed from (None for an id never printed for
    it: another survey's form, another organisation's above all, is never read with its questions)."""
    form = (
        PaperForm.objects.select_related("version")
        .filter(form_id=form_id.strip().upper(), distribution__survey=survey)
        .first()
    )
    return form.version if form is not None else None


def printed_count(survey: Survey, unit: Unit) -> dict[str, int]:
    """How many forms of ``survey`` were printed for ``unit``, and how many of them are stored."""
    forms = PaperForm.objects.filter(distribution__survey=survey, distribution__unit=unit)
    return {"printed": forms.count(), "stored": forms.filter(response__isnull=False).count()}


def _checked_form_id(form_id: str) -> str:
    form_id = (form_id or "").strip()
    if not FORM_ID.match(form_id):
        raise InvalidArgument(
            _("form_id: %(value)r is not a form id (letters, digits, - and _; at most 40)")
            % {"value": form_id[:40]},
            field="form_id",
            value=form_id[:40],
        )
    return form_id.upper()


def printed_form(distribution: Distribution, form_id: str) -> PaperForm:
    """The printed form ``form_id`` of ``distribution``'s survey and unit; a :class:`ValidationError`
    naming the id when it was never printed, or printed for another survey or unit. Another
    organisation's form counts as never printed (the answer for an id nobody uses)."""
    form_id = _checked_form_id(form_id)
    form = (
        PaperForm.objects.select_related("distribution__survey", "distribution__unit", "version")
        .filter(form_id=form_id, distribution__survey__organisation_id=distribution.survey.organisation_id)
        .first()
    )
    if form is None:
        raise ValidationError(
            _("form_id: %(form)s is not the id of a printed questionnaire (check the id on the form)")
            % {"form": form_id},
            field="form_id",
            value=form_id,
        )
    printed = form.distribution
    if printed.survey_id != distribution.survey_id or printed.unit_id != distribution.unit_id:
        raise ValidationError(
            _(
                "form_id: %(form)s was printed for survey %(survey)r and unit %(unit)r, "
                "not for %(this_survey)r and %(this_unit)r"
            )
            % {
                "form": form_id,
                "survey": printed.survey.key,
                "unit": printed.unit.code,
                "this_survey": distribution.survey.key,
                "this_unit": distribution.unit.code,
            },
            field="form_id",
            value=form_id,
        )
    return form
