"""Respondent data out (CSV, Excel, SPSS, Parquet with a codebook) and back in: the round trip, the
anonymity rule, permissions per persona and the audit."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pyreadstat
import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from kundpuls.cli import responses as responses_cli
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.errors import InvalidArgument, PermissionDenied
from kundpuls.instruments import definition_to_dict, parse_definition
from kundpuls.reports.index_frames import index_frame, plan_for_lake
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import AuditEvent, Unit
from kundpuls.web.responses.actions import (
    IncomingResponse,
    export_responses,
    import_history,
    import_responses,
    sync_to_lake,
)
from kundpuls.web.responses.export import SelectionTooSmall
from kundpuls.web.responses.history import read_history, read_mapping
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.actions import publish, save_definition
from kundpuls.web.surveys.models import Distribution, Survey
from kundpuls.web.surveys.queries import current_version, definition_of


def _load(profiles: list[UnitProfile], *, start: datetime, end: datetime, seed: int = 5) -> int:
    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    assert version is not None
    links = {d.unit.code: d for d in Distribution.objects.select_related("unit").filter(survey=survey)}
    generated = generate_responses(
        definition_of(version), profiles, start=start, end=end, seed=seed, comment_rate=0.5, consent_rate=0.2
    )
    rows = [
        IncomingResponse(links[r.unit], r.submission_id, r.as_input(), r.language, r.submitted_at)
        for r in generated.responses
    ]
    import_responses(version, rows, actor=CLI)
    return len(rows)


def _copy_of_nki() -> Survey:
    data = definition_to_dict(definition_of(current_version(Survey.objects.get(key="nki"))))  # type: ignore[arg-type]
    data["key"] = "nki_kopia"
    version = save_definition(parse_definition(data), owner=Unit.objects.get(code="EXK"), actor=CLI)
    publish(version, actor=CLI)
    return version.survey


def _indices(
    survey_key: str, lake: Path, period_kind: str = "quarter"
) -> dict[tuple[str, str, str], tuple[float, float]]:
    definition = definition_of(current_version(Survey.objects.get(key=survey_key)))  # type: ignore[arg-type]
    frame = index_frame(lake, plan_for_lake(lake, definition, threshold_setting=7), period_kind=period_kind)
    return {
        (row.unit, row.period, row.index): (round(float(row.estimate), 9), float(row.n))
        for row in frame.itertuples()
        if not row.suppressed
    }


@pytest.mark.django_db
def test_the_nki_exported_to_spss_reads_back_with_labels_and_imports_into_a_copy_with_equal_results(
    tmp_path: Path, settings: Any
) -> None:
    count = _load(
        [UnitProfile(code="VOF-HT-N", volume=25), UnitProfile(code="KFF-BIB-HUV", volume=20)],
        start=datetime(2025, 2, 1, tzinfo=UTC),
        end=datetime(2025, 9, 1, tzinfo=UTC),
    )
    result = export_responses(Survey.objects.get(key="nki"), file_format="sav", actor=CLI)
    assert result.rows == count
    path = tmp_path / "nki.sav"
    path.write_bytes(result.content)

    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert len(frame) == count
    assert meta.column_names_to_labels["nki_helhet"] == "Hur nöjd är du sammantaget med vår verksamhet?"
    assert meta.variable_value_labels["kon"] == {
        1.0: "Kvinna",
        2.0: "Man",
        3.0: "Annat",
        99.0: "Vet ej / ej aktuellt",
    }
    assert meta.variable_value_labels["nki_helhet"][99.0] == "Vet ej / ej aktuellt"
    assert meta.missing_ranges["nki_helhet"] == [{"lo": 99.0, "hi": 99.0}]
    assert "kontakt_ok" not in frame.columns and not any(c.startswith("kontakt_") for c in frame.columns)
    codebook = list(csv.reader(io.StringIO(result.codebook.decode("utf-8-sig"))))
    assert ["kon", "", "", "woman", "Kvinna (SPSS 1)"] in codebook

    copy = _copy_of_nki()
    history = read_history(copy, "nki.sav", path.read_bytes(), read_mapping(None))
    first = import_history(history, actor=CLI)
    assert (first.stored, first.already_stored) == (count, 0)
    assert Response.objects.filter(survey=copy).count() == count
    sync_to_lake()
    lake = Path(settings.KUNDPULS_LAKE_DIR)
    original, copied = _indices("nki", lake), _indices("nki_kopia", lake)
    assert original and original == copied  # every index, unit (rolled up) and quarter: estimate and n
    assert {quarter for _, quarter, _ in original} >= {"2025-Q1", "2025-Q2", "2025-Q3"}

    again = import_history(read_history(copy, "nki.sav", path.read_bytes(), read_mapping(None)), actor=CLI)
    assert (again.stored, again.already_stored) == (0, count)
    home = import_history(
        read_history(Survey.objects.get(key="nki"), "nki.sav", path.read_bytes(), read_mapping(None)),
        actor=CLI,
    )
    assert home.stored == 0  # its own export read back into the survey names the responses it holds


@pytest.mark.django_db
def test_csv_excel_and_parquet_hold_the_same_rows_with_formulas_kept_as_text(tmp_path: Path) -> None:
    count = _load(
        [UnitProfile(code="VOF-HT-N", volume=30)],
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 3, 31, tzinfo=UTC),
    )
    planted = Response.objects.filter(survey__key="nki").order_by("pk").first()
    assert planted is not None
    planted.answers = {**planted.answers, "kommentar": '=HYPERLINK("http://x.example","klicka")'}
    planted.save(update_fields=["answers"])
    survey = Survey.objects.get(key="nki")

    text = export_responses(survey, file_format="csv", actor=CLI).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == count
    assert any(r["kommentar"].startswith("'=HYPERLINK") for r in rows)
    assert not any(r["kommentar"].startswith("=") for r in rows)

    book = load_workbook(io.BytesIO(export_responses(survey, file_format="xlsx", actor=CLI).content))
    sheet = book["Svar"]
    assert sheet.max_row == count + 1
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" for c in cells)
    assert book["Kodbok"]["A1"].value == "variable"

    table = pq.read_table(io.BytesIO(export_responses(survey, file_format="parquet", actor=CLI).content))
    assert table.num_rows == count and "nki_helhet" in table.column_names

    copy = _copy_of_nki()
    path = tmp_path / "nki.csv"
    path.write_text(text, encoding="utf-8")
    assert (
        import_history(read_history(copy, "nki.csv", path.read_bytes(), read_mapping(None)), actor=CLI).stored
        == count
    )
    copied = Response.objects.filter(survey=copy, answers__kommentar__startswith="=HYPERLINK")
    assert copied.count() == 1  # the guard's quote is taken off again on the way in


@pytest.mark.django_db
def test_a_selection_that_would_reveal_a_small_group_is_refused_naming_it() -> None:
    _load(
        [UnitProfile(code="VOF-HT-N", volume=30), UnitProfile(code="VOF-HT-S", volume=1.0)],
        start=datetime(2025, 4, 1, tzinfo=UTC),
        end=datetime(2025, 6, 30, tzinfo=UTC),
    )
    survey = Survey.objects.get(key="nki")
    small = Response.objects.filter(survey=survey, unit__code="VOF-HT-S").count()
    assert 0 < small < 7
    with pytest.raises(SelectionTooSmall) as info:
        export_responses(survey, file_format="csv", actor=CLI)
    assert {(g["unit"], g["period"], g["group"]) for g in info.value.groups} == {
        ("VOF-HT-S", "2025-Q2", "selected")
    }
    assert "VOF-HT-S" in str(info.value)
    # without the small unit, the other alone is fine; one month of the quarter leaves a group out that the
    # quarter's results show
    Response.objects.filter(survey=survey, unit__code="VOF-HT-S").delete()
    assert (
        export_responses(survey, file_format="csv", actor=CLI, unit=Unit.objects.get(code="VOF-HT-N")).rows
        >= 7
    )
    from kundpuls.web.responses.export import parse_month

    june = parse_month("2025-06", field="from")
    Response.objects.filter(
        survey=survey, unit__code="VOF-HT-N", submitted_at__lt=datetime(2025, 5, 31, 22, tzinfo=UTC)
    ).exclude(
        pk__in=list(
            Response.objects.filter(
                survey=survey, unit__code="VOF-HT-N", submitted_at__lt=datetime(2025, 5, 31, 22, tzinfo=UTC)
            ).values_list("pk", flat=True)[:3]
        )
    ).delete()  # April and May (Stockholm) keep three responses
    north = Unit.objects.get(code="VOF-HT-N")
    with pytest.raises(InvalidArgument) as cut:  # a file by quarter holds whole quarters
        export_responses(survey, file_format="csv", actor=CLI, unit=north, first_month=june)
    assert cut.value.field == "from" and "2025-04" in str(cut.value)
    with pytest.raises(SelectionTooSmall) as left:  # June by month: the quarter minus June is three
        export_responses(
            survey, file_format="csv", actor=CLI, unit=north, first_month=june, precision="month"
        )
    assert ("VOF-HT-N", "2025-Q2", "left_out", 3) in [
        (g["unit"], g["period"], g["group"], g["n"]) for g in left.value.groups
    ]
    assert not AuditEvent.objects.filter(
        action="responses.export", target="nki", details__format="csv", details__first_month="2025-06"
    ).exists()


@pytest.mark.django_db
def test_a_file_holds_ended_periods_only_so_two_files_a_day_apart_tell_no_one_in_between(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before, the running quarter exported today and again tomorrow differed by the people who answered
    in between, each with every answer."""
    from django.utils import timezone

    now = datetime(2026, 5, 20, 12, tzinfo=UTC)  # the clock, the only thing patched: seven weeks into Q2
    monkeypatch.setattr(timezone, "now", lambda: now)
    running = datetime(2026, 3, 31, 22, tzinfo=UTC)  # 2026-04-01 in Stockholm
    _load([UnitProfile(code="VOF-HT-N", volume=40)], start=datetime(2025, 1, 1, tzinfo=UTC), end=now)
    survey = Survey.objects.get(key="nki")
    assert Response.objects.filter(survey=survey, submitted_at__gte=running).exists()
    result = export_responses(survey, file_format="csv", actor=CLI, unit=Unit.objects.get(code="VOF-HT-N"))
    rows = list(csv.DictReader(io.StringIO(result.content.decode("utf-8-sig"))))
    assert rows and max(r["submitted"] for r in rows) == "2026-01-01"  # Q1 2026 in, the running quarter out
    with pytest.raises(InvalidArgument) as inside:
        export_responses(
            survey,
            file_format="csv",
            actor=CLI,
            last_month=timezone.localtime(now).date().replace(day=1),
            precision="month",
        )
    assert inside.value.field == "to"
    assert "has not ended" in str(inside.value) or "inte har tagit slut" in str(inside.value)


