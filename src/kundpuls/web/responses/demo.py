"""Fills the demo surveys with two years of synthetic responses from a known model (idempotent)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone

from kundpuls.demo.demo_plan import DEMO_OWNERS, demo_plan
from kundpuls.demo.responses import GeneratedResponse
from kundpuls.demo.truth import survey_truth
from kundpuls.web.org.actors import DEMO, Actor
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.actions import ImportReport, IncomingResponse, import_responses
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.demo import demo_start, leaf_units
from kundpuls.web.surveys.models import Distribution, Survey, SurveyVersion
from kundpuls.web.surveys.queries import current_version, definition_of


def load_demo_responses() -> dict[str, int]:
    """Generate and store the demo responses of every demo survey; a second run stores nothing new."""
    now = timezone.now()
    counts: dict[str, int] = {}
    for key, owner_code in DEMO_OWNERS.items():
        survey = Survey.objects.get(key=key)
        version = current_version(survey)
        if version is None:
            continue
        units = leaf_units(Unit.objects.get(code=owner_code))
        links = {
            d.unit.code: d
            for d in Distribution.objects.select_related("unit").filter(survey=survey, closed_at__isnull=True)
        }
        plan = demo_plan(key, [u.code for u in units if u.code in links], now=now, start=demo_start(now))
        generated = plan.generate(definition_of(version))
        ids = [r.submission_id for r in generated.responses]
        if Response.objects.filter(submission_id__in=ids).count() == len(ids):  # loaded before: nothing new
            counts[key] = len(ids)
            continue
        report = import_generated(version, generated.responses, links, actor=DEMO)
        counts[key] = report.stored + report.already_stored
    return counts


def import_generated(
    version: SurveyVersion,
    responses: Iterable[GeneratedResponse],
    links: Mapping[str, Distribution],
    *,
    actor: Actor,
) -> ImportReport:
    """Store generated responses (:mod:`kundpuls.demo.responses`) as a file import would, each through the
    link of its unit (``links``: unit code → link); a response stored before is not stored again."""
    rows = [
        IncomingResponse(
            distribution=links[r.unit],
            submission_id=r.submission_id,
            answers=r.as_input(),
            language=r.language,
            submitted_at=r.submitted_at,
        )
        for r in responses
    ]
    return import_responses(version, rows, actor=actor)


def demo_truth(
    *, period_kinds: Iterable[str] = ("quarter",), goals: Mapping[str, Sequence[tuple[str, str, float]]] = {}
) -> dict[str, Any]:
    """The truth behind the loaded demo responses, per survey key (:func:`kundpuls.demo.truth.survey_truth`).

    The plan is rebuilt as the loader made it: from the survey's publication time (the data's start) to
    just after its newest stored response (the loader's ``now``, to within hours; the truth weighs whole
    days). Parents come from the unit tree, so roll-ups have their true values too. ``goals`` maps a
    survey key to ``(unit, index, target)`` whose true state is stated per period.
    """
    found: dict[str, Any] = {}
    for key, owner_code in DEMO_OWNERS.items():
        survey = Survey.objects.filter(key=key).first()
        version = None if survey is None else current_version(survey)
        if version is None or version.published_at is None:
            continue
        stored = Response.objects.filter(survey=survey).order_by("-submitted_at")
        newest = stored.values_list("submitted_at", flat=True).first()
        if newest is None:
            continue
        units = leaf_units(Unit.objects.get(code=owner_code))
        open_links = Distribution.objects.filter(survey=survey, closed_at__isnull=True)
        links = set(open_links.values_list("unit__code", flat=True))
        plan = demo_plan(
            key,
            [u.code for u in units if u.code in links],
            now=newest + timedelta(seconds=1),
            start=version.published_at,
        )
        definition = definition_of(version)
        generated = plan.generate(definition, comments=None)
        parents = {
            code: parent
            for code, parent in Unit.objects.filter(parent__isnull=False).values_list("code", "parent__code")
        }
        found[key] = survey_truth(
            definition,
            generated.truth,
            period_kinds=period_kinds,
            parents=parents,
            goals=tuple(goals.get(key, ())),
        )
    return found
