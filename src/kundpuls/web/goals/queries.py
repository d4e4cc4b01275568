"""Reads for goals: the goals in force on a unit (inherited), their status, roll-ups, follow-ups, cost."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kundpuls.errors import KundpulsError
from kundpuls.render.labels import DIGITS as SHOWN_DIGITS
from kundpuls.stats import bh_reject, compare
from kundpuls.stats.goal_status import GoalStatus, count_states, goal_status
from kundpuls.web.goals.labels import metric_label, state_label
from kundpuls.web.goals.metrics import metric_results, served
from kundpuls.web.goals.models import Goal, ImprovementAction
from kundpuls.web.goals.periods import Period, parse_period
from kundpuls.web.org.models import Unit, UnitKind

GoalKey = tuple[int | None, str, str]  # (survey id, metric, period)


@dataclass(frozen=True)
class UnitGoal:
    """A goal in force on ``unit``: its own (``inherited_from`` None) or its nearest ancestor's."""

    unit: Unit
    goal: Goal
    inherited_from: Unit | None


def goals_in_force(units: Iterable[Unit], *, period: str | None = None) -> list[UnitGoal]:
    """For each unit, every goal set on it or inherited from the nearest ancestor that sets the same key."""
    units = list(units)
    ancestor_ids = {pk for u in units for pk in u.ancestor_ids()}
    goals = Goal.objects.filter(unit_id__in=ancestor_ids).select_related("unit", "survey")
    if period:
        goals = goals.filter(period=parse_period(period).label)
    by_unit: dict[int, list[Goal]] = {}
    for g in goals:
        by_unit.setdefault(g.unit_id, []).append(g)
    out = []
    for unit in units:
        chosen: dict[GoalKey, Goal] = {}
        for pk in unit.ancestor_ids():  # root first: nearer units override
            for g in by_unit.get(pk, []):
                chosen[(g.survey_id, g.metric, g.period)] = g
        for g in chosen.values():
            out.append(UnitGoal(unit, g, None if g.unit_id == unit.pk else g.unit))
    return out


@dataclass(frozen=True)
class GoalRow:
    unit: Unit
    goal: Goal
    inherited_from: Unit | None
    status: GoalStatus
    metric_label: str = ""

    @property
    def state_label(self) -> str:
        return state_label(str(self.status.state), self.goal.metric)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.code,
            "unit_name": self.unit.name,
            "survey": self.goal.survey.key if self.goal.survey else None,
            "metric": self.goal.metric,
            "period": self.goal.period,
            "inherited_from": self.inherited_from.code if self.inherited_from else None,
            **self.status.to_dict(),
        }


def goal_statuses(units: Sequence[Unit], *, period: str | None = None) -> list[GoalRow]:
    """Status of every goal in force on ``units``; one lake query per (survey, metric, period)."""
    in_force = goals_in_force(units, period=period)
    groups: dict[GoalKey, list[UnitGoal]] = {}
    for item in in_force:
        groups.setdefault((item.goal.survey_id, item.goal.metric, item.goal.period), []).append(item)
    rows = []
    for (_, metric, label), items in groups.items():
        goal = items[0].goal
        results = metric_results(metric, goal.survey, parse_period(label), [i.unit for i in items])
        name = metric_label(metric, goal.survey)
        for item in items:
            status = goal_status(
                results[item.unit.code],
                item.goal.target,
                higher_is_better=item.goal.higher_is_better,
                digits=SHOWN_DIGITS,
            )
            rows.append(GoalRow(item.unit, item.goal, item.inherited_from, status, name))
    rows.sort(key=lambda r: (r.unit.path, r.goal.metric, r.goal.period))
    return rows


def rollup_by_administration(rows: Sequence[GoalRow]) -> list[dict[str, Any]]:
    """Per administration: how many unit goals are met, not met, uncertain, suppressed, without data."""
    administrations = {
        u.pk: u for u in Unit.objects.filter(kind__in=(UnitKind.ADMINISTRATION, UnitKind.ORGANISATION))
    }
    grouped: dict[int, list[GoalRow]] = {}
    for row in rows:
        owner = next(
            (
                pk
                for pk in reversed(row.unit.ancestor_ids())
                if pk in administrations and administrations[pk].kind == UnitKind.ADMINISTRATION
            ),
            None,
        ) or next((pk for pk in row.unit.ancestor_ids() if pk in administrations), row.unit.pk)
        grouped.setdefault(owner, []).append(row)
    out = []
    for pk, items in grouped.items():
        admin = administrations.get(pk) or items[0].unit
        out.append(
            {
                "administration": admin.code,
                "name": admin.name,
                "goals": len(items),
                "units": len({r.unit.pk for r in items}),
                **count_states(r.status for r in items),
            }
        )
    return sorted(out, key=lambda d: str(d["administration"]))