@pytest.mark.django_db
def test_a_unit_file_is_refused_when_its_parent_minus_it_leaves_a_small_sibling() -> None:
    """A child's file passed on its own groups, and the parent's quarter on the results page minus the file
    gave the sibling's three; and a file by quarter of three quarters left a small fourth in the year."""
    _load(
        [UnitProfile(code="VOF-HT-N", volume=30), UnitProfile(code="VOF-HT-S", volume=1.0)],
        start=datetime(2025, 4, 1, tzinfo=UTC),
        end=datetime(2025, 6, 30, tzinfo=UTC),
    )
    survey = Survey.objects.get(key="nki")
    south = Response.objects.filter(survey=survey, unit__code="VOF-HT-S").count()
    assert 0 < south < 7
    with pytest.raises(SelectionTooSmall) as sibling:
        export_responses(survey, file_format="csv", actor=CLI, unit=Unit.objects.get(code="VOF-HT-N"))
    found = {(g["unit"], g["period"], g["group"], g["n"]) for g in sibling.value.groups}
    assert ("VOF-HT", "2025-Q2", "left_out", south) in found and (
        "VOF-HT",
        "2025",
        "left_out",
        south,
    ) in found
    Response.objects.filter(survey=survey, unit__code="VOF-HT-S").delete()
    assert export_responses(survey, file_format="csv", actor=CLI, unit=Unit.objects.get(code="VOF-HT-N")).rows

    _load(
        [UnitProfile(code="VOF-HT-N", volume=1.0)],
        start=datetime(2025, 10, 1, tzinfo=UTC),
        end=datetime(2025, 12, 31, tzinfo=UTC),
        seed=9,
    )
    fourth = Response.objects.filter(survey=survey, submitted_at__gte=datetime(2025, 9, 30, 22, tzinfo=UTC))
    assert 0 < fourth.count() < 7
    from kundpuls.web.responses.export import parse_month

    with pytest.raises(SelectionTooSmall) as year:
        export_responses(survey, file_format="csv", actor=CLI, last_month=parse_month("2025-09", field="to"))
    assert ("VOF-HT-N", "2025", "left_out", fourth.count()) in {
        (g["unit"], g["period"], g["group"], g["n"]) for g in year.value.groups
    }


