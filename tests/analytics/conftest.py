"""Shared builders for the analytics tests: response records, an in-memory source, lake reading."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kundpuls.analytics.lake.manifest import lake_location, read_manifest

SMALL_TREE = {
    "10": "/1/2/10/",
    "11": "/1/2/11/",
    "12": "/1/3/12/",
    "20": "/1/3/20/",
    "2": "/1/2/",
    "21": "/1/21/",
}
ITEMS = {"q1": {"min": 1, "max": 10, "kind": "rating"}, "nps": {"min": 0, "max": 10, "kind": "nps"}}


def make_records(
    count: int,
    *,
    seed: int = 0,
    tree: Mapping[str, str] = SMALL_TREE,
    first_id: int = 1,
    survey: str = "demo",
    start: datetime = datetime(2024, 1, 1, tzinfo=UTC),
    days: float = 200.0,
    missing: float = 0.1,
) -> list[dict[str, Any]]:
    """Random response records in the documented dict layout (integer answers, some missing)."""
    rng = random.Random(seed)
    codes = sorted(tree)
    records = []
    for i in range(first_id, first_id + count):
        code = rng.choice(codes)
        records.append(
            {
                "response_id": i,
                "submission_id": f"{survey}-{i}",
                "survey": survey,
                "survey_version": 1,
                "unit_code": code,
                "unit_path": tree[code],
                "submitted_at": start + timedelta(days=rng.uniform(0, days)),
                "channel": rng.choice(["link", "qr"]),
                "language": "sv",
                "weight": rng.choice([0.5, 1.0, 2.0]),
                "answers": {
                    "q1": None if rng.random() < missing else rng.randint(1, 10),
                    "nps": None if rng.random() < missing else rng.randint(0, 10),
                },
                "background": {"age_group": rng.choice(["16-29", "30-49", None])},
                "comments": {"fritext": "Bra service" if rng.random() < 0.2 else None},
            }
        )
    records.sort(key=lambda r: r["response_id"])
    return records


class ListSource:
    """A ``fetch(after, limit)`` over a list of records ordered by response id (what Django supplies)."""

    def __init__(self, records: Sequence[Mapping[str, Any]]) -> None:
        self.records = sorted(records, key=lambda r: r["response_id"])
        self.calls: list[tuple[int | None, int]] = []

    def __call__(self, after: int | None, limit: int) -> list[Mapping[str, Any]]:
        self.calls.append((after, limit))
        start = 0 if after is None else after
        return [r for r in self.records if r["response_id"] > start][:limit]


def read_lake_table(lake: Any, table: str = "responses") -> pd.DataFrame:
    """Every committed row of ``table``, sorted, as a DataFrame (column order unified)."""
    location = lake_location(lake)
    manifest = read_manifest(location)
    parts = [pq.read_table(location.path(f.path)) for f in manifest.table_files(table)]
    if not parts:
        return pd.DataFrame()
    frame = pa.concat_tables(parts, promote_options="default").to_pandas()
    keys = ["response_id", "question"] if table == "comments" else ["response_id"]
    return frame.sort_values(keys, ignore_index=True)[sorted(frame.columns)]


@pytest.fixture
def records() -> list[dict[str, Any]]:
    return make_records(300, seed=7)
