"""Reads for follow-up cases: lists per person, contact details under their visibility rule, summaries."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.errors import NotFound
from kundpuls.web.cases.models import Case, CaseStatus
from kundpuls.web.org.models import Role, RoleKind, Unit
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.org.tenancy import organisation_id, outside_organisations
from kundpuls.web.responses.models import ContactDetails
from kundpuls.web.themes.queries import taxonomy_in_force


def cases_for(user: Any, *, status: str | None = None, unit: Unit | None = None) -> QuerySet[Case]:
    """Cases of the units where ``user`` may read cases (optionally one status or one unit's subtree)."""
    query = Case.objects.filter(unit__in=units_where(user, Capability.VIEW_CASES)).select_related(
        "unit", "assignee", "survey"
    )
    if status:
        query = query.filter(status=status)
    if unit is not None:
        query = query.filter(unit__path__startswith=unit.path)
    return query


def case_by_id(pk: int, *, actor: Any = None) -> Case:
    """The case ``pk``. With ``actor``, a case of an organisation in which she holds no role is not found
    either (:func:`~kundpuls.web.org.tenancy.outside_organisations`)."""
    case = (
        Case.objects.select_related("unit", "assignee", "survey", "response__version").filter(pk=pk).first()
    )
    if case is None or (actor is not None and outside_organisations(actor, case.unit)):
        raise NotFound(_("case: no case %(case)s") % {"case": pk})
    return case


def is_overdue(case: Case, *, today: date | None = None) -> bool:
    return case.is_open and case.due_date < (today or timezone.localdate())


def _manages(user: Any, unit: Unit) -> bool:
    return Role.objects.filter(
        user=user, unit_id__in=unit.ancestor_ids(), role__in=(RoleKind.MANAGER, RoleKind.ADMIN)
    ).exists()


def may_see_contact(user: Any, case: Case) -> bool:
    """Only while the case is open, and only its assignee, the unit's managers and administrators."""
    if not case.is_open or user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not can(user, Capability.HANDLE_CASES, case.unit):
        return False
    return case.assignee_id == user.pk or _manages(user, case.unit)


def contact_for(user: Any, case: Case) -> dict[str, Any] | None:
    """The respondent's contact details when ``user`` may see them now, else ``None``."""
    if not may_see_contact(user, case) or case.response_id is None:  # a tombstone has no contact
        return None
    details = ContactDetails.objects.filter(response_id=case.response_id).first()
    return dict(details.data) if details else None


def case_row(case: Case, *, today: date | None = None) -> dict[str, Any]:
    """A case without personal data (for lists and exports)."""
    return {
        "id": case.pk,
        "unit": case.unit.code,
        "survey": case.survey.key,
        "status": case.status,
        "rules": list(case.rules),
        "assignee": case.assignee.email if case.assignee else None,
        "opened_at": case.opened_at,
        "due_date": case.due_date,
        "overdue": is_overdue(case, today=today),
        "closed_at": case.closed_at,
        "closed_without_contact": case.closed_without_contact,
        "root_causes": list(case.root_causes),
    }


def you_said_we_did(unit: Unit, start: date, end: date, *, language: str = "sv") -> dict[str, Any]:
    """Ni sa, vi gjorde: closed cases of the subtree in [start, end] by root cause, no personal data.

    Only counts, root-cause themes and the improvement actions written by staff are included; never the
    respondent's answers, comment or contact details.
    """
    closed = Case.objects.filter(
        unit__path__startswith=unit.path,
        status=CaseStatus.CLOSED,
        closed_at__date__gte=start,
        closed_at__date__lte=end,
    ).order_by("closed_at")
    taxonomy = taxonomy_in_force(organisation_id(unit))
    labels = {t.key: t.label_in(language) for t in taxonomy.themes}
    by_cause: Counter[str] = Counter()
    actions: dict[str, list[str]] = {}
    for case in closed:
        for cause in case.root_causes or ["__none__"]:
            by_cause[cause] += 1
            if case.improvement:
                actions.setdefault(cause, [])
                if case.improvement not in actions[cause]:
                    actions[cause].append(case.improvement)
    rows = [
        {
            "root_cause": cause,
            "label": labels.get(cause) or (_("No root cause given") if cause == "__none__" else cause),
            "cases": count,
            "improvements": actions.get(cause, []),
        }
        for cause, count in by_cause.most_common()
    ]
    return {
        "unit": unit.code,
        "unit_name": unit.name,
        "start": start,
        "end": end,
        "closed": closed.count(),
        "closed_without_contact": closed.filter(closed_without_contact=True).count(),
        "by_root_cause": rows,
    }


def share_closed_in_time(unit: Unit, start: date, end: date) -> tuple[int, int]:
    """(cases closed by their due date, cases due) for cases of the subtree due in [start, end]."""
    due = Case.objects.filter(unit__path__startswith=unit.path, due_date__gte=start, due_date__lte=end)
    in_time = sum(
        1
        for c in due.only("closed_at", "due_date")
        if c.closed_at and timezone.localtime(c.closed_at).date() <= c.due_date
    )
    return in_time, due.count()


def rule_items(survey: Any, language: str = "sv") -> list[tuple[str, str]]:
    """The stored items of the survey's newest version an alert rule may test, as (key, question text)."""
    from kundpuls.instruments import stored_items
    from kundpuls.web.surveys.queries import definition_of

    version = survey.versions.order_by("-number").first()
    if version is None:
        return []
    return [
        (item.key, item.text.in_language(language)[:70])
        for item in stored_items(definition_of(version))
        if item.kind in ("numeric", "choice", "text", "boolean")
    ]


PREVIEW_DAYS = 30
PREVIEW_LIMIT = 20_000


def rules_preview(ruleset: Any, *, now: Any = None) -> dict[str, int]:
    """How the stored rules would have acted on the survey's responses of the last 30 days: ``responses``
    (how many, at most 20 000 of the newest), ``fired`` (a rule fires) and ``cases`` (a rule fires and the
    respondent consented to contact: a case would have opened)."""
    from datetime import timedelta

    from django.utils import timezone

    from kundpuls.web.cases.actions import compiled_rules
    from kundpuls.web.responses.models import Response

    since = (now or timezone.now()) - timedelta(days=PREVIEW_DAYS)
    rows = (
        Response.objects.filter(survey_id=ruleset.survey_id, submitted_at__gte=since)
        .select_related("version")
        .order_by("-submitted_at")[:PREVIEW_LIMIT]
    )
    counts = {"responses": 0, "fired": 0, "cases": 0}
    for response in rows:
        counts["responses"] += 1
        compiled = compiled_rules(ruleset, response.version)
        if compiled is not None and compiled.matches(response.answers):
            counts["fired"] += 1
            counts["cases"] += int(response.consented)
    return counts


def preview_rules(survey: Any, rules: Any, *, now: Any = None) -> dict[str, int]:
    """How ``rules`` — a form's, not saved — would have acted on the last 30 days' responses (the counts of
    :func:`rules_preview`). Raises ``DefinitionError`` (with the problem's path) when the rules do not fit
    the survey's newest version, as saving them would."""
    from kundpuls.web.cases.models import AlertRuleSet
    from kundpuls.web.cases.rules import parse_rules
    from kundpuls.web.surveys.queries import definition_of

    version = survey.versions.order_by("-number").first()
    if version is None:
        raise NotFound(_("survey: %(key)r has no version") % {"key": survey.key})
    parse_rules(rules, definition_of(version), taxonomy=taxonomy_in_force(survey.organisation_id))
    return rules_preview(AlertRuleSet(survey=survey, rules=rules), now=now)
