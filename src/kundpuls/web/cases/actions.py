"""Changes to follow-up cases: opening them from alert rules, the workflow, overdue mail, contact purge.

Every change leaves an event in the case's own log and an audit event (:func:`record_audit`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.errors import DefinitionError, InvalidArgument
from kundpuls.web.cases.models import AlertRuleSet, Case, CaseDeadline, CaseEvent, CaseNote, CaseStatus
from kundpuls.web.cases.rules import CompiledRules, compile_rules, load_rules_text, parse_rules
from kundpuls.web.cases.working_days import add_working_days
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import SYSTEM, Actor, actor_label, user_of
from kundpuls.web.org.models import Role, RoleKind, Unit
from kundpuls.web.org.permissions import Capability, can, require
from kundpuls.web.plain_text import checked_text
from kundpuls.web.responses.models import ContactDetails, Response
from kundpuls.web.surveys.models import Survey, SurveyVersion
from kundpuls.web.surveys.queries import definition_of
from kundpuls.web.themes.queries import taxonomy_in_force
from kundpuls.web.webhooks.events import emit

logger = logging.getLogger(__name__)

DEFAULT_DEADLINE_WORKING_DAYS = 2
# A deadline is moved within a year of the day the case was opened (a bound on the input, not a policy).
MAX_DUE_AHEAD = timedelta(days=365)

# (fingerprint of the rules, version pk, taxonomy fingerprint) -> compiled rules (None: they do not fit).
# Keyed by content, not by the rule set's id and revision: an id can come back after a rollback or a
# deletion (SQLite reuses row ids), and must not bring back another rule set's compiled rules. The least
# recently used entries go beyond MAX_COMPILED (every rule revision and version would otherwise stay).
_COMPILED: OrderedDict[tuple[str, int, str], CompiledRules | None] = OrderedDict()
_COMPILED_LOCK = threading.Lock()
MAX_COMPILED = 256

TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.NEW: frozenset({CaseStatus.CONTACTED}),
    CaseStatus.CONTACTED: frozenset({CaseStatus.RESOLVED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

NOTE_CHARS = 4000
"""The most characters a case note or a case's improvement text holds (about two pages)."""
REASON_CHARS = 300
"""The most characters of the reason a case was closed without contact (``Case.close_reason``)."""


def _latest_version(survey: Survey) -> SurveyVersion:
    """The newest published version (the one responses come from), or the newest draft before the first
    publication; the same on every database (PostgreSQL sorts NULL first in a descending order)."""
    version = survey.versions.order_by(F("published_at").desc(nulls_last=True), "-number").first()
    if version is None:
        raise InvalidArgument(
            _("survey: %(key)r has no version") % {"key": survey.key}, field="survey", value=survey.key
        )
    return version


@transaction.atomic
def save_rules(survey: Survey, data: Any, *, actor: Actor) -> AlertRuleSet:
    """Validate ``data`` (a mapping, or YAML/JSON text) against the survey's newest version and store it.

    Needs ``manage_surveys`` on the survey's owner.
    """
    require(actor, Capability.MANAGE_SURVEYS, survey.owner)
    if isinstance(data, str):
        data = load_rules_text(data)
    parse_rules(
        data, definition_of(_latest_version(survey)), taxonomy=taxonomy_in_force(survey.organisation_id)
    )
    ruleset, created = AlertRuleSet.objects.get_or_create(survey=survey, defaults={"rules": data})
    if not created:
        ruleset.rules = data
        ruleset.revision += 1
    if user_of(actor) is not None:
        ruleset.updated_by = user_of(actor)
    ruleset.save()
    record_audit(actor, "cases.rules.save", survey.key, revision=ruleset.revision)
    return ruleset


def compiled_rules(ruleset: AlertRuleSet, version: SurveyVersion) -> CompiledRules | None:
    """The rules of ``ruleset`` for ``version``, parsed once per rules, version and taxonomy."""
    taxonomy = taxonomy_in_force(ruleset.survey.organisation_id)
    rules = json.dumps(ruleset.rules, sort_keys=True, ensure_ascii=False).encode()
    key = (hashlib.sha256(rules).hexdigest(), version.pk, taxonomy.fingerprint)
    with _COMPILED_LOCK:
        if key in _COMPILED:
            _COMPILED.move_to_end(key)
            return _COMPILED[key]
    compiled: CompiledRules | None
    try:
        parsed = parse_rules(ruleset.rules, definition_of(version), taxonomy=taxonomy)
        compiled = compile_rules(parsed, taxonomy=taxonomy)
    except DefinitionError as exc:
        logger.warning("alert rules of %s do not fit version %s: %s", ruleset.survey_id, version.pk, exc)
        compiled = None
    with _COMPILED_LOCK:
        _COMPILED[key] = compiled
        while len(_COMPILED) > MAX_COMPILED:
            _COMPILED.popitem(last=False)
    return compiled


