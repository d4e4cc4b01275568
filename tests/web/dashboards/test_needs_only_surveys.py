"""A survey of Kano or price modules only (the ``kano`` and ``price`` templates) has results on every surface.

Such a survey has no index: its unit page, PDF, Excel and CSV tables and the API's unit report carry its
Kano and price sections, and the overview (page, export, API and the start page) a brief headline per
unit — the features per Kano category and the acceptable price range, each with n — under the same
linked disclosure rule as the sections (a unit under the threshold shows nothing anywhere).
"""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from tests.web.dashboards.conftest import store_generated

from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.reports import cache
from kundpuls.web.org.actors import CLI

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
BIG, SMALL = "SBF-BYGG", "SBF-LANT"


def _load(template: str) -> None:
    from kundpuls.web.org.models import Unit
    from kundpuls.web.responses.actions import sync_to_lake
    from kundpuls.web.surveys.actions import create_from_template, publish
    from kundpuls.web.surveys.models import Distribution
    from kundpuls.web.surveys.queries import definition_of

    version = publish(
        create_from_template(template, owner=Unit.objects.get(code="SBF"), actor=CLI), actor=CLI
    )
    # SBF-MHS is there so that SMALL's few answers are protected by hiding it (the smaller sibling), not
    # BIG: the department minus BIG would otherwise be SMALL (the linked rule, docs/methods.md)
    units = [
        UnitProfile(code=BIG, volume=40),
        UnitProfile(code="SBF-MHS", volume=15),
        UnitProfile(code=SMALL, volume=0.5),
    ]
    generated = generate_responses(
        definition_of(version), units, start=NOW - timedelta(days=90), end=NOW, seed=5, comments=None
    )
    links = {
        u.code: Distribution.objects.create(
            survey=version.survey, unit=Unit.objects.get(code=u.code), channel="link"
        )
        for u in units
    }
    store_generated(version, generated.responses, links)
    sync_to_lake()


@pytest.fixture
def lake(settings: Any, tmp_path: Path, personas: dict[str, object]) -> Path:
    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    cache.clear()
    return tmp_path / "lake"


def _token(user: Any) -> str:
    from kundpuls.web.api.actions import create_token

    return create_token(user, "needs", actor=CLI)[1]


@pytest.mark.django_db
@pytest.mark.parametrize("template", ["kano", "price"])
def test_a_survey_without_an_index_has_results_on_every_surface(
    personas: dict[str, Any], lake: Path, template: str
) -> None:
    _load(template)
    client = Client()
    client.force_login(personas["admin"], backend=BACKEND)
    token = {"HTTP_AUTHORIZATION": f"Bearer {_token(personas['admin'])}"}
    report = client.get(f"/api/v1/results/{template}/units/{BIG}/", **token).json()
    small_answer = client.get(f"/api/v1/results/{template}/units/{SMALL}/", **token)
    assert small_answer.status_code in (200, 404)  # 404: no answers at all in the unit
    small = small_answer.json() if small_answer.status_code == 200 else {"kano": None, "prices": []}
    overview = client.get(f"/api/v1/results/{template}/", **token).json()
    assert report["headlines"] == [] and overview["index_kind"] == "needs"
    rows = {row["unit_code"]: row for row in overview["rows"]}
    assert rows[BIG]["needs"]["suppressed"] is False
    assert rows[SMALL]["needs"] is None or rows[SMALL]["needs"]["suppressed"] is True
    if template == "kano":
        n = report["kano"]["respondents"]
        assert n >= 7 and not report["kano"]["suppressed"]
        assert small["kano"] is None or small["kano"]["suppressed"]
        assert rows[BIG]["needs"]["kano_respondents"] == n
        shown = [str(n)]
    else:
        (price,) = report["prices"]
        assert not price["suppressed"]
        assert all(hidden["suppressed"] and hidden["n"] is None for hidden in small["prices"])
        (brief,) = rows[BIG]["needs"]["prices"]
        assert (brief["low"], brief["optimal"], brief["high"], brief["n"]) == (
            price["pmc"],
            price["opp"],
            price["pme"],
            price["n"],
        )
        n = price["n"]
        shown = [f"{price['pmc']:.0f}", f"{price['pme']:.0f}", str(n)]
    # the pages and the downloads show the same numbers
    page = client.get(f"/portal/resultat/enheter/{BIG}/?survey={template}").content.decode()
    assert ("Funktioner enligt Kanomodellen" if template == "kano" else "Prispunkter") in page
    overview_page = client.get(f"/portal/resultat/?survey={template}").content.decode()
    assert "Kano-kategorier och prisintervall per enhet" in overview_page
    assert all(number in overview_page for number in shown), shown
    exported = client.get(f"/portal/resultat/export.csv?survey={template}").content.decode("utf-8-sig")
    table = {line[0]: line for line in csv.reader(io.StringIO(exported), delimiter=";") if line}
    assert table[BIG][-1] == str(n) and set(table[SMALL][2:]) <= {"–", ""}
    unit_csv = client.get(f"/portal/resultat/enheter/{BIG}/tabeller.csv?survey={template}").content.decode()
    assert str(n) in unit_csv
    workbook = load_workbook(
        io.BytesIO(client.get(f"/portal/resultat/enheter/{BIG}/tabeller.xlsx?survey={template}").content)
    )
    cells = {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    assert n in cells
    pdf = client.get(f"/portal/resultat/enheter/{BIG}/rapport.pdf?survey={template}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    start = client.get("/portal/").content.decode()
    organisation = rows["EXK"]["needs"]  # the admin's own unit: the organisation
    whole = organisation["kano_respondents"] if template == "kano" else organisation["prices"][0]["n"]
    assert f"n = {whole})" in start


PASSWORD = "needs-only-password-1234"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.mark.browser
def test_the_overview_and_unit_page_of_a_kano_survey_pass_axe_at_phone_and_desk_widths(
    transactional_db: None,
    live_server: Any,
    browser: Any,
    axe_source: str,
    settings: Any,
    tmp_path: Path,
    personas: dict[str, Any],
) -> None:
    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    cache.clear()
    _load("kano")
    admin = personas["admin"]
    admin.set_password(PASSWORD)
    admin.save()
    for width in (375, 1280):
        context = browser.new_context(
            locale="sv-SE", bypass_csp=True, viewport={"width": width, "height": 900}
        )  # bypass_csp only to inject axe-core
        page = context.new_page()
        page.goto(live_server.url + "/konto/logga-in/")
        page.locator("input[name=username]").fill(admin.email)
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("form.stack button[type=submit]").click()
        for name, path in (
            ("overview", "/portal/resultat/?survey=kano"),
            ("unit", f"/portal/resultat/enheter/{BIG}/?survey=kano"),
        ):
            page.goto(live_server.url + path)
            page.screenshot(path=str(tmp_path / f"needs-{name}-{width}.png"), full_page=True)
            page.add_script_tag(content=axe_source)
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
            )
            assert not result["violations"], (name, width, [v["id"] for v in result["violations"]])
            # nothing wider than the screen but the tables' own scrolling boxes
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (name, width, overflow)
        context.close()
