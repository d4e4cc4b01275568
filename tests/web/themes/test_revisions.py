"""Taxonomy revisions: the shipped default until one is saved, the newest in force, history and restore,
validation naming the node, and themes in use by alert rules or cases protected from removal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from kundpuls.errors import DefinitionError, InvalidArgument
from kundpuls.text.taxonomy import default_taxonomy, merge_theme_terms
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import AuditEvent, Unit
from kundpuls.web.themes import actions, queries
from kundpuls.web.themes.models import TaxonomyRevision
from kundpuls.web.themes.problems import TaxonomyInvalid

pytestmark = pytest.mark.database

COFFEE = {"label": {"sv": "Kaffe", "en": "Coffee"}, "sv": {"words": ["kaffe"]}, "en": {"words": ["coffee"]}}


@pytest.mark.django_db
def test_without_a_stored_revision_the_shipped_default_is_in_force() -> None:
    assert not TaxonomyRevision.objects.exists()
    assert queries.taxonomy_in_force(_exk()).fingerprint == default_taxonomy().fingerprint
    assert queries.revision_number(_exk()) == 0


@pytest.mark.django_db
def test_the_newest_revision_is_in_force_and_an_older_one_can_be_restored(personas: dict[str, Any]) -> None:
    analyst = personas["analyst"]
    first = actions.save_theme(_exk(), "kaffe", COFFEE, actor=analyst, new=True, note="kaffet")
    assert first.number == 1 and "kaffe" in queries.taxonomy_in_force(_exk()).keys
    second = actions.remove_theme(_exk(), "kaffe", actor=analyst)
    assert second.number == 2 and "kaffe" not in queries.taxonomy_in_force(_exk()).keys
    restored = actions.restore(_exk(), 1, actor=analyst)
    assert restored.number == 3
    assert queries.taxonomy_in_force(_exk()).theme("kaffe").label_in("en") == "Coffee"
    assert [r.number for r in queries.revisions(_exk())] == [3, 2, 1]
    assert restored.author == analyst.email
    events = list(AuditEvent.objects.filter(action__startswith="themes.").order_by("pk"))
    assert [e.action for e in events] == ["themes.add", "themes.remove", "themes.restore"]
    assert events[0].details["added"] == ["kaffe"] and events[1].details["removed"] == ["kaffe"]
    assert events[2].details["restored"] == 1


@pytest.mark.django_db
def test_saving_the_same_taxonomy_again_is_refused(personas: dict[str, Any]) -> None:
    actions.save_theme(_exk(), "kaffe", COFFEE, actor=CLI, new=True)
    with pytest.raises(InvalidArgument, match=r"^taxonomy: inget har ändrats") as caught:
        actions.save_taxonomy(_exk(), queries.taxonomy_in_force(_exk()), actor=CLI)
    assert caught.value.field == "taxonomy"
    with translation.override("en"), pytest.raises(InvalidArgument, match="nothing changed"):
        actions.save_taxonomy(_exk(), queries.taxonomy_in_force(_exk()), actor=CLI)


@pytest.mark.django_db
def test_a_bad_theme_is_refused_naming_every_field_and_value() -> None:
    node = {"label": {"sv": "Kaffe"}, "sv": {"words": ["kallt kaffe"], "parts": ["ka"]}}
    with pytest.raises(TaxonomyInvalid) as caught:
        actions.save_theme(_exk(), "kaffe", node, actor=CLI, new=True)
    paths = {p.path: p.value for p in caught.value.problems}
    assert paths == {"themes.kaffe.sv.words[0]": "kallt kaffe", "themes.kaffe.sv.parts[0]": "ka"}
    assert "themes.kaffe.sv.words[0]" in str(caught.value) and "'kallt kaffe'" in str(caught.value)
    assert not TaxonomyRevision.objects.exists()


@pytest.mark.django_db
def test_uploaded_yaml_with_errors_names_the_node_paths() -> None:
    text = "themes:\n  kaffe:\n    label: {sv: Kaffe}\n    sv: {words: [kaffe, 'två ord']}\n  Bad-Key: {}\n"
    with pytest.raises(TaxonomyInvalid) as caught:
        actions.import_text(_exk(), text, actor=CLI)
    paths = [p.path for p in caught.value.problems]
    assert "themes.kaffe.sv.words[1]" in paths and "themes.Bad-Key" in paths
    with pytest.raises(DefinitionError, match=r"^\(root\): inte giltig YAML på rad 3"):
        actions.import_text(_exk(), "themes:\n  - [unclosed\n", actor=CLI)


@pytest.mark.django_db
def test_a_theme_used_by_an_alert_rule_or_a_case_cannot_be_removed(
    personas: dict[str, Any], submit: Callable[..., int]
) -> None:
    from kundpuls.web.cases.actions import advance, save_rules
    from kundpuls.web.cases.models import Case
    from kundpuls.web.surveys.models import Survey

    rules = {
        "rules": [
            {
                "key": "p_klagomal",
                "label": {"sv": "Klagar på parkeringen"},
                "when": [{"item": "kommentar", "theme": "parkering"}],
            }
        ]
    }
    save_rules(Survey.objects.get(key="nki"), rules, actor=CLI)
    submit(2, "Parkeringen var full och personalen otrevlig")
    case = Case.objects.get()
    manager = personas["manager_a"]
    advance(case, "contacted", actor=manager)
    advance(case, "resolved", actor=manager, root_causes=["pris"])
    with pytest.raises(actions.ThemeInUse) as caught:
        actions.remove_theme(_exk(), "parkering", actor=CLI)
    # named as people know it: the rule's name and the survey's title, not "nki:p_klagomal"
    title = Survey.objects.get(key="nki").title
    assert (
        f"Klagar på parkeringen ({title})" in str(caught.value) and caught.value.field == "themes.parkering"
    )
    assert "p_klagomal" not in str(caught.value)
    with pytest.raises(actions.ThemeInUse, match=f"#{case.pk}"):
        actions.remove_theme(_exk(), "pris", actor=CLI)
    # an upload that drops both is refused just the same, naming both
    data = queries.taxonomy_in_force(_exk()).to_mapping()
    del data["themes"]["pris"], data["themes"]["parkering"]
    with pytest.raises(actions.ThemeInUse) as both:
        actions.save_taxonomy(_exk(), actions.validated(data), actor=CLI)
    assert set(both.value.usage) == {"pris", "parkering"}
    assert not TaxonomyRevision.objects.exists()
    # an unused theme goes
    actions.remove_theme(_exk(), "kollektivtrafik", actor=CLI)
    assert "kollektivtrafik" not in queries.taxonomy_in_force(_exk()).keys


@pytest.mark.django_db
def test_alert_rules_and_root_causes_follow_the_taxonomy_in_force(
    personas: dict[str, Any], submit: Callable[..., int]
) -> None:
    from kundpuls.web.cases.actions import save_rules
    from kundpuls.web.cases.models import Case
    from kundpuls.web.surveys.models import Survey

    rules = {"rules": [{"key": "kaffe", "when": [{"item": "kommentar", "theme": "kaffe"}]}]}
    nki = Survey.objects.get(key="nki")
    with pytest.raises(DefinitionError, match="kaffe"):
        save_rules(nki, rules, actor=CLI)
    taxonomy = merge_theme_terms(
        queries.taxonomy_in_force(_exk()), "kaffe", language="sv", words=["kaffe"], label="Kaffe"
    )
    actions.save_taxonomy(_exk(), taxonomy, actor=CLI)
    save_rules(nki, rules, actor=CLI)
    submit(3, "Inget kaffe i väntrummet")
    assert Case.objects.get().rules == ["kaffe"]


def _exk() -> Unit:
    """The municipality: the organisation whose taxonomy these tests change."""
    return Unit.objects.get(code="EXK")