def deadline_days(unit: Unit) -> int:
    """The unit's own deadline in working days, else the nearest ancestor's, else 2."""
    own = dict(
        CaseDeadline.objects.filter(unit_id__in=unit.ancestor_ids()).values_list("unit_id", "working_days")
    )
    for pk in reversed(unit.ancestor_ids()):
        if pk in own:
            return int(own[pk])
    return DEFAULT_DEADLINE_WORKING_DAYS


def _event(case: Case, actor: Actor, kind: str, at: datetime, **details: Any) -> None:
    user = user_of(actor)
    CaseEvent.objects.create(
        case=case,
        actor=user,
        actor_label="" if user else actor_label(actor),
        kind=kind,
        details=details,
        at=at,
    )
    record_audit(actor, f"cases.{kind}", f"case:{case.pk}", **details)
    webhook_kind = {"opened": "case.opened", "closed": "case.closed", "closed_without_contact": "case.closed"}
    if kind in webhook_kind:  # other systems hear about it (issue 20), in this transaction
        emit(
            webhook_kind[kind],
            unit_path=case.unit.path,
            subject=f"case:{case.pk}:{webhook_kind[kind]}",
            data={
                "case": case.pk,
                "unit": case.unit.code,
                "survey": case.survey.key,
                "status": str(case.status),
                "without_contact": kind == "closed_without_contact",
                "at": at.isoformat(),
            },
        )


def open_cases_for(response_id: int, *, now: datetime | None = None) -> Case | None:
    """Open a case when ``response_id`` consented to contact and an alert rule of its survey fires."""
    response = Response.objects.select_related("version", "unit").filter(pk=response_id).first()
    if response is None or not response.consented:
        return None
    ruleset = AlertRuleSet.objects.filter(survey_id=response.survey_id).first()
    if ruleset is None:
        return None
    compiled = compiled_rules(ruleset, response.version)
    if compiled is None:
        return None
    fired = compiled.matches(response.answers)
    if not fired:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        if Case.objects.filter(response_id=response.pk).exists():
            return None
        due = add_working_days(timezone.localtime(now).date(), deadline_days(response.unit))
        case = Case.objects.create(
            response=response,
            unit=response.unit,
            survey_id=response.survey_id,
            rules=fired,
            opened_at=now,
            due_date=due,
        )
        _event(case, SYSTEM, "opened", now, rules=fired, due_date=due.isoformat())
    return case


def open_cases_for_many(response_ids: Iterable[int]) -> int:
    """:func:`open_cases_for` for each consenting response of a survey with rules; count opened.

    Each response whose follow-up was handled (a case opened, or no rule fired, or nothing to follow up) has
    its ``followup_pending`` cleared; one whose rules failed keeps it, for a retry or the worker.
    """
    ids = list(response_ids)
    if not ids:
        return 0
    with_rules = set(AlertRuleSet.objects.values_list("survey_id", flat=True))
    candidates = set(
        Response.objects.filter(pk__in=ids, consented=True, survey_id__in=with_rules).values_list(
            "pk", flat=True
        )
    )
    handled = [pk for pk in ids if pk not in candidates]
    opened = 0
    for pk in sorted(candidates):
        try:
            opened += open_cases_for(pk) is not None
        except Exception:  # a follow-up problem must never undo or fail a stored response
            logger.exception("could not open a follow-up case for response %s", pk)
        else:
            handled.append(pk)
    Response.objects.filter(pk__in=handled, followup_pending=True).update(followup_pending=False)
    return opened


def _require_handler(actor: Actor, case: Case) -> None:
    require(actor, Capability.HANDLE_CASES, case.unit)


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise InvalidArgument(_("case: %(case)s is closed") % {"case": case.pk}, field="case", value=case.pk)


