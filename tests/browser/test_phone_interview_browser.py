"""The phone interviewer's page in Chromium at a phone's and a desktop's width: axe-core clean, no sideways
scroll, the script beside the questions, an empty page refused with the respondent pages' summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from staff_session import keep_screenshot, log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_the_interview_page_reads_well_and_checks_answers(
    new_page: Callable[..., Any],
    live_server: Any,
    settings: Any,
    width: int,
    assert_accessible: Callable[[Any], None],
    assert_no_horizontal_scroll: Callable[[Any], None],
) -> None:

    settings.KUNDPULS_DEMO = True
    page = new_page(width=width, height=900)
    log_in(page, live_server.url, "analytiker@kundpuls.example")
    page.goto(live_server.url + "/portal/telefon/nki/")
    with page.expect_navigation():  # the start button opens the unit's phone distribution (a POST)
        page.get_by_role("button", name="Starta en intervju för Hemtjänst Norr").click()
    assert "Manus" in page.locator("aside").inner_text()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    keep_screenshot(page, f"phone-{width}")
    page.get_by_role("button", name="Nästa").click()
    page.wait_for_selector("#errors")
    assert_accessible(page)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_paper_entry_page_is_typed_with_the_keyboard_and_shows_differences(
    new_page: Callable[..., Any],
    live_server: Any,
    settings: Any,
    width: int,
    assert_accessible: Callable[[Any], None],
    assert_no_horizontal_scroll: Callable[[Any], None],
) -> None:
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.paper.printing import print_questionnaires
    from kundpuls.web.responses.models import Response
    from kundpuls.web.surveys.queries import survey_by_key

    unit = Unit.objects.get(code="VOF-HT-N")
    (form_id,) = print_questionnaires(
        survey_by_key("nki", actor=CLI), unit, copies=1, language="sv", actor=CLI
    ).form_ids

    settings.KUNDPULS_DEMO = True
    page = new_page(width=width, height=900)
    log_in(page, live_server.url, "analytiker@kundpuls.example")
    page.goto(live_server.url + "/portal/papper/nki/VOF-HT-N/")
    assert page.evaluate("document.activeElement.id") == "form_id"  # the form id first
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    keep_screenshot(page, f"paper-{width}", full_page=False)
    page.keyboard.type(form_id.lower())
    page.locator("input[name=tjanst][value=skola]").check()
    page.locator("input[name=nki_helhet][value='9']").check()
    page.get_by_role("button", name="Spara formuläret").click()
    page.wait_for_selector(".messages")
    assert f"{form_id} är sparat" in page.locator(".messages").inner_text()
    assert Response.objects.filter(channel="paper").count() == 1
    page.goto(live_server.url + "/portal/papper/nki/VOF-HT-N/utskrift/")
    assert "1 exemplar, varav 1 är inmatade" in page.locator("main").inner_text()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    keep_screenshot(page, f"paper-print-{width}")
