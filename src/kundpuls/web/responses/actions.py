"""Storing a response: validated against its survey version, atomically, exactly once per submission id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kundpuls.instruments import ValidatedAnswers, validate_answers
from kundpuls.web.responses.models import ContactDetails, Response
from kundpuls.web.surveys.models import Distribution, SurveyVersion
from kundpuls.web.surveys.queries import definition_of


@dataclass(frozen=True)
class Receipt:
    """What the respondent is shown: the same for every retry of one submission."""

    response_id: int
    code: str
    created: bool


def submit_response(
    *,
    version: SurveyVersion,
    distribution: Distribution,
    submission_id: uuid.UUID,
    answers: dict[str, Any],
    language: str = "sv",
    submitted_at: datetime | None = None,
) -> Receipt:
    """Validate ``answers`` (item key → raw value, contact fields included) and store them once.

    Storing is one transaction: the response and its contact details (kept in their own table) commit
    together or not at all. A second call with the same ``submission_id`` — a retry, a double click, the
    back button — stores nothing and returns the receipt of the first.

    Raises
    ------
    kundpuls.instruments.AnswerErrors
        When the answers do not fit the survey version (every problem named by item key and value).
    """
    existing = Response.objects.filter(submission_id=submission_id).first()
    if existing is not None:
        return Receipt(existing.pk, existing.receipt, created=False)
    validated: ValidatedAnswers = validate_answers(definition_of(version), answers)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                submission_id=submission_id,
                survey_id=version.survey_id,
                version=version,
                distribution=distribution,
                unit_id=distribution.unit_id,
                channel=distribution.channel,
                language=language if language in {"sv", "en"} else "sv",
                submitted_at=submitted_at or timezone.now(),
                answers=validated.answers,
                consented=validated.consented,
            )
            if validated.contact:
                ContactDetails.objects.create(response=response, data=validated.contact)
    except IntegrityError:
        # Another request with the same submission id committed first: that one is the response.
        response = Response.objects.get(submission_id=submission_id)
        return Receipt(response.pk, response.receipt, created=False)
    return Receipt(response.pk, response.receipt, created=True)