@transaction.atomic
def assign(case: Case, assignee: Any, *, actor: Actor, now: datetime | None = None) -> Case:
    """Give the case to ``assignee`` (who must be able to handle cases of the unit)."""
    _require_handler(actor, case)
    _require_open(case)
    if assignee is not None and not can(assignee, Capability.HANDLE_CASES, case.unit):
        raise InvalidArgument(
            _("assignee: %(person)s may not handle cases of %(unit)s")
            % {"person": assignee, "unit": case.unit.name},
            field="assignee",
            value=str(assignee),
        )
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    _event(case, actor, "assigned", now or timezone.now(), assignee=getattr(assignee, "email", None))
    return case


@transaction.atomic
def set_due_date(case: Case, due: date, *, actor: Actor, now: datetime | None = None) -> Case:
    """Move the deadline; a case overdue again later is mailed about again (a new overdue event)."""
    _require_handler(actor, case)
    _require_open(case)
    opened = timezone.localdate(case.opened_at)
    if not opened <= due <= opened + MAX_DUE_AHEAD:
        raise InvalidArgument(
            _("due_date: %(due)s is not between the day the case was opened (%(opened)s) and a year later")
            % {"due": due.isoformat(), "opened": opened.isoformat()},
            field="due_date",
            value=due.isoformat(),
        )
    case.due_date = due
    case.overdue_notified_at = None
    case.save(update_fields=["due_date", "overdue_notified_at"])
    _event(case, actor, "due_date", now or timezone.now(), due_date=due.isoformat())
    return case


@transaction.atomic
def add_note(case: Case, text: str, *, actor: Actor, now: datetime | None = None) -> CaseNote:
    _require_handler(actor, case)
    text = checked_text(text, field="text", limit=NOTE_CHARS)
    if not text:
        raise InvalidArgument(_("text: a note must not be empty"), field="text", value=text)
    now = now or timezone.now()
    note = CaseNote.objects.create(case=case, author=user_of(actor), text=text, at=now)
    _event(case, actor, "note", now)
    return note


def _check_root_causes(case: Case, root_causes: Sequence[str]) -> list[str]:
    themes = set(taxonomy_in_force(case.survey.organisation_id).keys)
    unknown = [c for c in root_causes if c not in themes]
    if unknown:
        raise InvalidArgument(
            _("root_causes: %(keys)s are not themes of the taxonomy") % {"keys": ", ".join(unknown)},
            field="root_causes",
            value=unknown,
        )
    return list(dict.fromkeys(root_causes))


@transaction.atomic
def advance(
    case: Case,
    status: str,
    *,
    actor: Actor,
    root_causes: Sequence[str] | None = None,
    improvement: str = "",
    now: datetime | None = None,
) -> Case:
    """Move the case one step: new → contacted → resolved → closed (resolving records root causes)."""
    _require_handler(actor, case)
    if status not in TRANSITIONS.get(case.status, frozenset()):
        raise InvalidArgument(
            _("status: cannot go from %(old)s to %(new)r") % {"old": case.status, "new": status},
            field="status",
            value=status,
        )
    now = now or timezone.now()
    fields = ["status"]
    if status == CaseStatus.CONTACTED:
        case.contacted_at = now
        fields.append("contacted_at")
    elif status == CaseStatus.RESOLVED:
        case.resolved_at = now
        case.root_causes = _check_root_causes(case, root_causes or [])
        case.improvement = checked_text(improvement, field="improvement", limit=NOTE_CHARS)
        fields += ["resolved_at", "root_causes", "improvement"]
    elif status == CaseStatus.CLOSED:
        case.closed_at = now
        fields.append("closed_at")
    case.status = status
    case.save(update_fields=fields)
    _event(
        case, actor, str(status), now, root_causes=case.root_causes if status == CaseStatus.RESOLVED else None
    )
    return case


@transaction.atomic
def close_without_contact(case: Case, reason: str, *, actor: Actor, now: datetime | None = None) -> Case:
    """Close a case that was never contacted (no answer, wrong number …); the reason is required."""
    _require_handler(actor, case)
    _require_open(case)
    if case.status not in (CaseStatus.NEW, CaseStatus.CONTACTED):
        raise InvalidArgument(
            _("status: a case that is %(status)s is closed normally") % {"status": case.status},
            field="status",
            value=case.status,
        )
    reason = checked_text(reason, field="reason", limit=REASON_CHARS)
    if not reason:
        raise InvalidArgument(
            _("reason: closing without contact needs a reason"), field="reason", value=reason
        )
    now = now or timezone.now()
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.closed_without_contact = True
    case.close_reason = reason.strip()[:300]
    case.save(update_fields=["status", "closed_at", "closed_without_contact", "close_reason"])
    _event(case, actor, "closed_without_contact", now, reason=case.close_reason)
    return case


