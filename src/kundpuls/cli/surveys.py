"""``kundpuls surveys …``: templates, import, publish, open/close for units, links, QR codes, paper
questionnaires and counts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError, NotFound

surveys_app = typer.Typer(help="Enkäter / surveys.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as one JSON document.")]


def _echo_rows(rows: list[dict[str, Any]], columns: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    Console().print(table)


@surveys_app.command("templates")
def templates_command(json: JsonOption = False) -> None:
    """List the template library (validated instruments with their codebooks)."""
    from kundpuls.instruments import list_templates

    rows = [
        {"key": t.key, "title": t.title.sv, "title_en": t.title.en, "questions": t.questions}
        for t in list_templates()
    ]
    if json:
        emit_json(rows)
    else:
        _echo_rows(rows, ["key", "title", "questions"])


def _owner(code: str) -> Any:
    from kundpuls.web.org.queries import unit_by_code

    return unit_by_code(code)


@surveys_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A survey definition (YAML or JSON).")],
    owner: Annotated[str, typer.Option(help="Code of the unit that owns the survey.")],
    publish_now: Annotated[bool, typer.Option("--publish", help="Publish the new version at once.")] = False,
    json: JsonOption = False,
) -> None:
    """Validate a definition file and store it as a new (draft) version of its survey."""
    setup_django()
    from kundpuls.instruments import load_definition
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.actions import publish, save_definition

    try:
        definition = load_definition(file)
        version = save_definition(definition, owner=_owner(owner), actor=CLI)
        if publish_now:
            version = publish(version, actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    result = {"survey": version.survey.key, "version": version.number, "published": version.is_published}
    if json:
        emit_json(result)
    else:
        typer.echo(
            f"{result['survey']} v{result['version']} ({'publicerad' if result['published'] else 'utkast'})"
        )


@surveys_app.command("from-template")
def from_template_command(
    template: Annotated[str, typer.Argument(help="Template key, see `kundpuls surveys templates`.")],
    owner: Annotated[str, typer.Option(help="Code of the unit that owns the survey.")],
    publish_now: Annotated[bool, typer.Option("--publish", help="Publish at once.")] = False,
    json: JsonOption = False,
) -> None:
    """Create a survey from the template library."""
    setup_django()
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.actions import create_from_template, publish

    try:
        version = create_from_template(template, owner=_owner(owner), actor=CLI)
        if publish_now:
            version = publish(version, actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    result = {"survey": version.survey.key, "version": version.number, "published": version.is_published}
    emit_json(result) if json else typer.echo(f"{result['survey']} v{result['version']}")


@surveys_app.command("publish")
def publish_command(
    key: Annotated[str, typer.Argument(help="Survey key (ORG:KEY where several organisations use it).")],
    json: JsonOption = False,
) -> None:
    """Publish the newest version of a survey (it is frozen from then on)."""
    setup_django()
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.actions import publish
    from kundpuls.web.surveys.queries import survey_by_key

    try:
        survey = survey_by_key(key, actor=CLI)
        latest = survey.versions.order_by("-number").first()
        if latest is None:
            fail(f"survey: {key!r} has no version to publish", as_json=json)
        version = publish(latest, actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    emit_json({"survey": key, "version": version.number}) if json else typer.echo(
        f"{key} v{version.number} publicerad"
    )


@surveys_app.command("open")
def open_command(
    key: Annotated[str, typer.Argument(help="Survey key (ORG:KEY where several organisations use it).")],
    unit: Annotated[list[str] | None, typer.Option(help="Unit code (repeatable).")] = None,
    all_units: Annotated[
        bool, typer.Option("--all-units", help="Every active unit without children.")
    ] = False,
    channel: Annotated[str, typer.Option(help="link, qr, invitation, api or import.")] = "link",
    json: JsonOption = False,
) -> None:
    """Open a published survey for units; prints each public link."""
    setup_django()
    from kundpuls.config import get_config
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.actions import open_distribution
    from kundpuls.web.surveys.queries import survey_by_key

    try:
        survey = survey_by_key(key, actor=CLI)
        if all_units:
            units = list(
                Unit.objects.filter(
                    path__startswith=survey.owner.path, valid_to__isnull=True, children__isnull=True
                )
            )
        else:
            units = [_owner(code) for code in unit or []]
        if not units:
            fail("unit: name at least one unit (--unit CODE) or use --all-units", as_json=json)
        opened = [open_distribution(survey, u, channel=channel, actor=CLI) for u in units]
    except KundpulsError as exc:
        fail(exc, as_json=json)
    base = get_config().base_url
    rows = [{"unit": d.unit.code, "channel": d.channel, "url": f"{base}{d.public_path}"} for d in opened]
    emit_json(rows) if json else _echo_rows(rows, ["unit", "channel", "url"])


@surveys_app.command("close")
def close_command(
    key: Annotated[str, typer.Argument(help="Survey key (ORG:KEY where several organisations use it).")],
    unit: Annotated[str | None, typer.Option(help="Close only this unit's distributions.")] = None,
    json: JsonOption = False,
) -> None:
    """Close a survey (or one unit's distributions of it)."""
    setup_django()
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.actions import close_distribution, close_survey
    from kundpuls.web.surveys.queries import survey_by_key

    try:
        survey = survey_by_key(key, actor=CLI)
        if unit:
            closed = [close_distribution(d, actor=CLI) for d in survey.distributions.filter(unit__code=unit)]
            count = len(closed)
        else:
            count = survey.distributions.filter(closed_at__isnull=True).count()
            close_survey(survey, actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    emit_json({"survey": key, "closed_distributions": count}) if json else typer.echo(
        f"{count} stängda / closed"
    )


@surveys_app.command("list")
def list_command(json: JsonOption = False) -> None:
    """Every survey: versions, status, open distributions, responses."""
    setup_django()
    from kundpuls.web.surveys.queries import survey_rows

    rows = survey_rows()
    if json:
        emit_json(rows)
    else:
        _echo_rows(
            rows, ["key", "title", "owner", "published_version", "status", "open_distributions", "responses"]
        )


@surveys_app.command("links")
def links_command(
    survey: Annotated[str | None, typer.Option(help="Only this survey.")] = None, json: JsonOption = False
) -> None:
    """Every open distribution with its unit and public URL."""
    setup_django()
    from kundpuls.config import get_config
    from kundpuls.web.surveys.queries import open_links

    rows = open_links(get_config().base_url, survey_key=survey)
    emit_json(rows) if json else _echo_rows(rows, ["survey", "unit", "unit_name", "channel", "state", "url"])


@surveys_app.command("qr")
def qr_command(
    key: Annotated[str, typer.Argument(help="Survey key (ORG:KEY where several organisations use it).")],
    unit: Annotated[str, typer.Option(help="Unit code.")],
    out: Annotated[Path, typer.Option(help="Output file: .svg, .png or .pdf (an A5 poster).")],
) -> None:
    """Write the QR code (SVG/PNG) or a printable A5 poster (PDF) of a unit's open link."""
    setup_django()
    from kundpuls.web.surveys.posters import distribution_download

    try:
        content = distribution_download(key, unit, out.suffix.lstrip(".").lower())
    except KundpulsError as exc:
        fail(exc)
    out.write_bytes(content)
    typer.echo(f"{out} ({len(content)} bytes)", err=True)


@surveys_app.command("paper")
def paper_command(
    survey: Annotated[str, typer.Option(help="Survey key.")],
    unit: Annotated[str, typer.Option(help="Unit code.")],
    out: Annotated[Path, typer.Option(help="Output PDF file.")],
    copies: Annotated[int, typer.Option(help="Number of copies, each with its own form id (1–500).")] = 1,
    lang: Annotated[str, typer.Option(help="Language of the questionnaire: sv or en.")] = "sv",
    json: JsonOption = False,
) -> None:
    """Print paper questionnaires (A4 PDF) of a survey's current version for a unit: one copy per new form
    id, recorded so that the data-entry page accepts exactly these ids for this survey and unit."""
    setup_django()
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.paper.printing import print_questionnaires
    from kundpuls.web.surveys.queries import survey_by_key

    try:
        found = survey_by_key(survey, actor=CLI)
        unit_row = Unit.objects.filter(code=unit, path__startswith=found.owner.path).first()
        if unit_row is None:
            raise NotFound(f"unit: {unit!r} is not a unit of survey {survey!r}'s organisation")
        run = print_questionnaires(found, unit_row, copies=copies, language=lang, actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    out.write_bytes(run.pdf)
    result = {"file": str(out), "bytes": len(run.pdf), "version": run.version, "form_ids": run.form_ids}
    if json:
        emit_json(result)
    else:
        typer.echo(f"{out} ({len(run.pdf)} bytes): {len(run.form_ids)} copies, version {run.version}")
        typer.echo("\n".join(run.form_ids))


@surveys_app.command("counts")
def counts_command(
    key: Annotated[str, typer.Argument(help="Survey key (ORG:KEY where several organisations use it).")],
    json: JsonOption = False,
) -> None:
    """Responses per unit and day."""
    setup_django()
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.queries import responses_per_unit_and_day, survey_by_key

    try:
        rows = responses_per_unit_and_day(survey_by_key(key, actor=CLI))
    except KundpulsError as exc:
        fail(exc, as_json=json)
    emit_json(rows) if json else _echo_rows(rows, ["day", "unit", "responses"])


def register(app: typer.Typer) -> None:
    app.add_typer(surveys_app, name="surveys")
