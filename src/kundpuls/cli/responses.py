"""``kundpuls responses``: old responses in (``import``), respondent data out (``export``), erasure.

``import FILE --survey KEY [--mapping MAP.yaml] [--dry-run]`` reads CSV, Excel or SPSS (see
:mod:`kundpuls.web.responses.history`): all rows or none, every problem named by row, column and value, and
a second run of the same file stores nothing new.

``erase``: a data-protection request from the command line.

The subject is a submission id (with or without dashes), a receipt code (the short code of the thank-you
page) or the e-mail address of an invited person. ``--dry-run`` shows what would go (counts, units, dates —
never answers or contact details); without it everything found is erased in the database, the lake and the
cache of report results, and an audit event is written (see :func:`kundpuls.web.responses.actions.erase`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import InvalidArgument, KundpulsError, NotFound

responses_app = typer.Typer(
    help="Svar / stored responses: import of old responses, export of respondent data, erasure.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _describe(summary: dict[str, Any], *, done: bool) -> None:
    verb = "Raderat / erased" if done else "Skulle raderas / would be erased"
    typer.echo(f"{verb}:")
    for kind, number in summary["counts"].items():
        typer.echo(f"  {kind}: {number}")
    if summary["units"]:
        typer.echo(f"  enheter / units: {', '.join(summary['units'])}")
    if summary["first_submitted"]:
        typer.echo(f"  inskickade / submitted: {summary['first_submitted']} – {summary['last_submitted']}")
    if summary["receipts"]:
        typer.echo(f"  kvittokoder / receipts: {', '.join(summary['receipts'])}")
    lake = summary.get("lake")
    if lake:
        typer.echo(f"  sjön / lake: {lake['responses']} svar, {lake['comments']} kommentarer")


@responses_app.command("erase")
def erase_command(
    subject: Annotated[
        str,
        typer.Argument(
            help="Inlämnings-id, kvittokod eller e-post / submission id, receipt code or e-mail address."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Visa bara vad som skulle raderas / only show what would go.")
    ] = False,
    json: JsonOption = False,
) -> None:
    """Radera allt om en svarande (dataskyddsbegäran) / erase everything kept about one respondent."""
    setup_django()
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.responses.actions import erase
    from kundpuls.web.responses.erasure import parse_subject, plan_erasure

    try:
        parsed = parse_subject(subject)
        if dry_run:
            plan = plan_erasure(parsed)
            if plan.empty:
                raise NotFound(f"subject: nothing is kept about this {parsed.kind}")
            summary = {**plan.summary(), "erased": False}
        else:
            summary = erase(parsed, actor=CLI).summary()
    except NotFound as exc:
        fail(exc, as_json=json, code=1)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    if json:
        emit_json(summary)
    else:
        _describe(summary, done=not dry_run)


def _describe_import(summary: dict[str, Any]) -> None:
    if summary["dry_run"]:
        typer.echo(
            f"Provkörning / dry run: {summary['rows']} rader godkända / rows accepted, "
            f"{summary['already_stored']} redan lagrade / already stored; inget sparades / nothing stored"
        )
    else:
        typer.echo(
            f"Importerade / imported: {summary['stored']} nya svar / new responses, "
            f"{summary['already_stored']} redan lagrade / already stored"
        )
    for code, count in summary["per_unit"].items():
        typer.echo(f"  {code}: {count}")
    if summary["first_submitted"]:
        typer.echo(
            f"  inskickade / submitted: {summary['first_submitted'][:10]} – {summary['last_submitted'][:10]}"
        )


@responses_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="CSV, Excel (.xlsx) eller SPSS (.sav) med gamla svar / old responses.")
    ],
    survey: Annotated[
        str,
        typer.Option(
            "--survey", help="Enkätens nyckel / the survey's key (ORG:KEY where several organisations use it)"
        ),
    ],
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", help="MAP.yaml: kolumner och värden / columns and values (docs/import-export.md)."
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Kontrollera allt, spara inget / check everything, store nothing."),
    ] = False,
    json: JsonOption = False,
) -> None:
    """Importera gamla svar (allt eller inget) / import old responses into a survey (all or nothing)."""
    setup_django()
    from kundpuls.table_input import file_bytes
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.responses.actions import import_history
    from kundpuls.web.responses.history import HISTORY_LIMITS, MAX_MAPPING_CHARS, read_history, read_mapping
    from kundpuls.web.surveys.queries import survey_by_key

    try:
        target = survey_by_key(survey, actor=CLI)
        mapping_text = None
        if mapping is not None:
            try:
                mapping_text = mapping.read_text(encoding="utf-8")[: MAX_MAPPING_CHARS + 1]
            except (OSError, UnicodeDecodeError) as exc:
                raise InvalidArgument(
                    f"mapping: cannot read {str(mapping)!r} as UTF-8 text ({type(exc).__name__})",
                    field="mapping",
                    value=str(mapping),
                ) from exc
        history = read_history(
            target, file.name, file_bytes(file, limits=HISTORY_LIMITS), read_mapping(mapping_text)
        )
        summary = import_history(history, actor=CLI, dry_run=dry_run, file_name=file.name).summary()
    except NotFound as exc:
        fail(exc, as_json=json, code=1)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    summary["columns"] = history.columns()
    if json:
        emit_json(summary)
    else:
        _describe_import(summary)


@responses_app.command("export")
def export_command(
    survey: Annotated[
        str,
        typer.Option(
            "--survey", help="Enkätens nyckel / the survey's key (ORG:KEY where several organisations use it)"
        ),
    ],
    file_format: Annotated[str, typer.Option("--format", help="csv, xlsx, sav eller/or parquet.")],
    out: Annotated[Path, typer.Option("--out", help="Filen som skrivs / the file to write.")],
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Enhetskod: enheten och dess underenheter / unit and subtree."),
    ] = None,
    first: Annotated[str | None, typer.Option("--from", help="Första månad / first month, YYYY-MM.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Sista månad / last month, YYYY-MM.")] = None,
    precision: Annotated[
        str,
        typer.Option(
            "--precision",
            help="Svarstid i filen: quarter (kvartalets första dag) eller month / the time a response "
            "came in, as its quarter or its month; the anonymity rule counts groups of the same size.",
        ),
    ] = "quarter",
    json: JsonOption = False,
) -> None:
    """Exportera svar per svarande med kodbok / export respondent-level data with its codebook."""
    setup_django()
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.responses.actions import export_responses
    from kundpuls.web.responses.export import parse_month
    from kundpuls.web.surveys.queries import survey_by_key

    try:
        target = survey_by_key(survey, actor=CLI)
        scope = None
        if unit is not None:
            scope = Unit.objects.filter(code=unit).first()
            if scope is None:
                raise NotFound(f"unit: no unit {unit!r}")
        result = export_responses(
            target,
            file_format=file_format,
            actor=CLI,
            unit=scope,
            first_month=parse_month(first, field="from"),
            last_month=parse_month(last, field="to"),
            precision=precision,
        )
        codebook = out.with_name(f"{out.stem}-kodbok.csv")
        try:
            out.write_bytes(result.content)
            codebook.write_bytes(result.codebook)
        except OSError as exc:
            raise InvalidArgument(
                f"out: cannot write {str(out)!r} ({type(exc).__name__})", field="out", value=str(out)
            ) from exc
    except NotFound as exc:
        fail(exc, as_json=json, code=1)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    summary = {**result.summary(), "out": str(out), "codebook": str(codebook)}
    if json:
        emit_json(summary)
    else:
        typer.echo(f"{summary['rows']} svar / responses → {out} (kodbok / codebook: {codebook})")


def register(app: typer.Typer) -> None:
    app.add_typer(responses_app, name="responses")
