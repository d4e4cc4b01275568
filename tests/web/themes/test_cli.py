"""``kundpuls text taxonomy export|import`` on the stored revisions, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from kundpuls.cli.text import register
from kundpuls.text.taxonomy import default_taxonomy
from kundpuls.web.org.models import AuditEvent, Unit
from kundpuls.web.themes import queries

pytestmark = [pytest.mark.django_db, pytest.mark.database]


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    return app


def test_export_then_import_stores_a_new_revision(tmp_path: Path) -> None:
    target = tmp_path / "teman.yaml"
    several = CliRunner().invoke(_app(), ["text", "taxonomy", "export", str(target), "--json"])
    assert several.exit_code == 2 and "EXK, RGX" in several.stdout and "--organisation" in several.stdout
    exported = CliRunner().invoke(
        _app(), ["text", "taxonomy", "export", str(target), "--organisation", "EXK", "--json"]
    )
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout) == {
        "file": str(target),
        "revision": 0,
        "themes": list(default_taxonomy().keys),
    }
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    data["themes"]["kaffe"] = {"label": {"sv": "Kaffe"}, "sv": {"words": ["kaffe"]}}
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    imported = CliRunner().invoke(
        _app(), ["text", "taxonomy", "import", str(target), "--note", "kaffe", "--organisation", "EXK"]
    )
    assert imported.exit_code == 0, imported.output
    assert "Version 1" in imported.stdout
    assert "kaffe" in queries.taxonomy_in_force(_exk()).keys
    event = AuditEvent.objects.get(action="themes.import")
    assert event.actor_label == "cli" and event.details["added"] == ["kaffe"]
    again = CliRunner().invoke(
        _app(), ["text", "taxonomy", "export", str(target), "--organisation", "EXK", "--json"]
    )
    assert json.loads(again.stdout)["revision"] == 1
    region = CliRunner().invoke(
        _app(), ["text", "taxonomy", "export", str(target), "--organisation", "RGX", "--json"]
    )
    assert json.loads(region.stdout)["revision"] == 0  # the region's taxonomy is its own, unchanged


def test_import_refuses_a_bad_file_naming_every_node(tmp_path: Path) -> None:
    target = tmp_path / "teman.yaml"
    target.write_text(
        "themes:\n  kaffe:\n    label: {sv: Kaffe}\n    sv: {words: ['två ord'], parts: [ka]}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        _app(), ["text", "taxonomy", "import", str(target), "--organisation", "EXK", "--json"]
    )
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert [e["path"] for e in document["errors"]] == ["themes.kaffe.sv.words[0]", "themes.kaffe.sv.parts[0]"]
    assert queries.revision_number(_exk()) == 0
    plain = CliRunner().invoke(_app(), ["text", "taxonomy", "import", str(tmp_path / "saknas.yaml")])
    assert plain.exit_code == 2 and "saknas.yaml" in plain.output


def _exk() -> Unit:
    """The municipality: the organisation whose taxonomy these tests change."""
    return Unit.objects.get(code="EXK")
