"""The survey editor's pages pass axe-core (WCAG 2.1 A/AA) at 375 and 1280 px, and work by keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "start": "/portal/enkater/skapa/",
    "outline": "/portal/enkater/nps/redigera/",
    "question": "/portal/enkater/nps/redigera/fraga/rekommendera/",
    "consent": "/portal/enkater/nps/redigera/fraga/kontakt_ok/",
    "page": "/portal/enkater/nps/redigera/sida/foljdfragor/",
    "codebook": "/portal/enkater/nps/redigera/kodbok/",
    "versions": "/portal/enkater/nps/versioner/",
    "close one": "CLOSE",
    "survey page": "/portal/enkater/nps/",
    "alert rules": "/portal/arenden/regler/nps/",
}


def _log_in(page: Any, live_server: Any) -> None:
    from kundpuls.demo.organisation import DEMO_PASSWORD

    page.goto(live_server.url + "/konto/logga-in/")
    page.locator("input[name=username]").fill("analytiker@kundpuls.example")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form.stack button[type=submit]").click()


@pytest.fixture
def nps_survey(live_server: Any) -> str:
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish

    version = publish(create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
    link = open_distribution(version.survey, Unit.objects.get(code="VOF-HT-N"), actor=CLI)
    return f"/portal/enkater/nps/stang/?utskick={link.pk}"


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
    _log_in(page, live_server)
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
    _log_in(page, live_server)
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
