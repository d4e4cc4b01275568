"""Where the cases app uses comment-theme keys: alert rules with a theme condition, and cases' root causes.

Registered with :data:`kundpuls.web.themes.queries.USAGE_PROVIDERS` by :class:`CasesConfig`, so the themes
app (below this one) can refuse to remove a theme that is in use without importing the cases app.
"""

from __future__ import annotations

from django.utils.translation import get_language

from kundpuls.web.cases.models import AlertRuleSet, Case
from kundpuls.web.cases.rules import rule_name
from kundpuls.web.themes.queries import ThemeUsage


def theme_usage_in_cases(organisation_pk: int, wanted: set[str]) -> dict[str, ThemeUsage]:
    """For each of ``wanted`` that is in use: the alert rules (by name: "Missnöjd med bemötandet (Vad tycker
    du om vår service?)", the rule's label, else its key, and the survey's title) with a theme condition on it
    and the cases that name it as a root cause (open or closed: closed cases keep their history), in one
    organisation: each has its own taxonomy."""
    usage: dict[str, ThemeUsage] = {}
    rulesets = AlertRuleSet.objects.filter(survey__organisation_id=organisation_pk)
    for title, data in rulesets.values_list("survey__title", "rules"):
        for rule in (data or {}).get("rules", []) if isinstance(data, dict) else []:
            for condition in rule.get("when", []) if isinstance(rule, dict) else []:
                theme = condition.get("theme") if isinstance(condition, dict) else None
                if theme in wanted:
                    name = rule_name(rule, "en" if get_language() == "en" else "sv")
                    usage.setdefault(theme, ThemeUsage()).rules.append(f"{name} ({title})")
    in_organisation = Case.objects.filter(survey__organisation_id=organisation_pk)
    cases = in_organisation.exclude(root_causes=[]).values_list("pk", "root_causes").order_by("pk")
    for pk, causes in cases.iterator():
        for cause in causes or []:
            if cause in wanted:
                usage.setdefault(cause, ThemeUsage()).cases.append(int(pk))
    return usage
