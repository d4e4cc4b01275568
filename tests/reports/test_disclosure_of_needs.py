"""Issue 17 (2) for the Kano and price sections: no small group is recovered by differencing their counts.

A Kano section gives its respondents (``respondents``), a price section its consistent and inconsistent
respondents (``n + n_invalid``): the counts of a group a reader can ask for by unit, month, quarter,
year and background value. The attacker (:mod:`tests.disclosure_attack`) gets every such count the
sections give — for every unit of a three-level tree, every period of every kind and every value of a
background variable — and tries every subtraction and every linear combination. With the linked rule
(:func:`kundpuls.reports.needs.kano_section` and ``price_sections`` ask
:func:`kundpuls.reports.disclosure.released_cells`) she recovers nothing; with the threshold applied to
each group on its own, as before, she recovers small groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.disclosure_attack import Cell, World, recovered_small_groups

from kundpuls.analytics.lake.layout import quarter_of
from kundpuls.analytics.respondent_answers import respondent_answers, respondent_counts
from kundpuls.analytics.rollup import lake_unit_tree, open_lake
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.instruments import SurveyDefinition, load_template
from kundpuls.reports import cache
from kundpuls.reports.frame_lake import lake_from_frame
from kundpuls.reports.needs import module_items, needs_sections
from kundpuls.reports.unit_report import survey_plan

THRESHOLD = 7
PARENTS = {"N1": "NORR", "N2": "NORR", "S1": "SYD", "S2": "SYD", "S3": "SYD", "NORR": "ALL", "SYD": "ALL"}
VARIABLE = "alder"


@dataclass(frozen=True)
class NeedsLake:
    path: Path
    definition: SurveyDefinition
    world: World


@pytest.fixture(scope="module")
def needs_tree(tmp_path_factory: pytest.TempPathFactory) -> NeedsLake:
    definition = load_template("tjanstebehov")
    units = [
        UnitProfile(code="N1", volume=22),
        UnitProfile(code="N2", volume=8),  # months around the threshold, quarters above it
        UnitProfile(code="NORR", volume=1),  # a parent's own responses
        UnitProfile(code="S1", volume=12),
        UnitProfile(code="S2", volume=3),  # months under the threshold
        UnitProfile(code="S3", volume=0.4),  # under the threshold everywhere
    ]
    generated = generate_responses(
        definition,
        units,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 7, 1, tzinfo=UTC),
        seed=17,
        comments=None,
        price_reference=1500.0,
    )
    path = tmp_path_factory.mktemp("needs-disclosure") / "lake"
    lake_from_frame(generated.frame(), definition, path, parents=PARENTS)
    cache.clear()
    _, manifest = open_lake(path)
    numeric, categorical = module_items(definition)
    found = respondent_counts(
        path, definition.key, numeric=numeric, categorical=categorical, period="all", segment=VARIABLE
    )
    answered = sorted({str(v) for v in found["segment"] if isinstance(v, str)})
    world = World(
        dict(lake_unit_tree(manifest).parent),
        manifest.months(definition.key),
        {VARIABLE: [*answered, "None"]},
    )
    return NeedsLake(path, definition, world)


def _periods(world: World) -> list[tuple[str, str]]:
    months = list(world.months)
    quarters = sorted({quarter_of(m) for m in months})
    years = sorted({m[:4] for m in months})
    return [("month", m) for m in months] + [("quarter", q) for q in quarters] + [("year", y) for y in years]


def _segments(world: World) -> list[tuple[str | None, str | None]]:
    return [(None, None)] + [(VARIABLE, v) for v in world.values[VARIABLE] if v != "None"]


def _keep(released: dict[str, dict[Cell, int]], module: str, cell: Cell, n: int) -> None:
    assert n >= THRESHOLD, (module, cell, n)
    assert released.setdefault(module, {}).setdefault(cell, n) == n, (module, cell)


def test_no_combination_of_kano_and_price_counts_recovers_a_group_under_the_threshold(
    needs_tree: NeedsLake,
) -> None:
    plan = survey_plan(needs_tree.path, needs_tree.definition, threshold_setting=THRESHOLD)
    released: dict[str, dict[Cell, int]] = {}
    for kind, period in _periods(needs_tree.world):
        for unit in needs_tree.world.units:
            for segment, value in _segments(needs_tree.world):
                kano, prices = needs_sections(
                    needs_tree.path,
                    needs_tree.definition,
                    unit,
                    period,
                    period_kind=kind,
                    segment=segment,
                    segment_value=value,
                    plan=plan,
                    language="sv",
                )
                cell = (unit, period, segment or "", value or "")
                assert kano is not None
                if not kano.suppressed:
                    assert kano.respondents is not None
                    _keep(released, "kano", cell, kano.respondents)
                else:
                    assert kano.respondents is None and all(f.n is None for f in kano.features)
                for price in prices:
                    if not price.suppressed:
                        assert price.n is not None and price.n_invalid is not None
                        _keep(released, price.key, cell, price.n + price.n_invalid)
                    else:
                        assert price.n is None and price.pmc is None
    assert set(released) == {"kano", "snabbspar"}
    for module, counts in released.items():
        assert recovered_small_groups(counts, needs_tree.world, THRESHOLD) == [], module
        # and the release is not empty: the big unit's quarters and the whole organisation's months
        assert ("N1", "2025-Q2", "", "") in counts and ("ALL", "2025-05", "", "") in counts, module


def test_the_attacker_recovers_small_groups_when_each_section_is_only_held_to_the_threshold(
    needs_tree: NeedsLake,
) -> None:
    """Without the linked rule (the threshold on each group alone, as before issue 17) she succeeds."""
    _, categorical = module_items(needs_tree.definition)
    released: dict[Cell, int] = {}
    for kind, period in _periods(needs_tree.world):
        for unit in needs_tree.world.units:
            for segment, value in _segments(needs_tree.world):
                found = respondent_answers(
                    needs_tree.path,
                    needs_tree.definition.key,
                    unit,
                    period,
                    categorical=categorical,
                    kind=kind,
                    segment=segment,
                    segment_value=value,
                    threshold=THRESHOLD,
                )
                if not found.suppressed and found.respondents is not None:
                    released[(unit, period, segment or "", value or "")] = found.respondents
    findings = recovered_small_groups(released, needs_tree.world, THRESHOLD)
    assert any(f.startswith("quarter − months") for f in findings), findings[:5]
    assert any(f.startswith("parent − children") or "linear combination" in f for f in findings)
