"""The template library: every template validates, carries its codebook and follows docs/methods.md."""

from __future__ import annotations

import pytest

from kundpuls.errors import NotFound
from kundpuls.instruments import (
    SurveyDefinition,
    background_items,
    definition_from_yaml,
    kano_pairs,
    list_templates,
    load_template,
    price_modules,
    stored_items,
    template_keys,
    template_text,
)
from kundpuls.instruments.codebook_validation import mirror_errors
from kundpuls.instruments.model import ConsentQuestion, TextQuestion

TEMPLATES = ["ces", "csat", "insikt", "kano", "nki", "nps", "patient", "price", "staff", "tjanstebehov"]


def test_the_library_holds_the_templates_of_the_brief() -> None:
    assert template_keys() == TEMPLATES


@pytest.mark.parametrize("key", TEMPLATES)
def test_every_template_validates_in_swedish_and_english(key: str) -> None:
    definition = load_template(key)
    assert definition.key == key
    assert definition.languages == ("sv", "en")  # so every text has an English version (a validation rule)


@pytest.mark.parametrize("key", TEMPLATES)
def test_the_yaml_text_of_a_template_is_what_it_loads(key: str) -> None:
    assert definition_from_yaml(template_text(key)) == load_template(key)


def test_listing_describes_each_template() -> None:
    infos = {info.key: info for info in list_templates()}
    assert set(infos) == set(TEMPLATES)
    assert infos["nki"].main_index == "NKI"
    assert infos["patient"].pages == 5
    assert infos["nps"].title.in_language("en") == "Would you recommend us?"


def test_an_unknown_template_lists_the_ones_there_are() -> None:
    with pytest.raises(NotFound, match="templates: ces, csat"):
        load_template("servqual")


@pytest.mark.parametrize("key", ["nki", "insikt", "patient", "staff"])
def test_longer_templates_have_pages_background_questions_and_a_comment(key: str) -> None:
    definition = load_template(key)
    assert len(definition.pages) >= 3
    assert background_items(definition)
    assert any(isinstance(q, TextQuestion) for q in definition.questions())


@pytest.mark.parametrize("key", ["nki", "insikt", "patient", "nps"])
def test_customer_templates_ask_for_consent_with_a_purpose_and_contact_fields(key: str) -> None:
    consent = load_template(key).consent_question
    assert isinstance(consent, ConsentQuestion)
    assert consent.text.sv == "Får vi kontakta dig om ditt svar?"
    assert consent.purpose.sv and consent.purpose.en
    assert consent.contact_fields


def test_the_staff_template_asks_no_contact_data() -> None:
    assert load_template("staff").consent_question is None


def _scale_of(definition: SurveyDefinition, key: str | None) -> tuple[float | None, float | None]:
    item = next(item for item in stored_items(definition) if item.key == key)
    return item.scale_min, item.scale_max


def test_nki_has_the_three_scb_questions_on_one_to_ten_and_factor_areas_of_two_or_three_items() -> None:
    definition = load_template("nki")
    codebook = definition.codebook
    assert codebook.main_index == "NKI"
    assert codebook.index("NKI").items == ("nki_helhet", "nki_forvantan", "nki_ideal")
    assert codebook.index("NKI").required_answers == 2  # docs/methods.md §1.7: two of three
    assert {_scale_of(definition, key) for key in codebook.index("NKI").items} == {(1, 10)}
    areas = {name: index for name, index in codebook.indices.items() if name != "NKI"}
    assert set(areas) == {"BEMOTANDE", "INFORMATION", "TILLGANGLIGHET", "KOMPETENS"}
    assert all(2 <= len(index.items) <= 3 for index in areas.values())
    model = codebook.driver_model
    assert model is not None and model.outcome == "NKI" and set(model.drivers) == set(areas)


