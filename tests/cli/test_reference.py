"""docs/cli.md is the command-line reference the commands themselves give."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kundpuls.cli.main import _register_all, app
from kundpuls.cli.reference import cli_reference_markdown

REPO = Path(__file__).resolve().parents[2]


def test_docs_cli_md_is_current() -> None:
    _register_all()
    expected = cli_reference_markdown(app)
    current = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == expected, "docs/cli.md is out of date: run `kundpuls reference --out docs/cli.md`"


def test_the_reference_names_every_command_and_its_options() -> None:
    _register_all()
    text = cli_reference_markdown(app)
    for heading in ("## `kundpuls demo`", "### `kundpuls surveys links`", "## `kundpuls analyze`"):
        assert heading in text
    assert "`--json`" in text


def test_reference_prints_the_same_text(tmp_path: Path) -> None:
    _register_all()
    out = tmp_path / "cli.md"
    result = CliRunner().invoke(app, ["reference", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == cli_reference_markdown(app)