def test_months_outside_1990_to_2100_are_refused_by_name() -> None:
    from kundpuls.web.responses.export import parse_month

    for text in ("9999-12", "0001-01", "1989-12", "2101-01"):
        with pytest.raises(InvalidArgument) as wrong:
            parse_month(text, field="to")
        assert wrong.value.field == "to" and text in str(wrong.value)


@pytest.mark.django_db
def test_the_file_tells_the_time_of_a_response_only_as_its_quarter_or_month_and_never_by_row_order(
    tmp_path: Path, settings: Any
) -> None:
    count = _load(
        [UnitProfile(code="VOF-HT-N", volume=30), UnitProfile(code="KFF-BIB-HUV", volume=30)],
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 6, 30, tzinfo=UTC),
    )
    survey = Survey.objects.get(key="nki")
    by_id = {str(r.submission_id): r for r in Response.objects.filter(survey=survey)}
    quarterly = list(
        csv.DictReader(
            io.StringIO(export_responses(survey, file_format="csv", actor=CLI).content.decode("utf-8-sig"))
        )
    )
    assert len(quarterly) == count
    assert {r["submitted"] for r in quarterly} == {"2025-01-01", "2025-04-01"}
    for row in quarterly:
        moment = by_id[row["id"]].submitted_at
        assert row["submitted"] == f"2025-{(moment.month - 1) // 3 * 3 + 1:02d}-01"
    # rows go by period, unit and id: the order they came in is not in the file
    assert [(r["submitted"], r["unit"], r["id"]) for r in quarterly] == sorted(
        (r["submitted"], r["unit"], r["id"]) for r in quarterly
    )
    arrival = [str(r.submission_id) for r in Response.objects.filter(survey=survey).order_by("submitted_at")]
    assert [r["id"] for r in quarterly] != arrival

    monthly = export_responses(survey, file_format="sav", actor=CLI, precision="month")
    path = tmp_path / "nki.sav"
    path.write_bytes(monthly.content)
    frame, meta = pyreadstat.read_sav(str(path))
    assert meta.original_variable_types["submitted"].startswith("DATE")
    assert meta.column_names_to_labels["submitted"].startswith("Inskickad: månadens första dag")
    assert {d.day for d in frame["submitted"]} == {1} and len({d.month for d in frame["submitted"]}) == 6
    for row_id, day in zip(frame["id"], frame["submitted"], strict=True):
        moment = by_id[row_id].submitted_at
        assert (day.year, day.month) == (moment.year, moment.month)

    # the month's file imports into a copy with the same results month by month
    copy = _copy_of_nki()
    assert (
        import_history(read_history(copy, "nki.sav", path.read_bytes(), read_mapping(None)), actor=CLI).stored
        == count
    )
    sync_to_lake()
    lake = Path(settings.KUNDPULS_LAKE_DIR)
    original, copied = _indices("nki", lake, "month"), _indices("nki_kopia", lake, "month")
    assert original and original == copied
    with pytest.raises(InvalidArgument) as wrong:
        export_responses(survey, file_format="csv", actor=CLI, precision="day")
    assert wrong.value.field == "precision" and "day" in str(wrong.value)


