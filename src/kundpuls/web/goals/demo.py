"""Goals, costs and improvement actions in the demo, so that its goal pages have something to show.

Targets for this year: the whole NKI for Vård och omsorg with a stricter one for Hemtjänst Norr, NKI for
Kultur och fritid, cases closed in time for the municipality, the overall impression for the region's
primary care. Cost and served customers for the home-care units (the productivity chart), and two
improvement actions of Hemtjänst Norr: one done half a year ago (its before/after follow-up has data), one
under way. Idempotent: goals and costs are set again to the same values, actions are added once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kundpuls.web.accounts.models import User
from kundpuls.web.goals.actions import add_improvement_action, import_costs, mark_action_done, set_goal
from kundpuls.web.goals.models import Goal, ImprovementAction, UnitCost
from kundpuls.web.org.actors import DEMO
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Survey

# (unit, metric, survey key or None, target)
GOALS: tuple[tuple[str, str, str | None, float], ...] = (
    ("VOF", "index:NKI", "nki", 62),
    ("VOF-HT-N", "index:NKI", "nki", 70),
    ("KFF", "index:NKI", "nki", 65),
    ("EXK", "cases_in_time", None, 90),
    ("RGX-PV", "index:HELHETSINTRYCK", "patient", 75),
)

# Home-care units: cost per served customer (SEK); customers served per respondent of the year below.
COSTS: dict[str, int] = {"VOF-HT-N": 41_500, "VOF-HT-S": 47_200, "VOF-HT-C": 52_800}
SERVED_PER_RESPONDENT = 2.5

MANAGER = "chef.hemtjanst@kundpuls.example"


def _costs_file(year: int) -> bytes:
    lines = ["unit,period,cost,volume"]
    for code, per_customer in COSTS.items():
        respondents = Response.objects.filter(
            unit__code=code, survey__key="nki", submitted_at__year=year
        ).count()
        served = max(1, round(respondents * SERVED_PER_RESPONDENT))
        lines.append(f"{code},{year},{served * per_customer},{served}")
    return ("\n".join(lines) + "\n").encode()


def _actions(today: date) -> None:
    unit = Unit.objects.filter(code="VOF-HT-N").first()
    survey = Survey.objects.filter(key="nki").first()
    if unit is None or survey is None or ImprovementAction.objects.filter(unit=unit).exists():
        return
    owner: Any = User.objects.filter(email=MANAGER).first()
    done = add_improvement_action(
        unit,
        survey,
        "BEMOTANDE",
        "Fasta kontaktpersoner: samma två medarbetare hos varje kund",
        owner=owner,
        started=today - timedelta(days=300),
        due_date=today - timedelta(days=200),
        actor=DEMO,
    )
    mark_action_done(done, today - timedelta(days=190), actor=DEMO)
    add_improvement_action(
        unit,
        survey,
        "INFORMATION",
        "Besöksplanen skickas hem varje vecka, i klarspråk",
        owner=owner,
        started=today - timedelta(days=30),
        due_date=today + timedelta(days=60),
        actor=DEMO,
    )


def load_demo_goals() -> dict[str, int]:
    """Set the demo's goals and costs and add its improvement actions; returns what exists afterwards."""
    today = timezone.localdate()
    year = today.year
    surveys = {s.key: s for s in Survey.objects.all()}
    for code, metric, key, target in GOALS:
        unit = Unit.objects.filter(code=code).first()
        if unit is None or (key is not None and key not in surveys):
            continue
        set_goal(unit, metric, str(year), target, survey=surveys.get(key) if key else None, actor=DEMO)
    import_costs("demo-kostnader.csv", _costs_file(year), actor=DEMO)
    _actions(today)
    return {
        "goals": Goal.objects.count(),
        "unit_costs": UnitCost.objects.count(),
        "improvement_actions": ImprovementAction.objects.count(),
    }
