"""Old responses in: CSV, Excel and SPSS files into a survey, all or nothing, every problem named."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import typer
from django.utils import timezone
from openpyxl import Workbook
from typer.testing import CliRunner

from kundpuls.cli import responses as responses_cli
from kundpuls.errors import ImportRowsError, PermissionDenied
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import AuditEvent
from kundpuls.web.responses.actions import import_history
from kundpuls.web.responses.history import read_history, read_mapping, submission_id_for
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Survey

HEADER = "id;unit;submitted;tjanst;nki_helhet;nki_forvantan;nki_ideal;kon;kommentar"
GOOD = [
    "A1;VOF-HT-N;2021-03-04;skola;8;7;9;Kvinna;Bra bemötande",
    "A2;VOF-HT-N;2021-05-06 14:30;skola;10;dont_know;9;man;",
    "A3;KFF-BIB-HUV;2022-11;skola;5;6;4;;Ring mig på 070-123 45 67",
]


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _import(
    name: str, content: bytes, mapping: str | None = None, *, dry_run: bool = False
) -> dict[str, object]:
    survey = Survey.objects.get(key="nki")
    history = read_history(survey, name, content, read_mapping(mapping))
    return import_history(history, actor=CLI, dry_run=dry_run, file_name=name).summary()


def _stored(response_id: str) -> Response:
    return Response.objects.get(submission_id=submission_id_for("nki", response_id))


@pytest.mark.django_db
def test_a_csv_is_stored_with_its_dates_recoded_and_redacted_and_a_second_run_stores_nothing() -> None:
    first = _import("gamla.csv", _csv([HEADER, *GOOD]))
    assert (first["stored"], first["already_stored"]) == (3, 0)
    assert first["per_unit"] == {"KFF-BIB-HUV": 1, "VOF-HT-N": 2}
    a1, a2, a3 = _stored("A1"), _stored("A2"), _stored("A3")
    assert a1.answers["kon"] == "woman" and a2.answers["kon"] == "man"  # by option text, by value
    assert a2.answers["nki_forvantan"] is None  # "vet ej"
    assert a1.submitted_at.date().isoformat() == "2021-03-04"
    local = timezone.localtime(a2.submitted_at)
    assert (local.hour, local.minute) == (14, 30)  # a time without a zone is local time
    assert (a3.submitted_at.year, a3.submitted_at.month) == (2022, 11)
    assert "070" not in a3.answers["kommentar"]  # personal data redacted as on the respondent pages
    assert {a1.channel, a2.channel, a3.channel} == {"import"}
    again = _import("gamla.csv", _csv([HEADER, *GOOD]))
    assert (again["stored"], again["already_stored"]) == (0, 3)
    assert Response.objects.filter(survey__key="nki").count() == 3
    assert AuditEvent.objects.filter(action="responses.import_history").count() == 2


@pytest.mark.django_db
def test_a_dry_run_checks_everything_and_writes_nothing() -> None:
    summary = _import("gamla.csv", _csv([HEADER, *GOOD]), dry_run=True)
    assert summary["dry_run"] is True and summary["rows"] == 3
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_every_class_of_bad_row_is_named_by_row_column_and_value_and_nothing_is_stored() -> None:
    bad = [
        HEADER,
        GOOD[0],
        ";VOF-HT-N;2021-03-04;skola;8;7;9;;",  # 3: no id
        "B2;FINNS-INTE;2021-03-04;skola;8;7;9;;",  # 4: unknown unit
        "B3;RGX-VC-CEN;2021-03-04;skola;8;7;9;;",  # 5: a unit of another organisation
        "B4;VOF-HT-N;4.3.2021;skola;8;7;9;;",  # 6: not a date
        "B5;VOF-HT-N;2999-01-01;skola;8;7;9;;",  # 7: in the future
        "B6;VOF-HT-N;2021-03-04;skola;11;7;9;;",  # 8: out of the scale
        "B7;VOF-HT-N;2021-03-04;skola;8;7;9;Kanske;",  # 9: no such option
        "A1;VOF-HT-N;2021-03-04;skola;8;7;9;;",  # 10: the id of row 2 again
    ]
    with pytest.raises(ImportRowsError) as info:
        _import("fel.csv", _csv(bad))
    named = {(e.row, e.column, e.value) for e in info.value.errors}
    assert named == {
        (3, "id", ""),
        (4, "unit", "FINNS-INTE"),
        (5, "unit", "RGX-VC-CEN"),
        (6, "submitted", "4.3.2021"),
        (7, "submitted", "2999-01-01"),
        (8, "nki_helhet", "11"),
        (9, "kon", "Kanske"),
        (10, "id", "A1"),
    }
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_columns_that_match_nothing_or_carry_contact_data_are_refused_before_any_row() -> None:
    content = _csv(
        [
            "löpnr;enhet;datum;Okänd fråga;kontakt_epost;nki_helhet;NKI_HELHET",
            "1;VOF-HT-N;2021-01-01;x;a@b.se;8;8",
        ]
    )
    with pytest.raises(ImportRowsError) as info:
        _import("fel.csv", content)
    assert {(e.row, e.column) for e in info.value.errors} == {
        (1, "Okänd fråga"),
        (1, "kontakt_epost"),
        (1, "NKI_HELHET"),  # the same item twice
    }


@pytest.mark.django_db
def test_a_mapping_names_columns_recodes_values_and_gives_a_default_unit() -> None:
    mapping = """
