"""``kundpuls backup`` and ``kundpuls restore``: a consistent copy of a running installation, and back.

See :mod:`kundpuls.web.operations.backup` for what a backup holds and ``docs/operations.md`` for a
schedule and retention.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as one JSON document.")]


def backup_command(
    out: Annotated[Path | None, typer.Option("--out", help="Write the backup to this new file.")] = None,
    verify: Annotated[
        Path | None,
        typer.Option("--verify", help="Check this backup file whole instead (exit 1 if damaged)."),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Back up the database (SQLite online backup or pg_dump), the lake and the settings (not the secret)."""
    if (out is None) == (verify is None):
        fail("give either --out FILE (make a backup) or --verify FILE (check one)", as_json=json)
    setup_django()
    from kundpuls.web.operations.backup import create_backup, verify_backup

    try:
        if verify is not None:
            manifest = verify_backup(verify)
            result = {
                "verified": str(verify),
                "ok": True,
                "created_at": manifest["created_at"],
                "vendor": manifest["vendor"],
                "responses": manifest["responses"],
                "members": len(manifest["members"]),
            }
        else:
            assert out is not None
            result = create_backup(out).as_dict()
    except KundpulsError as exc:
        fail(exc, as_json=json, code=1)
    if json:
        emit_json(result)
    else:
        typer.echo(" · ".join(f"{k}: {v}" for k, v in result.items()))


def restore_command(
    file: Annotated[Path, typer.Argument(help="A backup made by kundpuls backup.")],
    json: JsonOption = False,
) -> None:
    """Restore a backup into an empty database and lake folder (refuses to overwrite anything)."""
    setup_django()
    from kundpuls.web.operations.backup import restore_backup

    try:
        result = restore_backup(file)
    except KundpulsError as exc:
        fail(exc, as_json=json, code=1)
    if json:
        emit_json(result)
        return
    typer.echo(
        f"Återställd / restored: {result['responses']} svar / responses, {result['lake_files']} "
        f"sjöfiler / lake files, från / from {result['created_at']} (Kundpuls {result['kundpuls_version']})"
    )
    typer.echo("Inställningar i säkerhetskopian / settings in the backup:")
    for key, value in result["settings"].items():
        typer.echo(f"  {key} = {value}")
    typer.echo("Kör / run: kundpuls migrate, then start serve and worker (the worker syncs the lake).")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
