"""Follow-up in the demo: alert rules, and cases for the dissatisfied who asked to be contacted.

The demo's responses are loaded in bulk, past the hook that opens cases as a response is stored. This
step saves a rule set for each demo survey with a consent question, opens the cases those rules give for
the last :data:`WEEKS` weeks (each opened when its response came in), and moves the older ones along as a
unit would have: most contacted within a day or two, resolved with root causes and the improvement made,
some closed without contact, a few left open past their due date. Who handles a case is its unit's
manager, or the demo administrator. Everything is decided by the response's id, so the demo is the same
every time; running the step again changes nothing once cases exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from kundpuls.web.accounts.models import User
from kundpuls.web.cases import actions
from kundpuls.web.cases.models import AlertRuleSet, Case, CaseStatus
from kundpuls.web.cases.rules import comment_themes
from kundpuls.web.org.actors import DEMO, Actor
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Survey
from kundpuls.web.themes.queries import taxonomy_in_force

WEEKS = 16
"""Cases are opened for the responses of this many recent weeks."""

RULES: dict[str, dict[str, Any]] = {
    "nki": {
        "rules": [
            {
                "key": "low_overall",
                "label": {"sv": "Lågt helhetsbetyg", "en": "Low overall rating"},
                "when": [{"item": "nki_helhet", "at_most": 6}],
            },
            {
                "key": "treatment",
                "label": {"sv": "Missnöjd med bemötandet", "en": "Unhappy with how they were treated"},
                "when": [{"item": "kommentar", "theme": "bemotande"}, {"item": "nki_helhet", "at_most": 7}],
            },
        ]
    },
    "patient": {
        "rules": [
            {
                "key": "low_overall",
                "label": {"sv": "Dåligt helhetsintryck", "en": "Poor overall impression"},
                "when": [{"item": "helhet_betyg", "at_most": 2}],
            },
            {
                "key": "would_not_recommend",
                "label": {"sv": "Skulle inte rekommendera", "en": "Would not recommend"},
                "when": [{"item": "helhet_rekommendera", "equals": "nej"}],
            },
        ]
    },
}

# What the unit did, by the case's first root cause (a theme of the default taxonomy).
IMPROVEMENTS = {
    "bemotande": "Tog upp bemötandet på arbetsplatsträffen; vi följer upp med en kort enkät om två månader.",
    "information": "Förklarade beslutet och skickade det i klarspråk; texten på webben är omskriven.",
    "tillganglighet": "Kunden fick en fast kontakttid; vi har infört en telefontid varje förmiddag.",
    "vantetid": "Bokade en ny tid inom en vecka; väntelistan gås nu igenom varje måndag.",
    "kontinuitet": "Kunden har nu samma två kontaktpersoner; schemat planeras fyra veckor framåt.",
    "kompetens": "Kollegan som besökte kunden går introduktionen igen, med en erfaren handledare.",
}
IMPROVEMENT_OTHERWISE = "Gick igenom ärendet med kunden; rutinen för återkoppling är nu skriftlig och känd."

NO_CONTACT = (
    "Nådde inte kunden efter tre försök på olika tider.",
    "Kunden avböjde när vi ringde: ville bara att vi skulle veta.",
)


def _handler(case: Case) -> Actor:
    managers = actions.unit_managers(case.unit)
    if managers:
        return managers[0]
    return User.objects.filter(is_demo=True, is_superuser=True).order_by("pk").first() or DEMO


def _root_causes(case: Case) -> list[str]:
    answers = case.response.answers if case.response is not None else {}  # a tombstone has none
    comment = next((v for k, v in answers.items() if k.startswith("kommentar")), "")
    taxonomy = taxonomy_in_force(case.survey.organisation_id)
    found = sorted(comment_themes(comment, taxonomy)) if isinstance(comment, str) and comment else []
    return found[:2] or ["bemotande"]


def _move_along(case: Case, now: datetime) -> None:
    """Take an opened case as far as its unit would have by ``now``, decided by its response's id."""
    roll = ((case.response_id or case.pk) * 2654435761) % 100  # a fixed spread over 0–99 from the id
    opened = case.opened_at
    age = now - opened
    handler = _handler(case)
    if isinstance(handler, User):
        actions.assign(case, handler, actor=handler, now=min(opened + timedelta(hours=2), now))
    if age < timedelta(days=2) or roll < 10:  # new, or left lying (overdue once past its due date)
        return
    if roll < 20 and age >= timedelta(days=4):  # closed without contact
        reason = NO_CONTACT[roll % len(NO_CONTACT)]
        actions.close_without_contact(case, reason, actor=handler, now=opened + timedelta(days=3))
        return
    actions.advance(case, CaseStatus.CONTACTED, actor=handler, now=opened + timedelta(days=1, hours=roll % 6))
    if age < timedelta(days=10) or roll < 40:  # in progress
        return
    talked = opened + timedelta(days=1, hours=6)
    actions.add_note(case, "Pratade med kunden, som gärna berättade mer.", actor=handler, now=talked)
    causes = _root_causes(case)
    actions.advance(
        case,
        CaseStatus.RESOLVED,
        actor=handler,
        root_causes=causes,
        improvement=IMPROVEMENTS.get(causes[0], IMPROVEMENT_OTHERWISE),
        now=opened + timedelta(days=4),
    )
    actions.advance(case, CaseStatus.CLOSED, actor=handler, now=opened + timedelta(days=5))


def load_demo_cases() -> dict[str, int]:
    """Save the demo's rule sets and open and move along its cases (once); returns what exists afterwards."""
    now = timezone.now()
    for key, rules in RULES.items():
        survey = Survey.objects.filter(key=key).first()
        if survey is not None and not AlertRuleSet.objects.filter(survey=survey).exists():
            actions.save_rules(survey, rules, actor=DEMO)
    if not Case.objects.exists():
        recent = Response.objects.filter(
            consented=True, survey__key__in=RULES, submitted_at__gte=now - timedelta(weeks=WEEKS)
        )
        for pk, submitted in recent.order_by("submitted_at").values_list("pk", "submitted_at"):
            case = actions.open_cases_for(pk, now=submitted)
            if case is not None:
                _move_along(case, now)
    return {
        "rule_sets": AlertRuleSet.objects.count(),
        "cases": Case.objects.count(),
        "open": Case.objects.exclude(status=CaseStatus.CLOSED).count(),
    }
