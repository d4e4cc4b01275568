"""Cases as people read them: rules by their labels, root causes by theme names, events in words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kundpuls.text.taxonomy import Taxonomy
from kundpuls.web.cases.models import AlertRuleSet, Case

EVENT_LABELS = {
    "opened": _("Opened"),
    "assigned": _("Assigned"),
    "due_date": _("Due date moved"),
    "note": _("Note added"),
    "contacted": pgettext_lazy("case event", "Contacted"),
    "resolved": pgettext_lazy("case event", "Resolved"),
    "closed": pgettext_lazy("case event", "Closed"),
    "closed_without_contact": _("Closed without contact"),
    "overdue": _("Overdue: the managers were e-mailed"),
    "contact_deleted": _("Contact details deleted"),
}


def event_label(kind: str) -> str:
    """An event of the case log in words (an unknown kind as stored)."""
    return str(EVENT_LABELS.get(kind, kind))


def rule_label_map(survey_id: int, language: str) -> dict[str, str]:
    """Rule key → its label in ``language`` (Swedish when it has none) for one survey's rule set."""
    ruleset = AlertRuleSet.objects.filter(survey_id=survey_id).first()
    rules: list[Any] = (ruleset.rules or {}).get("rules", []) if ruleset is not None else []
    labels: dict[str, str] = {}
    for rule in rules:
        if isinstance(rule, dict) and isinstance(rule.get("label"), dict):
            label = rule["label"]
            labels[str(rule.get("key"))] = str(label.get(language) or label.get("sv") or rule.get("key"))
    return labels


def rule_labels(case: Case, language: str, *, known: dict[str, str] | None = None) -> list[str]:
    """The case's triggered rules by the labels of its survey's rule set (a rule without one by its key).

    ``known`` is :func:`rule_label_map` of the case's survey when the caller already has it (a list).
    """
    labels = known if known is not None else rule_label_map(case.survey_id, language)
    return [labels.get(key, key) for key in case.rules]


def theme_labels(keys: list[str], taxonomy: Taxonomy, language: str) -> list[str]:
    """Root-cause theme keys by their names in the taxonomy in force (a removed theme by its key)."""
    names = {theme.key: theme.label_in(language) for theme in taxonomy.themes}
    return [names.get(key, key) for key in keys]
