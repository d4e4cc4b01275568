"""``kundpuls report --survey KEY --unit CODE | --all-units`` reads the web's lake (database set up)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from kundpuls.cli.report import register


@pytest.mark.django_db
def test_it_writes_one_pdf_per_unit_with_responses(results: dict[str, Any], tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    one = CliRunner().invoke(
        app, ["report", "--survey", "nki", "--unit", "VOF-HT-N", "--out", str(tmp_path), "--json"]
    )
    assert one.exit_code == 0, one.output
    assert json.loads(one.output)["written"] == 1
    everything = CliRunner().invoke(
        app, ["report", "--survey", "nki", "--all-units", "--out", str(tmp_path / "all"), "--json"]
    )
    assert everything.exit_code == 0, everything.output
    written = {r["unit"] for r in json.loads(everything.output)["reports"] if r["file"]}
    assert {"VOF-HT-N", "VOF-HT-S", "VOF-HT", "EXK"} <= written  # leaves and every ancestor with responses
    none = CliRunner().invoke(app, ["report", "--survey", "nki", "--json"])
    assert none.exit_code == 2 and "--unit" in json.loads(none.output)["error"]
