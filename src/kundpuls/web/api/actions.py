"""Every write of the API app: personal tokens, and responses sent by other systems.

**Tokens** are ``kp_`` + 43 random characters, stored as a SHA-256 only; a token acts with exactly its
person's roles. :func:`user_for` is the check every API request makes (it notes when a token was last
used, at most once a minute).

**Responses** (``POST /api/v1/responses/``, :func:`submit_batch`), from a kiosk, a CRM, a booking
system: at most :data:`MAX_BATCH` responses to one survey, each for a unit, validated exactly like answers
on the respondent pages (:func:`kundpuls.web.responses.actions.prepare_answers`: scales, required items,
rules; personal data in open text redacted). All or nothing: one bad response stores
none, and the error lists every problem by row, item and value in the request's language. Each response
carries the sender's ``submission_id`` (a UUID): sending the same batch again stores nothing twice, so a
sender may retry after any failure. A response is stored through an open ``api`` distribution of its
unit (:func:`kundpuls.web.surveys.actions.open_distribution`, which also keeps the unit inside the survey
owner's organisation). Alert rules run on them as on any stored response.

Writes need a token (never a browser session: no cookie-based request can write) and the
``manage_surveys`` capability on every unit of the batch.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kundpuls.errors import InvalidArgument, NotFound, ValidationError
from kundpuls.instruments.exceptions import AnswerErrors
from kundpuls.web.accounts.models import User
from kundpuls.web.api.models import ApiToken
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.plain_text import checked_text
from kundpuls.web.responses.actions import ImportReport, IncomingResponse, import_responses, prepare_answers
from kundpuls.web.surveys.actions import open_distribution
from kundpuls.web.surveys.models import Channel, Distribution, Survey
from kundpuls.web.surveys.queries import current_version, definition_of, survey_by_key

PREFIX = "kp_"
TOUCH_EVERY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token (not on every request)."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _require_own_or_administrator(actor: Actor, user: User) -> None:
    """A person manages their own tokens; another's only with ``administer`` everywhere (or an operator)."""
    if isinstance(actor, User) and actor.pk == user.pk and actor.is_active:
        return
    require(actor, Capability.ADMINISTER, None)


@transaction.atomic
def create_token(user: User, name: str, *, actor: Actor) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and the secret, which is shown this once and never stored."""
    _require_own_or_administrator(actor, user)
    name = checked_text(name, field="name", limit=ApiToken._meta.get_field("name").max_length or 100)
    if not name:
        raise ValidationError(_("name: a token needs a name (what uses it)"), field="name", value=name)
    if not user.is_active:
        raise ValidationError(
            _("user: %(email)s is not active") % {"email": user.email}, field="user", value=user.email
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, token_hash=_hash(secret))
    record_audit(actor, "api.token.create", user.email, token=token.pk, name=token.name)
    return token, secret


@transaction.atomic
def revoke_token(pk: int, *, actor: Actor) -> ApiToken:
    """Revoke token ``pk`` (idempotent)."""
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None:
        raise NotFound(_("token: no API token %(token)s") % {"token": pk})
    _require_own_or_administrator(actor, token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(actor, "api.token.revoke", token.user.email, token=token.pk)
    return token


def user_for(secret: str) -> User | None:
    """The active user of a valid, unrevoked token, or None."""
    if not secret.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


MAX_BATCH = 1000
CLOCK_SKEW = timedelta(minutes=5)
"""How far a sender's clock may run ahead of ours before a time counts as in the future."""


@dataclass(frozen=True)
class RowProblem:
    """One problem of one response of a batch (``row`` counts from 1)."""

    row: int
    field: str
    value: Any
    message: str


