"""Erasure and compaction rewrite whole partitions atomically."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest

from kundpuls.analytics.lake import writer as lake_writer
from kundpuls.analytics.lake.erasure import compact_lake, erase_responses
from kundpuls.analytics.lake.layout import submission_key
from kundpuls.analytics.lake.manifest import lake_location, read_manifest
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.errors import InvalidArgument

from ..conftest import ListSource, make_records, read_lake_table


@pytest.fixture
def synced(tmp_path):
    records = make_records(300, seed=41)
    sync_lake(tmp_path, ListSource(records), batch_size=40)
    return tmp_path, records


def test_erasure_removes_the_responses_and_their_comments_and_keeps_everything_else(synced):
    lake, records = synced
    before = read_lake_table(lake)
    commented = [r["submission_id"] for r in records if r["comments"]["fritext"]][:3]
    gone = [*commented, records[0]["submission_id"], "no-such-id"]
    report = erase_responses(lake, gone)
    after = read_lake_table(lake)
    assert report.responses_erased == 4
    assert report.comments_erased == 3
    assert not set(gone) & set(after["submission_id"])
    assert not set(gone) & set(read_lake_table(lake, "comments")["submission_id"])
    kept = before[~before["submission_id"].isin(gone)].reset_index(drop=True)
    pd.testing.assert_frame_equal(after, kept)


def test_erasure_finds_a_uuid_written_with_or_without_dashes(tmp_path):
    """Issue 17: the sync stores 32 hex digits; ``lake erase --id`` with the dashed form erased nothing."""
    records = make_records(20, seed=43)
    ids = [uuid.UUID(int=i + 1) for i in range(len(records))]
    for record, submission in zip(records, ids, strict=True):
        record["submission_id"] = submission_key(submission)
    sync_lake(tmp_path, ListSource(records), batch_size=40)
    dashed, bare_upper = str(ids[0]), ids[1].hex.upper()
    assert "-" in dashed
    report = erase_responses(tmp_path, [dashed, bare_upper])
    assert report.responses_erased == 2
    assert not {ids[0].hex, ids[1].hex} & set(read_lake_table(tmp_path)["submission_id"])


def test_erasure_is_idempotent(synced):
    lake, records = synced
    erase_responses(lake, [records[5]["submission_id"]])
    state = read_manifest(lake_location(lake)).files
    report = erase_responses(lake, [records[5]["submission_id"]])
    assert report.responses_erased == 0
    assert read_manifest(lake_location(lake)).files == state


def test_an_erasure_killed_before_its_commit_leaves_the_old_lake_intact(synced, monkeypatch):
    lake, records = synced
    before = read_lake_table(lake)

    def die(*_args, **_kwargs):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(lake_writer, "write_manifest", die)
    with pytest.raises(KeyboardInterrupt):
        erase_responses(lake, [records[1]["submission_id"]])
    pd.testing.assert_frame_equal(read_lake_table(lake), before)
    monkeypatch.undo()
    erase_responses(lake, [records[1]["submission_id"]])
    assert len(read_lake_table(lake)) == len(before) - 1


def test_erasure_needs_at_least_one_id(synced):
    with pytest.raises(InvalidArgument, match="submission_ids"):
        erase_responses(synced[0], [])


def test_compaction_merges_files_per_partition_without_changing_content(synced):
    lake, _ = synced
    before = read_lake_table(lake), read_lake_table(lake, "comments")
    files_before = len(read_manifest(lake_location(lake)).table_files("responses"))
    report = compact_lake(lake)
    manifest = read_manifest(lake_location(lake))
    partitions = {(f.survey, f.month) for f in manifest.table_files("responses")}
    assert len(manifest.table_files("responses")) == len(partitions) < files_before
    assert report.files_after < report.files_before
    pd.testing.assert_frame_equal(read_lake_table(lake), before[0])
    pd.testing.assert_frame_equal(read_lake_table(lake, "comments"), before[1])
    assert compact_lake(lake).partitions_rewritten == 0
