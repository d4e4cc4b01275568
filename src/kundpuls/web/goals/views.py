"""Staff pages for goals: status and roll-up, one unit's goals, actions and productivity."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.errors import NotFound, ValidationError
from kundpuls.web.goals import queries
from kundpuls.web.goals.models import ImprovementAction
from kundpuls.web.goals.periods import parse_period
from kundpuls.web.goals.productivity import productivity_rows, productivity_svg
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.org.queries import unit_by_code


def _period(request: HttpRequest) -> str:
    raw = request.GET.get("period") or str(timezone.localdate().year)
    try:
        return parse_period(raw).label
    except ValidationError as exc:
        raise Http404(str(exc)) from exc


def _unit(request: HttpRequest, code: str) -> Unit:
    try:
        unit = unit_by_code(code)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not can(request.user, Capability.VIEW_RESULTS, unit):
        raise PermissionDenied
    return unit


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.VIEW_RESULTS):
        raise PermissionDenied
    period = _period(request)
    units = list(
        units_where(request.user, Capability.VIEW_RESULTS).filter(
            children__isnull=True, valid_to__isnull=True
        )
    )
    rows = queries.goal_statuses(units, period=period)
    rollup = queries.rollup_by_administration(rows)
    if request.GET.get("format") == "json":
        return JsonResponse({"period": period, "rollup": rollup, "goals": [r.to_dict() for r in rows]})
    context = {
        "period": period,
        "rows": rows,
        "rollup": rollup,
        "can_handle_cases": can(request.user, Capability.HANDLE_CASES),
    }
    return render(request, "goals/overview.html", context)


@login_required
def unit_goals(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(request, code)
    period = _period(request)
    units = queries.leaf_units_under(unit) or [unit]
    rows = queries.goal_statuses(units, period=period)
    actions = ImprovementAction.objects.filter(unit__path__startswith=unit.path).select_related(
        "owner", "survey"
    )
    context = {
        "unit": unit,
        "period": period,
        "rows": rows,
        "actions": [(a, queries.action_follow_up(a)) for a in actions],
        "productivity": productivity_rows(rows, period),
    }
    return render(request, "goals/unit.html", context)


@login_required
def productivity_chart(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(request, code)
    period = _period(request)
    rows = queries.goal_statuses(queries.leaf_units_under(unit) or [unit], period=period)
    svg = productivity_svg(
        productivity_rows(rows, period),
        x_title=_("Cost per served customer (SEK)"),
        y_title=_("Goal metric"),
        state_title=_("Goal status"),
    )
    return HttpResponse(svg, content_type="image/svg+xml")
