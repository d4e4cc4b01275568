"""Alert rules as data: parsed and validated against a survey definition, compiled once per version.

A rule set (YAML or JSON)::

    rules:
      - key: low_overall              # unique, [a-z0-9_]
        label: {sv: Lågt helhetsbetyg, en: Low overall rating}
        when:                         # every condition must hold
          - {item: nki_helhet, at_most: 3}
      - key: detractor
        when:
          - {nps: detractor}          # the codebook's NPS item scored 0–6
      - key: rude_staff
        when:
          - {item: kommentar, theme: bemotande}   # the comment is about "bemötande"
          - {item: nki_helhet, at_most: 5}

Conditions: ``{item, at_most}``, ``{item, at_least}``, ``{item, equals}`` (numeric or choice items),
``{item, theme}`` (a text item whose comment gets the theme from the organisation's taxonomy in force,
:func:`kundpuls.web.themes.queries.taxonomy_in_force`), ``{nps: detractor}``. Errors are
:class:`~kundpuls.errors.DefinitionError` naming the path (``rules[1].when[0].item``) and
the value; every item key must be a stored item of the definition.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from kundpuls.errors import DefinitionError, brief
from kundpuls.instruments import SurveyDefinition, stored_items
from kundpuls.text import Taxonomy, assign_themes
from kundpuls.yaml_input import load_yaml

_KEY = re.compile(r"^[a-z0-9_]{1,64}$")
_COMPARISONS = ("at_most", "at_least", "equals")

Answers = Mapping[str, Any]
Predicate = Callable[[Answers], bool]


@dataclass(frozen=True)
class AlertRule:
    key: str
    label: str
    conditions: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class CompiledRules:
    """Rules ready to evaluate: ``matches(answers)`` returns the keys of the rules that fire."""

    rules: tuple[AlertRule, ...]
    predicates: tuple[tuple[str, tuple[Predicate, ...]], ...]

    def matches(self, answers: Answers) -> list[str]:
        return [key for key, preds in self.predicates if all(p(answers) for p in preds)]


def load_rules_text(text: str) -> Any:
    """Read a rule file (YAML, of which JSON is a subset)."""
    return load_yaml(text, field="rules")


def _fail(path: str, message: str, value: object) -> DefinitionError:
    """The error at ``path``; ``message`` is already in the active language."""
    return DefinitionError(
        _("%(path)s: %(message)s (value %(value)s)")
        % {"path": path, "message": message, "value": brief(value)},
        field=path,
        value=value,
    )


def parse_rules(data: Any, definition: SurveyDefinition, *, taxonomy: Taxonomy) -> tuple[AlertRule, ...]:
    """Validate ``data`` against ``definition`` and ``taxonomy`` (the survey's organisation's); raise
    :class:`DefinitionError` naming path and value."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise _fail("rules", _("expected a mapping with a list 'rules'"), data)
    unknown = set(data) - {"rules"}
    if unknown:
        raise _fail(sorted(unknown)[0], _("unknown key"), data[sorted(unknown)[0]])
    items = {item.key: item for item in stored_items(definition)}
    themes = set(taxonomy.keys)
    seen: set[str] = set()
    parsed = []
    for i, rule in enumerate(data["rules"]):
        path = f"rules[{i}]"
        if not isinstance(rule, dict):
            raise _fail(path, _("expected a mapping"), rule)
        extra = set(rule) - {"key", "label", "when"}
        if extra:
            name = sorted(extra)[0]
            raise _fail(f"{path}.{name}", _("unknown key"), rule[name])
        key = rule.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise _fail(f"{path}.key", _("expected lower-case letters, digits and _"), key)
        if key in seen:
            raise _fail(f"{path}.key", _("duplicate rule key"), key)
        seen.add(key)
        label = rule_name(rule)
        when = rule.get("when")
        if not isinstance(when, list) or not when:
            raise _fail(f"{path}.when", _("expected a non-empty list of conditions"), when)
        conditions = tuple(
            _check_condition(c, f"{path}.when[{j}]", items, themes, definition) for j, c in enumerate(when)
        )
        parsed.append(AlertRule(key, str(label), conditions))
    return tuple(parsed)