def test_insikt_has_six_service_factors_and_nki_on_one_to_six() -> None:
    definition = load_template("insikt")
    codebook = definition.codebook
    factors = [index.label.sv for name, index in codebook.indices.items() if name != "NKI" and index.label]
    assert factors == [
        "Information",
        "Tillgänglighet",
        "Bemötande",
        "Kompetens",
        "Rättssäkerhet",
        "Effektivitet",
    ]
    items = [key for index in codebook.indices.values() for key in index.items]
    assert {_scale_of(definition, key) for key in items} == {(1, 6)}
    assert codebook.anonymity_threshold == 7
    options = next(item for item in stored_items(definition) if item.key == "myndighetsomrade").options
    assert options == (
        "bygglov",
        "miljo_halsoskydd",
        "livsmedelskontroll",
        "serveringstillstand",
        "brandskydd",
        "markupplatelse",
    )


def test_nps_csat_and_ces_use_their_defined_scales() -> None:
    assert _scale_of(load_template("nps"), load_template("nps").codebook.nps) == (0, 10)
    assert _scale_of(load_template("csat"), load_template("csat").codebook.csat) == (1, 5)
    assert _scale_of(load_template("ces"), load_template("ces").codebook.ces) == (1, 7)


def test_the_patient_survey_reports_the_seven_npe_dimensions_as_positive_shares() -> None:
    codebook = load_template("patient").codebook
    labels = {index.label.sv for index in codebook.indices.values() if index.label}
    assert labels == {
        "Helhetsintryck",
        "Emotionellt stöd",
        "Delaktighet och involvering",
        "Respekt och bemötande",
        "Kontinuitet och koordinering",
        "Information och kunskap",
        "Tillgänglighet",
    }
    assert {index.kind for index in codebook.indices.values()} == {"positive_share"}


def test_the_kano_template_asks_functional_and_dysfunctional_questions() -> None:
    pairs = kano_pairs(load_template("kano"))
    assert len(pairs) == 5
    assert pairs[0] == ("webbokning", "webbokning_functional", "webbokning_dysfunctional")


def test_the_price_template_asks_the_four_prices_and_two_likelihoods() -> None:
    (module,) = price_modules(load_template("price"))
    assert module == {
        "key": "arskort",
        "currency": "SEK",
        "too_cheap": "arskort_too_cheap",
        "cheap": "arskort_cheap",
        "expensive": "arskort_expensive",
        "too_expensive": "arskort_too_expensive",
        "intent_cheap": "arskort_intent_cheap",
        "intent_expensive": "arskort_intent_expensive",
    }


def test_staff_mirror_items_use_the_customer_wording_and_scale() -> None:
    staff, customer = load_template("staff"), load_template("nki")
    assert mirror_errors(staff, customer) == []
    staff_items = {item.key: item for item in stored_items(staff)}
    customer_items = {item.key: item for item in stored_items(customer)}
    assert len(staff.codebook.mirrors) == 12
    for mirror in staff.codebook.mirrors:
        mine, theirs = staff_items[mirror.item], customer_items[mirror.customer_item]
        assert mine.text == theirs.text
        assert (mine.min_label, mine.max_label) == (theirs.min_label, theirs.max_label)


def test_the_staff_culture_index_is_the_mean_of_its_five_part_means() -> None:
    codebook = load_template("staff").codebook
    answers = {"ko_behov": 5, "ko_mal": 4, "ko_uppfoljning": 3, "ii_fragar": 2, "ii_forandring": 4}
    answers |= {
        "is_delar": 5,
        "is_moten": 5,
        "re_agerar": 1,
        "re_andrar": 3,
        "sa_samarbete": 4,
        "sa_ansvar": 2,
    }
    weights = codebook.index("KUNDKULTUR").normalised_weights()
    weighted = sum(weights[key] * answers[key] for key in weights)
    parts = ["KUNDORIENTERING", "INHAMTNING", "SPRIDNING", "RESPONS", "SAMORDNING"]
    part_means = [
        sum(answers[k] for k in codebook.index(p).items) / len(codebook.index(p).items) for p in parts
    ]
    # weights are written with 10 decimals, so agreement to 1e-9
    assert weighted == pytest.approx(sum(part_means) / 5, abs=1e-9)
