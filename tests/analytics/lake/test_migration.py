"""Schema versions: a bare partitioned folder (version 0) is migrated; newer lakes are refused."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kundpuls.analytics.lake.layout import MANIFEST_NAME, SCHEMA_VERSION
from kundpuls.analytics.lake.migration import lake_schema_version, migrate_lake, rebuild_lake
from kundpuls.analytics.lake.records import flatten_records
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.analytics.rollup import sufficient_statistics
from kundpuls.errors import ConfigurationError, NotFound

from ..conftest import ITEMS, ListSource, make_records, read_lake_table


def _write_version_0(root, records):
    """A hive-partitioned export without manifest and without the period columns."""
    frame = flatten_records(records).to_pandas()
    frame["month"] = frame["submitted_at"].dt.tz_convert("Europe/Stockholm").dt.strftime("%Y-%m")
    for month, part in frame.groupby("month"):
        folder = root / "responses" / "survey=demo" / f"month={month}"
        folder.mkdir(parents=True)
        pq.write_table(
            pa.Table.from_pandas(part.drop(columns=["month", "survey_key"]), preserve_index=False),
            folder / "data.parquet",
        )


def test_it_migrates_a_bare_partitioned_folder_to_the_current_layout(tmp_path):
    records = make_records(150, seed=51)
    _write_version_0(tmp_path / "old", records)
    assert lake_schema_version(tmp_path / "old") == 0
    report = migrate_lake(tmp_path / "old")
    assert (report.from_version, report.to_version) == (0, SCHEMA_VERSION)
    sync_lake(tmp_path / "new", ListSource(records))
    migrated, synced = read_lake_table(tmp_path / "old"), read_lake_table(tmp_path / "new")
    pd.testing.assert_frame_equal(migrated, synced[migrated.columns])
    pd.testing.assert_frame_equal(
        read_lake_table(tmp_path / "old", "comments"), read_lake_table(tmp_path / "new", "comments")
    )
    # the migrated lake continues incrementally from its high-water mark
    more = make_records(10, seed=52, first_id=151)
    assert sync_lake(tmp_path / "old", ListSource(records + more)).responses == 10


def test_a_current_lake_is_left_as_it_is(tmp_path):
    sync_lake(tmp_path, ListSource(make_records(20, seed=53)))
    assert migrate_lake(tmp_path).files_rewritten == 0


def test_a_lake_newer_than_this_code_is_refused(tmp_path):
    sync_lake(tmp_path, ListSource(make_records(20, seed=54)), survey_items={"demo": ITEMS})
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text())
    manifest["schema_version"] = SCHEMA_VERSION + 1
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(ConfigurationError, match="schema version"):
        migrate_lake(tmp_path)
    with pytest.raises(ConfigurationError, match="migrate"):
        sufficient_statistics(tmp_path, "demo")


def test_an_empty_folder_is_not_a_lake(tmp_path):
    with pytest.raises(NotFound):
        lake_schema_version(tmp_path)


def test_rebuild_replaces_the_lake_with_a_fresh_sync(tmp_path):
    records = make_records(80, seed=55)
    sync_lake(tmp_path / "lake", ListSource(records[:30]))
    report = rebuild_lake(tmp_path / "lake", ListSource(records[10:]), batch_size=25)
    assert report.responses == 70
    assert read_lake_table(tmp_path / "lake")["response_id"].tolist() == [
        r["response_id"] for r in records[10:]
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake"]
