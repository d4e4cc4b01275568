"""``kundpuls surveys …`` as scripts use it (JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from kundpuls.cli import surveys
from kundpuls.instruments import definition_to_dict, load_template


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    surveys.register(application)
    return application


def _run(app: typer.Typer, *args: str) -> object:
    result = CliRunner().invoke(app, ["surveys", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.django_db
def test_list_and_links_describe_the_demo_surveys(app: typer.Typer) -> None:
    rows = _run(app, "list", "--json")
    assert {r["key"] for r in rows} >= {"nki", "patient", "staff"}  # type: ignore[union-attr]
    links = _run(app, "links", "--json", "--survey", "patient")
    assert links and all(row["url"].startswith("http") and row["survey"] == "patient" for row in links)  # type: ignore[union-attr]
    assert {"survey", "unit", "unit_name", "channel", "state", "url"} <= set(links[0])  # type: ignore[index]


@pytest.mark.django_db
def test_import_publish_and_open_a_definition_file(app: typer.Typer, tmp_path: Path) -> None:
    data = definition_to_dict(load_template("ces"))
    data["key"] = "ces_kontaktcenter"
    file = tmp_path / "ces.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert _run(app, "import", str(file), "--owner", "KLF", "--publish", "--json") == {
        "survey": "ces_kontaktcenter",
        "version": 1,
        "published": True,
    }
    opened = _run(app, "open", "ces_kontaktcenter", "--unit", "KLF-KC", "--json")
    assert [r["unit"] for r in opened] == ["KLF-KC"]  # type: ignore[union-attr]


@pytest.mark.django_db
def test_an_invalid_definition_file_names_the_problem(app: typer.Typer, tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("key: bad\ntitle: {sv: Dålig}\npages: []\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["surveys", "import", str(file), "--owner", "EXK", "--json"])
    assert result.exit_code == 2
    assert "pages" in json.loads(result.stdout)["error"]


@pytest.mark.django_db
def test_the_qr_command_writes_a_poster(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "poster.pdf"
    result = CliRunner().invoke(app, ["surveys", "qr", "nki", "--unit", "VOF-HT-N", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