def unit_managers(unit: Unit) -> list[Any]:
    """Users holding the manager role on the unit or an ancestor (nearest first)."""
    roles = Role.objects.filter(unit_id__in=unit.ancestor_ids(), role=RoleKind.MANAGER).select_related(
        "user", "unit"
    )
    ordered = sorted(roles, key=lambda r: -r.unit.depth)
    return list(dict.fromkeys(r.user for r in ordered if r.user.is_active and r.user.email))


def notify_overdue(*, actor: Actor, now: datetime | None = None) -> int:
    """Flag open cases past their due date and e-mail the unit's managers, once per case per overdue event.

    Returns the number of cases mailed about. It spans every unit: ``handle_cases`` everywhere (a
    superuser or an operator); the case logs name the system as the one who noticed.
    """
    require(actor, Capability.HANDLE_CASES, None)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    mailed = 0
    overdue = (
        Case.objects.filter(due_date__lt=today, overdue_notified_at__isnull=True)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("unit")
    )
    for case in overdue:
        recipients = [u.email for u in unit_managers(case.unit)]
        with transaction.atomic():
            claimed = Case.objects.filter(pk=case.pk, overdue_notified_at__isnull=True).update(
                overdue_notified_at=now
            )
            if not claimed:
                continue
            link = f"{settings.KUNDPULS_BASE_URL}/portal/arenden/{case.pk}/"
            if recipients:
                send_mail(
                    f"Kundpuls: ärende {case.pk} är försenat / case {case.pk} is overdue",
                    f"Ärende {case.pk} för {case.unit.name} skulle ha hanterats senast "
                    f"{case.due_date:%Y-%m-%d}.\n"
                    f"Case {case.pk} for {case.unit.name} was due on {case.due_date:%Y-%m-%d}.\n\n{link}\n",
                    None,
                    recipients,
                )
            _event(case, SYSTEM, "overdue", now, due_date=case.due_date.isoformat(), mailed=len(recipients))
        mailed += 1
    return mailed


def purge_contact_details(*, actor: Actor, now: datetime | None = None) -> int:
    """Delete the contact details of cases closed longer ago than the retention; returns how many.

    It spans every unit: ``administer`` everywhere (a superuser or an operator).
    """
    require(actor, Capability.ADMINISTER, None)
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KUNDPULS_CASE_CONTACT_RETENTION_DAYS)
    due = Case.objects.filter(
        status=CaseStatus.CLOSED, closed_at__lte=cutoff, contact_deleted_at__isnull=True
    )
    purged = 0
    for case in due:
        with transaction.atomic():
            deleted = 0
            if case.response_id is not None:  # a tombstone's went with the erasure
                deleted, _rows = ContactDetails.objects.filter(response_id=case.response_id).delete()
            case.contact_deleted_at = now
            case.save(update_fields=["contact_deleted_at"])
            _event(case, SYSTEM, "contact_deleted", now, deleted=deleted)
        purged += 1
    return purged


def purge_unused_contact_details(*, actor: Actor, now: datetime | None = None) -> int:
    """Delete the contact details of responses that opened no case, ``KUNDPULS_UNUSED_CONTACT_RETENTION_DAYS``
    after they were stored and once their follow-up was handled (``followup_pending`` cleared: no rule can
    open a case for them any more); returns how many. A consent to be contacted is only used for a case.

    It spans every unit: ``administer`` everywhere (a superuser or an operator); one audit event counts.
    """
    require(actor, Capability.ADMINISTER, None)
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KUNDPULS_UNUSED_CONTACT_RETENTION_DAYS)
    with transaction.atomic():
        due = ContactDetails.objects.filter(
            response__case__isnull=True,
            response__followup_pending=False,
            response__stored_at__lte=cutoff,
        )
        deleted, _rows = ContactDetails.objects.filter(pk__in=list(due.values_list("pk", flat=True))).delete()
        if deleted:
            record_audit(actor, "cases.unused_contacts_deleted", "", deleted=deleted)
    return deleted


def rules_as_text(ruleset: AlertRuleSet | None) -> str:
    return json.dumps(ruleset.rules if ruleset else {"rules": []}, ensure_ascii=False, indent=2)
