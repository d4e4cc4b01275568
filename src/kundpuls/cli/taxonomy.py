"""``kundpuls text taxonomy export|import FILE``: the organisation's stored comment-theme taxonomy.

``export`` writes the taxonomy in force (the newest stored revision, else the shipped default) as YAML;
``import`` validates a YAML file and stores it as a new revision (an audit event by ``cli``). A file with
problems is refused with every problem named by its node path (``themes.pris.sv.words[2]``). Removing a
theme that alert rules or follow-up cases use is refused, naming them. Both take ``--json``. Every
organisation (root unit) has its own taxonomy: ``--organisation CODE`` names it, needed when there are
several.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError

taxonomy_app = typer.Typer(
    name="taxonomy",
    help="Organisationens temalista (lagrade versioner) / the stored comment-theme taxonomy.",
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(help="YAML-fil / YAML file", show_default=False)]
OrganisationOpt = Annotated[
    str | None,
    typer.Option(
        "--organisation",
        help="Organisationens kod (rotenhet) / the organisation's root unit code (needed when several)",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Skriv ett JSON-dokument / write one JSON document")]


def _summary(revision: int, keys: tuple[str, ...], file: Path) -> dict[str, Any]:
    return {"file": str(file), "revision": revision, "themes": list(keys)}


@taxonomy_app.command("export")
def export_command(file: FileArg, organisation: OrganisationOpt = None, json: JsonOpt = False) -> None:
    """Skriv gällande temalista som YAML / write the taxonomy in force as YAML."""
    setup_django()
    from kundpuls.web.org.tenancy import organisation_by_code
    from kundpuls.web.themes.queries import revision_number, taxonomy_in_force

    try:
        owner = organisation_by_code(organisation)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    taxonomy = taxonomy_in_force(owner)
    number = revision_number(owner)
    try:
        file.write_text(taxonomy.to_yaml(), encoding="utf-8")
    except OSError as exc:
        fail(f"FILE: cannot write {str(file)!r}: {exc.strerror}", as_json=json)
    if json:
        emit_json(_summary(number, taxonomy.keys, file))
        return
    source = f"version {number}" if number else "standard / shipped default"
    typer.echo(f"{len(taxonomy.keys)} teman / themes ({source}) → {file}")


@taxonomy_app.command("import")
def import_command(
    file: FileArg,
    note: Annotated[str, typer.Option("--note", help="Anteckning / note for the history")] = "",
    organisation: OrganisationOpt = None,
    json: JsonOpt = False,
) -> None:
    """Validera och spara en temalista som ny version / validate and store a taxonomy as a new revision."""
    setup_django()
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.tenancy import organisation_by_code
    from kundpuls.web.themes.actions import import_text
    from kundpuls.web.themes.problems import TaxonomyInvalid
    from kundpuls.web.themes.queries import taxonomy_in_force

    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"FILE: cannot read {str(file)!r}: {exc}", as_json=json)
    try:
        owner = organisation_by_code(organisation)
        revision = import_text(owner, text, actor=CLI, note=note)
    except TaxonomyInvalid as exc:
        if json:
            emit_json(
                {
                    "error": str(exc),
                    "errors": [
                        {"path": p.path, "message": m}
                        for p, m in zip(exc.problems, exc.messages(), strict=True)
                    ],
                }
            )
            raise typer.Exit(2) from exc
        for message in exc.messages():
            typer.echo(f"Fel / error: {message}", err=True)
        raise typer.Exit(2) from exc
    except KundpulsError as exc:
        fail(exc, as_json=json)
    keys = taxonomy_in_force(owner).keys
    if json:
        emit_json(_summary(revision.number, keys, file))
        return
    typer.echo(f"Version {revision.number} gäller / is in force: {len(keys)} teman / themes")
