"""The read API (``/api/v1/``): units, surveys and results as JSON, for programs (see ``docs/api.md``).

A program authenticates with a personal API token (``Authorization: Bearer kp_…``; a logged-in browser
session works too) and sees exactly what its person may see on the pages: the same roles, the same
anonymity threshold (a hidden group's value is ``null``), comments only for those who may read them.
Results are the report contracts of :mod:`kundpuls.reports.contracts` as JSON, so the numbers are the
pages' numbers. Results count as exports (``export`` capability) and are audited like a download.
Errors are JSON ``{"error": {"code", "message", "field", "value"}}`` in the request's language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kundpuls.errors import InvalidArgument, KundpulsError, NotFound
from kundpuls.errors import PermissionDenied as KundpulsPermissionDenied
from kundpuls.instruments import SurveyDefinition
from kundpuls.reports.contracts import contract_dict
from kundpuls.web.api.actions import BatchRejected, submit_batch, user_for
from kundpuls.web.api.json_body import MAX_JSON_DEPTH, json_depth
from kundpuls.web.api.openapi import document
from kundpuls.web.dashboards import actions as dashboard_actions
from kundpuls.web.dashboards import queries
from kundpuls.web.language import page_language
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can, units_where

VERSION = 1
View = Callable[..., HttpResponse]


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(
        data, status=status, safe=False, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )


def _error(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    value: Any = None,
    problems: list[dict[str, Any]] | None = None,
) -> JsonResponse:
    error = {"code": code, "message": message, "field": field, "value": value}
    if problems is not None:
        error["problems"] = problems
    response = _json({"error": error}, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="kundpuls"'
    return response


def _user_of(request: HttpRequest, *, session: bool) -> Any:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, secret = header.partition(" ")
        return user_for(secret.strip()) if scheme.lower() == "bearer" else None
    if session and request.user.is_authenticated:
        return request.user
    return None


def _answered(view: View, *, session: bool) -> View:
    """Authenticate (by token, or a session where ``session``), answer errors as JSON."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = _user_of(request, session=session)
        if user is None:
            return _error(
                401, "unauthenticated", _("A valid API token is needed: Authorization: Bearer kp_…")
            )
        request.user = user
        try:
            return view(request, *args, **kwargs)
        except (PermissionDenied, KundpulsPermissionDenied):
            return _error(403, "forbidden", _("Your roles do not give access to this."))
        except NotFound as exc:
            return _error(404, "not_found", str(exc))
        except BatchRejected as exc:
            problems = [dataclasses.asdict(p) for p in exc.problems]
            return _error(400, "invalid", str(exc), field=exc.field, problems=problems)
        except KundpulsError as exc:
            field, value = getattr(exc, "field", None), getattr(exc, "value", None)
            return _error(400, "invalid", str(exc), field=field, value=value)

    return wrapped


def api_view(view: View) -> View:
    """A read: GET only, a token or a logged-in session."""
    return require_GET(_answered(view, session=True))


def api_write(view: View) -> View:
    """A write: POST only and a token only (no cookie, so no cross-site request can write)."""
    return csrf_exempt(require_POST(_answered(view, session=False)))


