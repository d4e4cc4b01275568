"""A small lake from synthetic responses with a known truth, built once per test session (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from kundpuls.demo.responses import DatedChange, GeneratedResponses, UnitProfile, generate_responses
from kundpuls.instruments import SurveyDefinition, load_template
from kundpuls.reports import cache
from kundpuls.reports.frame_lake import lake_from_frame

SMALL = "SMALL"
CHANGED = "B"
CHANGE_START = date(2025, 7, 1)


@dataclass(frozen=True)
class SmallLake:
    path: Path
    definition: SurveyDefinition
    frame: pd.DataFrame
    generated: GeneratedResponses
    names: dict[str, str]


@pytest.fixture(scope="session")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> SmallLake:
    definition = load_template("nki")
    units = [
        UnitProfile(code="A", volume=40),
        UnitProfile(
            code=CHANGED,
            volume=60,
            changes=(DatedChange(construct="BEMOTANDE", start=CHANGE_START, delta=1.5),),
        ),
        UnitProfile(code="C", volume=40, shifts={"TILLGANGLIGHET": -0.5}),
        UnitProfile(code="D", volume=30),
        UnitProfile(code=SMALL, volume=0.6),
    ]
    generated = generate_responses(
        definition,
        units,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2026, 1, 1, tzinfo=UTC),
        seed=11,
        comment_rate=0.3,
    )
    frame = generated.frame()
    path = tmp_path_factory.mktemp("reports") / "lake"
    _, names = lake_from_frame(frame, definition, path)
    cache.clear()
    return SmallLake(path, definition, frame, generated, names)


@pytest.fixture(scope="session")
def staff_lake(tmp_path_factory: pytest.TempPathFactory) -> SmallLake:
    """NKI customers and the mirrored staff survey for the same units in one lake."""
    customers = load_template("nki")
    staff = load_template("staff")
    start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    units = [UnitProfile(code="A", volume=40), UnitProfile(code="B", volume=40)]
    path = tmp_path_factory.mktemp("gaps") / "lake"
    generated = generate_responses(customers, units, start=start, end=end, seed=3)
    _, names = lake_from_frame(generated.frame(), customers, path)
    # staff C is there so that B's few answers are protected by hiding C (the smaller of B's siblings),
    # not A: the whole organisation minus A would otherwise be B (docs/methods.md, conventions)
    staff_units = [
        UnitProfile(code="A", volume=30),
        UnitProfile(code="B", volume=0.4),
        UnitProfile(code="C", volume=20),
    ]
    staff_generated = generate_responses(staff, staff_units, start=start, end=end, seed=4)
    lake_from_frame(staff_generated.frame(), staff, path)
    cache.clear()
    return SmallLake(path, customers, generated.frame(), generated, names)


NEEDS_KANO = {"arendestatus": "M", "esignering": "O", "kartunderlag": "A", "chatt": "I", "sms_beslut": "A"}


@pytest.fixture(scope="session")
def needs_lake(tmp_path_factory: pytest.TempPathFactory) -> SmallLake:
    """The e-service survey (Kano and price modules) with known truths; unit SMALL under the threshold."""
    definition = load_template("tjanstebehov")
    units = [
        UnitProfile(code="A", volume=60),
        UnitProfile(code="B", volume=40),
        UnitProfile(code=SMALL, volume=1),
    ]
    generated = generate_responses(
        definition,
        units,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2026, 1, 1, tzinfo=UTC),
        seed=21,
        comments=None,
        kano_categories=NEEDS_KANO,
        price_reference=1500.0,
        price_spread=0.35,
    )
    frame = generated.frame()
    path = tmp_path_factory.mktemp("needs") / "lake"
    _, names = lake_from_frame(frame, definition, path)
    cache.clear()
    return SmallLake(path, definition, frame, generated, names)