def rule_name(rule: dict[str, Any], language: str = "sv") -> str:
    """A rule's name for people: its label in ``language`` (a text or ``{sv: …, en: …}``), else its key."""
    label = rule.get("label") or rule.get("key") or ""
    if isinstance(label, dict):
        other = "sv" if language == "en" else "en"
        label = label.get(language) or label.get(other) or rule.get("key") or ""
    return str(label)


def _check_condition(
    condition: Any, path: str, items: dict[str, Any], themes: set[str], definition: SurveyDefinition
) -> dict[str, Any]:
    if not isinstance(condition, dict):
        raise _fail(path, _("expected a mapping"), condition)
    if "nps" in condition:
        if condition != {"nps": "detractor"}:
            raise _fail(f"{path}.nps", _("only {nps: detractor} is supported"), condition.get("nps"))
        nps_item = definition.codebook.nps
        if nps_item is None:
            raise _fail(f"{path}.nps", _("the survey's codebook names no NPS item"), condition["nps"])
        return {"item": nps_item, "at_most": 6}
    key = condition.get("item")
    if key not in items:
        raise _fail(f"{path}.item", _("not a stored item of the survey"), key)
    item = items[key]
    operators = [op for op in (*_COMPARISONS, "theme") if op in condition]
    extra = set(condition) - {"item", *_COMPARISONS, "theme"}
    if extra:
        name = sorted(extra)[0]
        raise _fail(f"{path}.{name}", _("unknown key"), condition[name])
    if len(operators) != 1:
        raise _fail(path, _("expected exactly one of at_most, at_least, equals, theme"), condition)
    op = operators[0]
    value = condition[op]
    if op == "theme":
        if item.kind != "text":
            raise _fail(f"{path}.item", _("a theme condition needs a text item"), key)
        if value not in themes:
            raise _fail(f"{path}.theme", _("not a theme of the taxonomy in force"), value)
    elif op in ("at_most", "at_least"):
        if item.kind != "numeric":
            raise _fail(f"{path}.item", _("%(operator)s needs a numeric item") % {"operator": op}, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(f"{path}.{op}", _("expected a number"), value)
        low, high = item.scale_min, item.scale_max
        if low is not None and high is not None and not low <= value <= high:
            scale = f"{item.scale_min:g}–{item.scale_max:g}"
            raise _fail(f"{path}.{op}", _("outside the scale %(scale)s") % {"scale": scale}, value)
    return {"item": key, op: value}


def _predicate(condition: dict[str, Any], taxonomy: Taxonomy) -> Predicate:
    key = condition["item"]
    if "theme" in condition:
        theme = condition["theme"]

        def has_theme(answers: Answers) -> bool:
            text = answers.get(key)
            return isinstance(text, str) and bool(text.strip()) and theme in comment_themes(text, taxonomy)

        return has_theme
    if "at_most" in condition:
        limit = float(condition["at_most"])
        return lambda a: _number(a.get(key)) is not None and _number(a.get(key)) <= limit  # type: ignore[operator]  # checked not None
    if "at_least" in condition:
        floor = float(condition["at_least"])
        return lambda a: _number(a.get(key)) is not None and _number(a.get(key)) >= floor  # type: ignore[operator]  # checked not None
    wanted = condition["equals"]
    return lambda a: a.get(key) == wanted


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


_TAXONOMIES: dict[str, Taxonomy] = {}


def comment_themes(text: str, taxonomy: Taxonomy) -> frozenset[str]:
    """Themes of one (redacted) comment from ``taxonomy`` (the survey's organisation's)."""
    _TAXONOMIES.setdefault(taxonomy.fingerprint, taxonomy)
    return _themes_of(taxonomy.fingerprint, text)


@lru_cache(maxsize=2048)
def _themes_of(fingerprint: str, text: str) -> frozenset[str]:
    return frozenset(assign_themes([text], _TAXONOMIES[fingerprint]).themes_of(0))


def compile_rules(rules: tuple[AlertRule, ...], *, taxonomy: Taxonomy) -> CompiledRules:
    """Predicates for ``rules``; theme conditions use ``taxonomy`` (the survey's organisation's)."""
    predicates = tuple((r.key, tuple(_predicate(c, taxonomy) for c in r.conditions)) for r in rules)
    return CompiledRules(rules, predicates)
