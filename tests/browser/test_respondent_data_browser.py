"""The respondent-data pages in Chromium: an import checked, a column mapped by hand, imported; the export
page; both pass axe-core and fit a phone's width. ``KUNDPULS_SCREENSHOTS=DIR`` keeps screenshots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from staff_session import keep_screenshot, log_in

pytestmark = pytest.mark.browser

FILE = (
    "id;unit;submitted;tjanst;Betyg;kon;kommentar\n"
    "1;VOF-HT-N;2022-02-01;skola;8;Kvinna;Bra\n"
    "2;VOF-HT-N;2022-03-01;bygg;9;Man;\n"
    "3;FINNS-INTE;2022-13-01;bygg;12;Kanske;\n"
)


def _log_in(page: Any, live_server: Any, settings: Any) -> None:
    settings.KUNDPULS_DEMO = True  # demo accounts log in only in demo mode
    log_in(page, live_server.url)


@pytest.mark.parametrize("width", [375, 1280])
def test_an_import_is_checked_mapped_by_hand_and_imported(
    new_page: Callable[..., Any],
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    width: int,
    assert_accessible: Callable[[Any], None],
    assert_no_horizontal_scroll: Callable[[Any], None],
) -> None:
    from kundpuls.web.responses.models import Response

    page = new_page(width=width, height=900)
    _log_in(page, live_server, settings)
    page.goto(live_server.url + "/portal/svarsdata/nki/import/")
    assert_accessible(page)
    upload = tmp_path / "gamla-svar.csv"
    upload.write_text(FILE, encoding="utf-8")
    page.set_input_files("#file", str(upload))
    page.get_by_role("button", name="Kontrollera filen").click()
    page.wait_for_selector(".error-summary")
    text = page.locator(".error-summary").inner_text()
    assert "Betyg" in text and "kolumnen passar ingen fråga" in text
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    keep_screenshot(page, f"import-problems-{width}")

    upload.write_text(FILE.rsplit("3;FINNS", 1)[0], encoding="utf-8")  # the bad row corrected: taken out
    page.set_input_files("#file", str(upload))
    page.get_by_role("button", name="Kontrollera igen").click()
    page.wait_for_selector("select[name=role]")
    page.locator("tr", has_text="Betyg").locator("select").select_option("item:nki_helhet")
    page.get_by_role("button", name="Kontrollera igen").click()
    page.wait_for_selector("#check-h")
    assert "2 svar är klara" in page.locator("main").inner_text()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    keep_screenshot(page, f"import-checked-{width}")
    with page.expect_navigation():
        page.get_by_role("button", name="Importera 2 svar").click()
    assert page.url.endswith("/portal/enkater/nki/")
    assert "Importerade 2 nya svar" in page.locator(".messages").inner_text()
    assert Response.objects.filter(survey__key="nki", channel="import").count() == 2


@pytest.mark.parametrize("width", [375, 1280])
def test_the_export_page_downloads_a_zip(
    new_page: Callable[..., Any],
    live_server: Any,
    settings: Any,
    width: int,
    assert_accessible: Callable[[Any], None],
    assert_no_horizontal_scroll: Callable[[Any], None],
) -> None:
    page = new_page(width=width, height=900)
    _log_in(page, live_server, settings)
    page.goto(live_server.url + "/portal/svarsdata/nki/export/")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    keep_screenshot(page, f"export-{width}")
    page.get_by_role("button", name="Ladda ned (zip med data och kodbok)").click()
    page.wait_for_selector(".error")  # the test database holds no responses yet
    assert "Det finns inga svar i urvalet" in page.locator(".error").inner_text()
    assert_accessible(page)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_kiosk_thanks_page_starts_the_survey_again_by_itself(
    new_page: Callable[..., Any],
    live_server: Any,
    width: int,
    axe: Callable[[Any], Any],
) -> None:
    import uuid

    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.responses.actions import submit_response
    from kundpuls.web.surveys.actions import open_distribution
    from kundpuls.web.surveys.models import Channel, Survey
    from kundpuls.web.surveys.queries import current_version

    survey = Survey.objects.get(key="nki")
    kiosk = open_distribution(survey, Unit.objects.get(code="VOF-HT-S"), channel=Channel.KIOSK, actor=CLI)
    version = current_version(survey)
    assert version is not None
    receipt = submit_response(
        version=version,
        distribution=kiosk,
        submission_id=uuid.uuid4(),
        answers={"tjanst": "skola", "nki_helhet": 9},
    )
    page = new_page(width=width, height=700)
    page.goto(f"{live_server.url}/s/{kiosk.token}/tack/{receipt.code}/")
    assert "börjar om för nästa person" in page.locator("main").inner_text()
    assert receipt.code not in page.locator("main").inner_text()
    # WCAG 2.2.1's essential exception: a shared tablet must not keep one person's page for the next, so
    # the timed restart (axe's "meta-refresh") is the point of the page; every other rule holds
    violations = [v for v in axe(page).violations if v["id"] != "meta-refresh"]
    assert not violations, violations
    keep_screenshot(page, f"kiosk-thanks-{width}")
    page.wait_for_url(live_server.url + kiosk.public_path, timeout=20_000)  # the refresh, no JavaScript
    assert page.locator("h1").inner_text() == "Vad tycker du om vår service?"
    keep_screenshot(page, f"kiosk-restarted-{width}")
