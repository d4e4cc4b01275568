"""Responses in the database and the lake for the dashboard tests: a few NKI units over six months.

VOF-HT-N (manager_a's unit) and its siblings get enough responses to show; VOF-DAG gets fewer than the
threshold in every quarter, so its numbers must never appear anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kundpuls.demo.responses import DatedChange, UnitProfile, generate_responses
from kundpuls.reports import cache
from kundpuls.web.org.actors import CLI

SMALL_UNIT = "VOF-DAG"
NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)
START = datetime(2026, 1, 1, tzinfo=ZoneInfo("Europe/Stockholm"))  # the lake's months are local


def store_generated(version: Any, responses: Iterable[Any], links: Mapping[str, Any]) -> None:
    """Import generated responses as the demo loader does, each through its unit's link, as the terminal."""
    from kundpuls.web.responses.demo import import_generated

    import_generated(version, responses, links, actor=CLI)


def unit_links(survey: Any, codes: Iterable[str]) -> dict[str, Any]:
    """Each unit's link of ``survey`` (its first distribution there, or a new link): {unit code: link}."""
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.models import Distribution

    links = {}
    for code in codes:
        unit = Unit.objects.get(code=code)
        link = Distribution.objects.filter(survey=survey, unit=unit).first()
        links[code] = link or Distribution.objects.create(survey=survey, unit=unit, channel="link")
    return links


def load_results(lake_dir: Path) -> dict[str, int]:
    """Generate, import and sync the responses; returns responses per unit."""
    from kundpuls.web.responses.actions import sync_to_lake
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    assert version is not None
    units = [
        UnitProfile(
            code="VOF-HT-N",
            volume=20,
            changes=(DatedChange(construct="BEMOTANDE", start=(NOW - timedelta(days=90)).date(), delta=0.8),),
        ),
        UnitProfile(code="VOF-HT-S", volume=18),
        UnitProfile(code="VOF-HT-C", volume=16, shifts={"TILLGANGLIGHET": -0.4}),
        UnitProfile(code="KFF-BIB-HUV", volume=15),
        UnitProfile(code=SMALL_UNIT, volume=0.5),
    ]
    generated = generate_responses(
        definition_of(version), units, start=NOW - timedelta(days=182), end=NOW, seed=7
    )
    # the small unit's sibling beside Hemtjänst, generated apart so the units above keep their answers:
    # without it, Vård och omsorg minus Hemtjänst (a reader knows Vård och omsorg has no responses of its
    # own) is the small unit, so Hemtjänst and one of its units would be hidden whenever it has an answer
    sibling = UnitProfile(code="VOF-BIST", volume=12)
    beside = generate_responses(
        definition_of(version), [sibling], start=NOW - timedelta(days=182), end=NOW, seed=8
    )
    # whole months from January: a first month with a day or two of answers would be a group under the
    # threshold inside every twelve-month driver window, which then could not be shown (docs/methods.md)
    kept = [r for r in [*generated.responses, *beside.responses] if r.submitted_at >= START]
    store_generated(version, kept, unit_links(survey, [u.code for u in [*units, sibling]]))
    sync_to_lake()
    counts: dict[str, int] = {}
    for r in kept:
        counts[r.unit] = counts.get(r.unit, 0) + 1
    return counts


@pytest.fixture
def results(settings: Any, tmp_path: Path, personas: dict[str, object]) -> dict[str, int]:
    """The lake at ``tmp_path/lake`` filled with the test responses (and the cache emptied)."""
    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    cache.clear()
    return load_results(tmp_path / "lake")