@pytest.mark.django_db
def test_a_month_group_below_the_threshold_is_refused_for_a_file_by_month_but_not_by_quarter() -> None:
    _load(
        [UnitProfile(code="VOF-HT-N", volume=30)],
        start=datetime(2025, 4, 1, tzinfo=UTC),
        end=datetime(2025, 6, 30, tzinfo=UTC),
    )
    survey = Survey.objects.get(key="nki")
    april = Response.objects.filter(
        survey=survey,
        submitted_at__lt=datetime(2025, 4, 30, 22, tzinfo=UTC),  # May 1, Stockholm
    ).values_list("pk", flat=True)
    Response.objects.filter(pk__in=list(april)[2:]).delete()  # April keeps two respondents
    assert Response.objects.filter(survey=survey).count() >= 7
    assert export_responses(survey, file_format="csv", actor=CLI).rows >= 7
    with pytest.raises(SelectionTooSmall) as info:
        export_responses(survey, file_format="csv", actor=CLI, precision="month")
    assert [(g["unit"], g["period"], g["group"], g["n"]) for g in info.value.groups] == [
        ("VOF-HT-N", "2025-04", "selected", 2)
    ]


@pytest.mark.django_db
def test_export_needs_the_export_capability_on_every_unit_and_is_audited(personas: dict[str, Any]) -> None:
    _load(
        [UnitProfile(code="VOF-HT-N", volume=20), UnitProfile(code="KFF-BIB-HUV", volume=20)],
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 3, 31, tzinfo=UTC),
    )
    survey = Survey.objects.get(key="nki")
    unit_a, unit_b = Unit.objects.get(code="VOF-HT-N"), Unit.objects.get(code="KFF-BIB-HUV")
    allowed = {
        ("admin", None), ("analyst", None), ("manager_a", unit_a), ("manager_b", unit_b),
    }  # fmt: skip
    refused = {
        ("manager_a", None), ("manager_a", unit_b), ("manager_b", unit_a), ("viewer", unit_a),
        ("viewer", None), ("anonymous", unit_a),
    }  # fmt: skip
    for persona, unit in allowed:
        before = AuditEvent.objects.filter(action="responses.export").count()
        result = export_responses(survey, file_format="csv", actor=personas[persona], unit=unit)
        assert result.rows > 0
        event = AuditEvent.objects.filter(action="responses.export").latest("pk")
        assert AuditEvent.objects.filter(action="responses.export").count() == before + 1
        assert event.actor == personas[persona] and event.details["rows"] == result.rows
    for persona, unit in refused:
        with pytest.raises(PermissionDenied):
            export_responses(survey, file_format="csv", actor=personas[persona], unit=unit)


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    responses_cli.register(application)
    return application


@pytest.mark.django_db
def test_the_export_command_writes_the_file_and_its_codebook(app: typer.Typer, tmp_path: Path) -> None:
    count = _load(
        [UnitProfile(code="VOF-HT-N", volume=20)],
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 3, 31, tzinfo=UTC),
    )
    out = tmp_path / "svar.sav"
    args = [
        "responses",
        "export",
        "--survey",
        "nki",
        "--format",
        "sav",
        "--out",
        str(out),
        "--unit",
        "VOF-HT-N",
    ]
    result = CliRunner().invoke(app, [*args, "--from", "2025-01", "--to", "2025-03", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["rows"] == count and Path(document["codebook"]).exists()
    assert len(pyreadstat.read_sav(str(out))[0]) == count
    bad = CliRunner().invoke(app, [*args, "--from", "2025-13", "--json"])
    assert bad.exit_code == 2 and "from" in json.loads(bad.stdout)["error"]
    wrong = CliRunner().invoke(
        app, ["responses", "export", "--survey", "nki", "--format", "sav7", "--out", str(out)]
    )
    assert wrong.exit_code == 2