@require_GET
def openapi(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 description of this API (no token needed: it holds no data)."""
    return _json(document())


@api_view
def index(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "version": VERSION,
            "user": getattr(request.user, "email", ""),
            "endpoints": {
                "units": "/api/v1/units/",
                "surveys": "/api/v1/surveys/",
                "overview": "/api/v1/results/{survey}/?period_kind=quarter&period=2026-Q2",
                "unit": "/api/v1/results/{survey}/units/{unit}/?period_kind=quarter&period=2026-Q2",
            },
            "openapi": "/api/v1/openapi.json",
            "documentation": "docs/api.md",
        }
    )


@api_view
def units(request: HttpRequest) -> HttpResponse:
    """The units whose results the person may see, in tree order."""
    if not can(request.user, Capability.VIEW_RESULTS):
        raise PermissionDenied
    rows = units_where(request.user, Capability.VIEW_RESULTS).select_related("parent").order_by("path")
    return _json(
        {
            "units": [
                {
                    "code": u.code,
                    "name": u.name,
                    "kind": u.kind,
                    "parent": u.parent.code if u.parent else None,
                    "depth": u.depth,
                    "active": u.valid_to is None,
                    "export": can(request.user, Capability.EXPORT, u),
                }
                for u in rows
            ]
        }
    )


@api_view
def surveys(request: HttpRequest) -> HttpResponse:
    """Surveys with results in the lake, with their indices."""
    if not can(request.user, Capability.VIEW_RESULTS):
        raise PermissionDenied
    language = page_language()
    found = []
    for survey, definition in queries.surveys_for(request.user, queries.surveys_with_results()):
        indices = definition.codebook.indices
        found.append(
            {
                "key": survey.url_key,
                "reference": survey.reference,
                "title": definition.title.in_language(language),
                "main_index": next(iter(indices), None),
                "indices": [
                    {"key": key, "label": index.label.in_language(language) if index.label else key}
                    for key, index in indices.items()
                ],
            }
        )
    return _json({"surveys": found})


def _period_arguments(request: HttpRequest) -> tuple[str, str | None]:
    kind = request.GET.get("period_kind") or "quarter"
    return kind, request.GET.get("period") or None


def _check_period(asked: str | None, periods: tuple[str, ...]) -> None:
    """An asked period the results do not have is a 400 naming it (never silently the latest instead)."""
    if asked is not None and asked not in periods:
        raise InvalidArgument(
            _("period: %(value)r has no results; periods with results: %(periods)s")
            % {"value": asked[:40], "periods": ", ".join(periods) or _("none")},
            field="period",
            value=asked[:40],
        )


def _segment_arguments(
    request: HttpRequest, definition: SurveyDefinition, kind: str
) -> tuple[str | None, str | None]:
    """``segment`` and ``value``: a background question of the survey and one of its answers in the
    results; anything else is a 400 naming it (never the whole unit's results under a group's name)."""
    segment = request.GET.get("segment") or None
    value = request.GET.get("value") or None
    if segment is None:
        if value is not None:
            raise InvalidArgument(
                _("value: %(value)r needs a segment") % {"value": value[:40]}, field="value", value=value[:40]
            )
        return None, None
    choices = queries.segment_choices(definition)
    if segment not in choices:
        raise InvalidArgument(
            _("segment: %(value)r is not a background question of the survey; one of %(choices)s")
            % {"value": segment[:40], "choices": ", ".join(choices) or _("none")},
            field="segment",
            value=segment[:40],
        )
    if value is not None:
        values = queries.segment_values(definition, kind, segment)
        if value not in values:
            raise InvalidArgument(
                _("value: %(value)r is not an answer to %(segment)s in the results; one of %(values)s")
                % {"value": value[:40], "segment": segment, "values": ", ".join(values) or _("none")},
                field="value",
                value=value[:40],
            )
    return segment, value


@api_view
def overview(request: HttpRequest, survey: str) -> HttpResponse:
    """The main index of every unit the person may export, in one period (default: the latest)."""
    if not can(request.user, Capability.EXPORT):
        raise PermissionDenied
    found, definition = queries.results_survey(request.user, survey)
    kind, period = _period_arguments(request)
    result = queries.overview(
        request.user,
        definition,
        organisation=found.organisation_id,
        period_kind=kind,
        period=period,
        sort="tree",
        descending=False,
        language=page_language(),
        capability=Capability.EXPORT,
        index=request.GET.get("index") or None,
    )
    _check_period(period, result.periods)
    dashboard_actions.record_export(
        actor=actor_of(request), unit=None, survey=found.reference, kind="api", period=result.period
    )
    # the results path knows the survey by its lake key; the document names it by its key
    return _json(contract_dict(dataclasses.replace(result, survey_key=found.key)))


@api_view
def unit_results(request: HttpRequest, survey: str, unit: str) -> HttpResponse:
    """The unit report: headline indices, trend, comparison, funnel, drivers, comments (if permitted)."""
    if not can(request.user, Capability.EXPORT):
        raise PermissionDenied  # no export right anywhere: says nothing about which units exist
    target = Unit.objects.filter(code=unit).first()
    if target is None or not can(request.user, Capability.EXPORT, target):
        # One answer for a unit that does not exist and one the person may not read: a 403 here would
        # tell anyone with a token which unit codes exist.
        raise NotFound(_("unit: no unit %(unit)r whose results you may read") % {"unit": unit[:40]})
    # another organisation's survey is not found, like an unknown key
    found, definition = queries.results_survey(request.user, survey)
    kind, period = _period_arguments(request)
    segment, value = _segment_arguments(request, definition, kind)
    report = queries.unit_results(
        request.user,
        target,
        definition,
        period_kind=kind,
        period=period,
        segment=segment,
        segment_value=value,
        language=page_language(),
    )
    _check_period(period, report.periods)
    dashboard_actions.record_export(
        actor=actor_of(request), unit=target, survey=found.reference, kind="api", period=report.period
    )
    return _json(contract_dict(dataclasses.replace(report, survey_key=found.key)))


@api_write
def responses(request: HttpRequest) -> HttpResponse:
    """Store a batch of responses from another system (see :mod:`kundpuls.web.api.actions`).

    Before the body is read: the token's person must be allowed to manage surveys somewhere (each unit is
    checked again per response), and the body may nest at most ``MAX_JSON_DEPTH`` levels.
    """
    if not can(request.user, Capability.MANAGE_SURVEYS):
        raise PermissionDenied
    depth = json_depth(request.body)
    if depth > MAX_JSON_DEPTH:
        raise InvalidArgument(
            _("body: JSON nested more than %(max)d levels deep") % {"max": MAX_JSON_DEPTH},
            field="body",
            value=depth,
        )
    report = submit_batch(request.body, actor=actor_of(request), language=page_language())
    status = 201 if report.stored else 200  # a retry of what is stored already creates nothing
    return _json({"stored": report.stored, "already_stored": report.already_stored}, status)
