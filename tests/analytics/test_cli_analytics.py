"""``kundpuls analyze`` and ``kundpuls lake …`` through Typer's test runner."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from kundpuls.cli.analytics import parse_by, register
from kundpuls.errors import InvalidArgument


@pytest.fixture(scope="module")
def app():
    application = typer.Typer()
    register(application)
    return application


@pytest.fixture(scope="module")
def lake(app, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "lake"
    result = CliRunner().invoke(
        app,
        [
            "lake",
            "generate",
            "--rows",
            "3000",
            "--out",
            str(path),
            "--seed",
            "5",
            "--units",
            "40",
            "--months",
            "6",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["rows"] == 3000 and document["units"] == 40
    return path


def test_parse_by_accepts_unit_a_period_and_one_segment():
    assert parse_by("unit,quarter,age_group") == ("quarter", "age_group")
    assert parse_by("unit") == ("month", None)
    with pytest.raises(InvalidArgument):
        parse_by("unit,month,year")
    with pytest.raises(InvalidArgument):
        parse_by("unit,a,b")


@pytest.mark.parametrize("suffix", ["csv", "parquet", "xlsx"])
def test_analyze_writes_the_index_table(app, lake, tmp_path, suffix):
    out = tmp_path / f"table.{suffix}"
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            "--lake",
            str(lake),
            "--survey",
            "demo",
            "--by",
            "unit,quarter,age_group",
            "--rollup",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    readers = {
        "csv": pd.read_csv,
        "parquet": pd.read_parquet,
        "xlsx": lambda path: pd.read_excel(path, engine="calamine"),
    }
    table = readers[suffix](out)
    assert len(table) == summary["rows"] > 0
    assert {"unit", "period", "segment", "item", "estimate", "ci_low", "ci_high", "n", "suppressed"} <= set(
        table.columns
    )
    shown = table[~table["suppressed"]]
    assert (shown["ci_low"] <= shown["estimate"]).all() and (shown["n"] >= 7).all()
    assert table.loc[table["suppressed"], "n"].isna().all()


def test_analyze_json_without_out_returns_the_rows(app, lake):
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            "--lake",
            str(lake),
            "--survey",
            "demo",
            "--by",
            "unit,all",
            "--rollup",
            "--items",
            "nps",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    root = next(row for row in document["table"] if row["unit"] == "1")
    assert root["n"] > 2000 and -100 <= root["estimate"] <= 100 and root["kind"] == "nps"


def test_analyze_reports_a_bad_survey_as_json_error(app, lake):
    result = CliRunner().invoke(app, ["analyze", "--lake", str(lake), "--survey", "nope", "--json"])
    assert result.exit_code == 2
    assert "nope" in json.loads(result.stdout)["error"]


def test_lake_info_compact_and_erase(app, lake, tmp_path):
    info = json.loads(CliRunner().invoke(app, ["lake", "info", "--lake", str(lake), "--json"]).stdout)
    assert info["surveys"]["demo"]["responses"] == 3000
    ids = tmp_path / "ids.txt"
    ids.write_text("demo-5-1\ndemo-5-2\n", encoding="utf-8")
    erased = CliRunner().invoke(app, ["lake", "erase", "--lake", str(lake), "--ids-file", str(ids), "--json"])
    assert json.loads(erased.stdout)["responses_erased"] == 2
    compacted = CliRunner().invoke(app, ["lake", "compact", "--lake", str(lake), "--json"])
    assert compacted.exit_code == 0
    migrated = CliRunner().invoke(app, ["lake", "migrate", "--lake", str(lake), "--json"])
    assert json.loads(migrated.stdout)["files_rewritten"] == 0
    info = json.loads(CliRunner().invoke(app, ["lake", "info", "--lake", str(lake), "--json"]).stdout)
    assert info["surveys"]["demo"]["responses"] == 2998