id: Löpnr
submitted: Svarsdag
defaults: {unit: VOF-HT-S, channel: paper}
columns: {F1: nki_helhet, F2: nki_forvantan, F3: nki_ideal, F4: tjanst, Gammal: null}
values: {F1: {99: dont_know}, F2: {"-1": null}}
"""
    content = _csv(
        ["Löpnr,Svarsdag,F1,F2,F3,F4,Gammal", "7,2020-02-02,99,-1,3,Bygg,x", "8,2020-02-03,4,5,6,bygg,y"]
    )
    summary = _import("map.csv", content, mapping)
    assert summary["stored"] == 2
    seven = _stored("7")
    assert seven.answers == {"tjanst": "bygg", "nki_helhet": None, "nki_ideal": 3}
    assert seven.unit.code == "VOF-HT-S" and seven.channel == "paper"


@pytest.mark.django_db
def test_an_excel_workbook_is_read_with_real_dates(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "unit", "submitted", "nki_helhet", "tjanst"])
    sheet.append(["X1", "VOF-HT-N", datetime(2019, 6, 1, 9, 15), 7, "Skola"])
    path = tmp_path / "svar.xlsx"
    book.save(path)
    assert _import("svar.xlsx", path.read_bytes())["stored"] == 1
    stored = _stored("X1")
    assert stored.submitted_at.year == 2019 and stored.answers == {"nki_helhet": 7, "tjanst": "skola"}


@pytest.mark.django_db
def test_an_spss_file_is_matched_by_variable_labels_and_recoded_through_value_labels(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "LOPNR": [1.0, 2.0],
            "ENHET": [1.0, 2.0],
            "DATUM": [datetime(2018, 4, 5, 10, 0), datetime(2018, 9, 1, 12, 0)],
            "F1": [9.0, 99.0],
            "F9": [2.0, 1.0],
            "tjanst": ["kultur_fritid", "Skola"],
        }
    )
    path = tmp_path / "gammal.sav"
    mapping = "id: LOPNR\nunit: ENHET\nsubmitted: DATUM\n"
    from kundpuls.web.org.models import Unit

    name = Unit.objects.get(code="KFF-BIB-HUV").name
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"F1": "Hur nöjd är du sammantaget med vår verksamhet?", "F9": "Vilket kön har du?"},
        variable_value_labels={
            "ENHET": {1: "VOF-HT-N", 2: name},
            "F1": {1: "Mycket missnöjd", 10: "Mycket nöjd", 99: "Vet ej"},
            "F9": {1: "Kvinna", 2: "Man"},
        },
        missing_ranges={"F1": [99]},
    )
    assert _import("gammal.sav", path.read_bytes(), mapping)["stored"] == 2
    one, two = _stored("1"), _stored("2")
    assert (
        one.answers == {"tjanst": "kultur_fritid", "nki_helhet": 9, "kon": "man"}
        and one.unit.code == "VOF-HT-N"
    )
    assert (
        two.answers == {"tjanst": "skola", "nki_helhet": None, "kon": "woman"}
        and two.unit.code == "KFF-BIB-HUV"
    )
    assert one.submitted_at.year == 2018


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    responses_cli.register(application)
    return application


@pytest.mark.django_db
def test_the_command_imports_and_reports_as_json_and_names_problems(app: typer.Typer, tmp_path: Path) -> None:
    file = tmp_path / "gamla.csv"
    file.write_bytes(_csv([HEADER, *GOOD]))
    result = CliRunner().invoke(app, ["responses", "import", str(file), "--survey", "nki", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["stored"] == 3 and {c["column"]: c["item"] for c in document["columns"]}["kon"] == "kon"
    file.write_bytes(_csv([HEADER, "Z;VOF-HT-N;2021-01-01;skola;12;;;;"]))
    result = CliRunner().invoke(app, ["responses", "import", str(file), "--survey", "nki", "--json"])
    assert result.exit_code == 2
    assert [(e["row"], e["column"], e["value"]) for e in json.loads(result.stdout)["errors"]] == [
        (2, "nki_helhet", "12")
    ]
    missing = CliRunner().invoke(app, ["responses", "import", str(file), "--survey", "finns-inte", "--json"])
    assert missing.exit_code == 1


@pytest.mark.django_db
def test_an_import_needs_manage_surveys_on_every_unit_of_the_file(personas: dict[str, object]) -> None:
    survey = Survey.objects.get(key="nki")
    history = read_history(survey, "gamla.csv", _csv([HEADER, *GOOD]), read_mapping(None))
    with pytest.raises(PermissionDenied):
        import_history(history, actor=personas["manager_a"])  # type: ignore[arg-type]
    assert not Response.objects.exists()
    assert import_history(history, actor=personas["analyst"]).stored == 3  # type: ignore[arg-type]


@pytest.mark.django_db
def test_two_organisations_import_files_with_the_same_ids_into_their_own_nki() -> None:
    """The ids of a file name responses within one survey: the region's ``nki`` (another survey with the
    same key) stores its file's A1…A3 although the municipality already has responses A1…A3."""
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish

    first = _import("gamla.csv", _csv([HEADER, *GOOD]))
    assert first["stored"] == 3
    region = Unit.objects.get(code="RGX")
    version = publish(create_from_template("nki", owner=region, actor=CLI), actor=CLI)
    open_distribution(version.survey, Unit.objects.get(code="RGX-VC-CEN"), actor=CLI)
    rows = [line.replace("VOF-HT-N", "RGX-VC-CEN").replace("KFF-BIB-HUV", "RGX-VC-CEN") for line in GOOD]
    history = read_history(version.survey, "region.csv", _csv([HEADER, *rows]), read_mapping(None))
    second = import_history(history, actor=CLI, file_name="region.csv").summary()
    assert (second["stored"], second["already_stored"]) == (3, 0)
    assert Response.objects.filter(survey=version.survey).count() == 3
    assert Response.objects.filter(survey__key="nki", survey__organisation__code="EXK").count() == 3
