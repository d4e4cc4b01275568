"""A respondent who uses only the keyboard can answer the whole NKI survey, errors included."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kundpuls.web.responses.models import Response

pytestmark = pytest.mark.browser

MAX_TABS = 80


def _focused(page: Any) -> dict[str, str]:
    return dict(
        page.evaluate(
            """() => {const e = document.activeElement;
                return {tag: e.tagName, name: e.name || '', value: e.value || '', id: e.id || '',
                        checked: String(!!e.checked)};}"""
        )
    )


def _tab_to(page: Any, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{key} never reached {selector!r} on {page.url}")


def _press_next(page: Any) -> None:
    _tab_to(page, "button[value=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _press(page: Any, key: str, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press(key)


def test_a_keyboard_user_answers_the_nki_survey_through_a_validation_error(
    page: Any, demo_links: dict[str, str]
) -> None:
    page.goto(demo_links["nki"])
    assert page.locator("html").get_attribute("lang") == "sv"
    first_title = page.title()
    assert Response.objects.count() == 0

    # Page 1: "Next" with the required service question unanswered shows the error summary.
    _press_next(page)
    summary = page.locator(".errors")
    assert summary.is_visible()
    assert page.title() != first_title and page.title().endswith(first_title)  # the title says "error"
    link = summary.locator("a").first
    target = link.get_attribute("href")
    assert link.inner_text().startswith("Vilken verksamhet gällde din senaste kontakt?")  # names the question
    assert "None" not in summary.inner_text() and "tjanst" not in summary.inner_text()  # no internal keys
    assert target and target.startswith("#f-tjanst")
    _tab_to(page, ".errors a")
    page.keyboard.press("Enter")  # following the link puts focus on the first answer of the question
    focused = _focused(page)
    assert (focused["tag"], focused["name"]) == ("INPUT", "tjanst"), focused
    page.keyboard.press("Space")  # choose the focused (first) option
    _press(page, "ArrowDown", 2)  # arrows move the choice within the group: the third option
    tjanst = _focused(page)
    assert tjanst["checked"] == "true"
    page.keyboard.press("Tab")  # on to the channel question
    assert _focused(page)["name"] == "kanal"
    page.keyboard.press("Space")
    kanal = _focused(page)
    _press_next(page)

    # Page 2: the contact matrices (optional): one scale answered, one "don't know", one corrected
    # after going back with Shift+Tab.
    assert page.locator(".errors").count() == 0
    _tab_to(page, "input[name=bem_vanlighet]")
    page.keyboard.press("Space")
    _press(page, "ArrowRight", 8)
    assert _focused(page)["value"] == "9"
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "bem_respekt"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowLeft")  # from the first point back round to the last: "Vet inte"
    assert _focused(page)["value"] == "dont_know"
    page.keyboard.press("Shift+Tab")
    assert _focused(page)["name"] == "bem_vanlighet"
    page.keyboard.press("ArrowLeft")
    assert _focused(page)["value"] == "8"
    _press_next(page)

    # Page 3: the three overall questions, the first one required.
    _tab_to(page, "input[name=nki_helhet]")
    page.keyboard.press("Space")
    _press(page, "ArrowRight", 6)
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    _press(page, "ArrowRight", 7)
    _press_next(page)

    # Page 4: a typed comment, an age band, and no to being contacted; then send.
    comment = "Bra bemötande, men lång väntetid på svar."
    _tab_to(page, "textarea[name=kommentar]")
    page.keyboard.type(comment)
    page.keyboard.press("Tab")
    alder = _focused(page)
    assert alder["name"] == "alder"
    page.keyboard.press("Space")
    _tab_to(page, "input[name=kontakt_ok]")
    page.keyboard.press("Space")
    if _focused(page)["value"] != "no":
        page.keyboard.press("ArrowDown")
    assert _focused(page)["value"] == "no"
    _press_next(page)

    # The thank-you page shows the receipt, and exactly one response holds the chosen values.
    match = re.search(r"/tack/([A-Z0-9]{8})/(#.*)?$", page.url)
    assert match, page.url
    assert page.locator(".receipt").inner_text() == match.group(1)
    assert Response.objects.count() == 1
    stored = Response.objects.get()
    assert stored.receipt == match.group(1)
    assert stored.language == "sv"
    assert stored.consented is False
    answers = stored.answers
    assert answers["tjanst"] == tjanst["value"] == "skola"
    assert answers["kanal"] == kanal["value"]
    assert answers["bem_vanlighet"] == 8
    assert answers["bem_respekt"] is None  # "don't know" is stored as a missing value
    assert answers["nki_helhet"] == 7
    assert answers["nki_forvantan"] == 8
    assert answers["kommentar"] == comment
    assert answers["alder"] == alder["value"]
    for unanswered in ("bem_forstaelse", "inf_begriplig", "nki_ideal", "kon"):
        assert answers.get(unanswered) is None, unanswered
