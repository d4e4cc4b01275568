"""The condition pickers of a page and a section in Chromium: axe-core finds nothing at 375 and 1280 px
(empty, with a question's answers listed, with the condition read in Swedish and English, with a refusal),
nothing scrolls sideways, and a keyboard alone builds a page's condition without JavaScript's help: the
question, "Visa svaren" (a server round trip), the comparison and the answer. ``KUNDPULS_SCREENSHOTS=DIR``
keeps the screenshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from keyboard_walk import tab_to
from staff_session import keep_screenshot, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def patient_draft(live_server: Any) -> str:
    """A draft ``patient`` survey of the analyst's organisation; its editor path."""
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.actions import create_from_template

    version = create_from_template("patient", owner=Unit.objects.get(code="EXK"), actor=CLI)
    return f"/portal/enkater/{version.survey.url_key}/redigera/"


def _draft() -> dict[str, Any]:
    from kundpuls.web.org.models import Unit
    from kundpuls.web.org.tenancy import organisation_id
    from kundpuls.web.surveys.models import Survey

    survey = Survey.objects.get(key="patient", organisation_id=organisation_id(Unit.objects.get(code="EXK")))
    return survey.versions.order_by("-number").first().definition  # type: ignore[union-attr]


def _page_condition(key: str) -> str | None:
    return next((page.get("show_if") for page in _draft()["pages"] if page["key"] == key), None)


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_core_finds_nothing_on_the_condition_pickers(
    new_page: Callable[..., Any],
    live_server: Any,
    settings: Any,
    patient_draft: str,
    assert_accessible: Callable[[Any], None],
    assert_no_horizontal_scroll: Callable[[Any], None],
    width: int,
) -> None:
    settings.KUNDPULS_DEMO = True
    page = new_page(width=width, height=900)
    log_in(page, live_server.url)
    base = live_server.url + patient_draft

    def look(name: str) -> None:
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        keep_screenshot(page, f"condition-{name}-{width}")

    page.goto(base + "sida/mottet/")
    look("page-empty")
    page.locator("#id_cond_item").select_option("besokstyp")
    with page.expect_navigation():
        page.get_by_role("button", name="Visa svaren").click()
    values = page.locator("#id_cond_value option").all_inner_texts()
    assert "Läkare" in values, values
    look("page-answers-listed")
    page.locator("#id_cond_op").select_option("==")
    page.locator("#id_cond_value").select_option("lakare")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara sidan").click()
    assert _page_condition("mottet") == "besokstyp == 'lakare'"
    page.goto(base + "sida/mottet/")
    readings = page.locator("ul.readings li").all_inner_texts()
    assert readings == [
        "Visas bara om ”Vem träffade du vid besöket?” är ”Läkare”.",
        "Shown only if “Whom did you see at the visit?” is “Doctor”.",
    ], readings
    look("page-read")
    page.goto(base + "#p-mottet")
    said = page.locator("#p-mottet + p.condition").inner_text()
    assert said == "Visas bara om ”Vem träffade du vid besöket?” är ”Läkare”.", said
    look("outline")
    page.locator("#p-mottet").scroll_into_view_if_needed()
    keep_screenshot(page, f"condition-outline-page-{width}", full_page=False)
    # a question's form holds the same component
    page.goto(base + "fraga/info_forklaring/")
    page.locator("#id_cond_item").select_option("till_kontakt")
    with page.expect_navigation():
        page.get_by_role("button", name="Visa svaren").click()
    assert page.locator("#id_cond_value option").all_inner_texts()[1] == "Ja, helt och hållet"
    look("question-answers-listed")
    # a section's condition on a question inside it: a cycle, refused on the written-out field
    page.goto(base + "avsnitt/kontinuitet/")
    page.locator("details summary").click()
    page.locator("#id_show_if").fill("kont_kannedom == 'nej'")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara avsnittet").click()
    summary = page.locator(".error-summary").inner_text()
    assert "kont_kannedom" in summary and "cirkel" in summary, summary
    look("section-refused")


def test_a_keyboard_alone_builds_and_clears_a_pages_condition(
    page: Any, live_server: Any, settings: Any, patient_draft: str
) -> None:
    settings.KUNDPULS_DEMO = True
    log_in(page, live_server.url)
    page.goto(live_server.url + patient_draft + "sida/mottet/")
    tab_to(page, "#id_cond_item")
    page.keyboard.type("Vem")  # a closed select takes the start of an option's label
    tab_to(page, "button[name=show_values]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#id_cond_item").input_value() == "besokstyp"
    tab_to(page, "#id_cond_op")
    page.keyboard.type("inte")
    tab_to(page, "#id_cond_value")
    page.keyboard.type("Digitalt")
    tab_to(page, "form.stack button[type=submit]:not([name])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("#p-mottet"), page.locator("main").inner_text()[:2000]
    assert _page_condition("mottet") == "besokstyp != 'digitalt'"
    # Enter in a text field saves (the hidden first button), it does not only list answers
    page.goto(live_server.url + patient_draft + "sida/mottet/")
    page.locator("#id_cond_item").focus()
    page.keyboard.press("Home")  # the first choice: "— (visas alltid)"
    assert page.locator("#id_cond_item").input_value() == ""
    page.locator("#id_title_en").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    keep_screenshot(page, "condition-enter-saves")
    assert page.url.endswith("#p-mottet"), page.locator("main").inner_text()[:2000]
    assert _page_condition("mottet") is None
