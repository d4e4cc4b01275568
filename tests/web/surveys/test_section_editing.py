"""Sections added, split and removed in the editor: each change reaches the draft and the versions page in
words; bad input is refused in Swedish naming the field and the value; another organisation's survey is
not found and a viewer is refused."""

from __future__ import annotations

import re
from html import unescape as html_unescape
from typing import Any

from django.test import Client

from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.org.tenancy import organisation_id
from kundpuls.web.surveys.actions import create_from_template
from kundpuls.web.surveys.models import Survey

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
EDIT = "/portal/enkater/patient/redigera"


def _client(personas: dict[str, Any], who: str = "analyst") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas[who], backend=BACKEND)
    return client


def _survey(key: str) -> Survey:
    return Survey.objects.get(key=key, organisation_id=organisation_id(Unit.objects.get(code="EXK")))


def _draft(key: str) -> dict[str, Any]:
    return _survey(key).versions.order_by("-number").first().definition  # type: ignore[union-attr]


def _blocks(data: dict[str, Any]) -> list[list[tuple[str, list[str]]]]:
    return [
        [(block["key"], [q["key"] for q in block["questions"]]) for block in page["blocks"]]
        for page in data["pages"]
    ]


def _errors(html: str) -> list[str]:
    return [html_unescape(e) for e in re.findall(r'class="field-error"[^>]*>([^<]*)', html)]


def _patient() -> None:
    create_from_template("patient", owner=Unit.objects.get(code="EXK"), actor=CLI)


NEW = {
    "position": "after:tillganglighet",
    "title_sv": "Väntan",
    "title_en": "",
    "intro_sv": "Om hur länge du väntade.",
    "intro_en": "",
    "type": "yes_no",
    "key": "vantan",
}


def test_a_section_is_added_beside_another_with_a_first_question(personas: dict[str, Any]) -> None:
    _patient()
    client = _client(personas)
    form = client.get(f"{EDIT}/nytt-avsnitt/?efter=tillganglighet").content.decode()
    assert '<option value="after:tillganglighet" selected>Efter avsnittet Tillgänglighet</option>' in form
    places = re.findall(r'<option value="((?:before|after):[^"]+)"', form)
    pages = len(_draft("patient")["pages"])
    assert len(places) == len(set(places)) == pages + sum(len(p) for p in _blocks(_draft("patient")))
    assert form.count(">Överst på sidan</option>") == pages  # each place offered once, not also "before"
    assert ">Efter avsnitt 1</option>" in form and "Efter avsnittet Avsnitt" not in form  # an untitled one
    added = client.post(f"{EDIT}/nytt-avsnitt/", NEW)
    assert added.status_code == 302 and added["Location"].endswith("/redigera/#b-vantan")
    page = _blocks(_draft("patient"))[1]
    assert [key for key, _q in page] == ["tillganglighet", "vantan", "kontinuitet"]
    block = _draft("patient")["pages"][1]["blocks"][1]
    assert block["title"] == {"sv": "Väntan"} and block["intro"] == {"sv": "Om hur länge du väntade."}
    assert [q["type"] for q in block["questions"]] == ["yes_no"]
    outline = client.get(f"{EDIT}/").content.decode()
    heading = re.search(r'<h4 id="bh-vantan">(.*?)</h4>', outline)
    assert heading is not None and "Väntan" in heading.group(1) and "engelsk text saknas" in heading.group(1)
    before = client.post(f"{EDIT}/nytt-avsnitt/", NEW | {"key": "forst", "position": "before:tillganglighet"})
    assert before.status_code == 302
    assert [key for key, _q in _blocks(_draft("patient"))[1]][:2] == ["forst", "tillganglighet"]


def test_a_new_section_is_refused_naming_the_field_and_value(personas: dict[str, Any]) -> None:
    _patient()
    client = _client(personas)
    before = _draft("patient")
    duplicate = client.post(f"{EDIT}/nytt-avsnitt/", NEW | {"key": "Kontinuitet"})
    assert duplicate.status_code == 400
    assert any("'Kontinuitet'" in e and "används redan" in e for e in _errors(duplicate.content.decode()))
    empty = client.post(f"{EDIT}/nytt-avsnitt/", NEW | {"title_sv": "  "})
    assert empty.status_code == 400
    assert "Ange avsnittets rubrik på svenska." in _errors(empty.content.decode())
    bad = client.post(f"{EDIT}/nytt-avsnitt/", NEW | {"position": "after:finns_inte"})
    assert bad.status_code == 400
    assert any("after:finns_inte" in e for e in _errors(bad.content.decode()))
    bad_key = client.post(f"{EDIT}/nytt-avsnitt/", NEW | {"key": "1 fel"})
    assert bad_key.status_code == 400 and "id_key_error" in bad_key.content.decode()
    assert client.post(f"{EDIT}/nytt-avsnitt/", NEW | {"title_sv": "x" * 2001}).status_code == 400
    assert _draft("patient") == before


