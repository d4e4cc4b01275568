"""Writing committed files to the lake: partition a table, write temporary files, rename, commit.

Every change to the lake follows the same three steps, so an interrupted writer never leaves a lake that
readers or the next writer misread:

1. write each new Parquet file under a temporary name in its partition folder and rename it to its final,
   deterministic name ``part-<generation>-<index>.parquet``;
2. replace the manifest atomically (it lists the new files and drops replaced ones);
3. delete the files the new manifest no longer lists.

A crash before step 2 leaves only orphan files, which the next writer deletes (:func:`remove_orphans`)
before it writes; a crash after step 2 leaves superseded files that are likewise orphans.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from kundpuls.analytics.lake.layout import (
    BACKGROUND_PREFIX,
    COMMENTS,
    ITEM_PREFIX,
    RESPONSES,
    TABLES,
    part_file_name,
    partition_dir,
)
from kundpuls.analytics.lake.manifest import (
    LakeFile,
    LakeLocation,
    Manifest,
    fsync_local_file,
    write_manifest,
)

ROW_GROUP_SIZE = 262_144
COMPRESSION = "zstd"


@contextlib.contextmanager
def writer_lock(location: LakeLocation) -> Iterator[None]:
    """Hold the lake's single-writer lock (an ``flock`` on a local lake; released if the process dies).

    Lakes on object stores have no lock: run one writer at a time (one scheduled sync job).
    """
    if not location.is_local:
        yield
        return
    os.makedirs(location.root, exist_ok=True)
    fd = os.open(os.path.join(location.root, ".writer.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def remove_orphans(location: LakeLocation, manifest: Manifest) -> list[str]:
    """Delete data files (and temporary files) that the manifest does not list; return their paths."""
    listed = {f.path for table in TABLES for f in manifest.table_files(table)}
    removed = []
    fs = location.filesystem
    for table in TABLES:
        base = location.path(table)
        if fs.get_file_info(base).type != pafs.FileType.Directory:
            continue
        for info in fs.get_file_info(pafs.FileSelector(base, recursive=True)):
            if info.type != pafs.FileType.File:
                continue
            relative = info.path[len(location.root.rstrip("/")) + 1 :]
            if relative not in listed:
                fs.delete_file(info.path)
                removed.append(relative)
    return removed


def write_partitioned(
    location: LakeLocation, table_name: str, table: pa.Table, *, generation: int, start_index: int = 0
) -> list[LakeFile]:
    """Write ``table`` as one file per (survey, month) partition; return the files (not yet committed).

    All-null item and background columns are dropped per file, so each survey's files carry only its
    own items; readers unify the schemas by column name.
    """
    if table.num_rows == 0:
        return []
    ordered = table.sort_by(
        [("survey_key", "ascending"), ("period_month", "ascending"), ("response_id", "ascending")]
    )
    keys = pa.table({"s": ordered.column("survey_key"), "m": ordered.column("period_month")})
    groups = (
        keys.group_by(["s", "m"], use_threads=False)
        .aggregate([([], "count_all")])
        .sort_by([("s", "ascending"), ("m", "ascending")])
    )
    files = []
    offset = 0
    for index, (survey, month, count) in enumerate(
        zip(*(groups.column(c).to_pylist() for c in ("s", "m", "count_all")), strict=True)
    ):
        part = ordered.slice(offset, count)
        offset += count
        part = _drop_empty_optional_columns(part)
        folder = partition_dir(table_name, survey, month)
        relative = f"{folder}/{part_file_name(generation, start_index + index)}"
        write_parquet_atomically(location, relative, part)
        files.append(LakeFile(relative, survey, month, part.num_rows))
    return files


def write_parquet_atomically(location: LakeLocation, relative: str, table: pa.Table) -> None:
    """Write ``table`` to a temporary file in the target folder, flush it, then rename it into place."""
    fs = location.filesystem
    final = location.path(relative)
    folder = final.rsplit("/", 1)[0]
    fs.create_dir(folder, recursive=True)
    temporary = f"{folder}/.tmp-{uuid.uuid4().hex}.parquet"
    pq.write_table(table, temporary, filesystem=fs, compression=COMPRESSION, row_group_size=ROW_GROUP_SIZE)
    fsync_local_file(location, temporary)
    fs.move(temporary, final)


def _drop_empty_optional_columns(table: pa.Table) -> pa.Table:
    keep = [
        name
        for name in table.column_names
        if not (
            name.startswith((ITEM_PREFIX, BACKGROUND_PREFIX))
            and table.column(name).null_count == table.num_rows
        )
    ]
    return table.select(keep)


def commit(
    location: LakeLocation,
    manifest: Manifest,
    *,
    added: Mapping[str, list[LakeFile]],
    removed: Mapping[str, set[str]] | None = None,
    watermark: int | None = None,
    responses: pa.Table | None = None,
    survey_items: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
) -> Manifest:
    """Write the next manifest (files added/removed, new watermark, unit tree and survey columns)."""
    removed = removed or {}
    new = manifest
    for table in TABLES:
        keep = [f for f in manifest.table_files(table) if f.path not in removed.get(table, set())]
        new = new.with_files(table, [*keep, *added.get(table, [])])
    surveys = {k: dict(v) for k, v in manifest.surveys.items()}
    units = dict(manifest.units)
    if responses is not None and responses.num_rows:
        units.update(_latest_unit_paths(responses))
        keys = pc.unique(responses.column("survey_key")).to_pylist()
        for survey in keys:
            rows = responses.filter(pc.equal(responses.column("survey_key"), survey))
            # a batch of one survey declares all its columns, even those without answers yet
            _register_columns(surveys.setdefault(survey, {}), rows, declared=len(keys) == 1)
    for survey, items in (survey_items or {}).items():
        entry = surveys.setdefault(survey, {})
        merged = {k: dict(v) for k, v in entry.get("items", {}).items()}
        for key, meta in items.items():
            merged[key] = {**merged.get(key, {}), **dict(meta)}
        entry["items"] = dict(sorted(merged.items()))
    new = replace(
        new,
        generation=manifest.generation + 1,
        watermark=manifest.watermark if watermark is None else watermark,
        units=units,
        surveys=surveys,
    )
    committed = write_manifest(location, new)
    for paths in removed.values():
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                location.filesystem.delete_file(location.path(path))
    return committed


def _latest_unit_paths(responses: pa.Table) -> dict[str, str]:
    pairs = pa.table(
        {
            "code": responses.column("unit_code"),
            "path": responses.column("unit_path"),
            "id": responses.column("response_id"),
        }
    )
    latest = pairs.group_by(["code", "path"]).aggregate([("id", "max")]).sort_by([("id_max", "ascending")])
    return dict(zip(latest.column("code").to_pylist(), latest.column("path").to_pylist(), strict=True))


def _register_columns(entry: dict[str, Any], rows: pa.Table, *, declared: bool) -> None:
    items = {k: dict(v) for k, v in entry.get("items", {}).items()}
    background = set(entry.get("background", []))
    for name in rows.column_names:
        if not declared and rows.column(name).null_count == rows.num_rows:
            continue
        if name.startswith(ITEM_PREFIX):
            items.setdefault(name[len(ITEM_PREFIX) :], {})
        elif name.startswith(BACKGROUND_PREFIX):
            background.add(name[len(BACKGROUND_PREFIX) :])
    entry["items"] = dict(sorted(items.items()))
    entry["background"] = sorted(background)


__all__ = [
    "COMMENTS",
    "RESPONSES",
    "commit",
    "remove_orphans",
    "write_parquet_atomically",
    "write_partitioned",
    "writer_lock",
]
