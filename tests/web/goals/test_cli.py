"""``kundpuls goals status|set`` and ``kundpuls costs import`` through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kundpuls.cli.goals import register

pytestmark = pytest.mark.django_db


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_goals_set_then_status_as_json(lake: Path) -> None:
    runner = CliRunner()
    set_result = runner.invoke(
        _app(), ["goals", "set", "VOF-HT", "index:NKI", "60", "--survey", "nki", "--period", "2026", "--json"]
    )
    assert set_result.exit_code == 0, set_result.output
    result = runner.invoke(_app(), ["goals", "status", "--unit", "VOF-HT", "--period", "2026", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    states = {g["unit"]: g["state"] for g in document["goals"]}
    assert states == {"VOF-HT-N": "met", "VOF-HT-S": "not_met", "VOF-HT-C": "suppressed"}
    assert document["rollup"][0]["administration"] == "VOF" and document["rollup"][0]["met"] == 1


def test_costs_import_names_bad_rows_as_json(tmp_path: Path) -> None:
    bad = tmp_path / "kostnader.csv"
    bad.write_text("unit,period,cost,volume\nVOF-HT-N,2026,100,-3\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["costs", "import", str(bad), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["errors"][0]["column"] == "volume"
    good = tmp_path / "ok.csv"
    good.write_text("unit,period,cost,volume\nVOF-HT-N,2026,100,3\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["costs", "import", str(good), "--json"])
    assert json.loads(result.stdout) == {"created": 1, "updated": 0}
