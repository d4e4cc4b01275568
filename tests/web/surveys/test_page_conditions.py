"""Conditions of pages and sections built with the pickers questions have: the question picked by its label
among those of earlier pages, the comparison, the value among its options or scale points; read in Swedish
and English; cleared; refused (a later question, one on the same page, one inside what the condition shows,
an unknown value) on their field naming the value; every template's pages and sections posted back as shown
are unchanged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from shown_form import shown_form

from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.org.tenancy import organisation_id
from kundpuls.web.surveys import drafts
from kundpuls.web.surveys.actions import create_from_template, publish
from kundpuls.web.surveys.models import Survey

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
EDITOR = "/portal/enkater/patient/redigera/"
PAGE = EDITOR + "sida/mottet/"  # the third page: besokstyp (page 1) and till_kontakt (page 2) come before
TEXTS = {"title_sv": "Mötet med personalen", "title_en": "Meeting the staff", "intro_sv": "", "intro_en": ""}


def _client(personas: dict[str, Any], who: str = "analyst") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas[who], backend=BACKEND)
    return client


def _survey(key: str, organisation: str = "EXK") -> Survey:
    return Survey.objects.get(key=key, organisation_id=organisation_id(Unit.objects.get(code=organisation)))


def _draft(key: str = "patient", organisation: str = "EXK") -> dict[str, Any]:
    return _survey(key, organisation).versions.order_by("-number").first().definition  # type: ignore[union-attr]


def _page(data: dict[str, Any], key: str) -> dict[str, Any]:
    return data["pages"][drafts.page_index(data, key)]  # type: ignore[no-any-return]


def _block(data: dict[str, Any], key: str) -> dict[str, Any]:
    p, b = drafts.find_block(data, key)
    return data["pages"][p]["blocks"][b]  # type: ignore[no-any-return]


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def _error(html: str, field: str) -> str:
    at = html.find(f'id="id_{field}_error"')
    assert at >= 0, re.findall(r'class="field-error"[^>]*>([^<]*)', html)
    return html[at : at + 400]


@pytest.fixture
def patient(personas: dict[str, Any]) -> Client:
    create_from_template("patient", owner=Unit.objects.get(code="EXK"), actor=CLI)
    return _client(personas)


def test_a_page_condition_is_built_from_the_pickers_changed_and_cleared(patient: Client) -> None:
    shown = patient.get(PAGE).content.decode()
    questions = dict(_options(shown, "cond_item"))
    assert questions[""] == "— (visas alltid)"
    assert questions["besokstyp"].startswith("Vem träffade du vid besöket?")
    assert "till_kontakt" in questions  # page 2
    assert "resp_respekt" not in questions and "kommentar" not in questions  # its own page, an open answer
    assert _options(shown, "cond_value") == [("", "—")]  # no question chosen yet
    # choosing the question and asking for its answers: a round trip that saves nothing
    before = _draft()
    refreshed = patient.post(PAGE, TEXTS | {"cond_item": "besokstyp", "show_values": "1"})
    assert refreshed.status_code == 200 and _draft() == before
    html = refreshed.content.decode()
    assert ("lakare", "Läkare") in _options(html, "cond_value")
    assert [op for op, _label in _options(html, "cond_op")] == ["", "==", "!="]
    saved = patient.post(PAGE, TEXTS | {"cond_item": "besokstyp", "cond_op": "==", "cond_value": "lakare"})
    assert saved.status_code == 302 and saved["Location"].endswith("/redigera/#p-mottet")
    assert _page(_draft(), "mottet")["show_if"] == "besokstyp == 'lakare'"
    again = patient.get(PAGE).content.decode()
    assert '<option value="besokstyp" selected>' in again and '<option value="lakare" selected>' in again
    assert '<li lang="sv">Visas bara om ”Vem träffade du vid besöket?” är ”Läkare”.</li>' in again
    assert '<li lang="en">Shown only if “Whom did you see at the visit?” is “Doctor”.</li>' in again
    outline = patient.get(EDITOR).content.decode()
    said = "Visas bara om ”Vem träffade du vid besöket?” är ”Läkare”."
    assert f'<p class="muted condition">{said}</p>' in outline
    # changed: another question of an earlier page
    changed = patient.post(PAGE, TEXTS | {"cond_item": "till_kontakt", "cond_op": "!=", "cond_value": "nej"})
    assert changed.status_code == 302
    assert _page(_draft(), "mottet")["show_if"] == "till_kontakt != 'nej'"
    # cleared: always shown
    assert patient.post(PAGE, TEXTS | {"cond_item": "", "cond_op": "", "cond_value": ""}).status_code == 302
    assert "show_if" not in _page(_draft(), "mottet")
    assert "I ord:" not in patient.get(PAGE).content.decode()


def test_a_section_condition_is_built_on_a_yes_no_and_a_scale(patient: Client) -> None:
    url = EDITOR + "avsnitt/kontinuitet/"  # on page 2
    texts = {"title_sv": "Kontinuitet", "title_en": "Continuity"}
    shown = patient.get(url).content.decode()
    assert {"besokstyp", "for_nagon_annan"} <= dict(_options(shown, "cond_item")).keys()
    assert "till_kontakt" not in dict(_options(shown, "cond_item"))  # the same page
    refreshed = patient.post(url, texts | {"cond_item": "for_nagon_annan", "show_values": "1"})
    assert _options(refreshed.content.decode(), "cond_value") == [("", "—"), ("true", "ja"), ("false", "nej")]
    saved = patient.post(
        url, texts | {"cond_item": "for_nagon_annan", "cond_op": "==", "cond_value": "false"}
    )
    assert saved.status_code == 302 and saved["Location"].endswith("#b-kontinuitet")
    assert _block(_draft(), "kontinuitet")["show_if"] == "for_nagon_annan == false"
    # a section of the last page on the overall rating (1–5): its points with their end labels
    last = EDITOR + "avsnitt/avslut/"
    values = _options(
        patient.post(last, {"cond_item": "helhet_betyg", "show_values": "1"}).content.decode(), "cond_value"
    )
    assert [v for v, _label in values] == ["", "1", "2", "3", "4", "5"]
    assert values[1][1].startswith("1 – ") and values[3][1] == "3"
    assert (
        patient.post(last, {"cond_item": "helhet_betyg", "cond_op": "<=", "cond_value": "2"}).status_code
        == 302
    )
    assert _block(_draft(), "avslut")["show_if"] == "helhet_betyg <= 2"
    page = patient.get(last).content.decode()
    assert "Visas bara om ”Vilket helhetsintryck har du av besöket?” är 1–2." in page


@pytest.mark.parametrize(
    ("url", "posted", "field", "said"),
    [
        (
            PAGE,
            {"cond_item": "info_forklaring", "cond_op": "==", "cond_value": "nej"},
            "cond_item",
            "kommer senare",
        ),
        (
            PAGE,
            {"cond_item": "resp_respekt", "cond_op": "==", "cond_value": "nej"},
            "cond_item",
            "(en cirkel)",
        ),
        (PAGE, {"show_if": "del_beslut == 'nej' or besokstyp == 'annan'"}, "show_if", "(en cirkel)"),
        (
            PAGE,
            {"cond_item": "besokstyp", "cond_op": "==", "cond_value": "tandlakare"},
            "cond_value",
            "inget svar",
        ),
        (
            PAGE,
            {"cond_item": "besokstyp", "cond_op": "<=", "cond_value": "lakare"},
            "cond_op",
            "ingen jämförelse",
        ),
        (PAGE, {"cond_item": "finns_inte", "cond_op": "==", "cond_value": "1"}, "cond_item", "ingen fråga"),
        (PAGE, {"cond_item": "kommentar", "cond_op": "==", "cond_value": "x"}, "cond_item", "kommer senare"),
        (PAGE, {"cond_item": "besokstyp", "cond_op": "==", "cond_value": ""}, "cond_value", "Välj svaret"),
        (PAGE, {"cond_item": "besokstyp", "show_if": "besokstyp == 'annan'"}, "show_if", "inte båda"),
        (
            PAGE,
            {"cond_item": "besokstyp", "cond_op": "==", "cond_value": "x" * 101},
            "cond_value",
            "som mest 100",
        ),
        (
            EDITOR + "avsnitt/kontinuitet/",
            {"cond_item": "till_kontakt", "cond_op": "==", "cond_value": "nej"},
            "cond_item",
            "samma sida",
        ),
        (
            EDITOR + "avsnitt/kontinuitet/",
            {"cond_item": "kont_kannedom", "cond_op": "==", "cond_value": "nej"},
            "cond_item",
            "(en cirkel)",
        ),
        (EDITOR + "avsnitt/kontinuitet/", {"show_if": "till_vantetid == 'nej'"}, "show_if", "samma sida"),
    ],
)
def test_a_condition_the_place_cannot_use_is_refused_on_its_field_naming_the_value(
    patient: Client, url: str, posted: dict[str, str], field: str, said: str
) -> None:
    before = _draft()
    response = patient.post(url, TEXTS | posted)
    assert response.status_code == 400
    error = _error(response.content.decode(), field)
    assert said in error, error
    value = posted.get("cond_value" if field == "cond_value" else "cond_item", "") or ""
    if field in ("cond_item", "cond_value") and len(value) < 100 and said not in ("Välj svaret",):
        assert f"”{value}”" in error, error  # the value named
    assert _draft() == before  # nothing saved


def test_a_condition_on_the_first_page_has_nothing_to_pick(patient: Client) -> None:
    html = patient.get(EDITOR + "sida/besoket/").content.decode()
    assert _options(html, "cond_item") == [("", "— (visas alltid)")]
    assert "Ingen fråga på en tidigare sida kan användas i ett villkor här." in html


def test_a_condition_the_pickers_cannot_say_stays_written_out(patient: Client) -> None:
    written = "besokstyp == 'lakare' or for_nagon_annan"
    assert patient.post(PAGE, TEXTS | {"show_if": written}).status_code == 302
    html = patient.get(PAGE).content.decode()
    assert re.search(r"<details open>", html) and f'value="{written.replace(chr(39), "&#x27;")}"' in html
    assert '<option value="" selected>' in html  # the pickers stay empty
    assert '<li lang="sv">Visas bara om besokstyp == ' in html  # no reading of "or": said as written


def test_another_organisations_survey_and_a_viewer_are_refused(
    personas: dict[str, Any], patient: Client
) -> None:
    theirs = _draft("patient", "RGX")
    other = "/portal/enkater/RGX:patient/redigera/"
    condition = {"cond_item": "besokstyp", "cond_op": "==", "cond_value": "lakare"}
    assert patient.get(other + "sida/mottet/").status_code == 404
    assert patient.post(other + "sida/mottet/", TEXTS | condition).status_code == 404
    assert patient.post(other + "avsnitt/kontinuitet/", condition | {"show_values": "1"}).status_code == 404
    assert _draft("patient", "RGX") == theirs
    ours = _draft()
    viewer = _client(personas, "viewer")
    assert viewer.get(PAGE).status_code == 403
    assert viewer.post(PAGE, TEXTS | condition).status_code == 403
    assert viewer.post(EDITOR + "avsnitt/kontinuitet/", condition).status_code == 403
    assert _draft() == ours


@pytest.mark.parametrize("template", ["nki", "patient", "staff", "insikt", "tjanstebehov", "nps", "ces"])
def test_every_templates_pages_sections_and_conditions_posted_back_as_shown_are_unchanged(
    personas: dict[str, Any], template: str
) -> None:
    version = create_from_template(template, owner=Unit.objects.get(code="EXK"), actor=CLI)
    key = version.survey.key
    before = _draft(key)
    client = _client(personas)
    base = f"/portal/enkater/{key}/redigera/"
    urls = [base + f"sida/{page['key']}/" for page in before["pages"]]
    urls += [base + f"avsnitt/{block['key']}/" for page in before["pages"] for block in page["blocks"]]
    urls += [
        base + f"fraga/{question['key']}/"
        for page in before["pages"]
        for block in page["blocks"]
        for question in block["questions"]
        if question.get("show_if")
    ]
    for url in urls:
        response = client.post(url, shown_form(client, url))
        assert response.status_code == 302, (
            url,
            re.findall(r"field-error[^>]*>([^<]*)", response.content.decode()),
        )
        assert _draft(key) == before, url
    assert Survey.objects.get(pk=version.survey.pk).versions.count() == 1


def test_the_versions_page_names_a_changed_page_and_section_condition_in_words(patient: Client) -> None:
    publish(_survey("patient").versions.get(), actor=CLI)
    condition = {"cond_item": "besokstyp", "cond_op": "==", "cond_value": "lakare"}
    assert patient.post(PAGE, TEXTS | condition).status_code == 302
    section = EDITOR + "avsnitt/avslut/"
    assert (
        patient.post(section, {"cond_item": "helhet_betyg", "cond_op": "<=", "cond_value": "2"}).status_code
        == 302
    )
    html = patient.get("/portal/enkater/patient/versioner/").content.decode()
    assert "Visas nu bara om ”Vem träffade du vid besöket?” är ”Läkare”." in html
    assert "Visas nu bara om ”Vilket helhetsintryck har du av besöket?” är 1–2." in html
    # changed again and then removed: the old condition is named in words too
    assert (
        patient.post(
            PAGE, TEXTS | {"cond_item": "besokstyp", "cond_op": "!=", "cond_value": "annan"}
        ).status_code
        == 302
    )
    assert patient.post(section, {"cond_item": ""}).status_code == 302
    html = patient.get("/portal/enkater/patient/versioner/").content.decode()
    assert "Visas nu bara om ”Vem träffade du vid besöket?” är inte ”Annan yrkesgrupp”." in html
    assert "Visas nu för alla (villkoret togs bort" not in html  # v1 had none: nothing removed against it
    english = patient.get("/portal/enkater/patient/versioner/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Now shown only if “Whom did you see at the visit?” is not “Another profession”." in english


def test_a_multiple_choice_answer_is_looked_for_among_the_choices(personas: dict[str, Any]) -> None:
    from kundpuls.web.surveys.actions import save_draft

    version = create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI)
    data = drafts.add_question(
        version.definition, "nps", drafts.default_question("multiple_choice", "kanaler")
    )
    save_draft(version.survey, data, actor=CLI)
    client = _client(personas)
    url = "/portal/enkater/nps/redigera/sida/foljdfragor/"
    texts = {"title_sv": "Följdfrågor", "title_en": "Follow-up"}
    refreshed = client.post(url, texts | {"cond_item": "kanaler", "show_values": "1"}).content.decode()
    assert [op for op, _label in _options(refreshed, "cond_op")] == ["", "in", "not in"]
    assert ("2", "Alternativ 2") in _options(refreshed, "cond_value")
    saved = client.post(url, texts | {"cond_item": "kanaler", "cond_op": "not in", "cond_value": "2"})
    assert saved.status_code == 302
    assert _page(_draft("nps"), "foljdfragor")["show_if"] == "'2' not in kanaler"
    again = client.get(url).content.decode()
    assert '<option value="not in" selected>' in again and '<option value="2" selected>' in again
    assert '<li lang="sv">Visas bara om ”Ny fråga” innehåller inte ”Alternativ 2”.</li>' in again
    assert '<li lang="en">Shown only if “New question” does not include “Option 2”.</li>' in again
    refused = client.post(url, texts | {"cond_item": "kanaler", "cond_op": "<=", "cond_value": "2"})
    assert refused.status_code == 400 and "”&lt;=” är ingen jämförelse" in _error(
        refused.content.decode(), "cond_op"
    )


@pytest.mark.parametrize(
    ("item", "said"),
    [("info_forklaring", "(en cirkel)"), ("info_egenvard", "samma sida"), ("kon", "kommer senare")],
)
def test_a_questions_condition_on_itself_its_page_or_later_is_refused(
    patient: Client, item: str, said: str
) -> None:
    url = EDITOR + "fraga/info_forklaring/"
    before = _draft()
    posted = shown_form(patient, url) | {"cond_item": item, "cond_op": "==", "cond_value": "nej"}
    response = patient.post(url, posted)
    assert response.status_code == 400
    error = _error(response.content.decode(), "cond_item")
    assert said in error and f"”{item}”" in error, error
    assert _draft() == before


def test_pickers_name_questions_and_answers_by_their_text_and_add_the_key_only_to_tell_twins_apart() -> None:
    from kundpuls.web.surveys.condition_picker import Answerable, _told_apart

    def question(key: str, label: str) -> Answerable:
        return Answerable(key, label, "choice", ())

    named = _told_apart(
        [question("a", "Hur nöjd är du?"), question("b", "Hur nöjd är du?"), question("c", "Ålder")]
    )
    assert [q.label for q in named] == ["Hur nöjd är du? (a)", "Hur nöjd är du? (b)", "Ålder"]


@pytest.mark.parametrize(
    ("posted", "field", "said"),
    [
        ({"title_sv": ""}, "title_sv", "Skriv texten på svenska; den får inte vara tom."),
        ({"show_if": "besokstyp =="}, "show_if", "Villkoret tar slut för tidigt"),
        ({"show_if": "__import__('os')"}, "show_if", "Ett villkor kan inte anropa funktioner"),
    ],
)
def test_a_page_forms_refusals_are_said_in_swedish(
    patient: Client, posted: dict[str, str], field: str, said: str
) -> None:
    response = patient.post(PAGE, TEXTS | posted)
    assert response.status_code == 400
    error = _error(response.content.decode(), field)
    assert said in error, error
    assert "is not valid" not in error and "not allowed" not in error and "too early" not in error
