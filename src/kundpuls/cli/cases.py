"""``kundpuls cases list|export|overdue|purge-contacts|rules``: follow-up cases from the command line.

Lists and exports never contain contact details or answers (see :func:`kundpuls.web.cases.queries.case_row`).
``overdue`` and ``purge-contacts`` are the periodic tasks (run them e.g. hourly and nightly from cron).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError
from kundpuls.render.formula_guard import csv_record

cases_app = typer.Typer(help="Uppföljningsärenden / follow-up cases.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _rows(unit: str | None, status: str | None) -> list[dict[str, Any]]:
    from kundpuls.web.cases.models import Case
    from kundpuls.web.cases.queries import case_row

    query = Case.objects.select_related("unit", "survey", "assignee").order_by("pk")
    if unit:
        query = query.filter(unit__path__startswith=_unit(unit).path)
    if status:
        query = query.filter(status=status)
    return [case_row(c) for c in query]


def _unit(code: str) -> Any:
    from kundpuls.web.org.queries import unit_by_code

    return unit_by_code(code)


@cases_app.command("list")
def list_command(
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit's subtree (unit code).")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="new, contacted, resolved or closed.")
    ] = None,
    json: JsonOption = False,
) -> None:
    """List cases (no personal data)."""
    setup_django()
    try:
        rows = _rows(unit, status)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    if json:
        emit_json(rows)
        return
    for r in rows:
        flag = " FÖRSENAT/OVERDUE" if r["overdue"] else ""
        typer.echo(f"{r['id']:>6}  {r['unit']:<14} {r['status']:<10} {r['due_date']}{flag}")


@cases_app.command("export")
def export_command(
    out: Annotated[Path | None, typer.Option("--out", help="Write CSV here (default: stdout).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit's subtree.")] = None,
    json: JsonOption = False,
) -> None:
    """Export every case as CSV (or JSON), without personal data."""
    setup_django()
    try:
        rows = _rows(unit, None)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    if json:
        emit_json(rows)
        return
    fields = list(rows[0]) if rows else ["id"]
    handle = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(csv_record({k: ("|".join(v) if isinstance(v, list) else v) for k, v in row.items()}))
    if out:
        handle.close()


@cases_app.command("overdue")
def overdue_command(json: JsonOption = False) -> None:
    """Flag overdue cases and e-mail the unit managers (once per case per overdue event); first finish the
    follow-up of any stored response whose follow-up was interrupted (a crash after it was stored)."""
    setup_django()
    from kundpuls.web.cases.actions import notify_overdue
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.responses.actions import complete_pending_followups

    followups = complete_pending_followups(actor=CLI, older_than_seconds=60)
    mailed = notify_overdue(actor=CLI)
    if json:
        emit_json({"mailed": mailed, "followups_completed": followups})
    else:
        typer.echo(f"Försenade ärenden aviserade / notified: {mailed}")
        typer.echo(f"Avbrutna uppföljningar slutförda / interrupted follow-ups completed: {followups}")


@cases_app.command("purge-contacts")
def purge_command(json: JsonOption = False) -> None:
    """Delete contact details of cases closed longer ago than KUNDPULS_CASE_CONTACT_RETENTION_DAYS, and of
    responses that opened no case, KUNDPULS_UNUSED_CONTACT_RETENTION_DAYS after they were stored."""
    setup_django()
    from kundpuls.web.cases.actions import purge_contact_details, purge_unused_contact_details
    from kundpuls.web.org.actors import CLI

    purged = purge_contact_details(actor=CLI)
    unused = purge_unused_contact_details(actor=CLI)
    if json:
        emit_json({"purged": purged, "without_case": unused})
    else:
        typer.echo(f"Raderade kontaktuppgifter för avslutade ärenden / purged for closed cases: {purged}")
        typer.echo(f"Raderade kontaktuppgifter utan ärende / purged without a case: {unused}")


@cases_app.command("rules")
def rules_command(
    survey: Annotated[str, typer.Argument(help="Survey key (ORG:KEY where several organisations use it).")],
    file: Annotated[Path, typer.Argument(help="Alert rules, YAML or JSON.")],
    json: JsonOption = False,
) -> None:
    """Validate and store a survey's alert rules (errors name the path and the value)."""
    setup_django()
    from kundpuls.web.cases.actions import save_rules
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.queries import survey_by_key

    try:
        ruleset = save_rules(survey_by_key(survey, actor=CLI), file.read_text(encoding="utf-8"), actor=CLI)
    except (KundpulsError, OSError) as exc:
        fail(exc if isinstance(exc, KundpulsError) else str(exc), as_json=json)
    result = {"survey": survey, "revision": ruleset.revision, "rules": len(ruleset.rules.get("rules", []))}
    emit_json(result) if json else typer.echo(
        f"{survey}: {result['rules']} regler / rules (r{ruleset.revision})"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")
