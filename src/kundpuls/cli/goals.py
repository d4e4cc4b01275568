"""``kundpuls goals status|set`` and ``kundpuls costs import``: goals, their fulfilment, unit costs."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError

goals_app = typer.Typer(help="Mål och måluppfyllelse / goals and fulfilment.", no_args_is_help=True)
costs_app = typer.Typer(help="Kostnad och volym per enhet / unit cost and volume.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@goals_app.command("status")
def status_command(
    unit: Annotated[str, typer.Option("--unit", help="Unit code; its leaf units are shown.")] = "",
    period: Annotated[str, typer.Option("--period", help="YYYY, YYYY-Qn or YYYY-MM.")] = str(
        date.today().year
    ),
    json: JsonOption = False,
) -> None:
    """Goal status per unit (met / not met / uncertain / suppressed / no data) and the roll-up."""
    setup_django()
    from kundpuls.web.goals.queries import goal_statuses, leaf_units_under, rollup_by_administration
    from kundpuls.web.org.models import Unit
    from kundpuls.web.org.queries import unit_by_code

    try:
        root = unit_by_code(unit) if unit else Unit.objects.filter(parent__isnull=True).first()
        units = (leaf_units_under(root) or [root]) if root else []
        rows = goal_statuses(units, period=period)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    goals = [r.to_dict() for r in rows]
    if json:
        emit_json({"period": period, "rollup": rollup_by_administration(rows), "goals": goals})
        return
    for g in goals:
        interval = f"{g['ci_low']:.1f}–{g['ci_high']:.1f}" if g["ci_low"] is not None else "–"
        head = f"{g['unit']:<14} {g['metric']:<16} mål {g['target']:>6.1f}"
        typer.echo(f"{head}  {interval:<12} n={g['n']:<5} {g['state']}")


@goals_app.command("set")
def set_command(
    unit: Annotated[str, typer.Argument(help="Unit code (the goal is inherited by the units below).")],
    metric: Annotated[str, typer.Argument(help="index:<NAME>, nps, response_rate or cases_in_time.")],
    target: Annotated[float, typer.Argument(help="Target on the metric's scale.")],
    period: Annotated[str, typer.Option("--period", help="YYYY, YYYY-Qn or YYYY-MM.")] = str(
        date.today().year
    ),
    survey: Annotated[
        str | None,
        typer.Option(
            "--survey", help="Survey key, ORG:KEY where several organisations use it (not for cases_in_time)."
        ),
    ] = None,
    lower_is_better: Annotated[bool, typer.Option("--lower-is-better")] = False,
    json: JsonOption = False,
) -> None:
    """Set a goal for a unit."""
    setup_django()
    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.queries import unit_by_code
    from kundpuls.web.surveys.queries import survey_by_key

    try:
        goal = set_goal(
            unit_by_code(unit),
            metric,
            period,
            target,
            survey=survey_by_key(survey, actor=CLI) if survey else None,
            higher_is_better=not lower_is_better,
            actor=CLI,
        )
    except KundpulsError as exc:
        fail(exc, as_json=json)
    result = {"unit": unit, "metric": goal.metric, "period": goal.period, "target": goal.target}
    emit_json(result) if json else typer.echo(f"{unit} {goal.metric} {goal.period}: {goal.target:g}")


@costs_app.command("import")
def costs_import_command(
    file: Annotated[Path, typer.Argument(help="CSV or Excel: unit, period, cost, volume.")],
    json: JsonOption = False,
) -> None:
    """Import unit cost and customers served per period; nothing is imported unless every row is valid."""
    setup_django()
    from kundpuls.table_input import file_bytes
    from kundpuls.web.goals.actions import import_costs
    from kundpuls.web.org.actors import CLI

    try:
        summary = import_costs(file.name, file_bytes(file), actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    emit_json(summary) if json else typer.echo(
        f"Nya / created: {summary['created']}, ändrade / updated: {summary['updated']}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(goals_app, name="goals")
    app.add_typer(costs_app, name="costs")
