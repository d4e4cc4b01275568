"""The editor's codebook details (an index's kind, weights and positive answers; the driver model), its
sections and its missing-English flags in Chromium: axe-core finds nothing at 375 and 1280 px, with and
without errors, nothing scrolls sideways, and a keyboard alone edits a section, positive answers and the
driver model. ``KUNDPULS_SCREENSHOTS=DIR`` keeps the screenshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from keyboard_walk import look, tab_to
from staff_session import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def patient_draft(live_server: Any) -> str:
    """A draft ``patient`` survey (positive-share indices) of the analyst's organisation, offered in
    English, with two texts whose English is missing; its editor path."""
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys import drafts
    from kundpuls.web.surveys.actions import create_from_template, save_draft

    version = create_from_template("patient", owner=Unit.objects.get(code="EXK"), actor=CLI)
    data = version.definition
    question = drafts.question_of(data, "till_kontakt")
    question["text"].pop("en")
    data = drafts.replace_question(data, "till_kontakt", question)
    p, b = drafts.find_block(data, "tillganglighet")
    data["pages"][p]["blocks"][b]["title"] = {"sv": "Tillgänglighet"}
    save_draft(version.survey, data, actor=CLI)
    return f"/portal/enkater/{version.survey.url_key}/redigera/"


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_core_finds_nothing_on_the_codebook_details_sections_and_flags(
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
    for name, path in {
        "outline-flags": "",
        "section": "avsnitt/tillganglighet/",
        "codebook": "kodbok/",
        "index-positive": "kodbok/index/TILLGANGLIGHET/",
        "driver-model-none": "kodbok/drivarmodell/",
    }.items():
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        look(page, f"editor-{name}-{width}", assert_accessible, assert_no_horizontal_scroll)
    page.goto(base)
    assert "2 texter saknar engelska" in page.locator("main").inner_text()
    assert page.locator("#q-till_kontakt .flag").count() == 1
    assert page.locator("#bh-tillganglighet .flag").count() == 1
    # refused: a weight that is no number, a positive share without positive answers
    page.goto(base + "kodbok/index/TILLGANGLIGHET/")
    page.locator("#id_weight_0").fill("mycket")
    page.locator("#id_weight_1").fill("1")
    page.locator("input[name=positive_1][value=ja_helt]").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Spara indexet").click()
    assert page.locator(".error-summary").count() == 1
    summary = page.locator(".error-summary").inner_text()
    assert (
        "”mycket” är inte ett tal" in summary
        and "Kryssa i minst ett positivt svar för till_vantetid" in summary
    )
    look(page, f"editor-index-errors-{width}", assert_accessible, assert_no_horizontal_scroll)
    # the demo NKI's driver model, and a path back to a driver: a circle, refused
    page.goto(live_server.url + "/portal/enkater/nki/redigera/kodbok/drivarmodell/")
    look(page, f"editor-driver-model-{width}", assert_accessible, assert_no_horizontal_scroll)
    rows = page.locator("select[id^=id_path_from_]").count()
    page.locator(f"#id_path_from_{rows - 1}").select_option("NKI")
    page.locator(f"#id_path_to_{rows - 1}").select_option(index=2)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara drivarmodellen").click()
    assert "cirkel" in page.locator(".error-summary").inner_text()
    look(page, f"editor-driver-model-errors-{width}", assert_accessible, assert_no_horizontal_scroll)


def test_a_keyboard_alone_edits_a_section_positive_answers_and_the_driver_model(
    page: Any, live_server: Any, settings: Any, patient_draft: str
) -> None:
    from kundpuls.web.org.models import Unit
    from kundpuls.web.org.tenancy import organisation_id
    from kundpuls.web.surveys import drafts
    from kundpuls.web.surveys.models import Survey

    def draft() -> dict[str, Any]:
        survey = Survey.objects.get(
            key="patient", organisation_id=organisation_id(Unit.objects.get(code="EXK"))
        )
        return survey.versions.order_by("-number").first().definition  # type: ignore[union-attr]

    settings.KUNDPULS_DEMO = True
    log_in(page, live_server.url)
    base = live_server.url + patient_draft
    page.goto(base)
    tab_to(page, "a[href$='/avsnitt/tillganglighet/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_title_en")
    page.keyboard.type("Accessibility")
    # the save button, not "Visa svaren" (named show_values), which lists a condition's answers
    tab_to(page, "form.stack button[type=submit]:not([name])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("#b-tillganglighet")
    assert "1 text saknar engelska" in page.locator("main").inner_text()
    tab_to(page, "#b-tillganglighet button[value=block_down]")
    with page.expect_navigation():
        page.keyboard.press("Space")
    data = draft()
    p, b = drafts.find_block(data, "tillganglighet")
    assert data["pages"][p]["blocks"][b]["title"] == {"sv": "Tillgänglighet", "en": "Accessibility"}
    assert [block["key"] for block in data["pages"][p]["blocks"]] == ["kontinuitet", "tillganglighet"]

    page.goto(base + "kodbok/")
    tab_to(page, "a[href$='/kodbok/index/TILLGANGLIGHET/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "input[name=positive_0][value=ja_delvis]")
    page.keyboard.press("Space")
    tab_to(page, "form.stack button[type=submit]:not([name])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/kodbok/index/" not in page.url, page.locator("main").inner_text()[:2000]
    positive = draft()["codebook"]["indices"]["TILLGANGLIGHET"]["positive"]
    assert positive == {"till_kontakt": ["ja_helt", "ja_delvis"], "till_vantetid": ["ja_helt"]}

    # the demo NKI's driver model: BEMOTANDE measured formatively (mode B), KOMPETENS no longer a driver
    page.goto(live_server.url + "/portal/enkater/nki/redigera/kodbok/")
    tab_to(page, "a[href$='/kodbok/drivarmodell/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    names = [v for v in page.locator("#id_outcome option").evaluate_all("os => os.map(o => o.value)") if v]
    tab_to(page, "input[name=drivers][value=KOMPETENS]")
    page.keyboard.press("Space")
    tab_to(page, f"#id_mode_{names.index('BEMOTANDE')}")
    page.keyboard.type("B")  # a closed select takes the start of an option
    tab_to(page, "form.stack button[type=submit]:not([name])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/drivarmodell/" not in page.url, page.locator("main").inner_text()[:2000]
    survey = Survey.objects.get(key="nki", organisation_id=organisation_id(Unit.objects.get(code="EXK")))
    model = survey.versions.order_by("-number").first().definition["codebook"]["driver_model"]  # type: ignore[union-attr]
    assert "KOMPETENS" not in model["drivers"] and "BEMOTANDE" in model["drivers"]
    assert model["constructs"]["BEMOTANDE"]["mode"] == "B"
