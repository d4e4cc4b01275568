"""``kundpuls cases …`` through Typer's runner on an app built here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from kundpuls.cli.cases import register

pytestmark = pytest.mark.django_db


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    return app


def test_cases_list_and_export_give_json_without_personal_data(nki_rules: Any, submit: Any) -> None:
    submit(1)
    result = CliRunner().invoke(_app(), ["cases", "list", "--json", "--unit", "VOF"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["unit"] == "VOF-HT-N" and row["status"] == "new" and row["rules"] == ["low_overall"]
    exported = CliRunner().invoke(_app(), ["cases", "export"])
    assert exported.exit_code == 0 and "VOF-HT-N" in exported.stdout
    assert "070-174" not in exported.stdout and "Eva" not in exported.stdout


def test_cases_rules_reports_a_bad_path_as_json(tmp_path: Path) -> None:
    rules = tmp_path / "regler.yaml"
    rules.write_text("rules:\n  - key: a\n    when: [{item: nope, at_most: 1}]\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["cases", "rules", "nki", str(rules), "--json"])
    assert result.exit_code == 2
    assert "rules[0].when[0].item" in json.loads(result.stdout)["error"]


def test_cases_overdue_and_purge_report_counts() -> None:
    expected = {
        "overdue": {"mailed": 0, "followups_completed": 0},
        "purge-contacts": {"purged": 0, "without_case": 0},
    }
    for command, counts in expected.items():
        result = CliRunner().invoke(_app(), ["cases", command, "--json"])
        assert result.exit_code == 0 and json.loads(result.stdout) == counts
