"""The stated truth agrees with the generator: simulated means converge to it (kundpuls.demo.truth)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kundpuls.demo.responses import STOCKHOLM, DatedChange, UnitProfile, generate_responses
from kundpuls.demo.structural import RatingScale
from kundpuls.demo.truth import (
    periods_between,
    rating_probabilities,
    strongest_drivers,
    survey_truth,
    true_goal_state,
    true_priorities,
    true_values,
    true_window_values,
    write_truth,
)
from kundpuls.errors import InvalidArgument
from kundpuls.instruments import load_template

START, END = datetime(2025, 1, 1, tzinfo=STOCKHOLM), datetime(2025, 10, 1, tzinfo=STOCKHOLM)


@pytest.fixture(scope="module")
def big():  # type: ignore[no-untyped-def]
    definition = load_template("nki")
    units = [
        UnitProfile(code="A", volume=2500),
        UnitProfile(
            code="B",
            volume=1200,
            shifts={"BEMOTANDE": -0.6, "NKI": 0.3},
            changes=(
                DatedChange(construct="TILLGANGLIGHET", start=date(2025, 5, 10), delta=0.8, ramp_days=20),
            ),
        ),
    ]
    generated = generate_responses(definition, units, start=START, end=END, seed=5, comments=None)
    return definition, generated


def test_rating_probabilities_are_the_discretised_normal() -> None:
    rng = np.random.default_rng(1)
    for mean, loading, low, high in [
        (0.0, 0.85, 1, 10),
        (-0.7, 0.9, 1, 10),
        (0.5, 0.7, 0, 10),
        (1.2, 0.8, 1, 5),
    ]:
        x = loading * mean + rng.standard_normal(400_000)  # Var(x) = λ² + 1 − λ² = 1
        drawn = RatingScale(low=low, high=high).discretise(x)
        observed = np.bincount((drawn - low).astype(int), minlength=high - low + 1) / x.size
        stated = rating_probabilities(np.array(mean), loading, low, high)
        assert stated.sum() == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_allclose(stated, observed, atol=0.004)


def test_simulated_index_means_converge_to_the_stated_truth(big) -> None:  # type: ignore[no-untyped-def]
    definition, generated = big
    table = true_values(definition, generated.truth, period_kind="quarter", parents={"A": "ALL", "B": "ALL"})
    assert [p.label for p in table.periods] == ["2025-Q1", "2025-Q2", "2025-Q3"]
    frame = generated.frame()
    local = frame["submitted_at"].dt.tz_convert("Europe/Stockholm")
    frame["period"] = local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str)
    checked = 0
    for key, index in definition.codebook.indices.items():
        items = list(index.items)
        rows = frame.dropna(subset=items)  # listwise, as the index frames
        value = (rows[items].astype(float) - 1).mean(axis=1) * 100 / 9
        labels = [p.label for p in table.periods]
        groups = [(u, p, value[(rows["unit"] == u) & (rows["period"] == p)]) for u in "AB" for p in labels]
        groups += [("ALL", p, value[rows["period"] == p]) for p in labels]
        for unit, label, values in groups:
            stated = table.value(unit, label, key)
            se = values.std() / np.sqrt(len(values))
            assert stated is not None and abs(values.mean() - stated) < 4 * se, (key, unit, label)
            checked += 1
    assert checked == 5 * 9
    # the planted change: B's accessibility rises by Q3, A's does not move
    assert table.change("B", "2025-Q3", "TILLGANGLIGHET") > 5
    assert table.change("A", "2025-Q3", "TILLGANGLIGHET") == pytest.approx(0.0, abs=1e-12)
    assert table.change("A", "2025-Q1", "NKI") is None


def test_expected_counts_follow_the_volumes(big) -> None:  # type: ignore[no-untyped-def]
    definition, generated = big
    table = true_values(definition, generated.truth, period_kind="month")
    counts = pd.Series([r.unit for r in generated.responses]).value_counts()
    expected_a = sum(v for (u, _), v in table.expected_n.items() if u == "A")
    assert abs(counts["A"] - expected_a) < 4 * np.sqrt(expected_a)


def test_priorities_goals_and_the_written_document(big, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    definition, generated = big
    truth = generated.truth
    assert strongest_drivers(truth) == ["BEMOTANDE", "TILLGANGLIGHET", "INFORMATION", "KOMPETENS"]
    window = true_window_values(definition, truth, "A", date(2025, 1, 1), date(2025, 9, 30))
    # the default levels: accessibility low, with the second largest path -> the one to prioritise
    assert true_priorities(truth, window) == ["TILLGANGLIGHET"]
    assert true_goal_state(70.0, 65) == "met" and true_goal_state(60.0, 65) == "not_met"
    assert (
        true_goal_state(60.0, 65, higher_is_better=False) == "met" and true_goal_state(None, 1) == "no_data"
    )
    document = survey_truth(definition, truth, parents={"A": "ALL", "B": "ALL"}, goals=[("A", "NKI", 60.0)])
    path = tmp_path / "truth.json"
    write_truth(path, document)
    read = json.loads(path.read_text(encoding="utf-8"))
    rows = read["periods"]["quarter"]["values"]
    assert {r["unit"] for r in rows} == {"A", "B", "ALL"}
    assert read["strongest_drivers"][0] == "BEMOTANDE"
    assert {g["state"] for g in read["periods"]["quarter"]["goals"]} == {"met"}


def test_periods_and_bad_arguments() -> None:
    quarters = periods_between(date(2025, 2, 15), date(2025, 7, 2), "quarter")
    assert [(p.label, p.first, p.last) for p in quarters] == [
        ("2025-Q1", date(2025, 2, 15), date(2025, 3, 31)),
        ("2025-Q2", date(2025, 4, 1), date(2025, 6, 30)),
        ("2025-Q3", date(2025, 7, 1), date(2025, 7, 2)),
    ]
    with pytest.raises(InvalidArgument, match="period_kind"):
        periods_between(date(2025, 1, 1), date(2025, 1, 2), "decade")
