"""``kundpuls sync``: append new responses from the database to the Parquet lake (incremental, idempotent)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError


def sync_command(
    batch_size: Annotated[int, typer.Option(help="Responses per committed batch.")] = 50_000,
    settle_seconds: Annotated[
        float | None,
        typer.Option(
            help="Leave responses stored in the last N seconds for the next run (default from config)."
        ),
    ] = None,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Write every response into a new lake and swap it in (after an upgrade that derives "
            "new columns).",
        ),
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the sync report as JSON.")] = False,
) -> None:
    """Bring the response lake up to date with the database (safe to run again or after a crash)."""
    setup_django()
    from kundpuls.web.responses.actions import sync_to_lake

    try:
        if json:
            report = sync_to_lake(batch_size=batch_size, settle_seconds=settle_seconds, rebuild=rebuild)
        else:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("Synkar svar till sjön / syncing responses to the lake", total=None)
                report = sync_to_lake(
                    batch_size=batch_size,
                    settle_seconds=settle_seconds,
                    rebuild=rebuild,
                    progress=lambda done, _mark: bar.update(task, completed=done),
                )
    except KundpulsError as exc:
        fail(exc, as_json=json)
    if json:
        emit_json(asdict(report))
    else:
        typer.echo(f"{report.responses} nya svar / new responses, vattenmärke / watermark {report.watermark}")


def register(app: typer.Typer) -> None:
    app.command("sync")(sync_command)
