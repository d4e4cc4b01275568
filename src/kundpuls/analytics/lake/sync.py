"""Incremental, idempotent sync of responses into the lake, driven by a caller-supplied ``fetch``.

The seam to the Django side is one function the caller writes::

    def fetch(after: int | None, limit: int) -> list[dict] | pyarrow.Table:
        # up to `limit` responses with response_id > after (all when after is None),
        # ordered by response_id, in the record layout of kundpuls.analytics.lake.records

and one call: ``sync_lake(settings.KUNDPULS_LAKE_DIR, fetch)``. The manifest keeps the high-water mark (the
largest ``response_id`` committed). Each batch is written and committed on its own (files first, manifest
last), so a sync that is killed midway resumes after the last committed batch, and a sync with nothing new
changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pyarrow.compute as pc

from kundpuls.analytics.lake.layout import COMMENTS, RESPONSES
from kundpuls.analytics.lake.manifest import (
    LakeLocation,
    Manifest,
    lake_location,
    read_current_manifest,
    read_manifest,
    write_manifest,
)
from kundpuls.analytics.lake.records import ResponseBatch, normalise_batch
from kundpuls.analytics.lake.writer import commit, remove_orphans, write_partitioned, writer_lock
from kundpuls.errors import ConfigurationError, InvalidArgument, ValidationError

Fetch = Callable[[int | None, int], ResponseBatch]
Progress = Callable[[int, int | None], None]

#: Item metadata per survey: ``{survey: {item: {"min": 1, "max": 10, "kind": "rating"}}}``.
SurveyItems = Mapping[str, Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class SyncReport:
    """What one sync did."""

    batches: int
    responses: int
    comments: int
    watermark: int | None
    generation: int
    orphans_removed: int


#: The most responses one batch may hold: a batch is held in memory as columns (about 450 MB at 50,000
#: responses of the demo's surveys, docs/benchmarks.md), so a larger one could exhaust a small server.
MAX_BATCH_SIZE = 500_000


def sync_lake(
    lake_dir: str | os.PathLike[str] | LakeLocation,
    fetch: Fetch,
    *,
    batch_size: int = 50_000,
    progress: Progress | None = None,
    survey_items: SurveyItems | None = None,
    filesystem: Any = None,
    timezone: str | None = None,
) -> SyncReport:
    """Append every response newer than the lake's high-water mark, one committed batch at a time.

    Parameters
    ----------
    lake_dir : str, path or LakeLocation
        The lake folder or URI (see :func:`kundpuls.analytics.lake.manifest.lake_location`).
    fetch : callable ``(after, limit) -> batch``
        Returns up to ``limit`` responses with ``response_id > after`` (``after`` is None on the first
        sync), in ascending ``response_id`` order, as dict records or a flat Arrow table. An empty batch,
        or one shorter than ``limit``, ends the sync.
    batch_size : int
        Responses per fetch and per commit.
    progress : callable ``(responses_so_far, watermark)``, optional
        Called after each committed batch.
    survey_items : mapping, optional
        Item metadata to record in the manifest, ``{survey: {item: {"min", "max", "kind"}}}``; ``kind`` is
        ``"rating"`` (mean index on 0–100) or ``"nps"`` (0–10 recommendation). Queries read scales from it.
    filesystem : pyarrow.fs.FileSystem, optional
        Filesystem for a lake on an object store (``lake_dir`` is then the path inside it).
    timezone : str, optional
        IANA time zone that assigns responses to months (only for a new lake; default Europe/Stockholm).

    Returns
    -------
    SyncReport

    Raises
    ------
    ValidationError
        A batch is malformed or ``fetch`` returned a response at or below the high-water mark.
    """
    if not isinstance(batch_size, int) or not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise InvalidArgument(
            f"batch_size: {batch_size!r} must be a whole number from 1 to {MAX_BATCH_SIZE:,}",
            field="batch_size",
            value=batch_size,
        )
    location = lake_location(lake_dir, filesystem=filesystem)
    with writer_lock(location):
        manifest = _open_for_writing(location, timezone)
        orphans = remove_orphans(location, manifest)
        if _adds_item_metadata(manifest, survey_items):
            manifest = commit(location, manifest, added={}, survey_items=survey_items)
        batches = responses = comments = 0
        while True:
            batch = fetch(manifest.watermark, batch_size)
            if batch is None or len(batch) == 0:
                break
            size = len(batch)
            manifest, added_comments = append_batch(location, manifest, batch)
            batches += 1
            responses += size
            comments += added_comments
            if progress is not None:
                progress(responses, manifest.watermark)
            if size < batch_size:
                break
    return SyncReport(batches, responses, comments, manifest.watermark, manifest.generation, len(orphans))


def append_batch(location: LakeLocation, manifest: Manifest, batch: ResponseBatch) -> tuple[Manifest, int]:
    """Validate one batch, write its files and commit it; return the new manifest and the comment count.

    The caller holds the writer lock (see :func:`sync_lake`).
    """
    responses, comments = normalise_batch(batch, timezone=manifest.timezone)
    first = pc.min(responses.column("response_id")).as_py()
    if manifest.watermark is not None and first <= manifest.watermark:
        raise ValidationError(
            f"fetch: returned response_id {first}, not above the high-water mark {manifest.watermark}",
            field="response_id",
            value=first,
        )
    generation = manifest.generation + 1
    added = {
        RESPONSES: write_partitioned(location, RESPONSES, responses, generation=generation),
        COMMENTS: write_partitioned(location, COMMENTS, comments, generation=generation),
    }
    watermark = pc.max(responses.column("response_id")).as_py()
    new = commit(location, manifest, added=added, watermark=watermark, responses=responses)
    return new, comments.num_rows


def create_lake(
    lake_dir: str | os.PathLike[str] | LakeLocation,
    *,
    filesystem: Any = None,
    timezone: str | None = None,
    survey_items: SurveyItems | None = None,
) -> Manifest:
    """Create an empty lake (or return the manifest of an existing one, recording ``survey_items``)."""
    location = lake_location(lake_dir, filesystem=filesystem)
    with writer_lock(location):
        manifest = _open_for_writing(location, timezone)
        if _adds_item_metadata(manifest, survey_items):
            manifest = commit(location, manifest, added={}, survey_items=survey_items)
        return manifest


def _adds_item_metadata(manifest: Manifest, survey_items: SurveyItems | None) -> bool:
    """True when ``survey_items`` would change the manifest (so an unchanged sync writes nothing)."""
    for survey, items in (survey_items or {}).items():
        known = manifest.survey_items(survey)
        for key, meta in items.items():
            if any(known.get(key, {}).get(name) != value for name, value in meta.items()):
                return True
    return False


def _open_for_writing(location: LakeLocation, timezone: str | None) -> Manifest:
    manifest = read_manifest(location, missing_ok=True)
    if manifest.generation == 0 and not manifest.updated_at:
        if timezone is not None:
            manifest = replace(manifest, timezone=timezone)
        return write_manifest(location, manifest)
    if timezone is not None and timezone != manifest.timezone:
        raise ConfigurationError(
            f"timezone: the lake at {location.root!r} assigns months in {manifest.timezone}, not {timezone}"
        )
    return read_current_manifest(location)
