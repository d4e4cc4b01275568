"""``kundpuls --help`` starts fast because it imports no heavy library; every command's help still works.

A test on what is imported (not on seconds): the parser is built from the topic modules, which import
pandas, numpy, scipy, Altair, DuckDB and Django only inside the commands that use them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import kundpuls

HEAVY = ("scipy", "pandas", "altair", "duckdb", "numpy", "pyarrow", "django", "vl_convert", "pyspark")

_SCRIPT = """
import sys
import typer
from typer.testing import CliRunner
from kundpuls.cli.main import _register_all, app

heavy = {heavy!r}
_register_all()
runner = CliRunner()
root = typer.main.get_command(app)
paths, failures = [[]], []
while paths:
    path = paths.pop()
    result = runner.invoke(app, [*path, "--help"])
    if result.exit_code != 0 or "Usage:" not in result.output:
        failures.append((path, result.exit_code, result.output[-300:]))
    command = root
    for name in path:
        command = command.commands[name]
    if hasattr(command, "commands"):
        paths.extend([*path, name] for name in command.commands)
    else:
        print("COMMAND", " ".join(path))
print("FAILURES", failures)
print("HEAVY", sorted(m for m in sys.modules if m.split(".")[0] in heavy))
"""


def _run(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(Path(kundpuls.__file__).parents[1])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_kundpuls_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\nfrom kundpuls.cli.main import main\nsys.argv = ['kundpuls', '--help']\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    assert stop.code == 0, stop.code\n"
        f"heavy = {HEAVY!r}\n"
        "print('HEAVY', sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    output = _run(code)
    assert "Usage: kundpuls" in output
    assert output.strip().splitlines()[-1] == "HEAVY []", output[-500:]


def test_every_commands_help_works_and_still_imports_no_heavy_library() -> None:
    output = _run(_SCRIPT.format(heavy=HEAVY))
    lines = output.strip().splitlines()
    commands = {line.removeprefix("COMMAND ") for line in lines if line.startswith("COMMAND ")}
    # a sample of every topic: the parser is complete
    assert {
        "demo",
        "serve",
        "check",
        "analyze",
        "lake info",
        "surveys links",
        "surveys qr",
        "pls",
        "report",
        "text themes",
        "text taxonomy export",
        "cases overdue",
        "goals status",
        "costs import",
        "api token create",
        "invitations send",
        "units import",
        "worker",
    } <= commands
    assert lines[-2] == "FAILURES []", lines[-2]
    assert lines[-1] == "HEAVY []", lines[-1]
