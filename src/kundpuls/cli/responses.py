"""``kundpuls responses erase``: a data-protection request from the command line.

The subject is a submission id (with or without dashes), a receipt code (the short code of the thank-you
page) or the e-mail address of an invited person. ``--dry-run`` shows what would go (counts, units, dates —
never answers or contact details); without it everything found is erased in the database, the lake and the
cache of report results, and an audit event is written (see :func:`kundpuls.web.responses.actions.erase`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError, NotFound

responses_app = typer.Typer(help="Svar / stored responses (data-protection requests).", no_args_is_help=True)

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


def register(app: typer.Typer) -> None:
    app.add_typer(responses_app, name="responses")
