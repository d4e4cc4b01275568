"""Goal status from the lake: inheritance, the interval against the target, suppression, roll-up counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats as scipy_stats

from kundpuls.errors import ValidationError
from kundpuls.web.org.actors import CLI

from .conftest import SCORES

pytestmark = pytest.mark.django_db


def _unit(code: str) -> Any:
    from kundpuls.web.org.models import Unit

    return Unit.objects.get(code=code)


def _nki() -> Any:
    from kundpuls.web.surveys.models import Survey

    return Survey.objects.get(key="nki")


def _hemtjanst() -> list[Any]:
    return [_unit(c) for c in ("VOF-HT-N", "VOF-HT-S", "VOF-HT-C")]


def test_the_nki_of_a_unit_equals_the_t_interval_of_its_respondents(lake: Path) -> None:
    from kundpuls.web.goals.metrics import index_results
    from kundpuls.web.goals.periods import parse_period

    result = index_results(_nki(), "NKI", parse_period("2026"), ["VOF-HT-N"])["VOF-HT-N"]
    values = 100 * (np.array(SCORES["VOF-HT-N"], dtype=float) - 1) / 9
    half = scipy_stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    # independent check with scipy's t quantile; tolerance 1e-9 (floating point only)
    assert result.n == 20
    assert result.estimate == pytest.approx(values.mean(), abs=1e-9)
    assert result.ci_low == pytest.approx(values.mean() - half, abs=1e-9)
    assert result.ci_high == pytest.approx(values.mean() + half, abs=1e-9)


def test_goals_are_inherited_down_the_tree_unless_a_unit_sets_its_own(lake: Path) -> None:
    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.goals.queries import goal_statuses

    set_goal(_unit("VOF"), "index:NKI", "2026", 60, survey=_nki(), actor=CLI)
    set_goal(_unit("VOF-HT-S"), "index:NKI", "2026", 20, survey=_nki(), actor=CLI)
    rows = {r.unit.code: r for r in goal_statuses(_hemtjanst(), period="2026")}
    assert rows["VOF-HT-N"].inherited_from.code == "VOF" and rows["VOF-HT-N"].goal.target == 60
    assert rows["VOF-HT-S"].inherited_from is None and rows["VOF-HT-S"].goal.target == 20
    assert str(rows["VOF-HT-N"].status.state) == "met"  # 94.4 (91.8–97.1) above 60
    assert str(rows["VOF-HT-S"].status.state) == "met"  # 27.8 (25.2–30.4) above 20
    assert str(rows["VOF-HT-C"].status.state) == "suppressed"  # 3 answers, under the threshold 7
    assert rows["VOF-HT-C"].status.estimate is None


def test_a_target_inside_the_interval_is_uncertain_and_above_it_not_met(lake: Path) -> None:
    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.goals.queries import goal_statuses

    set_goal(_unit("VOF-HT-N"), "index:NKI", "2026", 94, survey=_nki(), actor=CLI)
    set_goal(_unit("VOF-HT-S"), "index:NKI", "2026", 50, survey=_nki(), actor=CLI)
    rows = {r.unit.code: r for r in goal_statuses(_hemtjanst()[:2], period="2026")}
    assert str(rows["VOF-HT-N"].status.state) == "uncertain"
    assert str(rows["VOF-HT-S"].status.state) == "not_met"


def test_a_goal_for_another_period_has_no_data(lake: Path) -> None:
    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.goals.queries import goal_statuses

    set_goal(_unit("VOF-HT-N"), "index:NKI", "2025-Q1", 60, survey=_nki(), actor=CLI)
    (row,) = goal_statuses([_unit("VOF-HT-N")], period="2025-Q1")
    assert str(row.status.state) == "no_data"


def test_the_roll_up_counts_units_per_administration(lake: Path) -> None:
    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.goals.queries import goal_statuses, leaf_units_under, rollup_by_administration

    set_goal(_unit("VOF"), "index:NKI", "2026", 60, survey=_nki(), actor=CLI)
    units = [*leaf_units_under(_unit("VOF")), _unit("KFF-BIB-HUV")]
    (vof,) = rollup_by_administration(goal_statuses(units, period="2026"))
    leaves = len(leaf_units_under(_unit("VOF")))
    assert vof["administration"] == "VOF"
    assert vof["goals"] == vof["units"] == leaves
    assert (vof["met"], vof["not_met"], vof["uncertain"], vof["suppressed"]) == (1, 1, 0, 1)
    assert vof["no_data"] == leaves - 3


def test_a_goal_needs_a_known_metric_and_period(db: None) -> None:
    from kundpuls.web.goals.actions import set_goal

    with pytest.raises(ValidationError, match="metric"):
        set_goal(_unit("VOF"), "index:FINNS_INTE", "2026", 60, survey=_nki(), actor=CLI)
    with pytest.raises(ValidationError, match="period"):
        set_goal(_unit("VOF"), "index:NKI", "2026-13", 60, survey=_nki(), actor=CLI)
    with pytest.raises(ValidationError, match="target"):
        set_goal(_unit("VOF"), "index:NKI", "2026", 160, survey=_nki(), actor=CLI)


def _make_cases(unit: Any, *, in_time: int, late: int, due: Any) -> None:
    import uuid
    from datetime import UTC, datetime, time, timedelta

    from kundpuls.web.cases.models import Case
    from kundpuls.web.responses.models import Response
    from kundpuls.web.surveys.queries import current_version

    version = current_version(_nki())
    for k in range(in_time + late):
        response = Response.objects.create(
            submission_id=uuid.uuid4(),
            survey=_nki(),
            version=version,
            unit=unit,
            channel="link",
            submitted_at=datetime(2026, 5, 1, tzinfo=UTC),
            consented=True,
        )
        closed = datetime.combine(due + timedelta(days=0 if k < in_time else 3), time(12), tzinfo=UTC)
        Case.objects.create(
            response=response,
            unit=unit,
            survey=_nki(),
            status="closed",
            opened_at=closed,
            due_date=due,
            closed_at=closed,
        )


def test_the_share_of_cases_closed_in_time_is_a_goal_metric(db: None) -> None:
    from datetime import date

    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.goals.queries import goal_statuses

    set_goal(_unit("VOF-HT-N"), "cases_in_time", "2026", 60, actor=CLI)
    _make_cases(_unit("VOF-HT-N"), in_time=8, late=0, due=date(2026, 5, 5))
    (row,) = goal_statuses([_unit("VOF-HT-N")], period="2026")
    # 8 of 8 in time: Wilson lower bound 8/(8 + z²) = 67.6 % > 60 % (z = 1.959964; tolerance 0.01)
    assert row.status.ci_low == pytest.approx(100 * 8 / (8 + 1.959964**2), abs=0.01)
    assert str(row.status.state) == "met"
    _make_cases(_unit("VOF-HT-N"), in_time=0, late=8, due=date(2026, 6, 5))
    (row,) = goal_statuses([_unit("VOF-HT-N")], period="2026")
    assert row.status.estimate == pytest.approx(50.0) and str(row.status.state) == "uncertain"


def test_a_department_goal_rolls_up_its_units(lake: Path) -> None:
    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.goals.queries import goal_statuses

    set_goal(_unit("VOF-HT"), "index:NKI", "2026", 60, survey=_nki(), actor=CLI)
    (row,) = goal_statuses([_unit("VOF-HT")], period="2026")
    everyone = 100 * (np.concatenate([np.array(v, dtype=float) for v in SCORES.values()]) - 1) / 9
    assert row.status.n == everyone.size
    assert row.status.estimate == pytest.approx(everyone.mean(), abs=1e-9)  # 59.0, interval ≈ 50–68
    assert str(row.status.state) == "uncertain"


def test_a_goal_on_cases_hidden_for_too_few_cases_says_cases_not_answers(db: None) -> None:
    from datetime import date

    from django.utils import translation

    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.goals.queries import goal_statuses

    set_goal(_unit("VOF-HT-N"), "cases_in_time", "2026", 60, actor=CLI)
    _make_cases(_unit("VOF-HT-N"), in_time=2, late=1, due=date(2026, 5, 5))  # 3 cases, under 7
    (row,) = goal_statuses([_unit("VOF-HT-N")], period="2026")
    assert str(row.status.state) == "suppressed"
    with translation.override("sv"):
        assert row.state_label == "För få ärenden"