def test_a_section_splits_at_a_question_and_keeps_its_condition(personas: dict[str, Any]) -> None:
    _patient()
    client = _client(personas)
    data = _draft("patient")
    data["pages"][1]["blocks"][0]["show_if"] = "besokstyp == 'lakare'"
    from kundpuls.web.surveys.actions import save_draft

    save_draft(_survey("patient"), data, actor=CLI)
    url = f"{EDIT}/avsnitt/tillganglighet/dela/"
    form = client.get(url).content.decode()
    assert "till_kontakt" not in re.findall(r'<option value="([^"]+)"', form)  # never at the first question
    split = client.post(
        url,
        {"question": "till_vantetid", "title_sv": "Väntetid", "title_en": "Waiting", "key": "vantetid"},
    )
    assert split.status_code == 302 and split["Location"].endswith("#b-vantetid")
    page = _draft("patient")["pages"][1]["blocks"]
    assert [(b["key"], [q["key"] for q in b["questions"]]) for b in page][:2] == [
        ("tillganglighet", ["till_kontakt"]),
        ("vantetid", ["till_vantetid"]),
    ]
    assert page[1]["show_if"] == "besokstyp == 'lakare'" and page[1]["title"] == {
        "sv": "Väntetid",
        "en": "Waiting",
    }
    # one question left: nothing to split, and the first question is refused naming it
    assert "bara en fråga" in client.get(url).content.decode()
    refused = client.post(
        f"{EDIT}/avsnitt/kontinuitet/dela/", {"question": "kont_kannedom", "title_sv": "A", "key": "a"}
    )
    assert refused.status_code == 400
    assert any("kont_kannedom" in e for e in _errors(refused.content.decode()))
    assert client.get(f"{EDIT}/avsnitt/finns_inte/dela/").status_code == 404


def test_a_section_is_removed_and_its_questions_join_the_one_before(personas: dict[str, Any]) -> None:
    _patient()
    client = _client(personas)
    url = f"{EDIT}/avsnitt/kontinuitet/ta-bort/"
    confirm = client.get(url).content.decode()
    assert "går till avsnittet Tillgänglighet" in confirm
    kept = _blocks(_draft("patient"))[1][1][1]
    removed = client.post(url)
    assert removed.status_code == 302 and removed["Location"].endswith("#b-tillganglighet")
    page = _blocks(_draft("patient"))[1]
    assert page == [("tillganglighet", ["till_kontakt", "till_vantetid", *kept])]
    only = client.post(f"{EDIT}/avsnitt/tillganglighet/ta-bort/")  # the page's only section now
    assert only.status_code == 400
    assert "'tillganglighet' är sidans enda avsnitt" in html_unescape(only.content.decode())
    assert _blocks(_draft("patient"))[1] == page


def test_a_section_on_another_condition_is_not_removed(personas: dict[str, Any]) -> None:
    _patient()
    data = _draft("patient")
    data["pages"][1]["blocks"][1]["show_if"] = "besokstyp == 'lakare'"
    from kundpuls.web.surveys.actions import save_draft

    save_draft(_survey("patient"), data, actor=CLI)
    client = _client(personas)
    refused = client.post(f"{EDIT}/avsnitt/kontinuitet/ta-bort/")
    assert refused.status_code == 400 and "'kontinuitet' visas på ett annat villkor" in html_unescape(
        refused.content.decode()
    )
    assert _draft("patient") == data


def test_a_published_survey_gets_a_new_draft_and_the_versions_page_says_what_happened(
    personas: dict[str, Any],
) -> None:
    client = _client(personas)
    nki = _survey("nki")
    count = nki.versions.count()
    edit = "/portal/enkater/nki/redigera"
    assert (
        client.post(
            f"{edit}/avsnitt/bakgrund_arende/dela/",
            {"question": _second(), "title_sv": "Ärendet i detalj", "key": "detalj"},
        ).status_code
        == 302
    )
    assert nki.versions.count() == count + 1 and nki.versions.order_by("-number").first().published_at is None  # type: ignore[union-attr]
    assert client.post(f"{edit}/avsnitt/information/ta-bort/").status_code == 302
    assert client.post(f"{edit}/nytt-avsnitt/", NEW | {"position": "before:nki"}).status_code == 302
    assert nki.versions.count() == count + 1  # the same draft
    versions = client.get("/portal/enkater/nki/versioner/").content.decode()
    assert "Ett nytt avsnitt, delat från avsnittet" in versions and "Ärendet i detalj" in versions
    assert "Avsnittet togs bort; dess frågor gick till avsnittet" in versions
    assert "Väntan" in versions and "Ett nytt avsnitt." in versions


def _second() -> str:
    return str(_draft("nki")["pages"][0]["blocks"][0]["questions"][1]["key"])


def test_another_organisations_survey_is_not_found_and_a_viewer_is_refused(personas: dict[str, Any]) -> None:
    analyst, viewer = _client(personas), _client(personas, "viewer")
    # the demo's patient survey belongs to the region, another organisation
    for url in (
        f"{EDIT}/nytt-avsnitt/",
        f"{EDIT}/avsnitt/tillganglighet/dela/",
        f"{EDIT}/avsnitt/kontinuitet/ta-bort/",
    ):
        assert analyst.get(url).status_code == 404
        assert analyst.post(url, NEW | {"question": "till_vantetid"}).status_code == 404
    before = _draft("nki")
    for url in (
        "/portal/enkater/nki/redigera/nytt-avsnitt/",
        "/portal/enkater/nki/redigera/avsnitt/bakgrund_arende/dela/",
        "/portal/enkater/nki/redigera/avsnitt/information/ta-bort/",
    ):
        assert viewer.get(url).status_code == 403
        assert viewer.post(url, NEW).status_code == 403
    assert _draft("nki") == before
