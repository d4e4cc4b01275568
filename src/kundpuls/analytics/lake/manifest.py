"""The lake manifest: schema version, high-water mark, the list of committed files, the unit tree.

The manifest (``_kundpuls_lake.json`` at the lake root) is the single source of truth: a Parquet file
belongs to the lake if and only if the manifest lists it. Writers put new files in place first and replace
the manifest last, in one atomic step (write a temporary object, then rename/move it over the old one), so a
reader or a crashed writer never sees half a commit; files no manifest lists are orphans of an interrupted
write and are removed by the next writer.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pyarrow.fs as pafs

from kundpuls.analytics.lake.layout import MANIFEST_NAME, SCHEMA_VERSION, TABLES
from kundpuls.errors import ConfigurationError, NotFound, ValidationError

FORMAT = "kundpuls-lake"
DEFAULT_TIMEZONE = "Europe/Stockholm"


@dataclass(frozen=True)
class LakeLocation:
    """Where a lake lives: a pyarrow filesystem and the root path inside it."""

    filesystem: pafs.FileSystem
    root: str

    @property
    def is_local(self) -> bool:
        """True for a folder on the local disk (DuckDB then reads the files directly)."""
        return isinstance(self.filesystem, pafs.LocalFileSystem)

    def path(self, relative: str) -> str:
        """Absolute path (inside the filesystem) of a path relative to the lake root."""
        return f"{self.root.rstrip('/')}/{relative}" if relative else self.root


def lake_location(lake: str | os.PathLike[str] | LakeLocation, *, filesystem: Any = None) -> LakeLocation:
    """Resolve a lake given as a local folder, a URI (``s3://bucket/lake``) or a filesystem + path.

    Parameters
    ----------
    lake : str, path or LakeLocation
        A local folder (default layout, e.g. the value of ``KUNDPULS_LAKE_DIR``) or any URI pyarrow's
        ``FileSystem.from_uri`` understands (``s3://``, ``gs://``, ``hdfs://``, ``file://``).
    filesystem : pyarrow.fs.FileSystem, optional
        Use this filesystem with ``lake`` as the path inside it (e.g. an ``S3FileSystem`` configured
        with an endpoint for an S3-compatible store).
    """
    if isinstance(lake, LakeLocation):
        return lake
    text = os.fspath(lake)
    if not text:
        raise ValidationError("lake: the lake location must not be empty", field="lake", value=text)
    if filesystem is not None:
        return LakeLocation(filesystem, text.rstrip("/") or "/")
    if "://" in text:
        fs, root = pafs.FileSystem.from_uri(text)
        return LakeLocation(fs, root.rstrip("/"))
    return LakeLocation(pafs.LocalFileSystem(), os.path.abspath(text))


@dataclass(frozen=True)
class LakeFile:
    """One committed Parquet file."""

    path: str  # relative to the lake root
    survey: str
    month: str
    rows: int

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "survey": self.survey, "month": self.month, "rows": self.rows}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LakeFile:
        return cls(str(data["path"]), str(data["survey"]), str(data["month"]), int(data["rows"]))


@dataclass(frozen=True)
class Manifest:
    """The state of a lake after its last commit."""

    generation: int = 0
    watermark: int | None = None
    timezone: str = DEFAULT_TIMEZONE
    files: Mapping[str, tuple[LakeFile, ...]] = field(default_factory=lambda: {t: () for t in TABLES})
    units: Mapping[str, str] = field(default_factory=dict)  # unit code -> materialised path
    surveys: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
    updated_at: str = ""

    def table_files(self, table: str, *, survey: str | None = None) -> tuple[LakeFile, ...]:
        """Committed files of ``table`` (``responses`` or ``comments``), optionally of one survey."""
        files = self.files.get(table, ())
        return tuple(f for f in files if survey is None or f.survey == survey)

    def survey_keys(self) -> list[str]:
        """Surveys with at least one committed response file, sorted."""
        return sorted({f.survey for f in self.files.get("responses", ())})

    def months(self, survey: str) -> list[str]:
        """Months with responses for ``survey``, sorted."""
        return sorted({f.month for f in self.table_files("responses", survey=survey)})

    def survey_items(self, survey: str) -> dict[str, dict[str, Any]]:
        """Item metadata of ``survey``: ``{key: {"min": lo, "max": hi, "kind": "rating"|"nps"}}``."""
        return {k: dict(v) for k, v in self.surveys.get(survey, {}).get("items", {}).items()}

    def with_files(self, table: str, files: Iterable[LakeFile]) -> Manifest:
        """A copy with ``table``'s file list replaced."""
        new_files = dict(self.files)
        new_files[table] = tuple(sorted(files, key=lambda f: f.path))
        return replace(self, files=new_files)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "schema_version": self.schema_version,
            "generation": self.generation,
            "watermark": self.watermark,
            "timezone": self.timezone,
            "updated_at": self.updated_at,
            "surveys": {k: dict(v) for k, v in sorted(self.surveys.items())},
            "units": dict(sorted(self.units.items())),
            "files": {t: [f.to_json() for f in self.files.get(t, ())] for t in TABLES},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Manifest:
        if data.get("format") != FORMAT:
            raise ConfigurationError(f"manifest: format {data.get('format')!r} is not {FORMAT!r}")
        files = {t: tuple(LakeFile.from_json(f) for f in data.get("files", {}).get(t, [])) for t in TABLES}
        watermark = data.get("watermark")
        return cls(
            generation=int(data.get("generation", 0)),
            watermark=None if watermark is None else int(watermark),
            timezone=str(data.get("timezone", DEFAULT_TIMEZONE)),
            files=files,
            units={str(k): str(v) for k, v in data.get("units", {}).items()},
            surveys={str(k): dict(v) for k, v in data.get("surveys", {}).items()},
            schema_version=int(data.get("schema_version", 0)),
            updated_at=str(data.get("updated_at", "")),
        )


def manifest_exists(location: LakeLocation) -> bool:
    """True when the lake has a manifest."""
    info = location.filesystem.get_file_info(location.path(MANIFEST_NAME))
    return bool(info.type == pafs.FileType.File)


def read_manifest(location: LakeLocation, *, missing_ok: bool = False) -> Manifest:
    """Read the manifest; a lake without one is empty when ``missing_ok``, else :class:`NotFound`."""
    if not manifest_exists(location):
        if missing_ok:
            return Manifest()
        raise NotFound(f"lake: no Kundpuls lake at {location.root!r} (no {MANIFEST_NAME})")
    with location.filesystem.open_input_stream(location.path(MANIFEST_NAME)) as stream:
        data = json.loads(stream.read().decode("utf-8"))
    return Manifest.from_json(data)


def read_current_manifest(location: LakeLocation) -> Manifest:
    """Read the manifest and refuse a lake whose schema version this code does not read."""
    manifest = read_manifest(location)
    if manifest.schema_version != SCHEMA_VERSION:
        raise ConfigurationError(
            f"lake: schema version {manifest.schema_version} at {location.root!r}, this Kundpuls reads "
            f"version {SCHEMA_VERSION}; run `kundpuls lake migrate --lake {location.root}`"
        )
    return manifest


def write_manifest(location: LakeLocation, manifest: Manifest) -> Manifest:
    """Atomically replace the manifest (temporary object, then a rename over the old one)."""
    stamped = replace(manifest, updated_at=datetime.now(UTC).isoformat(timespec="seconds"))
    payload = json.dumps(stamped.to_json(), ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")
    fs = location.filesystem
    fs.create_dir(location.root, recursive=True)
    temporary = location.path(f".{MANIFEST_NAME}.{uuid.uuid4().hex}.tmp")
    write_bytes_durably(location, temporary, payload)
    fs.move(temporary, location.path(MANIFEST_NAME))
    return stamped


def write_bytes_durably(location: LakeLocation, path: str, payload: bytes) -> None:
    """Write ``payload`` to ``path``; on a local disk also flush it to stable storage (fsync)."""
    if location.is_local:
        with open(path, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        return
    with location.filesystem.open_output_stream(path) as stream:
        stream.write(payload)


def fsync_local_file(location: LakeLocation, path: str) -> None:
    """Flush a file written by another library to stable storage (local disks only)."""
    if not location.is_local:
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
