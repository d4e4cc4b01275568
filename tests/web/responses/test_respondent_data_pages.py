"""The staff pages for old responses in and respondent data out: check, edit the mapping, import; download."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import AuditEvent
from kundpuls.web.responses.actions import IncomingResponse, import_responses
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution, Survey
from kundpuls.web.surveys.queries import current_version, definition_of

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
FILE = (
    b"id;unit;submitted;tjanst;Betyg;kon\n"
    b"1;VOF-HT-N;2022-02-01;skola;8;Kvinna\n"
    b"2;VOF-HT-N;2022-03-01;bygg;9;Man\n"
)


def _client(personas: dict[str, Any], who: str) -> Client:
    client = Client()
    client.force_login(personas[who], backend=BACKEND)
    return client


def _columns(page: str) -> tuple[list[str], list[str]]:
    columns = re.findall(r'name="column" value="([^"]*)"', page)
    selects = re.findall(r'<select id="role-\d+" name="role">(.*?)</select>', page, re.S)
    chosen = [
        (re.search(r'<option value="([^"]*)" selected>', s) or re.search("()", s)).group(1) for s in selects
    ]  # type: ignore[union-attr]
    return columns, chosen


@pytest.mark.django_db
def test_a_column_that_matches_nothing_is_shown_mapped_on_the_page_checked_and_imported(
    personas: dict[str, Any],
) -> None:
    client = _client(personas, "analyst")
    url = "/portal/svarsdata/nki/import/"
    assert "Importera gamla svar" in client.get(url).content.decode()
    first = client.post(url, {"step": "check", "file": SimpleUploadedFile("gamla.csv", FILE), "mapping": ""})
    page = first.content.decode()
    assert first.status_code == 400
    assert "Betyg" in page and "kolumnen passar ingen fråga" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    columns, chosen = _columns(page)
    assert columns == ["id", "unit", "submitted", "tjanst", "Betyg", "kon"]
    assert chosen == ["special:id", "special:unit", "special:submitted", "item:tjanst", "", "item:kon"]
    chosen[4] = "item:nki_helhet"  # the person says what "Betyg" is
    form = {
        "step": "check",
        "token": token,
        "name": "gamla.csv",
        "mapping": "",
        "column": columns,
        "role": chosen,
    }
    checked = client.post(url, form)
    assert checked.status_code == 200, checked.content.decode()[:2000]
    assert "Kontrollen godkänd" in checked.content.decode()
    assert not Response.objects.exists()  # a check stores nothing
    imported = client.post(url, {**form, "step": "import"})
    assert imported.status_code == 302 and imported["Location"] == "/portal/enkater/nki/"
    stored = Response.objects.filter(survey__key="nki").order_by("submitted_at")
    assert [r.answers["nki_helhet"] for r in stored] == [8, 9]
    assert AuditEvent.objects.filter(action="responses.import_history", actor=personas["analyst"]).exists()
    again = client.post(url, {**form, "step": "import"})  # the upload is gone once imported
    assert again.status_code == 400


@pytest.mark.django_db
def test_the_upload_of_one_person_is_not_reachable_by_another(personas: dict[str, Any]) -> None:
    url = "/portal/svarsdata/nki/import/"
    page = _client(personas, "analyst").post(
        url, {"step": "check", "file": SimpleUploadedFile("a.csv", FILE)}
    )
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    other = _client(personas, "admin").post(url, {"step": "check", "token": token, "name": "a.csv"})
    assert other.status_code == 400 and "Välj en fil" in other.content.decode()
    traversal = _client(personas, "admin").post(
        url, {"step": "check", "token": "../../etc/passwd", "name": "a.csv"}
    )
    assert traversal.status_code == 400


def _responses(volume: float = 20) -> None:
    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    links = {d.unit.code: d for d in Distribution.objects.select_related("unit").filter(survey=survey)}
    generated = generate_responses(
        definition_of(version),  # type: ignore[arg-type]
        [UnitProfile(code="VOF-HT-N", volume=volume), UnitProfile(code="VOF-HT-S", volume=0.7)],
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 3, 31, tzinfo=UTC),
        seed=3,
    )
    rows = [
        IncomingResponse(links[r.unit], r.submission_id, r.as_input(), r.language, r.submitted_at)
        for r in generated.responses
    ]
    import_responses(version, rows, actor=CLI)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_download_is_a_zip_of_data_and_codebook_and_a_small_group_is_refused_on_the_page(
    personas: dict[str, Any],
) -> None:
    _responses()
    url = "/portal/svarsdata/nki/export/"
    manager = _client(personas, "manager_a")
    page = manager.get(url).content.decode()
    assert "Hemtjänst Norr" in page and "Huvudbiblioteket" not in page  # only units she may export
    refused = _client(personas, "analyst").post(url, {"format": "csv", "unit": "EXK", "from": "", "to": ""})
    assert refused.status_code == 400
    assert (
        "anonymitetsgränsen" in refused.content.decode()
        and "Hemtjänst Söder 2025-Q" in refused.content.decode()
    )
    form = {"format": "sav", "unit": "VOF-HT-N", "from": "2025-01", "to": "2025-03"}
    beside = manager.post(url, form)  # Hemtjänst minus her unit is Hemtjänst Söder's few
    assert beside.status_code == 400 and "Hemtjänst 2025-Q1" in beside.content.decode()
    Response.objects.filter(unit__code="VOF-HT-S").delete()
    response = manager.post(url, form)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == ["nki-VOF-HT-N-svar.sav", "nki-VOF-HT-N-svar-kodbok.csv"]
    cut = manager.post(url, form | {"from": "2025-02"})
    assert (
        cut.status_code == 400
        and "2025-02" in cut.content.decode()
        and "hela kvartal" in cut.content.decode()
    )
    beyond = manager.post(url, form | {"to": "9999-12"})
    assert beyond.status_code == 400 and "9999-12" in beyond.content.decode()
    other = manager.post(url, {"format": "csv", "unit": "KFF-BIB-HUV"})
    assert other.status_code == 400  # not a unit she may choose
    bad_month = manager.post(url, {"format": "csv", "unit": "VOF-HT-N", "from": "2025-13"})
    assert bad_month.status_code == 400 and "2025-13" in bad_month.content.decode()
