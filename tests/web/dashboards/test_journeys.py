"""Browser journeys (Playwright + Debian's Chromium + axe-core): a manager reads and downloads her results.

The browser and axe-core come from the session fixtures of tests/conftest.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "journey-password-1234"
ARTIFACTS = REPO / "test-artifacts"


def _violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return list(result["violations"])


def _assert_accessible(page: Any, axe_source: str) -> None:
    violations = _violations(page, axe_source)
    report = json.dumps(
        [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations], indent=1
    )
    assert not violations, f"{page.url}: {report}"


def _login(page: Any, base: str, email: str) -> None:
    page.goto(base + "/konto/logga-in/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.stack button[type=submit]").click()


@pytest.fixture
def people(personas: dict[str, Any]) -> dict[str, Any]:
    for who in ("manager_a", "manager_b"):
        personas[who].set_password(PASSWORD)
        personas[who].save()
    return personas


def test_a_manager_opens_her_unit_changes_the_period_and_downloads_pdf_and_excel(
    transactional_db: None,
    live_server: Any,
    browser: Any,
    axe_source: str,
    people: dict[str, Any],
    results: dict[str, int],
    tmp_path: Path,
) -> None:
    context = browser.new_context(
        viewport={"width": 1100, "height": 900}, locale="sv-SE", accept_downloads=True, bypass_csp=True
    )  # bypass_csp only so that the test can inject axe-core
    context.set_default_timeout(60_000)
    page = context.new_page()
    _login(page, live_server.url, people["manager_a"].email)
    page.goto(live_server.url + "/portal/enheter/VOF-HT-N/")
    with page.expect_navigation():
        page.get_by_role("link", name="Öppna enhetens resultat").click()
    assert "/portal/resultat/enheter/VOF-HT-N/" in page.url
    assert page.locator("h1").inner_text().startswith("Resultat för Hemtjänst Norr")
    _assert_accessible(page, axe_source)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-unit.png"), full_page=True)

    options = page.locator("#id_period option").all_inner_texts()
    older = next(o for o in options if o[:4].isdigit())
    page.select_option("#id_period", label=older)
    with page.expect_navigation():
        page.get_by_role("button", name="Visa").click()
    assert f"period={older}" in page.url
    assert older in page.locator("p.lead").inner_text()

    with page.expect_download() as pdf_info:
        page.get_by_role("link", name="Ladda ner rapporten (PDF)").click()
    pdf_path = tmp_path / "report.pdf"
    pdf_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    with page.expect_download() as xlsx_info:
        page.get_by_role("link", name="Alla tabeller (Excel)").click()
    xlsx_path = tmp_path / "tables.xlsx"
    xlsx_info.value.save_as(xlsx_path)
    assert xlsx_path.read_bytes()[:2] == b"PK"

    page.goto(live_server.url + "/portal/resultat/?survey=nki")
    _assert_accessible(page, axe_source)
    context.close()

    other = browser.new_context(locale="sv-SE")
    other_page = other.new_page()
    _login(other_page, live_server.url, people["manager_b"].email)
    for suffix in ("", "rapport.pdf", "tabeller.xlsx"):
        response = other_page.request.get(live_server.url + "/portal/resultat/enheter/VOF-HT-N/" + suffix)
        assert response.status == 403, suffix
    other.close()
