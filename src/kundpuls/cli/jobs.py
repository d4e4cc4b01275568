"""``kundpuls jobs status|run``: the periodic jobs that ``kundpuls worker`` schedules (docs/operations.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError

jobs_app = typer.Typer(help="Schemalagda jobb / scheduled jobs.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as one JSON document.")]


@jobs_app.command("status")
def status_command(json: JsonOption = False) -> None:
    """Each job: schedule, last run (start, duration, outcome, counts), last success, next run."""
    setup_django()
    from kundpuls.web.operations.queries import job_statuses

    rows = [row.as_dict() for row in job_statuses()]
    if json:
        emit_json(rows)
        return
    for row in rows:
        every = f"var {row['interval_seconds']} s / every" if row["enabled"] else "av / off"
        last = row["last_started_at"].isoformat(timespec="seconds") if row["last_started_at"] else "–"
        typer.echo(f"{row['name']:<22} {every:<18} {last:<26} {row['last_outcome'] or '–'}")


@jobs_app.command("run")
def run_command(
    name: Annotated[str, typer.Argument(help="The job: sync, bounces, overdue, invitation-retention, …")],
    json: JsonOption = False,
) -> None:
    """Run one job now (under its lock: if another process runs it, this says busy and exits 1)."""
    setup_django()
    from kundpuls.web.operations.actions import BUSY, run_job
    from kundpuls.web.org.actors import CLI

    try:
        result = run_job(name, actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    if json:
        emit_json(result.as_dict())
    else:
        typer.echo(f"{result.name}: {result.outcome} ({result.duration_seconds:.2f} s) {result.detail}")
    if result.outcome in (BUSY, "failed"):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")
