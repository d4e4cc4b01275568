"""The editor's new-section, split and remove pages and the codebook's staff–customer pairs in Chromium:
axe-core finds nothing at 375 and 1280 px, with and without errors, nothing scrolls sideways, and a
keyboard alone adds a section, splits one and changes a pair. ``KUNDPULS_SCREENSHOTS=DIR`` keeps the
screenshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from keyboard_walk import look, tab_to
from staff_session import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def patient_draft(live_server: Any) -> str:
    """A draft ``patient`` survey of the analyst's organisation; its editor path."""
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.actions import create_from_template

    version = create_from_template("patient", owner=Unit.objects.get(code="EXK"), actor=CLI)
    return f"/portal/enkater/{version.survey.url_key}/redigera/"


def _draft(key: str) -> dict[str, Any]:
    from kundpuls.web.org.models import Unit
    from kundpuls.web.org.tenancy import organisation_id
    from kundpuls.web.surveys.models import Survey

    survey = Survey.objects.get(key=key, organisation_id=organisation_id(Unit.objects.get(code="EXK")))
    return survey.versions.order_by("-number").first().definition  # type: ignore[union-attr]


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_core_finds_nothing_on_the_section_and_pair_pages(
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
        "outline-sections": "",
        "section-add": "nytt-avsnitt/?efter=tillganglighet",
        "section-split": "avsnitt/tillganglighet/dela/",
        "section-remove": "avsnitt/kontinuitet/ta-bort/",
        "section-remove-refused": "avsnitt/besokstyp/ta-bort/",
    }.items():
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        look(page, f"editor-{name}-{width}", assert_accessible, assert_no_horizontal_scroll)
    # refused: an empty Swedish title and a key already used
    page.goto(base + "nytt-avsnitt/?efter=tillganglighet")
    page.locator("#id_key").fill("kontinuitet")
    with page.expect_navigation():
        page.get_by_role("button", name="Lägg till avsnittet").click()
    summary = page.locator(".error-summary").inner_text()
    assert "Ange avsnittets rubrik på svenska." in summary and "'kontinuitet' används redan" in summary
    look(page, f"editor-section-add-errors-{width}", assert_accessible, assert_no_horizontal_scroll)
    # the demo staff survey's pairs, and a pair on another scale, refused
    pairs = live_server.url + "/portal/enkater/staff/redigera/kodbok/speglingar/"
    response = page.goto(pairs)
    assert response is not None and response.status == 200
    look(page, f"editor-mirrors-{width}", assert_accessible, assert_no_horizontal_scroll)
    spare = len(_draft("staff")["codebook"]["mirrors"])
    page.locator(f"#id_item_{spare}").select_option("ko_behov")
    page.locator(f"#id_customer_{spare}").select_option("nki:nki_ideal")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara paren").click()
    assert "samma skala" in page.locator(".error-summary").inner_text()
    look(page, f"editor-mirrors-errors-{width}", assert_accessible, assert_no_horizontal_scroll)


def _submit(page: Any) -> None:
    tab_to(page, "form.stack button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_keyboard_alone_adds_and_splits_a_section_and_removes_a_pair(
    page: Any, live_server: Any, settings: Any, patient_draft: str
) -> None:
    settings.KUNDPULS_DEMO = True
    log_in(page, live_server.url)
    base = live_server.url + patient_draft
    page.goto(base)
    tab_to(page, "a[href$='/nytt-avsnitt/?efter=tillganglighet']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_title_sv")
    page.keyboard.type("Väntan")
    tab_to(page, "#id_title_en")
    page.keyboard.type("Waiting")
    _submit(page)
    assert "#b-avsnitt_1" in page.url, page.locator("main").inner_text()[:2000]
    blocks = [b["key"] for b in _draft("patient")["pages"][1]["blocks"]]
    assert blocks == ["tillganglighet", "avsnitt_1", "kontinuitet"]

    tab_to(page, "a[href$='/avsnitt/tillganglighet/dela/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_title_sv")
    page.keyboard.type("Väntetid")
    _submit(page)
    page_two = _draft("patient")["pages"][1]["blocks"]
    assert [(b["key"], len(b["questions"])) for b in page_two][:2] == [
        ("tillganglighet", 1),
        ("tillganglighet_1", 1),
    ]

    page.goto(live_server.url + "/portal/enkater/staff/redigera/kodbok/")
    tab_to(page, "a[href$='/kodbok/speglingar/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    first = _draft("staff")["codebook"]["mirrors"][0]
    tab_to(page, "#id_remove_0")
    page.keyboard.press("Space")
    _submit(page)
    assert page.url.endswith("/redigera/kodbok/"), page.locator("main").inner_text()[:2000]
    assert first not in _draft("staff")["codebook"]["mirrors"]
