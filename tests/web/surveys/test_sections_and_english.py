"""The editor's sections (blocks) and missing English: a section's texts edited and moved on their own, and
a survey offered in English flagged wherever a text lacks English, counted, and published only when none
does."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.org.tenancy import organisation_id
from kundpuls.web.surveys import drafts
from kundpuls.web.surveys.actions import create_from_template, publish
from kundpuls.web.surveys.english_gaps import missing_english
from kundpuls.web.surveys.models import Survey

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _client(personas: dict[str, Any]) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas["analyst"], backend=BACKEND)
    return client


def _survey(key: str) -> Survey:
    return Survey.objects.get(key=key, organisation_id=organisation_id(Unit.objects.get(code="EXK")))


def _draft(key: str) -> dict[str, Any]:
    return _survey(key).versions.order_by("-number").first().definition  # type: ignore[union-attr]


def _blocks(data: dict[str, Any]) -> list[list[str]]:
    return [[block["key"] for block in page["blocks"]] for page in data["pages"]]


def test_a_sections_texts_are_edited_on_their_own_in_both_languages(personas: dict[str, Any]) -> None:
    create_from_template("patient", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    outline = client.get("/portal/enkater/patient/redigera/").content.decode()
    assert "Tillgänglighet" in outline and "Ändra texterna i avsnittet Tillgänglighet" in outline
    url = "/portal/enkater/patient/redigera/avsnitt/tillganglighet/"
    page = client.get(url).content.decode()
    assert 'value="Tillgänglighet"' in page and 'value="Accessibility"' in page
    saved = client.post(
        url,
        {
            "title_sv": "Att nå oss",
            "title_en": "Reaching us",
            "intro_sv": "Två frågor om hur lätt det var.",
            "intro_en": "Two questions on how easy it was.",
        },
    )
    assert saved.status_code == 302 and saved["Location"].endswith("/redigera/#b-tillganglighet")
    p, b = drafts.find_block(_draft("patient"), "tillganglighet")
    block = _draft("patient")["pages"][p]["blocks"][b]
    assert block["title"] == {"sv": "Att nå oss", "en": "Reaching us"}
    assert block["intro"] == {
        "sv": "Två frågor om hur lätt det var.",
        "en": "Two questions on how easy it was.",
    }
    assert [q["key"] for q in block["questions"]] == ["till_kontakt", "till_vantetid"]  # questions stay
    # both texts emptied: the section has no title or introduction
    assert (
        client.post(url, {"title_sv": "", "title_en": "", "intro_sv": "", "intro_en": ""}).status_code == 302
    )
    assert {"title", "intro"}.isdisjoint(_draft("patient")["pages"][p]["blocks"][b])
    too_long = client.post(url, {"title_sv": "x" * 2001})
    assert too_long.status_code == 400 and "id_title_sv_error" in too_long.content.decode()
    assert client.get("/portal/enkater/patient/redigera/avsnitt/finns_inte/").status_code == 404


def test_sections_move_within_their_page_and_across_pages(personas: dict[str, Any]) -> None:
    create_from_template("patient", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    before = _blocks(_draft("patient"))
    assert before[1] == ["tillganglighet", "kontinuitet"]
    change = "/portal/enkater/patient/redigera/andra/"
    moved = client.post(change, {"op": "block_down", "target": "tillganglighet"})
    assert moved.status_code == 302 and moved["Location"].endswith("#b-tillganglighet")
    assert _blocks(_draft("patient"))[1] == ["kontinuitet", "tillganglighet"]
    client.post(change, {"op": "block_down", "target": "tillganglighet"})  # past the page's end: next page
    after = _blocks(_draft("patient"))
    assert after[1] == ["kontinuitet"] and after[2][0] == "tillganglighet"
    client.post(change, {"op": "block_up", "target": "tillganglighet"})
    client.post(change, {"op": "block_up", "target": "tillganglighet"})
    assert _blocks(_draft("patient")) == before
    first = before[0][0]
    client.post(change, {"op": "block_up", "target": first})  # the very first section: unchanged
    assert _blocks(_draft("patient")) == before
    assert client.post(change, {"op": "block_up", "target": "finns_inte"}).status_code == 404


def test_missing_english_is_flagged_counted_and_stops_publishing(personas: dict[str, Any]) -> None:
    create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    assert "en" in _draft("nps")["languages"]
    outline = client.get("/portal/enkater/nps/redigera/").content.decode()
    assert "saknar engelska" not in outline and "engelsk text saknas" not in outline
    question = drafts.question_of(_draft("nps"), "rekommendera")
    question["text"].pop("en")
    question["scale"]["min_label"].pop("en")
    data = drafts.replace_question(_draft("nps"), "rekommendera", question)
    page = data["pages"][0]
    page["title"] = {"sv": "Din bedömning"}
    from kundpuls.web.surveys.actions import save_draft

    save_draft(_survey("nps"), data, actor=CLI)  # a draft offered in English may lack English texts
    assert len(missing_english(_draft("nps"))) == 3
    outline = client.get("/portal/enkater/nps/redigera/").content.decode()
    assert "3 texter saknar engelska" in outline
    item = outline[outline.index('id="q-rekommendera"') :]
    assert "engelsk text saknas" in item[: item.index("</li>")]
    heading = re.search(r'<h3 id="p-[^"]+">(.*?)</h3>', outline)
    assert heading is not None and "engelsk text saknas" in heading.group(1)
    other = outline[outline.index('id="q-kontakt_ok"') :]
    assert "engelsk text saknas" not in other[: other.index("</li>")]
    # publishing is refused, back in the editor, with the count
    refused = client.post("/portal/enkater/nps/publicera/", follow=True)
    assert refused.redirect_chain[-1][0] == "/portal/enkater/nps/redigera/"
    assert "3 texter saknar engelska" in refused.content.decode()
    assert "enkäten erbjuds på engelska" in refused.content.decode()
    assert _survey("nps").versions.filter(published_at__isnull=False).count() == 0
    # English off: the texts stay flagged (to translate before offering English), and the draft publishes
    no_english = _draft("nps") | {"languages": ["sv"]}
    save_draft(_survey("nps"), no_english, actor=CLI)
    outline = client.get("/portal/enkater/nps/redigera/").content.decode()
    assert "3 texter saknar engelska" in outline and "behövs först när enkäten erbjuds på engelska" in outline
    assert "erbjuds på engelska: varje text" not in outline
    publish(_survey("nps").versions.order_by("-number").first(), actor=CLI)  # type: ignore[arg-type]


def test_an_upload_offered_in_english_still_needs_every_english_text() -> None:
    from kundpuls.instruments import DefinitionErrors, load_template, parse_definition
    from kundpuls.instruments.loading import definition_to_dict

    data = definition_to_dict(load_template("nps"))
    data["title"] = {"sv": "Utan engelska"}
    with pytest.raises(DefinitionErrors, match=r"title\.en: English text \(en\) is missing"):
        parse_definition(data)
    assert parse_definition(data, draft=True).title.en is None


def test_a_section_and_a_page_are_shown_on_a_condition_edited_in_their_forms(
    personas: dict[str, Any],
) -> None:
    create_from_template("patient", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    section = "/portal/enkater/patient/redigera/avsnitt/kontinuitet/"
    shown = client.get(section).content.decode()
    texts = {"title_sv": "Kontinuitet", "title_en": "Continuity"}
    saved = client.post(section, texts | {"show_if": "besokstyp == 'lakare'"})
    assert saved.status_code == 302, shown[:200]
    p, b = drafts.find_block(_draft("patient"), "kontinuitet")
    assert _draft("patient")["pages"][p]["blocks"][b]["show_if"] == "besokstyp == 'lakare'"
    refused = client.post(section, texts | {"show_if": "finns_inte > 3"})
    assert refused.status_code == 400
    html = refused.content.decode()
    error = html[html.index('id="id_show_if_error"') :][:300]
    assert "finns_inte är ingen fråga före villkoret" in error, error
    assert client.post(section, texts | {"show_if": ""}).status_code == 302  # empty: always shown
    assert "show_if" not in _draft("patient")["pages"][p]["blocks"][b]
    page = "/portal/enkater/patient/redigera/sida/mottet/"
    page_texts = {"title_sv": "Mötet med personalen", "title_en": "Meeting the staff"}
    assert client.post(page, page_texts | {"show_if": "besokstyp == 'digitalt'"}).status_code == 302
    assert _draft("patient")["pages"][drafts.page_index(_draft("patient"), "mottet")]["show_if"] == (
        "besokstyp == 'digitalt'"
    )


def test_the_versions_page_says_what_changed_in_sections_and_index_details(personas: dict[str, Any]) -> None:
    version = publish(
        create_from_template("patient", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI
    )
    client = _client(personas)
    section = "/portal/enkater/patient/redigera/avsnitt/kontinuitet/"
    texts = {"title_sv": "Samordning", "title_en": "Coordination", "show_if": "besokstyp == 'lakare'"}
    assert client.post(section, texts).status_code == 302
    client.post("/portal/enkater/patient/redigera/andra/", {"op": "block_up", "target": "kontinuitet"})
    assert _survey("patient").versions.count() == 2 and version.number == 1
    page = client.get("/portal/enkater/patient/versioner/").content.decode()
    assert "Avsnittets rubrik ändrades från ”Kontinuitet och samordning” till ”Samordning”" in page.replace(
        "“", "”"
    ), page[page.find('<ul class="diff">') :][:1500]
    assert "Visas nu bara om ”Vem träffade du vid besöket?” är ”Läkare”." in page  # the condition in words
    assert "Avsnitten står i en annan ordning." in page
