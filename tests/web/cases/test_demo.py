"""The demo's follow-up step: rule sets, cases opened for the dissatisfied who consented, moved along."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_demo_opens_cases_only_for_consenting_dissatisfied_and_moves_them_along(submit: Any) -> None:
    from kundpuls.web.cases.demo import load_demo_cases
    from kundpuls.web.cases.models import AlertRuleSet, Case, CaseEvent, CaseStatus

    now = timezone.now()
    low = [submit(3, at=now - timedelta(days=days)) for days in range(1, 100, 4)]  # 25 over 14 weeks
    low.append(submit(2, at=now - timedelta(minutes=30)))  # just in: assigned now, not in two hours
    submit(3, consent=False, at=now - timedelta(days=20))
    submit(9, at=now - timedelta(days=20))
    submit(2, at=now - timedelta(weeks=30))  # older than the demo's window
    assert not AlertRuleSet.objects.exists() and not Case.objects.exists()

    counts = load_demo_cases()

    cases = list(Case.objects.select_related("response", "assignee"))
    assert sorted(c.response_id for c in cases) == sorted(low)
    assert counts["cases"] == 26 and counts["open"] == sum(c.is_open for c in cases)
    statuses = {c.status for c in cases}
    assert {CaseStatus.NEW, CaseStatus.CONTACTED, CaseStatus.CLOSED} <= statuses
    for case in cases:
        assert case.opened_at == case.response.submitted_at
        assert case.assignee is not None and case.assignee.email == "chef.hemtjanst@kundpuls.example"
        times = list(CaseEvent.objects.filter(case=case).values_list("at", flat=True))
        assert max(times) <= now + timedelta(seconds=5), "nothing happens in the future"
        if case.status == CaseStatus.CLOSED and not case.closed_without_contact:
            assert case.root_causes and case.improvement and case.resolved_at < case.closed_at
        if case.closed_without_contact:
            assert case.close_reason and case.contacted_at is None
        if now - case.opened_at < timedelta(days=2):
            assert case.status == CaseStatus.NEW

    events = CaseEvent.objects.count()
    assert load_demo_cases() == counts and CaseEvent.objects.count() == events  # again: nothing changes


def test_the_demo_sets_goals_costs_and_actions_once(submit: Any) -> None:
    from kundpuls.web.goals.demo import load_demo_goals
    from kundpuls.web.goals.models import Goal, ImprovementAction, UnitCost

    now = timezone.now()
    for days in range(1, 9):
        submit(7, consent=False, at=now - timedelta(days=days))
    counts = load_demo_goals()
    assert counts == {"goals": 5, "unit_costs": 3, "improvement_actions": 2}
    north = UnitCost.objects.get(unit__code="VOF-HT-N", period=str(timezone.localdate().year))
    assert north.volume == 20 and north.cost == 20 * 41_500  # 8 respondents × 2.5 served each
    assert Goal.objects.get(unit__code="VOF-HT-N", metric="index:NKI").target == 70
    done, ongoing = ImprovementAction.objects.order_by("started")
    assert done.done_at is not None and ongoing.done_at is None
    assert load_demo_goals() == counts
