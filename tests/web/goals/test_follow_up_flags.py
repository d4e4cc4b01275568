"""The improvement actions a goals page lists are flagged as one family (Benjamini–Hochberg at 5 %)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from kundpuls.stats import bh_reject
from kundpuls.web.org.actors import CLI

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
BEFORE, AFTER = datetime(2025, 11, 14, 10, tzinfo=UTC), datetime(2026, 4, 15, 10, tzinfo=UTC)
NKI_ITEMS = ("nki_helhet", "nki_forvantan", "nki_ideal")
BASE = [6, 7, 8, 7, 6, 8, 7, 7, 6, 8, 7, 7, 6, 8, 7, 9, 5, 7, 8, 6]
# unit -> how many of its 20 respondents answer one point higher after the action (None: all +3, at most 10)
RAISED = {"VOF-HT-N": None, "VOF-HT-S": 13, "VOF-HT-C": 14, "KFF-BIB-HUV": 5}


@pytest.fixture
def follow_ups(db: None, settings: Any, tmp_path: Path, personas: dict[str, Any]) -> list[dict[str, Any]]:
    from kundpuls.web.goals.actions import add_improvement_action, mark_action_done
    from kundpuls.web.goals.models import ImprovementAction
    from kundpuls.web.goals.queries import action_follow_ups
    from kundpuls.web.org.models import Unit
    from kundpuls.web.responses.actions import submit_response, sync_to_lake
    from kundpuls.web.surveys.models import Distribution, Survey
    from kundpuls.web.surveys.queries import current_version

    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    for code, raised in RAISED.items():
        distribution = Distribution.objects.get(survey=survey, unit__code=code, closed_at__isnull=True)
        after = (
            [min(b + 3, 10) for b in BASE]
            if raised is None
            else [b + (i < raised) for i, b in enumerate(BASE)]
        )
        for when, scores in ((BEFORE, BASE), (AFTER, after)):
            for score in scores:
                submit_response(
                    version=version,  # type: ignore[arg-type]
                    distribution=distribution,
                    submission_id=uuid.uuid4(),
                    answers={"tjanst": "socialtjanst", **dict.fromkeys(NKI_ITEMS, score)},
                    submitted_at=when,
                )  # fmt: skip
        action = add_improvement_action(
            Unit.objects.get(code=code), survey, "NKI", f"Åtgärd {code}", owner=None,
            started=date(2026, 1, 10), due_date=date(2026, 2, 20), actor=CLI,
        )  # fmt: skip
        mark_action_done(action, date(2026, 2, 20), actor=CLI)
    sync_to_lake()
    return action_follow_ups(ImprovementAction.objects.order_by("unit__code"))


def test_the_listed_follow_ups_are_flagged_with_benjamini_hochberg(follow_ups: list[dict[str, Any]]) -> None:
    assert [f["state"] for f in follow_ups] == ["compared"] * 4
    p = [f["p_value"] for f in follow_ups]
    plain = [value < 0.05 for value in p]
    assert [f["significant"] for f in follow_ups] == bh_reject(p).tolist()
    # chance-sized changes pass a single test at 5 % but not the page's 5 % false discovery rate
    assert sum(plain) == 3 and sum(f["significant"] for f in follow_ups) == 1


def test_the_goals_page_marks_only_the_clear_change_and_says_what_the_mark_means(
    follow_ups: list[dict[str, Any]], personas: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(personas["admin"], backend=BACKEND)
    html = client.get("/portal/mal/enheter/EXK/").content.decode()
    assert html.count(") *</td>") == 1
    assert (
        "En tydlig förändring: av alla förändringar som markeras på sidan får högst 5 % vara slump." in html
    )
