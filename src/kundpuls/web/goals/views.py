"""Staff pages for goals: status and roll-up, one unit's goals, actions and productivity."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundpuls.errors import KundpulsError, NotFound, ValidationError
from kundpuls.render.charts import RenderedChart, with_phone_svg
from kundpuls.render.goal_charts import productivity_chart, productivity_note
from kundpuls.web.goals import actions, queries
from kundpuls.web.goals.labels import STATE_LABELS, metric_label
from kundpuls.web.goals.metrics import METRIC_KINDS, survey_definition
from kundpuls.web.goals.models import Goal, ImprovementAction
from kundpuls.web.goals.periods import parse_period
from kundpuls.web.language import page_language
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.org.queries import unit_by_code
from kundpuls.web.surveys.queries import survey_by_key, surveys_of


def _period(request: HttpRequest) -> tuple[str, str | None]:
    """The period asked for (default: this year) and, when it is not one, the error naming the value;
    the page then shows this year beside the error, with status 400."""
    this_year = str(timezone.localdate().year)
    try:
        return parse_period(request.GET.get("period") or this_year).label, None
    except ValidationError as exc:
        return this_year, str(exc)


def _unit(request: HttpRequest, code: str) -> Unit:
    try:
        unit = unit_by_code(code, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not can(request.user, Capability.VIEW_RESULTS, unit):
        raise PermissionDenied
    return unit


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.VIEW_RESULTS):
        raise PermissionDenied
    period, error = _period(request)
    if error is not None and request.GET.get("format") == "json":
        return JsonResponse({"error": error, "field": "period"}, status=400)
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
        "period_error": error,
        "asked": request.GET.get("period", ""),
        "rows": rows,
        "rollup": rollup,
        "can_view_cases": can(request.user, Capability.VIEW_CASES),
    }
    return render(request, "goals/overview.html", context, status=400 if error else 200)


@login_required
def unit_goals(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(request, code)
    period, error = _period(request)
    units = queries.leaf_units_under(unit) or [unit]
    rows = queries.goal_statuses(units, period=period)
    productivity = queries.productivity_rows(rows, period)
    actions = ImprovementAction.objects.filter(unit__path__startswith=unit.path).select_related(
        "owner", "survey"
    )
    context = {
        "unit": unit,
        "period": period,
        "period_error": error,
        "rows": rows,
        "actions": [
            (a, follow_up, metric_label(f"index:{a.driver}", a.survey))
            for a, follow_up in zip(actions, queries.action_follow_ups(actions), strict=True)
        ],
        "productivity": productivity,
        "productivity_chart": _phone_too(_productivity_chart(productivity)),
        "productivity_note": productivity_note(productivity, page_language()),
        "can_set_goals": can(request.user, Capability.MANAGE_SURVEYS, unit),
        "can_add_actions": can(request.user, Capability.HANDLE_CASES, unit),
        "metrics": _metric_choices(request.user),
        "own_goals": [r for r in rows if r.goal.unit_id == unit.pk],
    }
    return render(request, "goals/unit.html", context, status=400 if error else 200)


def _metric_choices(user: Any) -> list[tuple[str, str, str, str]]:
    """(survey key, metric, label, survey title) offered in the goal form: codebook indices, NPS, rates."""
    choices: list[tuple[str, str, str, str]] = [
        ("", "cases_in_time", metric_label("cases_in_time", None), "")
    ]
    for survey in surveys_of(user).filter(versions__published_at__isnull=False).distinct():
        try:
            codebook = survey_definition(survey).codebook
        except KundpulsError:
            continue
        metrics = [f"index:{name}" for name in codebook.indices]
        metrics += [m for m in METRIC_KINDS if m != "cases_in_time" and (m != "nps" or codebook.nps)]
        choices += [(survey.url_key, m, metric_label(m, survey), survey.title) for m in metrics]
    return choices


@login_required
@require_POST
def unit_act(request: HttpRequest, code: str) -> HttpResponse:
    """Set a goal (``manage_surveys``) or add an improvement action (``handle_cases``) for the unit."""
    unit = _unit(request, code)
    what = request.POST.get("action")
    try:
        if what == "goal":
            if not can(request.user, Capability.MANAGE_SURVEYS, unit):
                raise PermissionDenied
            survey_key, _sep, metric = request.POST.get("metric", "").partition("|")
            actions.set_goal(
                unit,
                metric,
                request.POST.get("period", ""),
                request.POST.get("target", "").replace(",", "."),
                survey=survey_by_key(survey_key, actor=request.user) if survey_key else None,
                actor=actor_of(request),
            )
        elif what == "remove_goal":
            if not can(request.user, Capability.MANAGE_SURVEYS, unit):
                raise PermissionDenied
            goal = Goal.objects.filter(pk=_whole(request.POST.get("goal")), unit=unit).first()
            if goal is None:
                raise ValidationError(
                    _("goal: %(value)s is not a goal of this unit")
                    % {"value": request.POST.get("goal", "")[:20]},
                    field="goal",
                    value=request.POST.get("goal", "")[:20],
                )
            actions.remove_goal(goal, actor=actor_of(request))
        elif what == "improvement":
            if not can(request.user, Capability.HANDLE_CASES, unit):
                raise PermissionDenied
            survey_key, _sep, driver = request.POST.get("driver", "").partition("|")
            actions.add_improvement_action(
                unit,
                survey_by_key(survey_key, actor=request.user),
                driver.removeprefix("index:"),
                request.POST.get("title", ""),
                owner=request.user,
                started=_date(request.POST.get("started")),
                due_date=_date(request.POST.get("due_date")),
                actor=actor_of(request),
            )
        else:
            raise Http404("unknown action")
    except KundpulsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("goals:unit", code=unit.code)


def _whole(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 12 else 0


def _date(text: str | None) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        raise ValidationError(
            _("date: %(value)r is not YYYY-MM-DD") % {"value": text}, field="date", value=text
        ) from None


def _phone_too(chart: RenderedChart | None) -> RenderedChart | None:
    return None if chart is None else with_phone_svg(chart)


def _productivity_chart(rows: list[dict[str, Any]]) -> RenderedChart | None:
    labels = {state: str(label) for state, label in STATE_LABELS.items()}
    return productivity_chart(rows, state_labels=labels, language=page_language())


@login_required
def productivity_svg(request: HttpRequest, code: str) -> HttpResponse:
    """The productivity chart on its own, as an SVG file (404, saying why, while it is not drawn)."""
    unit = _unit(request, code)
    period, error = _period(request)
    if error is not None:
        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    rows = queries.productivity_rows(
        queries.goal_statuses(queries.leaf_units_under(unit) or [unit], period=period), period
    )
    chart = _productivity_chart(rows)
    if chart is None:
        raise Http404(productivity_note(rows, page_language()))
    return HttpResponse(chart.svg, content_type="image/svg+xml")
