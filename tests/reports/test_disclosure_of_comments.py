"""Issue 17 (2) for comments: the respondents count beside a unit's comments cannot be differenced.

A unit report's comment section gives the group's respondents (and its comment and theme counts). The
attacker (:mod:`tests.disclosure_attack`) takes that count for every unit of a three-level tree and every
month, quarter and year, and tries every subtraction: with the comments held to the linked rule (a grid of
every respondent, :func:`kundpuls.reports.disclosure.released_cells`) she recovers nothing; with the
comment threshold on each group alone, as before, she recovers small groups.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.disclosure_attack import Cell, World, recovered_small_groups

from kundpuls.analytics.comments import unit_comments
from kundpuls.analytics.lake.layout import quarter_of
from kundpuls.analytics.rollup import lake_unit_tree, open_lake
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.instruments import SurveyDefinition, load_template
from kundpuls.reports import cache
from kundpuls.reports.frame_lake import lake_from_frame
from kundpuls.reports.unit_report import unit_report

THRESHOLD = 7
PARENTS = {"N1": "NORR", "N2": "NORR", "S1": "SYD", "S2": "SYD", "NORR": "ALL", "SYD": "ALL"}


@pytest.fixture(scope="module")
def commented(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SurveyDefinition, World]:
    definition = load_template("nki")
    units = [
        UnitProfile(code="N1", volume=20),
        UnitProfile(code="N2", volume=8),  # months around the threshold
        UnitProfile(code="S1", volume=12),
        UnitProfile(code="S2", volume=3),  # months under the threshold
    ]
    generated = generate_responses(
        definition,
        units,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 7, 1, tzinfo=UTC),
        seed=23,
        comment_rate=0.3,
    )
    path = tmp_path_factory.mktemp("comment-disclosure") / "lake"
    lake_from_frame(generated.frame(), definition, path, parents=PARENTS)
    cache.clear()
    _, manifest = open_lake(path)
    world = World(dict(lake_unit_tree(manifest).parent), manifest.months("nki"), {})
    return path, definition, world


def _periods(world: World) -> list[tuple[str, str]]:
    quarters = sorted({quarter_of(m) for m in world.months})
    years = sorted({m[:4] for m in world.months})
    return (
        [("month", m) for m in world.months]
        + [("quarter", q) for q in quarters]
        + [("year", y) for y in years]
    )


def test_the_comment_counts_of_every_unit_and_period_recover_no_small_group(
    commented: tuple[Path, SurveyDefinition, World],
) -> None:
    path, definition, world = commented
    released: dict[Cell, int] = {}
    for kind, period in _periods(world):
        for unit in world.units:
            report = unit_report(
                path, definition, unit, threshold_setting=THRESHOLD, period=period, period_kind=kind
            )
            comments = report.comments
            assert comments is not None
            if comments.suppressed:
                assert comments.respondents is None and comments.themes == ()
                continue
            assert comments.respondents is not None and comments.respondents >= THRESHOLD
            released[(unit, period, "", "")] = comments.respondents
    assert recovered_small_groups(released, world, THRESHOLD) == []
    assert ("N1", "2025-Q2", "", "") in released and ("ALL", "2025-03", "", "") in released


def test_the_attacker_recovers_small_groups_when_comments_are_only_held_to_the_threshold(
    commented: tuple[Path, SurveyDefinition, World],
) -> None:
    path, _, world = commented
    released: dict[Cell, int] = {}
    for kind, period in _periods(world):
        for unit in world.units:
            found = unit_comments(path, "nki", unit, period, kind=kind, threshold=THRESHOLD)
            if not found.suppressed and found.respondents is not None:
                released[(unit, period, "", "")] = found.respondents
    findings = recovered_small_groups(released, world, THRESHOLD)
    assert any(f.startswith("quarter − months") for f in findings), findings[:5]
