"""``kundpuls invitations …`` (import, send, remind, status, bounces, retention) and ``kundpuls worker``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError

invitations_app = typer.Typer(help="Personliga inbjudningar / personal invitations.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as one JSON document.")]
SurveyOption = Annotated[
    str, typer.Option("--survey", help="Key of the survey (ORG:KEY where several organisations use it).")
]


def _survey(key: str, as_json: bool) -> Any:
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.queries import survey_by_key

    try:
        return survey_by_key(key, actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=as_json)


def _emit(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(result)
    else:
        typer.echo(" · ".join(f"{k}: {v}" for k, v in result.items()))


@invitations_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="Recipient list (CSV or Excel).")],
    survey: SurveyOption,
    json: JsonOption = False,
) -> None:
    """Validate a recipient list and invite everyone on it (or no one, listing every bad row)."""
    setup_django()
    from kundpuls.web.invitations.actions import import_recipients
    from kundpuls.web.invitations.recipients import table_from_file
    from kundpuls.web.org.actors import CLI

    target = _survey(survey, json)
    try:
        summary = import_recipients(target, table_from_file(file), actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    _emit({"survey": target.key, "invited": summary.invited, "units": summary.units}, json)


def _queue(target: Any, planned: int, json: bool, *, step: str) -> None:
    from kundpuls.web.invitations.tasks import enqueue_due

    queued = enqueue_due(target)
    _emit({"survey": target.key, "step": step, "planned": planned, "queued": queued}, json)


@invitations_app.command("send")
def send_command(survey: SurveyOption, json: JsonOption = False) -> None:
    """Plan the invitation mail for everyone not yet invited and queue it for the worker."""
    setup_django()
    from kundpuls.web.invitations.actions import plan_invitations
    from kundpuls.web.org.actors import CLI

    target = _survey(survey, json)
    _queue(target, plan_invitations(target, actor=CLI), json, step="invitation")


@invitations_app.command("remind")
def remind_command(
    survey: SurveyOption,
    after_days: Annotated[int, typer.Option(min=0, help="Days after the last mail.")] = 7,
    max_reminders: Annotated[int, typer.Option(min=0, help="At most this many reminders per person.")] = 2,
    json: JsonOption = False,
) -> None:
    """Plan a reminder for everyone who has not answered (after N days, at most K) and queue it."""
    setup_django()
    from kundpuls.web.invitations.actions import plan_reminders
    from kundpuls.web.org.actors import CLI

    target = _survey(survey, json)
    planned = plan_reminders(target, after_days=after_days, max_reminders=max_reminders, actor=CLI)
    _queue(target, planned, json, step="reminder")


@invitations_app.command("status")
def status_command(survey: SurveyOption, json: JsonOption = False) -> None:
    """Per unit: invited, reached, answered and the response rate (with its 95 % Wilson interval)."""
    setup_django()
    from kundpuls.web.invitations.queries import delivery_counts, unit_rates

    target = _survey(survey, json)
    units = [r.as_dict() for r in unit_rates(target)]
    result = {"survey": target.key, "units": units, "deliveries": delivery_counts(target)}
    if json:
        emit_json(result)
        return
    for row in units:
        typer.echo(
            f"{row['unit_code']}: invited {row['invited']}, reached {row['reached']}, "
            f"answered {row['answered']}, rate {row['estimate']} %"
        )


@invitations_app.command("retention")
def retention_command(json: JsonOption = False) -> None:
    """Delete the contact data of surveys closed longer ago than KUNDPULS_CONTACT_RETENTION_DAYS, and waiting
    paper entries (first of a double entry) that old."""
    setup_django()
    from kundpuls.web.invitations.actions import apply_retention, retention_days
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.paper.actions import apply_entry_retention

    summary = apply_retention(actor=CLI)
    paper_entries = apply_entry_retention(actor=CLI)
    _emit(
        {
            "retention_days": retention_days(),
            "surveys": summary.surveys,
            "contacts_deleted": summary.contacts_deleted,
            "progress_cleared": summary.progress_cleared,
            "paper_entries_deleted": paper_entries,
        },
        json,
    )


@invitations_app.command("bounces")
def bounces_command(
    maildir: Annotated[
        Path | None, typer.Option(help="Maildir where bounces arrive (default KUNDPULS_BOUNCE_MAILDIR).")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Record the bounces that came back by mail (run it from cron, e.g. every 15 minutes)."""
    setup_django()
    from kundpuls.web.invitations.bounces import read_bounces

    try:
        summary = read_bounces(maildir)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    _emit(summary.as_dict(), json)


def worker_command(
    batch: Annotated[bool, typer.Option("--batch", help="Run every queued task, then stop.")] = False,
    jobs: Annotated[
        bool,
        typer.Option(
            "--jobs/--no-jobs", help="Also run the scheduled jobs (sync, bounces, overdue cases, retention)."
        ),
    ] = True,
) -> None:
    """Run background tasks (invitation mails: Django's ``db_worker``) and the scheduled jobs.

    The scheduled jobs (``kundpuls jobs status``; how often: docs/operations.md) run in a thread
    beside the tasks, each under a lock shared by every worker on every machine; with ``--batch`` the jobs
    that are due run once before the queued tasks.

    On start it also finishes the follow-up (alert rules, cases) of any stored response a crash interrupted.

    On start it queues again every due mail still waiting: a worker killed between taking a task and
    claiming its mail leaves that task marked running forever, and its mail would otherwise never go out
    (a second task for a mail is harmless: only one can claim it). Webhook deliveries still waiting are
    queued again the same way, after those left "sending" by a killed worker are put back.
    """
    setup_django()
    from django.core.management import call_command

    from kundpuls.web.invitations.tasks import enqueue_due
    from kundpuls.web.operations.actions import run_due_jobs
    from kundpuls.web.operations.scheduler import start_scheduler
    from kundpuls.web.org.actors import WORKER
    from kundpuls.web.responses.actions import complete_pending_followups
    from kundpuls.web.webhooks.tasks import enqueue_waiting

    enqueue_due()
    enqueue_waiting()
    complete_pending_followups(actor=WORKER)  # follow-ups a crash interrupted (a case per response at most)

    if jobs and batch:
        run_due_jobs(actor=WORKER)
    elif jobs:
        start_scheduler(actor=WORKER)
    arguments = ["--no-reload"] + (["--batch"] if batch else [])
    call_command("db_worker", *arguments)


def register(app: typer.Typer) -> None:
    app.add_typer(invitations_app, name="invitations")
    app.command("worker")(worker_command)
