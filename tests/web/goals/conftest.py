"""A lake with known NKI answers for three Hemtjänst units (read by the goal tests)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

SUBMITTED = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)
# unit -> the overall scores of its respondents (every NKI item gets the same score). Hemtjänst itself has
# answers of its own: without them Hemtjänst − Norr − Söder would be Centrum's three answers, so one of
# Norr and Söder would have to be hidden with Centrum (docs/methods.md, conventions on anonymity).
SCORES = {
    "VOF-HT-N": [9, 10] * 10,
    "VOF-HT-S": [3, 4] * 10,
    "VOF-HT-C": [5, 6, 7],
    "VOF-HT": [5, 6] * 4,
}


@pytest.fixture
def lake(db: None, settings: Any, tmp_path: Path) -> Path:
    from kundpuls.web.org.models import Unit
    from kundpuls.web.responses.actions import submit_response, sync_to_lake
    from kundpuls.web.surveys.models import Distribution, Survey
    from kundpuls.web.surveys.queries import current_version

    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    for code, scores in SCORES.items():
        distribution = Distribution.objects.filter(
            survey__key="nki", unit__code=code, closed_at__isnull=True
        ).first() or Distribution.objects.create(
            survey=Survey.objects.get(key="nki"), unit=Unit.objects.get(code=code), channel="link"
        )
        version = current_version(distribution.survey)
        for score in scores:
            submit_response(
                version=version,  # type: ignore[arg-type]
                distribution=distribution,
                submission_id=uuid.uuid4(),
                answers={
                    "tjanst": "socialtjanst",
                    "nki_helhet": score,
                    "nki_forvantan": score,
                    "nki_ideal": score,
                },
                submitted_at=SUBMITTED,
            )
    sync_to_lake()
    return tmp_path / "lake"
