"""Finding everything Kundpuls keeps about one respondent (a data-protection request), before erasing it.

A request names its *subject* in one of three ways (:func:`parse_subject`): a submission id (with or without
dashes), the receipt code of the thank-you page (the first block of the submission id, upper case), or the
e-mail address of an invited person. :func:`plan_erasure` finds the responses and asks every app above this
one what it holds about them — the apps register an :class:`ErasureParticipant` in
:data:`PARTICIPANTS` from their ``ready()`` (this app must not import them): ``cases`` its follow-up cases,
``invitations`` the invitation, its contact data and the background copied from the list, ``paper`` the
waiting entries of paper forms typed once. The plan holds
counts, unit codes and dates, never an answer or a contact detail; the erasure itself is
:func:`kundpuls.web.responses.actions.erase`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal, Protocol

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.errors import InvalidArgument
from kundpuls.instruments import stored_items
from kundpuls.web.org.models import Unit
from kundpuls.web.org.tenancy import within_organisations
from kundpuls.web.responses.models import ContactDetails, Response
from kundpuls.web.surveys.models import SurveyVersion
from kundpuls.web.surveys.queries import definition_of

SubjectKind = Literal["submission", "receipt", "email"]
_RECEIPT = re.compile(r"^[0-9A-Fa-f]{8}$")
MAX_SUBJECT_LENGTH = 254


@dataclass(frozen=True)
class Subject:
    """Whom a request is about: ``value`` is normalised (32 hex digits, an upper-case receipt, a lower-case
    e-mail address)."""

    kind: SubjectKind
    value: str
    #: The organisations (root unit primary keys) whose data the request covers; None: every one (the
    #: terminal, an operator). Each organisation is its own controller of personal data: an administrator's
    #: request finds and erases her organisations' data only, and says nothing of another's.
    organisations: frozenset[int] | None = None

    def within(self, organisations: Iterable[int] | None) -> Subject:
        """This subject limited to ``organisations`` as well (None: no further limit)."""
        if organisations is None:
            return self
        chosen = frozenset(int(o) for o in organisations)
        if self.organisations is not None:
            chosen &= self.organisations
        return replace(self, organisations=chosen)

    def __str__(self) -> str:  # never the address itself: the subject may reach a log or an audit event
        return f"{self.kind}:{self.value}" if self.kind != "email" else "email:…"


def parse_subject(text: str) -> Subject:
    """Read a submission id, a receipt code or an e-mail address; anything else is refused by name."""
    value = str(text).strip()
    if not value or len(value) > MAX_SUBJECT_LENGTH:
        raise InvalidArgument(
            _(
                "subject: give a submission id, a receipt code or an e-mail address "
                "(1–%(max)d characters, got %(length)d)"
            )
            % {"max": MAX_SUBJECT_LENGTH, "length": len(value)},
            field="subject",
            value=len(value),
        )
    if "@" in value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise InvalidArgument(
                _("subject: this is not a valid e-mail address"), field="subject", value="(e-mail)"
            ) from None
        return Subject("email", value.lower())
    if _RECEIPT.match(value):
        return Subject("receipt", value.upper())
    try:
        return Subject("submission", uuid.UUID(value).hex)
    except ValueError:
        raise InvalidArgument(
            _(
                "subject: %(value)r is neither a submission id (a UUID), a receipt code (8 hexadecimal "
                "characters) nor an e-mail address"
            )
            % {"value": value[:40]},
            field="subject",
            value=value[:40],
        ) from None


@dataclass(frozen=True)
class Found:
    """What one app holds about a subject: more responses (an invited person's), units, counts by kind."""

    response_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    counts: Mapping[str, int] = field(default_factory=dict)


class ErasureParticipant(Protocol):
    """An app that keeps data about respondents: it finds them and erases them (inside the erasure's
    transaction, before the responses are deleted)."""

    def find(self, subject: Subject, response_ids: frozenset[int]) -> Found: ...

    def erase(
        self, subject: Subject, response_ids: frozenset[int], *, actor: Any, now: datetime
    ) -> Mapping[str, int]: ...


PARTICIPANTS: list[ErasureParticipant] = []


class AmbiguousReceipt(InvalidArgument):
    """A receipt code matches more than one response (the code is the first 8 of 32 hex digits)."""


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure of ``subject`` removes: no answers, no contact details, no e-mail address."""

    subject: Subject
    response_ids: frozenset[int]
    submission_ids: tuple[str, ...]
    receipts: tuple[str, ...]
    units: tuple[Unit, ...]
    counts: Mapping[str, int]
    first_submitted: date | None
    last_submitted: date | None

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())

    def summary(self) -> dict[str, Any]:
        """The plan as data for the page, ``--json`` and ``--dry-run`` (nothing personal)."""
        return {
            "subject": self.subject.kind,
            "receipts": list(self.receipts),
            "units": [unit.code for unit in self.units],
            "first_submitted": self.first_submitted.isoformat() if self.first_submitted else None,
            "last_submitted": self.last_submitted.isoformat() if self.last_submitted else None,
            "counts": dict(self.counts),
        }


def _direct_responses(subject: Subject) -> set[int]:
    responses = Response.objects.filter(within_organisations("unit__path", subject.organisations))
    if subject.kind == "submission":
        return set(responses.filter(submission_id=uuid.UUID(subject.value)).values_list("pk", flat=True))
    if subject.kind == "receipt":
        matching = responses.filter(submission_id__istartswith=subject.value.lower())
        found = list(matching.values_list("pk", flat=True)[:3])
        if len(found) > 1:
            raise AmbiguousReceipt(
                _(
                    "subject: the receipt code %(code)s matches more than one response; "
                    "give the whole submission id"
                )
                % {"code": subject.value},
                field="subject",
                value=subject.value,
            )
        return set(found)
    return set()


def _comment_count(responses: list[Response]) -> int:
    texts: dict[int, frozenset[str]] = {}
    count = 0
    for response in responses:
        if response.version_id not in texts:
            version = SurveyVersion.objects.get(pk=response.version_id)
            texts[response.version_id] = frozenset(
                item.key for item in stored_items(definition_of(version)) if item.kind == "text"
            )
        count += sum(
            1 for key, value in response.answers.items() if key in texts[response.version_id] and value
        )
    return count


def plan_erasure(subject: Subject) -> ErasurePlan:
    """Everything an erasure of ``subject`` would remove (a read: nothing changes).

    Raises :class:`AmbiguousReceipt` when a receipt code matches more than one response.
    """
    ids = frozenset(_direct_responses(subject))
    for participant in PARTICIPANTS:  # an invited person's responses are found through the invitations
        ids |= participant.find(subject, ids).response_ids
    findings = [participant.find(subject, ids) for participant in PARTICIPANTS]
    responses = list(
        Response.objects.filter(pk__in=ids).only(
            "pk", "submission_id", "unit_id", "version_id", "answers", "submitted_at"
        )
    )
    unit_ids = {r.unit_id for r in responses}.union(*(f.unit_ids for f in findings))
    counts: dict[str, int] = {
        "responses": len(responses),
        "comments": _comment_count(responses),
        "contact_details": ContactDetails.objects.filter(response_id__in=ids).count(),
    }
    for finding in findings:
        for kind, number in finding.counts.items():
            counts[kind] = counts.get(kind, 0) + number
    dates = Response.objects.filter(pk__in=ids).aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    return ErasurePlan(
        subject=subject,
        response_ids=ids,
        submission_ids=tuple(sorted(r.submission_id.hex for r in responses)),
        receipts=tuple(sorted(r.receipt for r in responses)),
        units=tuple(Unit.objects.filter(pk__in=unit_ids).order_by("path")),
        counts=counts,
        first_submitted=timezone.localtime(dates["first"]).date() if dates["first"] else None,
        last_submitted=timezone.localtime(dates["last"]).date() if dates["last"] else None,
    )
