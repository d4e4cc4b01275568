"""Alert rules as a form: the stored rules show as rows, a saved form gives back the stored format, and a
problem is shown on the field it belongs to."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from kundpuls.text.taxonomy import default_taxonomy
from kundpuls.web.cases.models import AlertRuleSet
from kundpuls.web.cases.rule_form import AlertRulesForm
from kundpuls.web.cases.rules import parse_rules
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import current_version, definition_of

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _client(personas: dict[str, Any], who: str = "analyst") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas[who], backend=BACKEND)
    return client


def _posted(stored: dict[str, Any]) -> dict[str, Any]:
    """What the form posts, unchanged, for the stored rules."""
    form = AlertRulesForm(stored=stored, items=[])
    return {name: value for name, value in form.initial.items() if value not in ("", None)}


def test_the_rules_form_round_trip(nki_rules: Any, personas: dict[str, Any]) -> None:
    client = _client(personas)
    page = client.get("/portal/arenden/regler/nki/").content.decode()
    assert 'name="rule_key_0" value="low_overall"' in page
    assert "<legend>Regel 1: Lågt helhetsbetyg</legend>" in page and "Regel low_overall" not in page
    assert re.search(r'<option value="nki_helhet" selected>', page)
    stored = nki_rules.rules
    unchanged = client.post("/portal/arenden/regler/nki/", _posted(stored))
    assert unchanged.status_code == 302
    ruleset = AlertRuleSet.objects.get(survey__key="nki")
    assert ruleset.rules == stored  # the stored format, as it was

    data = _posted(stored) | {
        "rule_key_2": "detractor_like",
        "rule_label_2": "Mycket missnöjd",
        "item_2_0": "nki_helhet",
        "op_2_0": "at_most",
        "value_2_0": "2",
        "op_0_1": "at_least",  # a second condition on the first rule
        "item_0_1": "nki_forvantan",
        "value_0_1": "1",
    }
    saved = client.post("/portal/arenden/regler/nki/", data)
    assert saved.status_code == 302
    rules = AlertRuleSet.objects.get(survey__key="nki").rules
    assert rules["rules"][2] == {
        "key": "detractor_like",
        "label": {"sv": "Mycket missnöjd"},
        "when": [{"item": "nki_helhet", "at_most": 2}],
    }
    assert rules["rules"][0]["when"][1] == {"item": "nki_forvantan", "at_least": 1}
    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    assert version is not None
    assert len(parse_rules(rules, definition_of(version), taxonomy=default_taxonomy())) == 3


def test_a_value_outside_the_scale_is_shown_on_its_field(nki_rules: Any, personas: dict[str, Any]) -> None:
    client = _client(personas)
    before = AlertRuleSet.objects.get(survey__key="nki").rules
    response = client.post("/portal/arenden/regler/nki/", _posted(before) | {"value_0_0": "99"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_value_0_0"' in html
    assert AlertRuleSet.objects.get(survey__key="nki").rules == before
    assert _client(personas, "viewer").post("/portal/arenden/regler/nki/", _posted(before)).status_code == 403


def test_the_page_says_how_last_months_responses_would_have_fared(
    nki_rules: Any, submit: Any, personas: dict[str, Any]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from kundpuls.web.cases.queries import rules_preview

    before = rules_preview(nki_rules)
    submit(2, consent=True)  # low_overall fires, consented: a case
    submit(2, consent=False)  # fires, but no case without consent
    submit(9, consent=True)  # nothing fires
    submit(2, consent=True, at=timezone.now() - timedelta(days=40))  # older than a month
    after = rules_preview(nki_rules)
    assert after["responses"] - before["responses"] == 3
    assert after["fired"] - before["fired"] == 2
    assert after["cases"] - before["cases"] == 1
    page = _client(personas).get("/portal/arenden/regler/nki/").content.decode()
    assert f"{after['fired']} av de {after['responses']} svaren" in page


def test_the_rules_in_the_form_are_counted_before_they_are_saved(
    nki_rules: Any, submit: Any, personas: dict[str, Any]
) -> None:
    """The preview button counts last month's responses against the form's rules and saves nothing."""
    from kundpuls.web.cases.queries import preview_rules, rule_items

    survey = Survey.objects.get(key="nki")
    stored = AlertRuleSet.objects.get(survey=survey)
    before = preview_rules(survey, stored.rules)
    submit(4, consent=True)
    submit(4, consent=False)
    submit(9, consent=True)
    wider = _posted(stored.rules) | {  # a new rule: NKI overall at most 4
        "rule_key_2": "at_most_four",
        "item_2_0": "nki_helhet",
        "op_2_0": "at_most",
        "value_2_0": "4",
        "action": "preview",
    }
    form = AlertRulesForm(wider, stored=stored.rules, items=rule_items(survey))
    assert form.is_valid(), form.errors
    after = preview_rules(survey, form.rules())
    assert after["responses"] - before["responses"] == 3
    assert after["fired"] - before["fired"] == 2  # the two fours fire the new rule, the nine does not
    assert after["cases"] - before["cases"] == 1  # one of them consented
    assert preview_rules(survey, stored.rules)["fired"] == before["fired"]  # the saved rules: a four is fine
    counted = _client(personas).post("/portal/arenden/regler/nki/", wider)
    assert counted.status_code == 200
    html = counted.content.decode()
    assert f"(ännu inte sparade) skulle {after['fired']} av de {after['responses']} svaren" in html
    assert AlertRuleSet.objects.get(survey=survey).rules == stored.rules  # nothing saved
    assert AlertRuleSet.objects.get(survey=survey).revision == stored.revision
    refused = _client(personas).post("/portal/arenden/regler/nki/", wider | {"value_2_0": "99"})
    assert refused.status_code == 400 and 'href="#id_value_2_0"' in refused.content.decode()
    assert "ännu inte sparade" not in refused.content.decode()


def test_a_comment_theme_is_shown_and_written_by_its_name_not_its_key(
    nki_rules: Any, personas: dict[str, Any]
) -> None:
    client = _client(personas)
    page = client.get("/portal/arenden/regler/nki/").content.decode()
    assert 'name="value_1_0" value="Bemötande"' in page  # stored as the key "bemotande"
    assert 'value="bemotande"' not in page
    assert "skriver du temats namn som värde: Bemötande, Väntetid" in page
    before = AlertRuleSet.objects.get(survey__key="nki").rules
    by_name = _posted(before) | {"value_1_0": "väntetid"}  # the name as a person types it
    assert client.post("/portal/arenden/regler/nki/", by_name).status_code == 302
    stored = AlertRuleSet.objects.get(survey__key="nki").rules
    assert stored["rules"][1]["when"][0] == {"item": "kommentar", "theme": "vantetid"}
    unknown = client.post("/portal/arenden/regler/nki/", _posted(before) | {"value_1_0": "Kaffet"})
    assert unknown.status_code == 400
    html = unknown.content.decode()
    assert 'href="#id_value_1_0"' in html
    assert (
        '<span class="field-error">inte ett tema i den gällande taxonomin (värde &#x27;Kaffet&#x27;)</span>'
        in html
    )
    assert AlertRuleSet.objects.get(survey__key="nki").rules == stored


def test_a_theme_is_read_from_its_name_in_any_language_or_its_key_and_never_mistaken_for_another() -> None:
    themes = [
        ("bemotande", "Bemötande", ("Bemötande", "Treatment")),
        ("pris", "Avgifter", ("Avgifter", "Fees")),  # a staff-edited taxonomy: names need not be keys
        ("avgift", "Pris", ("Pris", "Price")),  # this theme's name is the other theme's key
        ("kö", "Väntan", ("Väntan",)),
        ("kö_telefon", "Väntan", ("Väntan",)),  # two themes of the same name
    ]
    form = AlertRulesForm(stored={"rules": []}, items=[], themes=themes)
    assert form.theme_key("Bemo\u0308tande ") == "bemotande"  # pasted with a separate accent
    assert form.theme_key("treatment") == "bemotande"  # the English name on a Swedish page
    assert form.theme_key("pris") == "pris"  # a key is exact: it wins over another theme's name
    assert form.theme_key("Avgifter") == "pris" and form.theme_key("Fees") == "pris"
    assert form.theme_key("Väntan") == "Väntan"  # two themes: neither is guessed (validation refuses)
    assert form.theme_name("bemotande") == "Bemötande"
    assert form.theme_name("avgift") == "avgift"  # "Pris" would be saved back as the theme "pris"
    assert form.theme_name("kö_telefon") == "kö_telefon" and form.theme_name("okänt") == "okänt"
    assert form.theme_names() == ["Bemötande", "Avgifter", "avgift", "kö", "kö_telefon"]
    stored = {"rules": [{"key": "r", "when": [{"item": "kommentar", "theme": "kö_telefon"}]}]}
    shown = AlertRulesForm(stored=stored, items=[("kommentar", "Kommentar")], themes=themes)
    posted = {name: value for name, value in shown.initial.items() if value not in ("", None)}
    assert posted["value_0_0"] == "kö_telefon"
    again = AlertRulesForm(posted, stored=stored, items=[("kommentar", "Kommentar")], themes=themes)
    assert again.is_valid() and again.rules() == stored  # saved as it was, not as the other "Väntan"
    ambiguous = AlertRulesForm(
        posted | {"value_0_0": "väntan"}, stored=stored, items=[("kommentar", "Kommentar")], themes=themes
    )
    assert not ambiguous.is_valid()
    assert "är namnet på flera teman (kö, kö_telefon)" in " ".join(ambiguous.errors["value_0_0"])
