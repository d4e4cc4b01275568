"""Personal references: one respondent across channels.

An invited person has a short personal reference (printed on the invitation, ``K7MQ-4HXA``) beside the
submission id their answers are stored under. Staff who take the same person's answers on paper or by
phone type the reference, and the answers are stored under the invitation's submission id: whichever
channel comes first is stored, any later one stores nothing new (:func:`submit_response` is exactly-once
per submission id). This app must not import ``invitations``; that app registers a resolver in
:data:`RESOLVERS` from its ``ready()``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kundpuls.errors import InvalidArgument, ValidationError

_REFERENCE = re.compile(r"^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$")


@dataclass(frozen=True)
class PersonalReference:
    """Whose answers a reference stands for: the submission id to store them under, and where."""

    reference: str
    submission_id: uuid.UUID
    survey_id: int
    unit_id: int
    unit_code: str


#: Functions from a normalised reference to what it stands for (None: not theirs).
RESOLVERS: list[Callable[[str], PersonalReference | None]] = []


def normalised_reference(text: str) -> str:
    """``k7mq4hxa`` or `` K7MQ-4HXA `` → ``K7MQ-4HXA``; anything else is refused by name."""
    value = (text or "").strip()
    if not _REFERENCE.match(value):
        raise InvalidArgument(
            _(
                "reference: %(value)r is not a personal reference "
                "(four letters or digits, a dash, four more: K7MQ-4HXA)"
            )
            % {"value": value[:20]},
            field="reference",
            value=value[:20],
        )
    value = value.replace("-", "").upper()
    return f"{value[:4]}-{value[4:]}"


def resolve_reference(text: str, *, survey_id: int, unit_id: int) -> PersonalReference:
    """The person behind reference ``text`` for answers to survey ``survey_id`` at unit ``unit_id``.

    Raises :class:`ValidationError` naming the reference when no invitation has it, or it belongs to
    another survey or unit.
    """
    reference = normalised_reference(text)
    for resolver in RESOLVERS:
        found = resolver(reference)
        if found is None:
            continue
        if found.survey_id != survey_id:
            raise ValidationError(
                _("reference: %(reference)s belongs to an invitation to another survey")
                % {"reference": reference},
                field="reference",
                value=reference,
            )
        if found.unit_id != unit_id:
            raise ValidationError(
                _(
                    "reference: %(reference)s belongs to an invitation for unit %(unit)s; "
                    "enter the answers there"
                )
                % {"reference": reference, "unit": found.unit_code},
                field="reference",
                value=reference,
            )
        return found
    raise ValidationError(
        _("reference: %(reference)s is not the reference of any invitation (check it on the letter)")
        % {"reference": reference},
        field="reference",
        value=reference,
    )
