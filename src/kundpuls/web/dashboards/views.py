"""Dashboard pages: parse the filters, call the queries, render. No statistics here."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from kundpuls.analytics.lake.layout import CHANNEL_SEGMENT
from kundpuls.errors import InvalidArgument, NotFound
from kundpuls.instruments import SurveyDefinition
from kundpuls.render.labels import text
from kundpuls.render.report_page import report_page
from kundpuls.render.spreadsheets import tables_csv, tables_xlsx
from kundpuls.render.tables import overview_table
from kundpuls.render.unit_pdf import unit_report_pdf
from kundpuls.reports.change_flags import BASELINE_PERIODS
from kundpuls.reports.driver_window import DRIVER_MIN_N
from kundpuls.reports.funnel import MIN_COMPARED
from kundpuls.stats.intervals import T_INTERVAL_BELOW
from kundpuls.web.dashboards import actions, queries
from kundpuls.web.dashboards.forms import FilterForm
from kundpuls.web.downloads import attachment
from kundpuls.web.language import page_language
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can
from kundpuls.web.org.queries import unit_by_code
from kundpuls.web.org.tenancy import ambiguous
from kundpuls.web.responses.queries import lake_updated_at
from kundpuls.web.surveys.models import Survey

EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _survey(request: HttpRequest) -> tuple[list[tuple[Survey, SurveyDefinition]], SurveyDefinition | None]:
    available = queries.surveys_for(request.user, queries.surveys_with_results())
    wanted = request.GET.get("survey")
    matches = [(s, d) for s, d in available if wanted in (s.key, s.reference)]
    if len(matches) > 1:  # a person of two organisations that both use the key
        raise ambiguous("survey", str(wanted), [s.organisation.code for s, _ in matches])
    if matches:
        return available, matches[0][1]
    return available, available[0][1] if available else None


def _survey_of(available: list[tuple[Survey, SurveyDefinition]], definition: SurveyDefinition) -> Survey:
    """The survey whose results ``definition`` reads: links name it by ``url_key`` (``KEY``, or ``ORG:KEY``
    where the reader could confuse it), audit events by ``reference`` (always ``ORG:KEY``)."""
    return next(s for s, d in available if d is definition)


def _filters(
    request: HttpRequest,
    available: list[tuple[Survey, SurveyDefinition]],
    definition: SurveyDefinition | None,
) -> Any:
    """The page's filters with the survey named as its choice names it: ``?survey=nki`` for the survey
    whose choice reads ``EXK:nki`` (a person of two organisations that both have a survey ``nki``, one
    without results) is that survey, not an invalid choice."""
    data = request.GET.copy()
    wanted = data.get("survey")
    if definition is not None and wanted:
        chosen = _survey_of(available, definition)
        if wanted in (chosen.key, chosen.reference):
            data["survey"] = chosen.url_key
    return data


def _unit(request: HttpRequest, code: str, capability: Capability) -> Unit:
    try:
        unit = unit_by_code(code, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not can(request.user, capability, unit):
        if capability == Capability.EXPORT and can(request.user, Capability.VIEW_RESULTS, unit):
            # she sees the page; what her role lacks is the right to take the results away as files
            request.refusal_reason = _(  # type: ignore[attr-defined]
                "Your role lets you read this unit’s results but not download them as files. "
                "If you need the files, ask an administrator."
            )
        raise PermissionDenied
    return unit


def _unit_context(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    available, definition = _survey(request)
    data = _filters(request, available, definition)
    choices = [(s.url_key, s.title) for s, _ in available]
    context: dict[str, Any] = {"unit": unit, "dashboard": None, "surveys": choices}
    if definition is None:
        context["form"] = FilterForm(data, surveys=choices)
        return context
    language = page_language()
    labels = queries.segment_labels(definition, language)
    segments = [(k, labels.get(k, (k, {}))[0]) for k in queries.segment_choices(definition)]
    probe = FilterForm(data, surveys=choices, segments=segments)
    probe.is_valid()
    kind = probe.value("kind", "quarter") or "quarter"
    segment = probe.value("segment")
    try:
        base = queries.unit_results(
            request.user,
            unit,
            definition,
            period_kind=kind,
            period=None,
            segment=None,
            segment_value=None,
            language=language,
        )
    except NotFound:
        context["form"] = FilterForm(data, surveys=choices)
        context["survey_key"] = _survey_of(available, definition).url_key
        return context
    value_labels = labels.get(segment or "", ("", {}))[1]
    values = (
        [(v, value_labels.get(v, v)) for v in queries.segment_values(definition, kind, segment)]
        if segment
        else []
    )
    form = FilterForm(
        data,
        surveys=choices,
        periods=list(base.periods),
        segments=segments,
        segment_values=values,
    )
    form.is_valid()
    period = form.value("period")
    value = form.value("value") if segment else None
    try:
        report = queries.unit_results(
            request.user,
            unit,
            definition,
            period_kind=kind,
            period=period,
            segment=segment if value else None,
            segment_value=value,
            language=language,
        )
    except (NotFound, InvalidArgument):
        report = base
    dashboard = report_page(report, language)
    survey = _survey_of(available, definition)
    context.update(
        form=form,
        dashboard=dashboard,
        survey_key=survey.url_key,
        survey_reference=survey.reference,
        can_export=can(request.user, Capability.EXPORT, unit),
        query=request.GET.urlencode(),
        suppressed_note=text("suppressed_note", language, threshold=dashboard.report.threshold),
        segment_label=labels.get(report.segment or "", ("", {}))[0],
        segment_value_label=value_labels.get(report.segment_value or "", report.segment_value),
        channel_segment=segment == CHANNEL_SEGMENT,
    )
    return context


def _unusable_filters(context: dict[str, Any]) -> HttpResponse | None:
    """A file asked for with a filter its page would not take (a survey she has no results of, a period
    without data, an unknown group): 400 naming each field and value, never a file of something else.

    The page shows the same errors beside its filters and the default view; a download has no such place.
    A survey named by its key or ``ORG:KEY`` is the survey, whichever its choice reads (:func:`_filters`).
    """
    form = context.get("form")
    if form is None or not form.is_bound or not form.errors:
        return None
    lines = [
        f"{name} ({form.fields[name].label}): {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
    ]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


def _group(context: dict[str, Any]) -> str | None:
    """The group a filtered report is about, as the page names it ("Vilket kön har du?: Annat")."""
    report = context["dashboard"].report
    if not report.segment_value:
        return None
    return f"{context['segment_label']}: {context['segment_value_label']}"


def _file_parts(context: dict[str, Any], unit: Unit) -> tuple[str, ...]:
    """What a unit's download is named by: the unit and period, and the group it is filtered on."""
    report = context["dashboard"].report
    group = _group(context)
    return (f"{unit.name} {report.period}", group.replace(":", " -") if group else "")


