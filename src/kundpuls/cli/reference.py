"""The command-line reference (``docs/cli.md``), written from the commands themselves.

``kundpuls reference`` prints it; ``kundpuls reference --out docs/cli.md`` writes it, and a test fails when
the file in the repository differs from what the commands say, so the reference cannot fall behind. With
``--configuration`` it writes the configuration reference (``docs/configuration.md``) instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from kundpuls.settings_reference import configuration_markdown

HEADER = """# Command-line reference

Every Kundpuls capability is reachable from the `kundpuls` command. This page is generated from the commands
themselves (`kundpuls reference --out docs/cli.md`; a test checks that it is current). Commands that produce
data take `--json` and then print one JSON document on standard output. Without `KUNDPULS_*` variables the
commands use the data folder `./var` that `make demo` creates (`docs/configuration.md`).
"""


def _commands(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        yield path, command
        return
    if path[1:]:
        yield path, command
    for name in sorted(subcommands):
        yield from _commands(subcommands[name], [*path, name])


def _option_row(param: Any) -> str:
    names = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
    if getattr(param, "param_type_name", "") == "argument":
        names = f"`{(param.metavar or param.name or '').upper()}`"
    help_text = " ".join((getattr(param, "help", None) or "").split())
    default = getattr(param, "default", None)
    shown = ""
    if default not in (None, False, (), []) and not getattr(param, "is_flag", False):
        shown = f" (default: `{default}`)"
    required = " **required**" if getattr(param, "required", False) else ""
    return f"| {names} | {help_text.replace('|', '/')}{shown}{required} |"


def cli_reference_markdown(app: typer.Typer) -> str:
    """Markdown for every command and command group of ``app``: synopsis, help text and options."""
    root = typer.main.get_command(app)
    lines = [HEADER]
    for path, command in _commands(root, ["kundpuls"]):
        is_group = getattr(command, "commands", None) is not None
        lines.append(f"{'##' if len(path) == 2 else '###'} `{' '.join(path)}`\n")
        help_text = (command.help or "").strip()
        if help_text:
            lines.append(help_text.split("\n\n")[0].replace("\n", " ") + "\n")
        if is_group:
            continue
        params = [p for p in command.params if p.name != "help"]
        if params:
            lines.append("| option | meaning |\n|---|---|")
            lines.extend(_option_row(p) for p in params)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def register(app: typer.Typer) -> None:
    @app.command("reference")
    def reference(
        out: Annotated[Path | None, typer.Option("--out", help="Write the reference to this file.")] = None,
        configuration: Annotated[
            bool, typer.Option("--configuration", help="The KUNDPULS_* variables instead of the commands.")
        ] = False,
    ) -> None:
        """Print the command-line reference (Markdown), or write it to a file."""
        text = configuration_markdown() if configuration else cli_reference_markdown(app)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
