"""Fills the demo surveys with two years of synthetic responses from a known model (idempotent)."""

from __future__ import annotations

from django.utils import timezone

from kundpuls.demo.demo_plan import DEMO_OWNERS, demo_plan
from kundpuls.web.org.actors import DEMO
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.actions import IncomingResponse, import_responses
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.demo import demo_start, leaf_units
from kundpuls.web.surveys.models import Distribution, Survey
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
        rows = [
            IncomingResponse(
                distribution=links[r.unit],
                submission_id=r.submission_id,
                answers=r.as_input(),
                language=r.language,
                submitted_at=r.submitted_at,
            )
            for r in generated.responses
        ]
        report = import_responses(version, rows, actor=DEMO)
        counts[key] = report.stored + report.already_stored
    return counts
