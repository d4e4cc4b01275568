"""Sync into the lake: incremental, idempotent, resumable after a crash."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from kundpuls.analytics.lake import writer as lake_writer
from kundpuls.analytics.lake.manifest import lake_location, read_manifest
from kundpuls.analytics.lake.records import flatten_records
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.errors import ValidationError

from ..conftest import ITEMS, ListSource, make_records, read_lake_table


def _data_files(root: Any) -> list[str]:
    found = []
    for folder, _dirs, files in os.walk(root):
        found += [os.path.relpath(os.path.join(folder, f), root) for f in files if f.endswith(".parquet")]
    return sorted(found)


def test_it_stores_every_response_once_and_records_the_high_water_mark(tmp_path, records):
    report = sync_lake(tmp_path, ListSource(records), batch_size=70, survey_items={"demo": ITEMS})
    stored = read_lake_table(tmp_path)
    assert report.responses == len(records) == len(stored)
    assert stored["response_id"].tolist() == [r["response_id"] for r in records]
    manifest = read_manifest(lake_location(tmp_path))
    assert manifest.watermark == max(r["response_id"] for r in records)
    assert manifest.survey_items("demo")["q1"] == ITEMS["q1"]
    assert manifest.units["10"] == "/1/2/10/"


def test_a_second_sync_with_nothing_new_changes_nothing(tmp_path, records):
    sync_lake(tmp_path, ListSource(records), batch_size=100)
    before = (read_manifest(lake_location(tmp_path)).files, _data_files(tmp_path))
    source = ListSource(records)
    report = sync_lake(tmp_path, source, batch_size=100)
    assert report.responses == 0
    assert source.calls == [(records[-1]["response_id"], 100)]
    assert (read_manifest(lake_location(tmp_path)).files, _data_files(tmp_path)) == before


def test_new_responses_are_appended_after_the_watermark(tmp_path):
    first, second = make_records(120, seed=1), make_records(80, seed=2, first_id=121)
    sync_lake(tmp_path, ListSource(first), batch_size=50)
    report = sync_lake(tmp_path, ListSource(first + second), batch_size=50)
    assert report.responses == 80
    assert read_lake_table(tmp_path)["response_id"].tolist() == list(range(1, 201))


def test_a_sync_killed_between_file_write_and_manifest_gives_the_same_lake_after_a_rerun(
    tmp_path, monkeypatch, records
):
    clean = tmp_path / "clean"
    sync_lake(clean, ListSource(records), batch_size=60)

    crashed = tmp_path / "crashed"
    real_write = lake_writer.write_manifest
    commits = {"count": 0}

    def write_then_die(location: Any, manifest: Any) -> Any:
        commits["count"] += 1
        if commits["count"] == 2:  # die while committing the second batch, after its files are written
            raise KeyboardInterrupt("killed")
        return real_write(location, manifest)

    monkeypatch.setattr(lake_writer, "write_manifest", write_then_die)
    with pytest.raises(KeyboardInterrupt):
        sync_lake(crashed, ListSource(records), batch_size=60)
    assert len(read_lake_table(crashed)) == 60  # one batch committed; the files of the next are orphans
    assert len(_data_files(crashed)) > len(read_manifest(lake_location(crashed)).table_files("responses"))
    monkeypatch.setattr(lake_writer, "write_manifest", real_write)

    report = sync_lake(crashed, ListSource(records), batch_size=60)
    assert report.orphans_removed > 0
    pd.testing.assert_frame_equal(read_lake_table(crashed), read_lake_table(clean))
    pd.testing.assert_frame_equal(read_lake_table(crashed, "comments"), read_lake_table(clean, "comments"))
    assert _data_files(crashed) == _data_files(clean)


def test_it_accepts_a_flat_arrow_table_as_a_batch(tmp_path, records):
    table = flatten_records(records)

    def fetch(after: int | None, limit: int) -> pa.Table:
        start = 0 if after is None else after
        rows = table.filter(pa.compute.greater(table.column("response_id"), start))
        return rows.slice(0, limit)

    sync_lake(tmp_path / "arrow", fetch, batch_size=90)
    sync_lake(tmp_path / "dicts", ListSource(records), batch_size=90)
    pd.testing.assert_frame_equal(read_lake_table(tmp_path / "arrow"), read_lake_table(tmp_path / "dicts"))


def test_it_refuses_a_batch_at_or_below_the_watermark(tmp_path, records):
    sync_lake(tmp_path, ListSource(records[:50]), batch_size=100)
    with pytest.raises(ValidationError, match="high-water mark"):
        sync_lake(tmp_path, lambda after, limit: records[40:60], batch_size=100)


def test_it_moves_open_answers_to_the_comments_table(tmp_path, records):
    sync_lake(tmp_path, ListSource(records), batch_size=500)
    comments = read_lake_table(tmp_path, "comments")
    expected = [r["submission_id"] for r in records if r["comments"]["fritext"]]
    assert comments["submission_id"].tolist() == expected
    assert set(comments["question"]) == {"fritext"}
    assert "comment_fritext" not in read_lake_table(tmp_path).columns


def test_months_follow_the_lake_time_zone(tmp_path):
    from datetime import UTC, datetime

    record = make_records(1, seed=3)[0] | {"submitted_at": datetime(2024, 1, 31, 23, 30, tzinfo=UTC)}
    sync_lake(tmp_path, ListSource([record]))
    stored = read_lake_table(tmp_path)
    assert stored["period_month"].tolist() == ["2024-02"]  # 00:30 on 1 February in Stockholm
    assert stored["period_quarter"].tolist() == ["2024-Q1"]
    assert (
        read_manifest(lake_location(tmp_path))
        .table_files("responses")[0]
        .path.startswith("responses/survey=demo/month=2024-02/")
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"unit_path": "/1/3/10/x/"}, "unit_path"),
        ({"submission_id": None}, "submission_id"),
        ({"submitted_at": "not a date"}, "submitted_at"),
        ({"weight": -1.0}, "weight"),
        ({"answers": {"Bad Key": 3}}, "answers"),
    ],
)
def test_it_rejects_a_malformed_response_naming_the_field(tmp_path, change, field):
    record = make_records(1, seed=4)[0] | change
    with pytest.raises(ValidationError) as caught:
        sync_lake(tmp_path, ListSource([record]))
    assert caught.value.field == field


def test_it_rejects_repeated_submission_ids_within_a_batch(tmp_path):
    batch = make_records(2, seed=5)
    batch[1]["submission_id"] = batch[0]["submission_id"]
    with pytest.raises(ValidationError, match="submission_id"):
        sync_lake(tmp_path, ListSource(batch))


def test_it_reports_progress_after_each_committed_batch(tmp_path, records):
    seen: list[tuple[int, int | None]] = []
    sync_lake(
        tmp_path, ListSource(records), batch_size=100, progress=lambda done, mark: seen.append((done, mark))
    )
    assert seen == [(100, 100), (200, 200), (300, 300)]


def test_a_file_uri_names_the_same_lake_as_its_path(tmp_path, records):
    sync_lake(f"file://{tmp_path}", ListSource(records[:50]))
    assert read_lake_table(tmp_path)["response_id"].tolist() == list(range(1, 51))


def test_repeating_the_same_item_metadata_writes_nothing(tmp_path, records):
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    before = read_manifest(lake_location(tmp_path)).generation
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    assert read_manifest(lake_location(tmp_path)).generation == before
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": {"q1": {"label": "Helhet"}}})
    assert read_manifest(lake_location(tmp_path)).survey_items("demo")["q1"] == ITEMS["q1"] | {
        "label": "Helhet"
    }


@pytest.mark.parametrize("batch_size", [0, -5, 500_001, 10**9])
def test_a_batch_size_outside_its_bounds_is_refused_naming_it(tmp_path, records, batch_size):
    from kundpuls.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="batch_size") as caught:
        sync_lake(tmp_path / "lake", ListSource(records), batch_size=batch_size, survey_items={"demo": ITEMS})
    assert caught.value.value == batch_size
    assert not (tmp_path / "lake").exists() or not any((tmp_path / "lake").rglob("*.parquet"))