@login_required
def methods(request: HttpRequest) -> HttpResponse:
    """How every number is computed, in plain words in the page's language (the same for every role: it
    shows no data)."""
    rules = {  # the numbers the page states are the ones the code applies
        "threshold": settings.KUNDPULS_ANONYMITY_THRESHOLD,
        "baseline": BASELINE_PERIODS,
        "driver_min": DRIVER_MIN_N,
        "funnel_min": MIN_COMPARED,
        "t_below": T_INTERVAL_BELOW,
    }
    return render(request, "dashboards/methods.html", {"language": page_language(), **rules})


@login_required
def unit(request: HttpRequest, code: str) -> HttpResponse:
    target = _unit(request, code, Capability.VIEW_RESULTS)
    context = _unit_context(request, target)
    context["lake_updated_at"] = lake_updated_at()
    return render(request, "dashboards/unit.html", context)


@login_required
def unit_pdf(request: HttpRequest, code: str) -> HttpResponse:
    target = _unit(request, code, Capability.EXPORT)
    context = _unit_context(request, target)
    if (refused := _unusable_filters(context)) is not None:
        return refused
    dashboard = context["dashboard"]
    if dashboard is None:
        raise Http404(_("No results for this unit yet."))
    pdf = unit_report_pdf(
        dashboard.report, language=page_language(), charts=list(dashboard.charts), group=_group(context)
    )
    actions.record_export(
        actor=actor_of(request),
        unit=target,
        survey=context["survey_reference"],
        kind="pdf",
        period=dashboard.report.period,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    return attachment(response, *_file_parts(context, target), extension="pdf")


@login_required
def unit_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise Http404(f"format: {fmt!r}")
    target = _unit(request, code, Capability.EXPORT)
    context = _unit_context(request, target)
    if (refused := _unusable_filters(context)) is not None:
        return refused
    dashboard = context["dashboard"]
    if dashboard is None:
        raise Http404(_("No results for this unit yet."))
    group = _group(context)
    note = " ".join(
        (
            *([text("group_only", page_language(), group=group)] if group else []),
            text("suppressed_note", page_language(), threshold=dashboard.report.threshold),
            text("clear_change_note", page_language()),
        )
    )
    body: bytes | str = (
        tables_xlsx(dashboard.tables, note=note, language=page_language())
        if fmt == "xlsx"
        else tables_csv(dashboard.tables, note=note, language=page_language())
    )
    actions.record_export(
        actor=actor_of(request),
        unit=target,
        survey=context["survey_reference"],
        kind=fmt,
        period=dashboard.report.period,
    )
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    return attachment(response, *_file_parts(context, target), extension=fmt)


def _overview_context(
    request: HttpRequest, capability: Capability = Capability.VIEW_RESULTS
) -> dict[str, Any]:
    available, definition = _survey(request)
    data = _filters(request, available, definition)
    choices = [(s.url_key, s.title) for s, _ in available]
    context: dict[str, Any] = {"overview": None}
    if definition is None:
        context["form"] = FilterForm(data, surveys=choices, sortable=True)
        return context
    probe = FilterForm(data, surveys=choices, sortable=True)
    probe.is_valid()
    kind = probe.value("kind", "quarter") or "quarter"
    language = page_language()
    organisation = next(s.organisation_id for s, d in available if d is definition)
    first = queries.overview(
        request.user,
        definition,
        organisation=organisation,
        period_kind=kind,
        period=None,
        sort="tree",
        descending=False,
        language=language,
        capability=capability,
    )
    form = FilterForm(
        data,
        surveys=choices,
        periods=list(first.periods),
        sortable=True,
        indices=list(first.indices),
    )
    form.is_valid()
    sort = form.value("sort", "tree") or "tree"
    descending = form.value("order") == "desc"
    result = queries.overview(
        request.user,
        definition,
        organisation=organisation,
        period_kind=kind,
        period=form.value("period"),
        sort=sort,
        descending=descending,
        language=language,
        capability=capability,
        index=form.value("index"),
    )
    params = request.GET.copy()
    sort_links = {}
    for key in ("name", "estimate", "n", "change"):
        params["sort"] = key
        if sort == key:
            params["order"] = "asc" if descending else "desc"
        else:
            params["order"] = "asc" if key == "name" else "desc"
        sort_links[key] = params.urlencode()
    survey = _survey_of(available, definition)
    context.update(
        form=form,
        overview=result,
        table=overview_table(result, language),
        sort=sort,
        descending=descending,
        sort_links=sort_links,
        query=request.GET.urlencode(),
        survey_key=survey.url_key,
        survey_reference=survey.reference,
        can_export=can(request.user, Capability.EXPORT),
        suppressed_note=text("suppressed_note", language, threshold=result.threshold),
        outliers_shown=any(row.outlier for row in result.rows),
    )
    return context


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.VIEW_RESULTS):
        raise PermissionDenied
    context = _overview_context(request)
    context["lake_updated_at"] = lake_updated_at()
    return render(request, "dashboards/overview.html", context)


@login_required
def overview_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise Http404(f"format: {fmt!r}")
    if not can(request.user, Capability.EXPORT):
        raise PermissionDenied
    context = _overview_context(request, Capability.EXPORT)
    if (refused := _unusable_filters(context)) is not None:
        return refused
    if context["overview"] is None:
        raise Http404(_("No results yet."))
    note = " ".join(
        (
            text("suppressed_note", page_language(), threshold=context["overview"].threshold),
            text("clear_change_note", page_language()),
        )
    )
    table = context["table"]
    body: bytes | str = (
        tables_xlsx([table], note=note, language=page_language())
        if fmt == "xlsx"
        else tables_csv([table], note=note, language=page_language())
    )
    actions.record_export(
        None,
        actor=actor_of(request),
        survey=context["survey_reference"],
        kind=f"overview.{fmt}",
        period=context["overview"].period,
    )
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    return attachment(response, f"{_('Results')} {context['overview'].period}", extension=fmt)
