"""``kundpuls report`` standalone: a CSV, Excel or SPSS export in, PDFs out, without server or database."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from kundpuls.cli.report import register
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.instruments import load_template
from system_tools import require_tool


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    return app


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    generated = generate_responses(
        load_template("nki"),
        [UnitProfile(code="Norr", volume=40), UnitProfile(code="Söder", volume=40)],
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 7, 1, tzinfo=UTC),
        seed=5,
    )
    frame = generated.frame().rename(columns={"unit": "enhet"})
    frame["submitted_at"] = frame["submitted_at"].dt.tz_localize(None)  # as most tools export it
    return frame


def test_a_csv_export_becomes_one_pdf_for_the_whole_file(export: pd.DataFrame, tmp_path: Path) -> None:
    source = tmp_path / "svar.csv"
    export.to_csv(source, index=False)
    out = tmp_path / "rapport.pdf"
    result = CliRunner().invoke(
        _app(),
        ["report", str(source), "--survey", "nki", "--unit-column", "enhet", "--out", str(out), "--json"],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["written"] == 1 and document["reports"][0]["file"] == str(out)
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        [require_tool("pdftotext"), str(out), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Nöjd-Kund-Index" in text and "2025-Q2" in text


def test_an_excel_export_gives_one_pdf_per_unit(export: pd.DataFrame, tmp_path: Path) -> None:
    source = tmp_path / "svar.xlsx"
    export.to_excel(source, index=False)
    out = tmp_path / "rapporter"
    result = CliRunner().invoke(
        _app(),
        [
            "report",
            str(source),
            "--survey",
            "nki",
            "--unit-column",
            "enhet",
            "--all-units",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.glob("*.pdf"))
    assert files == ["nki-Norr-2025-Q2.pdf", "nki-Söder-2025-Q2.pdf"]


def test_an_spss_file_is_read_too(export: pd.DataFrame, tmp_path: Path) -> None:
    import pyreadstat  # a dependency of kundpuls (SPSS import), not optional

    source = tmp_path / "svar.sav"
    numeric = export[["enhet", "submitted_at", "nki_helhet", "nki_forvantan", "nki_ideal"]]
    pyreadstat.write_sav(numeric, str(source))
    out = tmp_path / "spss.pdf"
    result = CliRunner().invoke(
        _app(), ["report", str(source), "--survey", "nki", "--unit-column", "enhet", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_bad_input_is_named_without_a_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(_app(), ["report", str(tmp_path / "nope.csv"), "--survey", "nki", "--json"])
    assert missing.exit_code == 2 and "nope.csv" in json.loads(missing.output)["error"]
    (tmp_path / "x.txt").write_text("a")
    wrong = runner.invoke(_app(), ["report", str(tmp_path / "x.txt"), "--survey", "nki", "--json"])
    assert wrong.exit_code == 2 and ".sav" in json.loads(wrong.output)["error"]
    kind = runner.invoke(
        _app(), ["report", str(tmp_path / "x.txt"), "--survey", "nki", "--period-kind", "week"]
    )
    assert kind.exit_code == 2
