"""Stored responses reach the Parquet lake incrementally, exactly once, and leave it on erasure."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from kundpuls.analytics.rollup import sufficient_statistics
from kundpuls.web.org.actors import CLI
from kundpuls.web.responses.actions import erase, submit_response, sync_to_lake
from kundpuls.web.responses.erasure import parse_subject
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution
from kundpuls.web.surveys.queries import current_version


def _answers(score: int) -> dict[str, Any]:
    return {
        "tjanst": "socialtjanst",
        "nki_helhet": score,
        "nki_forvantan": score,
        "nki_ideal": score,
        "bem_vanlighet": score,
        "kommentar": "Sköterskan var vänlig.",
    }


@pytest.fixture
def lake_dir(settings: Any, tmp_path: Path) -> Path:
    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    return tmp_path / "lake"


def _submit(n: int, unit: str = "VOF-HT-N", score: int = 8) -> list[uuid.UUID]:
    distribution = Distribution.objects.get(survey__key="nki", unit__code=unit)
    version = current_version(distribution.survey)
    assert version is not None
    ids = [uuid.uuid4() for _ in range(n)]
    for sid in ids:
        submit_response(
            version=version, distribution=distribution, submission_id=sid, answers=_answers(score)
        )
    return ids


@pytest.mark.django_db
def test_sync_appends_new_responses_once_and_rolls_them_up(lake_dir: Path) -> None:
    _submit(8)
    first = sync_to_lake()
    assert first.responses == 8
    again = sync_to_lake()
    assert again.responses == 0
    assert again.watermark == first.watermark == Response.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
    _submit(2, unit="VOF-HT-S", score=4)
    assert sync_to_lake().responses == 2
    stats = sufficient_statistics(lake_dir, "nki", items=["nki_helhet"], period="all", threshold=1)
    rows = stats.table.set_index("unit")
    assert rows.loc["VOF-HT-N", "n"] == 8
    assert rows.loc["VOF-HT", "n"] == 10  # the department rolls up both home-care units
    assert rows.loc["EXK", "sum"] == 8 * 8 + 2 * 4


@pytest.mark.django_db
def test_erasure_removes_a_response_from_database_and_lake(lake_dir: Path) -> None:
    ids = _submit(8)
    sync_to_lake()
    result = erase(parse_subject(str(ids[0])), actor=CLI)  # the dashed form (issue 17)
    assert result.lake is not None
    assert (result.lake.responses_erased, result.lake.comments_erased) == (1, 1)
    assert not Response.objects.filter(submission_id=ids[0]).exists()
    stats = sufficient_statistics(lake_dir, "nki", items=["nki_helhet"], period="all", threshold=1)
    assert stats.table.set_index("unit").loc["VOF-HT-N", "n"] == 7


@pytest.mark.django_db
def test_responses_stored_within_the_settle_time_wait_for_the_next_sync(lake_dir: Path) -> None:
    _submit(3)
    assert sync_to_lake(settle_seconds=60).responses == 0  # just stored: a lower id may still be committing
    assert sync_to_lake(settle_seconds=0).responses == 3
