"""The channel (link, paper, phone, ...) is a segment read from the fixed column."""

from __future__ import annotations

import pandas as pd

from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.analytics.rollup import sufficient_statistics

from .conftest import ITEMS, ListSource, make_records


def test_channel_rows_equal_a_direct_computation(tmp_path):
    records = make_records(240, seed=21)
    for i, record in enumerate(records):
        record["channel"] = "paper" if i % 3 == 0 else "link"
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    table = sufficient_statistics(tmp_path, "demo", period="all", segment="channel", threshold=1).table
    rows = table[(table["item"] == "q1")]
    assert set(rows["segment"]) == {"paper", "link"}
    for code in set(rows["unit"]):
        for channel in ("paper", "link"):
            row = rows[(rows["unit"] == code) & (rows["segment"] == channel)].iloc[0]
            values = [
                r["answers"]["q1"]
                for r in records
                if r["channel"] == channel
                and r["answers"]["q1"] is not None
                and f"/{code}/" in r["unit_path"]
            ]
            n = 0 if pd.isna(row["n"]) else int(row["n"])
            assert n == len(values), (code, channel)
            if values:
                assert float(row["sum"]) == sum(values)