class BatchRejected(InvalidArgument):
    """The batch was refused; ``problems`` names every bad response, item and value."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(_("%(n)d problems; nothing was stored") % {"n": len(problems)}, field="responses")
        self.problems = problems


def _parse(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument(_("body: not JSON (%(error)s)") % {"error": exc}, field="body") from None
    if not isinstance(data, dict):
        raise InvalidArgument(_("body: expected a JSON object"), field="body", value=type(data).__name__)
    if not _storable(data):
        raise InvalidArgument(
            _("body: text may not contain NUL characters or unpaired UTF-16 surrogates"), field="body"
        )
    return data


def _storable(value: Any) -> bool:
    """Every string (key or value) can be stored as text: no NUL (PostgreSQL refuses it) and valid UTF-8.

    The body's nesting is bounded before parsing (``json_body``), so the recursion is too.
    """
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    return True


def _timestamp(raw: Any) -> datetime | None:
    if raw in (None, ""):
        return timezone.now()
    try:  # 2026-02-30, hour 25, offset +25:00 (ValueError); year 1 compared in UTC (OverflowError)
        stamp = parse_datetime(str(raw))
        if stamp is None or timezone.is_naive(stamp) or stamp.astimezone(UTC) > timezone.now() + CLOCK_SKEW:
            return None
    except (ValueError, OverflowError):
        return None
    return stamp


def submit_batch(body: bytes, *, actor: Actor, language: str) -> ImportReport:
    """Validate and store a batch (see the module docstring); raises with every problem named."""
    data = _parse(body)
    key = str(data.get("survey") or "")
    try:  # among the token's person's organisations only (KEY or ORG:KEY)
        survey: Survey | None = survey_by_key(key, actor=actor)
    except NotFound:
        survey = None
    version = current_version(survey) if survey is not None else None
    if survey is None or version is None:
        raise NotFound(_("survey: no published survey %(key)r") % {"key": key})
    rows = data.get("responses")
    if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_BATCH:
        count = len(rows) if isinstance(rows, list) else None
        raise InvalidArgument(
            _("responses: a list of 1 to %(max)d responses is needed") % {"max": MAX_BATCH},
            field="responses",
            value=count,
        )
    definition = definition_of(version)
    codes = {str(r.get("unit")) for r in rows if isinstance(r, dict)}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    problems: list[RowProblem] = []
    accepted: list[tuple[Unit, uuid.UUID, dict[str, Any], str, datetime]] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(RowProblem(number, "", type(row).__name__, _("a response is a JSON object")))
            continue
        unit = units.get(str(row.get("unit")))
        if unit is None:
            problems.append(RowProblem(number, "unit", row.get("unit"), _("no such unit")))
            continue
        require(actor, Capability.MANAGE_SURVEYS, unit)
        try:
            submission = uuid.UUID(str(row.get("submission_id")))
        except ValueError:
            problems.append(RowProblem(number, "submission_id", row.get("submission_id"), _("not a UUID")))
            continue
        submitted = _timestamp(row.get("submitted_at"))
        if submitted is None:
            problems.append(
                RowProblem(
                    number, "submitted_at", row.get("submitted_at"),
                    _("an ISO 8601 time with a time zone, not in the future"),
                )
            )  # fmt: skip
            continue
        raw = row.get("answers")
        answers: dict[str, Any] = raw if isinstance(raw, dict) else {}
        respondent_language = str(row.get("language") or "sv")
        try:
            prepare_answers(definition, answers, language=respondent_language)
        except AnswerErrors as exc:
            problems += [RowProblem(number, e.field or "", e.value, e.message(language)) for e in exc.errors]
            continue
        accepted.append((unit, submission, answers, respondent_language, submitted))
    if problems:
        raise BatchRejected(problems)
    links: dict[int, Distribution] = {}
    for unit, *_rest in accepted:
        if unit.pk not in links:
            links[unit.pk] = open_distribution(survey, unit, channel=Channel.API, actor=actor)
    incoming = [
        IncomingResponse(
            distribution=links[unit.pk],
            submission_id=submission,
            answers=answers,
            language=respondent_language,
            submitted_at=submitted,
        )
        for unit, submission, answers, respondent_language, submitted in accepted
    ]
    report = import_responses(version, incoming, actor=actor)
    record_audit(actor, "api.responses", survey.key, stored=report.stored, already=report.already_stored)
    return report
