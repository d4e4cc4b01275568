"""``kundpuls units import|export|merge``: the unit tree as a file, and merging two units."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError

units_app = typer.Typer(help="Enhetsträdet / the unit tree.", no_args_is_help=True)


@units_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="CSV or Excel: code,name,kind,parent_code,valid_from,valid_to.")
    ],
    json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Create or update units from a file; nothing is imported unless every row is valid."""
    setup_django()
    from kundpuls.table_input import read_table_file
    from kundpuls.web.org.actions import import_units
    from kundpuls.web.org.actors import CLI

    try:
        summary = import_units(read_table_file(file), actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    if json:
        emit_json(summary.to_dict())
    else:
        s = summary
        typer.echo(
            f"Nya / created: {s.created}, ändrade / updated: {s.updated}, flyttade / moved: {s.moved}, "
            f"oförändrade / unchanged: {s.unchanged}"
        )


@units_app.command("export")
def export_command(
    out: Annotated[Path | None, typer.Option("--out", help="Write CSV here (default: stdout).")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print the units as JSON instead of CSV.")] = False,
) -> None:
    """Write every unit in the import format (parents before children)."""
    setup_django()
    from kundpuls.web.org.actions import export_units, units_to_csv

    rows = export_units()
    if json:
        emit_json(rows)
        return
    if out is None:
        sys.stdout.write(units_to_csv(rows))
    else:
        out.write_text(units_to_csv(rows), encoding="utf-8")
        typer.echo(f"{len(rows)} enheter skrivna till / units written to {out}", err=True)


@units_app.command("merge")
def merge_command(
    source: Annotated[str, typer.Argument(help="Code of the unit that closes.")],
    target: Annotated[str, typer.Argument(help="Code of the unit that takes over its children.")],
    effective: Annotated[str, typer.Option("--effective", help="Day the merge takes effect, YYYY-MM-DD.")],
    json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Merge one unit into another: the source closes on the day, its children move to the target.

    The source keeps its responses and history (closed, pointing to the target); an audit event is written.
    """
    setup_django()
    from datetime import date

    from kundpuls.errors import ValidationError
    from kundpuls.web.org.actions import merge_units
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.queries import unit_by_code

    try:
        try:
            day = date.fromisoformat(effective)
        except ValueError:
            raise ValidationError(
                f"effective: {effective[:40]!r} is not a date (YYYY-MM-DD)",
                field="effective",
                value=effective[:40],
            ) from None
        merged = merge_units(unit_by_code(source), unit_by_code(target), effective=day, actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    result = {"source": merged.code, "target": target, "effective": day.isoformat(), "children_moved": True}
    if json:
        emit_json(result)
    else:
        typer.echo(f"{merged.code} sammanslagen med / merged into {target} från / from {day.isoformat()}")


def register(app: typer.Typer) -> None:
    app.add_typer(units_app, name="units")
