"""Issue 17 for the taxonomy editor: its comments per theme cannot be differenced against the results pages.

The editor counts each organisation's comments per theme over each survey's last twelve months
(:mod:`kundpuls.reports.theme_counts`); the results pages show the comment and theme counts of every unit
per month, quarter and year. A window that starts inside a quarter is a group no results table has: when
a small month at its start is protected by hiding cells outside the window (the quarter's other months),
the window minus what the results pages show of its other months gives the comments of the small month.

The attacker (:mod:`tests.disclosure_attack`) holds every respondents count beside the results pages'
comments and the editor's windows (a group's respondents count stands for every count over it: when its
members follow by subtraction, so do its theme counts). With the editor under the rule of the results
pages she recovers nothing, and the survey without a small month is still counted in full; with the
window counted as before she recovers the small month, and its theme counts with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from tests.disclosure_attack import Cell, World, recovered_small_groups

from kundpuls.analytics.comments import period_comments, unit_comments
from kundpuls.analytics.lake.layout import quarter_of
from kundpuls.analytics.rollup import lake_unit_tree, open_lake
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.instruments import SurveyDefinition, load_template
from kundpuls.reports import cache
from kundpuls.reports.disclosure import respondent_cells
from kundpuls.reports.frame_lake import lake_from_frame
from kundpuls.reports.theme_counts import theme_counts
from kundpuls.reports.theme_discovery import discovery_periods, releasable_comments
from kundpuls.reports.unit_report import survey_plan, unit_report
from kundpuls.text.reading import read_comments
from kundpuls.text.taxonomy import default_taxonomy

THRESHOLD = 7
# two organisations; the lake hangs both under its root ALL, whose pages the attacker gets too
PARENTS = {
    "N1": "NORR",
    "N2": "NORR",
    "S1": "SYD",
    "S2": "SYD",
    "NORR": "KOMMUN",
    "SYD": "KOMMUN",
    "A1": "REGION",
    "A2": "REGION",
}
KOMMUN_UNITS = ["N1", "N2", "S1", "S2"]
SMALL_MONTH = "2024-06"  # in the survey nki, the organisation KOMMUN has three respondents in it
WINDOW = "R12 2025-05"  # 2024-06 … 2025-05: the newest twelve of the months 2024-04 … 2025-05
ORGANISATIONS = ("KOMMUN", "REGION")

Lake = tuple[Path, dict[str, SurveyDefinition], World]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    units = [
        UnitProfile(code="N1", volume=20),
        UnitProfile(code="N2", volume=8),
        UnitProfile(code="S1", volume=12),
        UnitProfile(code="S2", volume=3),
        UnitProfile(code="A1", volume=15),
        UnitProfile(code="A2", volume=10),
    ]
    path = tmp_path_factory.mktemp("theme-count-disclosure") / "lake"
    # insikt: every unit large enough that no cell an organisation's window holds is hidden
    large = [UnitProfile(code=u.code, volume=30) for u in units]
    definitions = {key: load_template(key) for key in ("nki", "insikt")}
    for key, definition in definitions.items():
        frame = generate_responses(
            definition,
            units if key == "nki" else large,
            start=datetime(2024, 4, 1, tzinfo=UTC),
            end=datetime(2025, 6, 1, tzinfo=UTC),
            seed=29,
            comment_rate=0.4,
        ).frame()
        if key == "nki":
            month = frame["submitted_at"].dt.strftime("%Y-%m")
            small = frame.index[(month == SMALL_MONTH) & frame["unit"].isin(KOMMUN_UNITS)]
            frame = frame.drop(index=small[3:]).reset_index(drop=True)
        lake_from_frame(frame, definition, path, parents=PARENTS)
    cache.clear()
    _, manifest = open_lake(path)
    assert manifest.months("nki") == manifest.months("insikt")
    world = World(dict(lake_unit_tree(manifest).parent), manifest.months("nki"), {})
    assert world.months[0] == "2024-04" and world.months[-1] == "2025-05"
    return path, definitions, world


def _results_pages(path: Path, definition: SurveyDefinition, world: World) -> dict[Cell, int]:
    """Every respondents count the results pages of ``definition`` show beside a unit's comments."""
    periods = (
        [("month", m) for m in world.months]
        + [("quarter", q) for q in sorted({quarter_of(m) for m in world.months})]
        + [("year", y) for y in sorted({m[:4] for m in world.months})]
    )
    released: dict[Cell, int] = {}
    for kind, period in periods:
        for unit in world.units:
            comments = unit_report(
                path, definition, unit, threshold_setting=THRESHOLD, period=period, period_kind=kind
            ).comments
            assert comments is not None
            if not comments.suppressed and comments.respondents is not None:
                released[(unit, period, "", "")] = comments.respondents
    return released


@pytest.fixture(scope="module")
def pages(lake: Lake) -> dict[str, dict[Cell, int]]:
    """Per survey, what its results pages show (copy before adding to it)."""
    path, definitions, world = lake
    return {key: _results_pages(path, d, world) for key, d in definitions.items()}


def _window_as_before(path: Path, survey: str, organisation: str) -> tuple[int, dict[str, int], int]:
    """The editor's counts without the rule: the window's respondents, comments per theme and comments."""
    found = period_comments(path, survey, WINDOW, kind="rolling12", threshold=1)
    own = found.comments[found.comments["unit_code"].isin(found.members[organisation])]
    return found.respondents[organisation], _per_theme(own), len(own)


