"""Erasure (GDPR requests, retention) and compaction: rewrite whole partitions atomically.

Both operations read every file of an affected ``(survey, month)`` partition, write one new file with the
rows to keep (new generation number, temporary name then rename), commit a manifest that lists the new
file instead of the old ones, and only then delete the old files. Readers see either the old partition or
the new one, never a mix; a crash leaves orphans that the next writer removes.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kundpuls.analytics.lake.layout import TABLES, part_file_name, partition_dir, submission_keys
from kundpuls.analytics.lake.manifest import (
    LakeFile,
    LakeLocation,
    Manifest,
    lake_location,
    read_current_manifest,
)
from kundpuls.analytics.lake.writer import commit, remove_orphans, write_parquet_atomically, writer_lock
from kundpuls.errors import InvalidArgument


@dataclass(frozen=True)
class ErasureReport:
    """What :func:`erase_responses` removed."""

    requested: int
    responses_erased: int
    comments_erased: int
    partitions_rewritten: int


@dataclass(frozen=True)
class CompactionReport:
    """What :func:`compact_lake` merged."""

    partitions_rewritten: int
    files_before: int
    files_after: int


def erase_responses(
    lake_dir: str | os.PathLike[str] | LakeLocation,
    submission_ids: Iterable[str],
    *,
    filesystem: Any = None,
) -> ErasureReport:
    """Delete the responses (and their comments) with these submission ids from the lake.

    Call it after the responses are deleted in the database, so a later rebuild cannot bring them back.
    Unknown ids are ignored (erasure is idempotent).

    Parameters
    ----------
    lake_dir : str, path or LakeLocation
    submission_ids : iterable of str
        A UUID may be written with or without dashes (:func:`~kundpuls.analytics.lake.layout.submission_key`).
    filesystem : pyarrow.fs.FileSystem, optional

    Returns
    -------
    ErasureReport
    """
    ids = submission_keys(submission_ids)
    if not ids:
        raise InvalidArgument(
            "submission_ids: give at least one submission id", field="submission_ids", value=ids
        )
    location = lake_location(lake_dir, filesystem=filesystem)
    wanted = pa.array(ids, pa.string())
    with writer_lock(location):
        manifest = read_current_manifest(location)
        remove_orphans(location, manifest)
        affected: dict[str, set[tuple[str, str]]] = {}
        for table in TABLES:
            partitions = set()
            for file in manifest.table_files(table):
                column = pq.read_table(
                    location.path(file.path), columns=["submission_id"], filesystem=location.filesystem
                )
                if pc.any(pc.is_in(column.column(0), value_set=wanted)).as_py():
                    partitions.add((file.survey, file.month))
            affected[table] = partitions
        if not any(affected.values()):
            return ErasureReport(len(ids), 0, 0, 0)
        added, removed, dropped = _rewrite(location, manifest, affected, drop=wanted)
        commit(location, manifest, added=added, removed=removed)
    return ErasureReport(
        len(ids), dropped["responses"], dropped["comments"], sum(len(p) for p in affected.values())
    )


def comment_texts(
    lake_dir: str | os.PathLike[str] | LakeLocation,
    submission_ids: Iterable[str] | None = None,
    *,
    filesystem: Any = None,
) -> list[str]:
    """The texts of the lake's comments of these submissions (None: of every submission).

    Read before :func:`erase_responses`, so that what was derived from an erased comment outside the lake
    (the comment reader's vectors, :func:`kundpuls.text.meaning.forget`) is removed by its text.
    """
    location = lake_location(lake_dir, filesystem=filesystem)
    wanted = None if submission_ids is None else pa.array(submission_keys(submission_ids), pa.string())
    if wanted is not None and not len(wanted):
        return []
    texts: list[str] = []
    manifest = read_current_manifest(location)
    for file in manifest.table_files("comments"):
        table = pq.read_table(
            location.path(file.path), columns=["submission_id", "text"], filesystem=location.filesystem
        )
        if wanted is not None:
            table = table.filter(pc.is_in(table.column("submission_id"), value_set=wanted))
        texts += [str(t) for t in table.column("text").to_pylist() if t is not None]
    return texts


def compact_lake(
    lake_dir: str | os.PathLike[str] | LakeLocation, *, min_files: int = 2, filesystem: Any = None
) -> CompactionReport:
    """Merge the files of every partition that has at least ``min_files`` files into one file.

    Incremental syncs add one small file per partition and batch; compacting now and then (e.g. nightly)
    keeps reads fast. The content does not change.
    """
    if not isinstance(min_files, int) or min_files < 2:
        raise InvalidArgument(
            f"min_files: {min_files!r} must be an integer of at least 2", field="min_files", value=min_files
        )
    location = lake_location(lake_dir, filesystem=filesystem)
    with writer_lock(location):
        manifest = read_current_manifest(location)
        remove_orphans(location, manifest)
        affected: dict[str, set[tuple[str, str]]] = {}
        before = after = 0
        for table in TABLES:
            counts: dict[tuple[str, str], int] = defaultdict(int)
            for file in manifest.table_files(table):
                counts[(file.survey, file.month)] += 1
            affected[table] = {p for p, c in counts.items() if c >= min_files}
            before += sum(counts[p] for p in affected[table])
        if not any(affected.values()):
            return CompactionReport(0, 0, 0)
        added, removed, _ = _rewrite(location, manifest, affected, drop=None)
        after = sum(len(files) for files in added.values())
        commit(location, manifest, added=added, removed=removed)
    return CompactionReport(sum(len(p) for p in affected.values()), before, after)


def _rewrite(
    location: LakeLocation,
    manifest: Manifest,
    affected: dict[str, set[tuple[str, str]]],
    *,
    drop: pa.Array | None,
) -> tuple[dict[str, list[LakeFile]], dict[str, set[str]], dict[str, int]]:
    generation = manifest.generation + 1
    added: dict[str, list[LakeFile]] = {}
    removed: dict[str, set[str]] = {}
    dropped: dict[str, int] = {}
    for table in TABLES:
        added[table], removed[table], dropped[table] = [], set(), 0
        for index, (survey, month) in enumerate(sorted(affected.get(table, set()))):
            files = [f for f in manifest.table_files(table, survey=survey) if f.month == month]
            parts = [pq.read_table(location.path(f.path), filesystem=location.filesystem) for f in files]
            merged = pa.concat_tables(parts, promote_options="default")
            if drop is not None:
                keep = pc.invert(pc.is_in(merged.column("submission_id"), value_set=drop))
                dropped[table] += merged.num_rows - pc.sum(keep.cast(pa.int64())).as_py()
                merged = merged.filter(keep)
            removed[table].update(f.path for f in files)
            if merged.num_rows == 0:
                continue
            merged = merged.sort_by([("response_id", "ascending")])
            relative = f"{partition_dir(table, survey, month)}/{part_file_name(generation, index)}"
            write_parquet_atomically(location, relative, merged)
            added[table].append(LakeFile(relative, survey, month, merged.num_rows))
    return added, removed, dropped