def leaf_units_under(unit: Unit) -> list[Unit]:
    return list(
        Unit.objects.filter(
            path__startswith=unit.path, valid_to__isnull=True, children__isnull=True
        ).order_by("path")
    )


def action_follow_up(action: ImprovementAction, *, months: int = 3) -> dict[str, Any]:
    """Did the driver move? The driver index ``months`` before the start vs. ``months`` after it was done.

    Difference after − before with a z test on the two standard errors (:func:`kundpuls.stats.compare`).
    """
    from kundpuls.web.goals.metrics import index_results

    end_before = action.started - timedelta(days=1)
    before = Period("before", _months_back(action.started, months), end_before)
    done = action.done_at
    result: dict[str, Any] = {"action": action.pk, "driver": action.driver, "done": done}
    if done is None:
        return {**result, "state": "pending"}
    after = Period(
        "after", done.replace(day=1) if done.day == 1 else _next_month(done), _months_ahead(done, months)
    )
    try:
        a = index_results(action.survey, action.driver, after, [action.unit.code])[action.unit.code]
        b = index_results(action.survey, action.driver, before, [action.unit.code])[action.unit.code]
    except KundpulsError:  # no lake or no responses yet: nothing to compare
        return {**result, "state": "no_data"}
    comparison = compare(a, b)
    return {
        **result,
        "state": "compared",
        "before": b,
        "after": a,
        "difference": comparison.difference,
        "ci_low": comparison.ci_low,
        "ci_high": comparison.ci_high,
        "p_value": comparison.p_value,
        "significant": comparison.significant,
    }


def action_follow_ups(actions: Iterable[ImprovementAction], *, months: int = 3) -> list[dict[str, Any]]:
    """:func:`action_follow_up` of every action a page lists, flagged as one family.

    ``significant`` (shown as a *clear change*) keeps the false discovery rate at 5 % across the listed
    follow-ups (Benjamini–Hochberg, :mod:`kundpuls.stats.multiplicity`), as the results pages do for
    their changes (docs/statistics.md, *What a flag means*).
    """
    found = [action_follow_up(action, months=months) for action in actions]
    compared = [f for f in found if f["state"] == "compared" and f.get("p_value") is not None]
    flags = bh_reject([float(f["p_value"]) for f in compared])
    for follow_up, flag in zip(compared, flags.tolist(), strict=True):
        follow_up["significant"] = bool(flag)
    return found


def _months_back(day: date, months: int) -> date:
    y, m = day.year, day.month - months
    while m < 1:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _months_ahead(day: date, months: int) -> date:
    start = _next_month(day)
    y, m = start.year, start.month + months
    while m > 12:
        y, m = y + 1, m - 12
    return date(y, m, 1) - timedelta(days=1)


def productivity_rows(rows: Sequence[GoalRow], period: str) -> list[dict[str, Any]]:
    """One row per unit with cost data: cost per served customer and the status of its first goal that
    has an estimate (else its first goal)."""
    span = parse_period(period)
    first: dict[int, GoalRow] = {}
    for row in rows:
        if row.unit.pk not in first or (
            first[row.unit.pk].status.estimate is None and row.status.estimate is not None
        ):
            first[row.unit.pk] = row
    out = []
    for row in first.values():
        volume = served(row.unit, span)
        if volume is None or volume[1] == 0:
            continue
        cost, customers = volume
        out.append(
            {
                "unit": row.unit.code,
                "unit_name": row.unit.name,
                "cost": cost,
                "customers": customers,
                "cost_per_customer": round(cost / customers, 2),
                "metric": row.goal.metric,
                "metric_label": row.metric_label,
                "target": row.goal.target,
                "estimate": row.status.estimate,
                "ci_low": row.status.ci_low,
                "ci_high": row.status.ci_high,
                "state": str(row.status.state),
                "state_label": row.state_label,
            }
        )
    return out
