"""Schema versions: migrate an old lake in place, or rebuild it from the database.

Version history
---------------
0
    A hive-partitioned Parquet folder without a manifest (``responses/survey=KEY/month=YYYY-MM/*.parquet``,
    optionally ``comments/…``), e.g. an export from an earlier tool. Files need the required fields
    (response_id, submission_id, unit_code, unit_path, submitted_at); missing optional columns are added.
1
    The current layout (:mod:`kundpuls.analytics.lake.layout`) with ``_kundpuls_lake.json``.

A migration step rewrites every file into the next version's layout and writes the new manifest last, so
an interrupted migration can simply be run again. When the source data is still in the database, a
rebuild (:func:`rebuild_lake`) is the other way: sync everything into a fresh lake and swap it in.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from kundpuls.analytics.lake.layout import COMMENT_COLUMNS, COMMENTS, RESPONSES, SCHEMA_VERSION
from kundpuls.analytics.lake.manifest import (
    LakeLocation,
    Manifest,
    lake_location,
    manifest_exists,
    read_manifest,
    write_manifest,
)
from kundpuls.analytics.lake.records import normalise_batch
from kundpuls.analytics.lake.sync import SurveyItems, SyncReport, sync_lake
from kundpuls.analytics.lake.writer import commit, write_partitioned, writer_lock
from kundpuls.errors import ConfigurationError, NotFound


@dataclass(frozen=True)
class MigrationReport:
    """What :func:`migrate_lake` did."""

    from_version: int
    to_version: int
    files_rewritten: int


def lake_schema_version(lake_dir: str | os.PathLike[str] | LakeLocation, *, filesystem: Any = None) -> int:
    """Schema version of a lake: the manifest's, or 0 for a bare partitioned folder."""
    location = lake_location(lake_dir, filesystem=filesystem)
    if manifest_exists(location):
        return read_manifest(location).schema_version
    if location.filesystem.get_file_info(location.path(RESPONSES)).type == pafs.FileType.Directory:
        return 0
    raise NotFound(f"lake: nothing at {location.root!r} looks like a response lake")


def migrate_lake(
    lake_dir: str | os.PathLike[str] | LakeLocation, *, filesystem: Any = None
) -> MigrationReport:
    """Bring a lake to the current schema version (:data:`SCHEMA_VERSION`); a current lake is left as is."""
    location = lake_location(lake_dir, filesystem=filesystem)
    version = lake_schema_version(location)
    if version > SCHEMA_VERSION:
        raise ConfigurationError(
            f"lake: schema version {version} is newer than this Kundpuls ({SCHEMA_VERSION}); upgrade Kundpuls"
        )
    rewritten = 0
    with writer_lock(location):
        start = version
        while version < SCHEMA_VERSION:
            rewritten += _STEPS[version](location)
            version += 1
    return MigrationReport(start, SCHEMA_VERSION, rewritten)


def _from_version_0(location: LakeLocation) -> int:
    """Adopt a bare partitioned folder: normalise every file into the v1 layout and write a manifest."""
    fs = location.filesystem
    old_files = [
        info.path
        for table in (RESPONSES, COMMENTS)
        if fs.get_file_info(location.path(table)).type == pafs.FileType.Directory
        for info in fs.get_file_info(pafs.FileSelector(location.path(table), recursive=True))
        if info.type == pafs.FileType.File and info.path.endswith(".parquet")
    ]
    responses_files = sorted(p for p in old_files if f"/{RESPONSES}/" in p)
    comment_files = sorted(p for p in old_files if f"/{COMMENTS}/" in p)
    manifest = write_manifest(location, Manifest())
    added: dict[str, list[Any]] = {RESPONSES: [], COMMENTS: []}
    responses_parts = []
    for index, path in enumerate(responses_files):
        table = pq.read_table(path, filesystem=fs, partitioning=None)
        survey = _folder_value(path, "survey")
        if "survey_key" not in table.column_names and survey is not None:
            table = table.append_column("survey_key", pa.array([survey] * table.num_rows, pa.string()))
        drop = [c for c in table.column_names if c.startswith("period_") or c in ("survey", "month")]
        normalised, comments = normalise_batch(table.drop_columns(drop), timezone=manifest.timezone)
        responses_parts.append(normalised)
        added[RESPONSES] += write_partitioned(
            location, RESPONSES, normalised, generation=1, start_index=index * 1000
        )
        added[COMMENTS] += write_partitioned(
            location, COMMENTS, comments, generation=1, start_index=index * 1000
        )
    offset = len(responses_files) * 1000
    for index, path in enumerate(comment_files):
        table = pq.read_table(path, filesystem=fs, partitioning=None)
        columns = {}
        for name, dtype in COMMENT_COLUMNS.items():
            columns[name] = (
                pc.cast(table.column(name), dtype)
                if name in table.column_names
                else pa.nulls(table.num_rows, dtype)
            )
        normalised = pa.table(columns)
        added[COMMENTS] += write_partitioned(
            location, COMMENTS, normalised, generation=1, start_index=offset + index * 1000
        )
    everything = pa.concat_tables(responses_parts, promote_options="default") if responses_parts else None
    watermark = None if everything is None else pc.max(everything.column("response_id")).as_py()
    for path in old_files:
        fs.delete_file(path)
    commit(location, manifest, added=added, watermark=watermark, responses=everything)
    return len(old_files)


def _folder_value(path: str, key: str) -> str | None:
    for part in path.split("/"):
        if part.startswith(f"{key}="):
            return part.split("=", 1)[1]
    return None


_STEPS: dict[int, Callable[[LakeLocation], int]] = {0: _from_version_0}


def rebuild_lake(
    lake_dir: str | os.PathLike[str],
    fetch: Callable[[int | None, int], Any],
    *,
    batch_size: int = 50_000,
    survey_items: SurveyItems | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> SyncReport:
    """Rebuild a local lake from scratch with ``fetch`` (see :func:`sync_lake`) and swap it in.

    The new lake is built next to the old one and renamed into place only when complete, so readers keep
    the old lake meanwhile. On object stores, sync into a new prefix instead and point the configuration
    at it.
    """
    location = lake_location(lake_dir)
    if not location.is_local:
        raise ConfigurationError(
            "rebuild_lake: only for a local lake; sync into a new prefix on object stores"
        )
    fresh = f"{location.root.rstrip('/')}.rebuild-{uuid.uuid4().hex[:8]}"
    report = sync_lake(fresh, fetch, batch_size=batch_size, survey_items=survey_items, progress=progress)
    old = f"{location.root.rstrip('/')}.old-{uuid.uuid4().hex[:8]}"
    if os.path.exists(location.root):
        os.replace(location.root, old)
    os.replace(fresh, location.root)
    shutil.rmtree(old, ignore_errors=True)
    return report