def _per_theme(comments: pd.DataFrame) -> dict[str, int]:
    taxonomy = default_taxonomy()
    texts = [str(t) for t in comments["text"]]
    languages = [str(x) for x in comments["language"]]
    known = all(x in ("sv", "en") for x in languages)
    assignment = read_comments(texts, taxonomy, languages=languages if known else None).assignment
    return dict(zip(assignment.keys, (int(n) for n in assignment.counts()), strict=True))


def test_the_editor_counts_under_the_rule_recover_no_small_group(
    lake: Lake, pages: dict[str, dict[Cell, int]]
) -> None:
    path, definitions, world = lake
    plans = {key: survey_plan(path, d, threshold_setting=THRESHOLD) for key, d in definitions.items()}
    released = {key: dict(cells) for key, cells in pages.items()}
    for organisation in ORGANISATIONS:
        counted = theme_counts(path, default_taxonomy(), organisation=organisation, plans=plans)
        # nki has a month of three respondents in KOMMUN: its window there is not counted; insikt has
        # none, and its windows are counted in full
        assert counted.periods.get("insikt") == WINDOW
        assert ("nki" in counted.hidden) == ("nki" not in counted.periods)
        for key in counted.periods:
            respondents, _, _ = _window_as_before(path, key, organisation)
            released[key][(organisation, WINDOW, "", "")] = respondents
        if counted.periods == {"insikt": WINDOW}:
            _, per_theme, comments = _window_as_before(path, "insikt", organisation)
            assert counted.counts == per_theme and counted.comments == comments > 0
    assert ("KOMMUN", WINDOW, "", "") not in released["nki"]
    assert ("KOMMUN", "2024-08", "", "") in released["nki"]
    for key in definitions:
        assert recovered_small_groups(released[key], world, THRESHOLD) == [], key


def test_the_attacker_recovers_a_small_month_from_the_editor_counts_without_the_rule(
    lake: Lake, pages: dict[str, dict[Cell, int]]
) -> None:
    path, definitions, world = lake
    released = dict(pages["nki"])
    respondents, per_theme, _ = _window_as_before(path, "nki", "KOMMUN")
    released[("KOMMUN", WINDOW, "", "")] = respondents
    findings = recovered_small_groups(released, world, THRESHOLD)
    assert any("'KOMMUN', '2024-06'" in f for f in findings), findings[:5]

    # concretely: the window's theme counts minus those of its other months (shown, or a shown quarter
    # minus its shown months) are the theme counts of the small month
    def themes(period: str, kind: str) -> dict[str, int]:
        report = unit_report(
            path, definitions["nki"], "KOMMUN", threshold_setting=THRESHOLD, period=period, period_kind=kind
        )
        assert report.comments is not None and not report.comments.suppressed
        return {theme.key: theme.count for theme in report.comments.themes}

    def minus(whole: dict[str, int], part: dict[str, int]) -> dict[str, int]:
        return {key: n - part.get(key, 0) for key, n in whole.items()}

    recovered = dict(per_theme)
    for month in world.months_of(WINDOW):
        if month == SMALL_MONTH:
            continue
        if ("KOMMUN", month, "", "") in released:
            recovered = minus(recovered, themes(month, "month"))
            continue
        quarter = quarter_of(month)
        others = [m for m in world.months_of(quarter) if m != month]
        assert ("KOMMUN", quarter, "", "") in released
        assert all(("KOMMUN", m, "", "") in released for m in others)
        alone = themes(quarter, "quarter")
        for other in others:
            alone = minus(alone, themes(other, "month"))
        recovered = minus(recovered, alone)
    found = period_comments(path, "nki", WINDOW, kind="rolling12", threshold=1).comments
    small = found[(found["period_month"] == SMALL_MONTH) & found["unit_code"].isin(KOMMUN_UNITS)]
    assert recovered == _per_theme(small) and sum(recovered.values()) > 0


def test_discovery_reads_only_the_quarters_the_results_pages_show(lake: Lake) -> None:
    path, definitions, _ = lake
    everyone = respondent_cells(path, survey_plan(path, definitions["nki"], threshold_setting=THRESHOLD))
    quarters = discovery_periods(path, "nki")

    def shown_and_big_hidden(unit: str) -> tuple[list[str], list[str]]:
        shown = [q for q in quarters if everyone.released(unit, q)]
        big = [q for q in quarters if q not in shown and everyone.counts[(unit, q, "", "")] >= THRESHOLD]
        return shown, big

    # a unit with quarters of enough respondents that the grid hides beside small ones (S2 beside its
    # small months, S1 beside S2 under SYD, which has no responses of its own): those are left out
    unit = next(u for u in KOMMUN_UNITS if all(shown_and_big_hidden(u)))
    shown, _ = shown_and_big_hidden(unit)
    texts, hidden, _ = releasable_comments(
        path, definitions["nki"], unit, quarters, threshold_setting=THRESHOLD
    )
    assert hidden == len(quarters) - len(shown)
    expected = 0
    for quarter in shown:
        found = unit_comments(path, "nki", unit, quarter, kind="quarter", threshold=THRESHOLD)
        expected += sum(1 for text in found.comments["text"] if str(text).strip())
    assert len(texts) == expected > 0
