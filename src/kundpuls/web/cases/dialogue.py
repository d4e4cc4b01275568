"""What the customer said, as the person who calls them reads it: a case's answers and contact details.

Every label comes from the survey version the response was stored with (:func:`definition_of`): the
question's text, the chosen option's text, the scale's end labels, the contact field's text — never an
item key. Comments are shown as stored (redacted when they were stored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kundpuls.instruments import SurveyDefinition
from kundpuls.instruments.items import StoredItem, contact_fields, iter_items
from kundpuls.web.cases.models import AlertRuleSet, Case
from kundpuls.web.surveys.queries import definition_of


@dataclass(frozen=True)
class Answer:
    """One answered item: the question's text, the answer in words, whether a triggered rule asked it."""

    question: str
    answer: str
    triggered: bool = False


@dataclass(frozen=True)
class Dialogue:
    """The answers (rated and chosen items), the comments and the labelled contact details of a case."""

    answers: list[Answer]
    comments: list[Answer]
    contact: list[tuple[str, str]]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".replace(".", ",")


def answer_label(item: StoredItem, value: Any, language: str) -> str:
    """The stored ``value`` of ``item`` in words (an unknown option as stored)."""
    if value is None:
        return _("Don't know / not applicable")
    if item.kind == "boolean":
        return _("Yes") if value else _("No")
    if item.kind in ("choice", "choices"):
        texts = dict(zip(item.options or (), item.option_texts or (), strict=True))
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(texts[v].in_language(language) if v in texts else str(v) for v in chosen)
    if item.kind == "numeric" and isinstance(value, int | float):
        if item.unit:
            return f"{_number(value)} {item.unit}"
        words = _("%(value)s of %(max)s") % {"value": _number(value), "max": _number(item.scale_max or 0)}
        end = (
            item.min_label if value == item.scale_min else item.max_label if value == item.scale_max else None
        )
        return f"{words} ({end.in_language(language)})" if end else words
    return str(value)


def _triggering_items(case: Case) -> set[str]:
    """The item keys named by the conditions of the rules that opened ``case``."""
    ruleset = AlertRuleSet.objects.filter(survey_id=case.survey_id).first()
    rules: list[Any] = (ruleset.rules or {}).get("rules", []) if ruleset is not None else []
    keys: set[str] = set()
    for rule in rules:
        if isinstance(rule, dict) and rule.get("key") in case.rules:
            keys.update(str(c["item"]) for c in rule.get("when", []) if isinstance(c, dict) and "item" in c)
    return keys


def dialogue_of(
    case: Case,
    contact: Mapping[str, Any] | None,
    language: str,
    *,
    definition: SurveyDefinition | None = None,
) -> Dialogue | None:
    """The case's answers and ``contact`` (already decided visible) labelled; ``None`` for a tombstone."""
    response = case.response
    if response is None:
        return None
    definition = definition or definition_of(response.version)
    consent = definition.consent_question
    triggered = _triggering_items(case)
    answers: list[Answer] = []
    comments: list[Answer] = []
    stored = response.answers or {}
    for item in iter_items(definition):
        if item.key not in stored or (consent is not None and item.key == consent.key):
            continue
        value = stored[item.key]
        question = item.text.in_language(language)
        if item.kind == "text":
            if value:
                comments.append(Answer(question, str(value), item.key in triggered))
            continue
        answers.append(Answer(question, answer_label(item, value, language), item.key in triggered))
    labelled: list[tuple[str, str]] = []
    if contact:
        fields = {field.key: field.text.in_language(language) for field in contact_fields(definition)}
        labelled = [(fields.get(key, _("Other contact detail")), str(v)) for key, v in contact.items() if v]
    return Dialogue(answers=answers, comments=comments, contact=labelled)
