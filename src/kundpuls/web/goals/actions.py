"""Changes to goals, improvement actions and unit costs; each leaves an audit event."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kundpuls.errors import ValidationError
from kundpuls.table_input import read_table
from kundpuls.web.goals.cost_import import read_cost_rows
from kundpuls.web.goals.metrics import check_metric, survey_definition
from kundpuls.web.goals.models import Goal, ImprovementAction, UnitCost
from kundpuls.web.goals.periods import parse_period
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor, user_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require, require_organisation
from kundpuls.web.surveys.models import Survey
from kundpuls.web.webhooks.events import emit


@transaction.atomic
def set_goal(
    unit: Unit,
    metric: str,
    period: str,
    target: float | str,
    *,
    survey: Survey | None = None,
    higher_is_better: bool = True,
    actor: Actor,
) -> Goal:
    """Set (or change) the target of ``metric`` for ``unit`` and, by inheritance, the units below it."""
    require(actor, Capability.MANAGE_SURVEYS, unit)
    if survey is not None:
        require_organisation(actor, survey.organisation_id, what=f"survey {survey.key!r}", unit=unit)
    label = parse_period(period).label
    check_metric(metric, survey)
    try:
        value = float(target)
    except (TypeError, ValueError):
        raise ValidationError(
            _("target: %(value)r is not a number") % {"value": target}, field="target", value=target
        ) from None
    if metric != "nps" and not 0 <= value <= 100:
        raise ValidationError(
            _("target: %(value)s is outside 0–100") % {"value": f"{value:g}"}, field="target", value=target
        )
    if metric == "nps" and not -100 <= value <= 100:
        raise ValidationError(
            _("target: %(value)s is outside −100–100") % {"value": f"{value:g}"}, field="target", value=target
        )
    goal, _created = Goal.objects.update_or_create(
        unit=unit,
        survey=None if metric == "cases_in_time" else survey,
        metric=metric,
        period=label,
        defaults={
            "target": value,
            "higher_is_better": higher_is_better,
            "created_by": user_of(actor),
        },
    )
    record_audit(actor, "goals.set", unit.code, metric=metric, period=label, goal=value)
    _goal_changed(goal, removed=False)
    return goal


def _goal_changed(goal: Goal, *, removed: bool) -> None:
    """``goal.changed`` for webhooks (issue 20), in the transaction of the change."""
    emit(
        "goal.changed",
        unit_path=goal.unit.path,
        subject=f"goal:{goal.pk}:{uuid.uuid4()}",
        data={
            "unit": goal.unit.code,
            "survey": goal.survey.key if goal.survey is not None else None,
            "metric": goal.metric,
            "period": goal.period,
            "target": goal.target,
            "higher_is_better": goal.higher_is_better,
            "removed": removed,
        },
    )


@transaction.atomic
def remove_goal(goal: Goal, *, actor: Actor) -> None:
    require(actor, Capability.MANAGE_SURVEYS, goal.unit)
    record_audit(actor, "goals.remove", goal.unit.code, metric=goal.metric, period=goal.period)
    _goal_changed(goal, removed=True)
    goal.delete()


@transaction.atomic
def add_improvement_action(
    unit: Unit,
    survey: Survey,
    driver: str,
    title: str,
    *,
    owner: Any,
    started: date,
    due_date: date,
    actor: Actor,
) -> ImprovementAction:
    """An improvement action on ``driver`` (an index of the survey's codebook)."""
    require(actor, Capability.HANDLE_CASES, unit)
    require_organisation(actor, survey.organisation_id, what=f"survey {survey.key!r}", unit=unit)
    if driver not in survey_definition(survey).codebook.indices:
        raise ValidationError(
            _("driver: %(driver)r is not an index of %(key)r") % {"driver": driver, "key": survey.key},
            field="driver",
            value=driver,
        )
    if not title.strip():
        raise ValidationError(_("title: must not be empty"), field="title", value=title)
    if due_date < started:
        raise ValidationError(
            _("due_date: %(due)s is before %(started)s") % {"due": due_date, "started": started},
            field="due_date",
            value=str(due_date),
        )
    action = ImprovementAction.objects.create(
        unit=unit,
        survey=survey,
        driver=driver,
        title=title.strip(),
        owner=owner,
        started=started,
        due_date=due_date,
    )
    record_audit(actor, "goals.action.add", unit.code, improvement_action=action.pk, driver=driver)
    return action


@transaction.atomic
def mark_action_done(action: ImprovementAction, done: date, *, actor: Actor) -> ImprovementAction:
    require(actor, Capability.HANDLE_CASES, action.unit)
    action.done_at = done
    action.save(update_fields=["done_at"])
    record_audit(
        actor, "goals.action.done", action.unit.code, improvement_action=action.pk, done=done.isoformat()
    )
    return action


@transaction.atomic
def import_costs(name: str, content: bytes, *, actor: Actor) -> dict[str, int]:
    """Import unit cost and volume per period: all rows or none (``ImportRowsError`` lists bad rows).

    The file is read within the limits of :mod:`kundpuls.table_input` (a ``TableInputError`` otherwise).
    """
    table = read_table(name, content)
    units = {u.code: u for u in Unit.objects.all()}
    rows = read_cost_rows(table, set(units))
    for row in rows:
        require(actor, Capability.MANAGE_SURVEYS, units[row.unit])
    created = updated = 0
    for row in rows:
        _cost, was_created = UnitCost.objects.update_or_create(
            unit=units[row.unit], period=row.period, defaults={"cost": row.cost, "volume": row.volume}
        )
        created += was_created
        updated += not was_created
    record_audit(actor, "goals.costs.import", name, created=created, updated=updated)
    return {"created": created, "updated": updated}
