"""One pass over the lake counts every set and split as the per-set, per-split queries do."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from kundpuls.analytics.cross_products import cross_products
from kundpuls.analytics.grid_counts import grid_counts
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.analytics.query_specs import CountSet, GridCountQuery
from kundpuls.analytics.respondent_answers import respondent_counts
from kundpuls.errors import InvalidArgument

from .conftest import ITEMS, ListSource, make_records

SEGMENTS = ("age_group", "channel")


def _cells(frame: pd.DataFrame, column: str) -> dict[tuple[str, str, str | None], int]:
    return {
        (str(u), str(p), None if s is None or pd.isna(s) else str(s)): int(n)
        for u, p, s, n in zip(frame["unit"], frame["period"], frame["segment"], frame[column], strict=True)
        if int(n) > 0
    }


def test_it_counts_as_the_queries_of_one_set_and_one_split(tmp_path):
    records = make_records(400, seed=71, missing=0.25)
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    sets = (CountSet(complete=("q1", "nps")), CountSet(numeric=("nps",)), CountSet())
    found = grid_counts(tmp_path, "demo", sets, segments=SEGMENTS)
    assert set(found.splits) == {"", *SEGMENTS}
    for split in ("", *SEGMENTS):
        segment = split or None
        frame = found.splits[split]
        if not split:
            assert frame["segment"].isna().all()
        crossed = cross_products(
            tmp_path,
            "demo",
            ["q1", "nps"],
            period="month",
            segment=segment,
            rollup=False,
            threshold=1,
            complementary=False,
        ).groups
        if segment is None:
            crossed = crossed.assign(segment=None)
        assert _cells(frame, "n_0") == _cells(crossed, "n")
        for column, numeric in (("n_1", ("nps",)), ("n_2", ())):
            counted = respondent_counts(
                tmp_path, "demo", numeric=numeric, period="month", segment=segment, rollup=False
            )
            if segment is None:
                counted = counted.assign(segment=None)
            assert _cells(frame, column) == _cells(counted, "n")


def test_every_respondent_is_counted_once_per_split(tmp_path):
    records = make_records(250, seed=72)
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    found = grid_counts(tmp_path, "demo", (CountSet(),), segments=SEGMENTS)
    per_unit = Counter(r["unit_code"] for r in records)
    for split in ("", *SEGMENTS):
        frame = found.splits[split]
        assert frame.groupby("unit")["rows"].sum().to_dict() == dict(per_unit)
        assert (frame["rows"] == frame["n_0"]).all()


def test_it_refuses_a_repeated_segment_and_no_set():
    with pytest.raises(InvalidArgument, match="segments"):
        GridCountQuery("demo", (CountSet(),), ("channel", "channel"))
    with pytest.raises(InvalidArgument, match="sets"):
        GridCountQuery("demo", ())
