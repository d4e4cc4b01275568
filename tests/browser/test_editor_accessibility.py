"""The survey editor's pages pass axe-core (WCAG 2.1 A/AA) at 375 and 1280 px, and work by keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from keyboard_walk import tab_to
from staff_session import log_in

pytestmark = pytest.mark.browser

PAGES = {
    "start": "/portal/enkater/skapa/",
    "outline": "/portal/enkater/nps/redigera/",
    "question": "/portal/enkater/nps/redigera/fraga/rekommendera/",
    "consent": "/portal/enkater/nps/redigera/fraga/kontakt_ok/",
    "page": "/portal/enkater/nps/redigera/sida/foljdfragor/",
    "section": "/portal/enkater/nps/redigera/avsnitt/anledning/",
    "codebook": "/portal/enkater/nps/redigera/kodbok/",
    "index": "/portal/enkater/nki/redigera/kodbok/index/NKI/",
    "driver model": "/portal/enkater/nki/redigera/kodbok/drivarmodell/",
    "driver model, none": "/portal/enkater/nps/redigera/kodbok/drivarmodell/",
    "versions": "/portal/enkater/nps/versioner/",
    "close one": "CLOSE",
    "survey page": "/portal/enkater/nps/",
    "survey list": "/portal/enkater/",
    "alert rules": "/portal/arenden/regler/nps/",
}


@pytest.fixture
def nps_survey(live_server: Any) -> str:
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish

    version = publish(create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
    link = open_distribution(version.survey, Unit.objects.get(code="VOF-HT-N"), actor=CLI)
    return f"/portal/enkater/nps/stang/?utskick={link.pk}"


@pytest.fixture
def every_type(live_server: Any) -> list[str]:
    """A draft survey ``alla_typer`` with one question of every type the editor offers, and a second
    draft version of ``nps`` (so the versions page shows differences); the editor paths to visit."""
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys import drafts
    from kundpuls.web.surveys.actions import create_survey, save_draft
    from kundpuls.web.surveys.models import Survey

    data = drafts.blank_definition("alla_typer", "Alla frågetyper", "Every question type")
    for number, kind in enumerate(drafts.EDITOR_TYPES, start=2):
        data = drafts.add_question(data, "sida_1", drafts.default_question(kind, f"fraga_{number}"))
    create_survey(data, owner=Unit.objects.get(code="EXK"), actor=CLI)
    nps = Survey.objects.get(key="nps")
    changed = drafts.remove_question(nps.versions.get(number=1).definition, "kontakt_ok")
    save_draft(nps, changed, actor=CLI)
    base = "/portal/enkater/alla_typer/redigera/"
    return [
        base,
        base + "kodbok/",
        *(f"{base}fraga/fraga_{n}/" for n in range(1, len(drafts.EDITOR_TYPES) + 2)),
    ]


DESCRIBED_BY_MISSING = """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(e =>
    e.getAttribute('aria-describedby').split(/\\s+/).filter(id => id && !document.getElementById(id))
        .map(id => `${e.id || e.name}: ${id}`))"""


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_core_finds_nothing_on_every_question_type_and_error_page(
    new_page: Callable[..., Any],
    live_server: Any,
    settings: Any,
    nps_survey: str,
    every_type: list[str],
    assert_accessible: Callable[[Any], None],
    assert_no_horizontal_scroll: Callable[[Any], None],
    width: int,
    tmp_path: Path,
) -> None:
    """Each question type's form, the versions page with differences, and the forms refused with errors;
    every aria-describedby names an element of the page (help and error texts are read out)."""
    settings.KUNDPULS_DEMO = True
    page = new_page(width=width, height=900)
    log_in(page, live_server.url)
    for path in [*every_type, "/portal/enkater/nps/versioner/"]:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        assert page.evaluate(DESCRIBED_BY_MISSING) == [], path
        page.screenshot(
            path=str(tmp_path / f"{path.strip('/').replace('/', '-')}-{width}.png"), full_page=True
        )
    assert page.locator("main li, main tr").filter(has_text="kontakt_ok").count() >= 1  # the diff is shown
    # refused forms: the start page with a key in use, the codebook with an index without questions
    page.goto(live_server.url + "/portal/enkater/skapa/")
    page.locator("#id_key").fill("nps")  # a key already in use: refused by the server
    page.locator("#id_title_sv").fill("En till")
    page.locator("#id_owner").select_option(index=1)
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa utkastet").click()
    _check_refused(page, assert_accessible, tmp_path / f"start-errors-{width}.png")
    page.goto(live_server.url + "/portal/enkater/alla_typer/redigera/kodbok/")
    page.locator("#id_index_name_0").fill("SERVICE")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara kodboken").click()
    _check_refused(page, assert_accessible, tmp_path / f"codebook-errors-{width}.png")
    # the alert rules form counting last month's responses against the rules as they stand in the form
    page.goto(live_server.url + PAGES["alert rules"])
    with page.expect_navigation():
        page.get_by_role("button", name="Räkna hur den senaste månadens svar skulle ha utfallit").click()
    assert "ännu inte sparade" in page.locator("[role=status]").inner_text()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / f"rules-preview-{width}.png"), full_page=True)


def _check_refused(page: Any, assert_accessible: Callable[[Any], None], shot: Path) -> None:
    assert page.locator(".error-summary").count() == 1, page.url
    assert_accessible(page)
    assert page.evaluate(DESCRIBED_BY_MISSING) == [], page.url
    page.screenshot(path=str(shot), full_page=True)


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_core_finds_nothing_on_the_editor_pages(
    new_page: Callable[..., Any],
    live_server: Any,
    settings: Any,
    nps_survey: str,
    assert_accessible: Callable[[Any], None],
    assert_no_horizontal_scroll: Callable[[Any], None],
    width: int,
    tmp_path: Path,
) -> None:
    settings.KUNDPULS_DEMO = True  # demo accounts log in only in demo mode
    page = new_page(width=width, height=900)
    log_in(page, live_server.url)
    for name, path in PAGES.items():
        response = page.goto(live_server.url + (nps_survey if path == "CLOSE" else path))
        assert response is not None and response.status == 200, (name, path)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(tmp_path / f"editor-{name.replace(' ', '-')}-{width}.png"), full_page=True)
    # a page with problems on its fields: an empty Swedish question text
    page.goto(live_server.url + PAGES["question"])
    page.locator("#id_text_sv").fill("")
    page.locator("#id_text_en").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara frågan").click()
    assert page.locator("#id_text_sv_error").count() == 1
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"editor-question-errors-{width}.png"), full_page=True)


def test_a_question_is_added_edited_and_moved_by_keyboard_alone(
    page: Any, live_server: Any, settings: Any, nps_survey: str
) -> None:
    from kundpuls.web.surveys import drafts
    from kundpuls.web.surveys.models import Survey

    settings.KUNDPULS_DEMO = True
    log_in(page, live_server.url)
    page.goto(live_server.url + PAGES["outline"])
    page.locator("#id_fraga_type").focus()
    page.locator("#id_fraga_type").select_option("yes_no")  # what arrow keys do in a closed select
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # "Lägg till frågan"
    assert "/redigera/fraga/fraga_1/" in page.url
    page.locator("#id_text_sv").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Fick du hjälp i tid?")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("Did you get help in time?")
    page.get_by_role("button", name="Spara frågan").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    draft = Survey.objects.get(key="nps").versions.order_by("-number").first()
    assert draft is not None and draft.published_at is None  # a new draft after the published version
    assert drafts.question_of(draft.definition, "fraga_1")["text"]["sv"] == "Fick du hjälp i tid?"
    page.get_by_role("button", name="Flytta frågan fraga_1 uppåt").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    draft.refresh_from_db()
    assert _question_keys(draft.definition)[0] == "fraga_1"


def _question_keys(data: dict[str, Any]) -> list[str]:
    """Every question key of a draft definition, in order."""
    return [q["key"] for page in data["pages"] for block in page["blocks"] for q in block["questions"]]


def _retype(page: Any, text: str) -> None:
    """Replace the focused field's text as a keyboard user does: select all, then type."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_a_keyboard_alone_adds_a_page_and_a_question_edits_and_saves(
    page: Any, live_server: Any, settings: Any, nps_survey: str
) -> None:
    """From the outline, with Tab to move, Enter or Space to press and typing to write (a select is set by
    typing the start of an option, as with a keyboard): a page is added, its question edited and saved, a
    question added to the first page and saved, moved up, and the new page's introduction saved."""
    from kundpuls.web.surveys import drafts
    from kundpuls.web.surveys.models import Survey

    settings.KUNDPULS_DEMO = True
    log_in(page, live_server.url)
    page.goto(live_server.url + PAGES["outline"])

    tab_to(page, "#id_sida_title_sv")
    page.keyboard.type("Om besöket")
    tab_to(page, "#id_sida_title_en")
    page.keyboard.type("About the visit")
    tab_to(page, "#id_sida_type")
    page.keyboard.type("Ja eller")  # "Ja eller nej"
    tab_to(page, "button[value=add_page]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/redigera/fraga/" in page.url, page.url
    added_on_page = page.url.rstrip("/").rsplit("/", 1)[-1]
    tab_to(page, "#id_text_sv")
    _retype(page, "Fick du hjälp i tid?")
    tab_to(page, "#id_text_en")
    _retype(page, "Did you get help in time?")
    tab_to(page, "#id_required")
    page.keyboard.press("Space")  # an answer is required
    # the save button, not "Visa svaren" (named show_values), which lists a condition's answers
    tab_to(page, "form.stack button[type=submit]:not([name])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/fraga/" not in page.url, page.locator("main").inner_text()[:2000]

    tab_to(page, "#id_fraga_type")
    page.keyboard.type("Ett val")  # on the first page (the page picker's first choice)
    tab_to(page, "button[value=add_question]")
    with page.expect_navigation():
        page.keyboard.press("Space")
    added_first = page.url.rstrip("/").rsplit("/", 1)[-1]
    tab_to(page, "#id_text_sv")
    _retype(page, "Vad kan vi göra bättre?")
    tab_to(page, "form.stack button[type=submit]:not([name])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, f"button[value=up][aria-label*='{added_first}']")
    with page.expect_navigation():
        page.keyboard.press("Space")

    new_page_key = next(
        p["key"]
        for p in Survey.objects.get(key="nps").versions.order_by("-number").first().definition["pages"]  # type: ignore[union-attr]
        if p.get("title", {}).get("sv") == "Om besöket"
    )
    tab_to(page, f"a[href$='/sida/{new_page_key}/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_intro_sv")
    page.keyboard.type("Två frågor om ditt besök.")
    tab_to(page, "form.stack button[type=submit]:not([name])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # saved in the draft; the survey is offered in English, so the outline counts the text without English
    assert "/sida/" not in page.url, page.locator("main").inner_text()[:2000]
    assert "1 text saknar engelska" in page.locator("main").inner_text()
    tab_to(page, f"a[href$='/sida/{new_page_key}/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_intro_en")
    page.keyboard.type("Two questions about your visit.")
    tab_to(page, "form.stack button[type=submit]:not([name])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/sida/" not in page.url, page.locator("main").inner_text()[:2000]
    assert "saknar engelska" not in page.locator("main").inner_text()

    draft = Survey.objects.get(key="nps").versions.order_by("-number").first()
    assert draft is not None and draft.published_at is None  # a new draft after the published version
    data = draft.definition
    question = drafts.question_of(data, added_on_page)
    assert question["type"] == "yes_no" and question["required"] is True
    assert question["text"] == {"sv": "Fick du hjälp i tid?", "en": "Did you get help in time?"}
    page_data = data["pages"][drafts.page_index(data, new_page_key)]
    assert page_data["title"] == {"sv": "Om besöket", "en": "About the visit"}
    assert page_data["intro"]["sv"] == "Två frågor om ditt besök."
    assert drafts.question_of(data, added_first)["type"] == "single_choice"
    first_page = [q["key"] for block in data["pages"][0]["blocks"] for q in block["questions"]]
    assert first_page[-2] == added_first  # moved up one place from the end of the first page
