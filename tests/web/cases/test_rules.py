"""Alert rules are validated like survey definitions (path and value named) and evaluated from a cache."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.errors import DefinitionError
from kundpuls.text.taxonomy import default_taxonomy
from kundpuls.web.cases.rules import compile_rules, load_rules_text, parse_rules
from kundpuls.web.org.actors import CLI

pytestmark = pytest.mark.django_db


def _definition() -> Any:
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    version = current_version(Survey.objects.get(key="nki"))
    return definition_of(version)


def _one(*conditions: dict[str, Any], key: str = "a") -> dict[str, Any]:
    return {"rules": [{"key": key, "when": list(conditions)}]}


LOW = {"item": "nki_helhet", "at_most": 3}


@pytest.mark.parametrize(
    ("rules", "path", "value"),
    [
        (_one({"item": "finns_inte", "at_most": 3}), "rules[0].when[0].item", "finns_inte"),
        (_one({"item": "nki_helhet", "at_most": 11}), "rules[0].when[0].at_most", 11),
        (_one({"item": "kommentar", "theme": "glass"}), "rules[0].when[0].theme", "glass"),
        (_one({"item": "kommentar", "at_most": 3}), "rules[0].when[0].item", "kommentar"),
        (_one({"nps": "detractor"}), "rules[0].when[0].nps", "detractor"),
        (_one(), "rules[0].when", []),
        (_one(LOW, key="A b"), "rules[0].key", "A b"),
        ({"rules": [_one(LOW)["rules"][0], _one(LOW)["rules"][0]]}, "rules[1].key", "a"),
    ],
)
def test_a_bad_rule_names_its_path_and_value(rules: dict[str, Any], path: str, value: object) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_rules(rules, _definition(), taxonomy=default_taxonomy())
    assert caught.value.field == path
    assert caught.value.value == value
    assert path in str(caught.value)


def test_yaml_rules_are_read_and_matched() -> None:
    text = """
rules:
  - key: low_overall
    when: [{item: nki_helhet, at_most: 3}]
  - key: rude
    when:
      - {item: kommentar, theme: bemotande}
"""
    compiled = compile_rules(
        parse_rules(load_rules_text(text), _definition(), taxonomy=default_taxonomy()),
        taxonomy=default_taxonomy(),
    )
    assert compiled.matches({"nki_helhet": 3}) == ["low_overall"]
    assert compiled.matches({"nki_helhet": 4}) == []
    assert compiled.matches({"nki_helhet": None}) == []
    assert compiled.matches({"nki_helhet": 9, "kommentar": "Otrevlig personal i kassan"}) == ["rude"]
    assert compiled.matches({"nki_helhet": 2, "kommentar": "Otrevlig personal"}) == ["low_overall", "rude"]


def test_rules_are_compiled_once_per_revision_and_version(nki_rules: Any) -> None:
    from kundpuls.web.cases import actions
    from kundpuls.web.surveys.queries import current_version

    version = current_version(nki_rules.survey)
    first = actions.compiled_rules(nki_rules, version)
    assert actions.compiled_rules(nki_rules, version) is first
    updated = actions.save_rules(nki_rules.survey, {"rules": []}, actor=CLI)
    assert actions.compiled_rules(updated, version) is not first


def test_a_rule_set_that_comes_back_with_an_old_id_gets_its_own_compiled_rules(nki_rules: Any) -> None:
    """SQLite reuses a row id after a deletion or a rollback: the id and revision say nothing of content."""
    from kundpuls.web.cases import actions
    from kundpuls.web.cases.models import AlertRuleSet
    from kundpuls.web.surveys.queries import current_version

    version = current_version(nki_rules.survey)
    before = actions.compiled_rules(nki_rules, version)
    assert before is not None and before.matches({"nki_helhet": 2}) == ["low_overall"]
    other = {"rules": [{"key": "very_low", "when": [{"item": "nki_helhet", "at_most": 1}]}]}
    again = AlertRuleSet(pk=nki_rules.pk, survey=nki_rules.survey, rules=other, revision=nki_rules.revision)
    after = actions.compiled_rules(again, version)
    assert after is not None and after.matches({"nki_helhet": 2}) == []
    assert after.matches({"nki_helhet": 1}) == ["very_low"]


@settings(max_examples=60, deadline=None)
@given(
    limit=st.integers(1, 10),
    floor=st.integers(1, 10),
    score=st.one_of(st.none(), st.integers(1, 10)),
    other=st.one_of(st.none(), st.integers(1, 10)),
)
def test_a_rule_fires_exactly_when_every_condition_holds(
    limit: int, floor: int, score: int | None, other: int | None
) -> None:
    from kundpuls.instruments.library import load_template

    rules = {
        "rules": [
            {
                "key": "both",
                "when": [{"item": "nki_helhet", "at_most": limit}, {"item": "nki_ideal", "at_least": floor}],
            }
        ]
    }
    compiled = compile_rules(
        parse_rules(rules, load_template("nki"), taxonomy=default_taxonomy()), taxonomy=default_taxonomy()
    )
    expected = score is not None and other is not None and score <= limit and other >= floor
    assert (compiled.matches({"nki_helhet": score, "nki_ideal": other}) == ["both"]) is expected


def test_rules_are_checked_against_the_published_version_not_a_newer_draft(nki_rules: Any) -> None:
    """A draft that adds a question does not make rules on it valid before it is published (responses come
    from the published version); PostgreSQL used to pick the draft (NULL publication time sorts first)."""
    import copy

    from kundpuls.instruments import parse_definition
    from kundpuls.web.cases import actions
    from kundpuls.web.surveys.actions import publish, save_definition
    from kundpuls.web.surveys.queries import current_version

    survey = nki_rules.survey
    data = copy.deepcopy(current_version(survey).definition)
    data["pages"][-1]["blocks"][0]["questions"].append(
        {
            "type": "rating",
            "key": "ny_fraga",
            "text": {"sv": "Hur nöjd är du med hjälpen?", "en": "How satisfied are you with the help?"},
            "scale": {
                "min": 1,
                "max": 5,
                "min_label": {"sv": "Inte alls", "en": "Not at all"},
                "max_label": {"sv": "Mycket", "en": "Very"},
            },
        }
    )
    draft = save_definition(parse_definition(data), owner=survey.owner, actor=CLI)
    assert draft.published_at is None
    rules = {"rules": [{"key": "no_help", "when": [{"item": "ny_fraga", "at_most": 1}]}]}
    with pytest.raises(DefinitionError) as refused:
        actions.save_rules(survey, rules, actor=CLI)
    assert refused.value.field == "rules[0].when[0].item" and refused.value.value == "ny_fraga"
    publish(draft, actor=CLI)
    assert actions.save_rules(survey, rules, actor=CLI).rules == rules
