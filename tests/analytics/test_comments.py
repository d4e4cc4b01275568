"""Comments of a unit and period, shown only above the threshold."""

from __future__ import annotations

import pandas as pd
import pytest

from kundpuls.analytics.comments import period_comments, unit_comments
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.errors import InvalidArgument, NotFound

from .conftest import SMALL_TREE, ListSource, make_records


@pytest.fixture
def lake(tmp_path):
    records = make_records(400, seed=71, days=85)  # January to March 2024
    sync_lake(tmp_path, ListSource(records))
    return tmp_path, records


def test_it_returns_the_comments_of_a_unit_and_its_subtree_in_the_period(lake):
    path, records = lake
    found = unit_comments(path, "demo", "2", "2024-Q1", kind="quarter")
    members = {c for c, p in SMALL_TREE.items() if "/2/" in p}
    expected = [
        r["submission_id"]
        for r in sorted(records, key=lambda r: r["submitted_at"])
        if r["unit_code"] in members and r["comments"]["fritext"]
    ]
    assert found.comments["submission_id"].tolist() == expected
    assert found.respondents == sum(r["unit_code"] in members for r in records)
    own = unit_comments(path, "demo", "2", "2024-Q1", kind="quarter", rollup=False)
    assert set(own.comments["unit_code"]) <= {"2"}


def test_it_withholds_comments_when_the_group_is_under_the_threshold(lake):
    path, _ = lake
    found = unit_comments(path, "demo", "10", "2024-01", threshold=10_000)
    assert found.suppressed and found.respondents is None and found.comments.empty


def test_it_names_an_unknown_unit_or_period(lake):
    path, _ = lake
    with pytest.raises(NotFound):
        unit_comments(path, "demo", "nope", "2024-01")
    with pytest.raises(NotFound, match="period"):
        unit_comments(path, "demo", "1", "1999-01")


@pytest.mark.parametrize(("period", "kind"), [("2024-Q1", "quarter"), ("2024-02", "month")])
def test_one_read_for_the_period_gives_every_unit_what_a_read_per_unit_gives(lake, period, kind):
    path, _ = lake
    counts = sorted(period_comments(path, "demo", period, kind=kind, threshold=1).respondents.values())
    threshold = counts[len(counts) // 2]  # about half the units under it
    every = period_comments(path, "demo", period, kind=kind, threshold=threshold)
    shown = hidden = 0
    for unit in SMALL_TREE:
        one = unit_comments(path, "demo", unit, period, kind=kind, threshold=threshold)
        batch = every.for_unit(unit)
        assert (batch.suppressed, batch.respondents) == (one.suppressed, one.respondents), unit
        pd.testing.assert_frame_equal(
            batch.comments.reset_index(drop=True), one.comments.reset_index(drop=True)
        )
        shown, hidden = shown + (not one.suppressed), hidden + one.suppressed
    assert shown and hidden  # both cases were compared


def test_the_period_read_names_an_unknown_period_and_a_bad_threshold(lake):
    path, _ = lake
    with pytest.raises(NotFound, match="period"):
        period_comments(path, "demo", "1999-01")
    with pytest.raises(InvalidArgument, match="threshold"):
        period_comments(path, "demo", "2024-01", threshold=0)
