"""Keeping the analytics lake in step with the database: sync (also when results pages find it stale) and
erasure, with the configured lake dir."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kundpuls.analytics.lake_erasure import ErasureReport, erase_responses
from kundpuls.analytics.lake_manifest import lake_location, manifest_exists, read_manifest
from kundpuls.analytics.lake_sync import SyncReport, sync_lake
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.responses.lake_source import published_item_metadata, response_fetcher
from kundpuls.web.responses.models import Response


def sync_to_lake(
    *,
    batch_size: int = 50_000,
    progress: Callable[[int, int | None], None] | None = None,
    settle_seconds: float | None = None,
) -> SyncReport:
    """Append every settled response newer than the lake's high-water mark (see :func:`sync_lake`).

    ``settle_seconds`` (default ``KUNDPULS_LAKE_SETTLE_SECONDS``): responses stored more recently wait for
    the next sync (see :func:`kundpuls.web.responses.lake_source.response_fetcher`).
    """
    if settle_seconds is None:
        settle_seconds = settings.KUNDPULS_LAKE_SETTLE_SECONDS
    return sync_lake(
        settings.KUNDPULS_LAKE_DIR,
        response_fetcher(settle_seconds=settle_seconds),
        batch_size=batch_size,
        progress=progress,
        survey_items=published_item_metadata(),
    )


def bring_lake_up_to_date(max_age_seconds: float | None = None) -> None:
    """Sync the lake when the database holds responses newer than its watermark and the lake is older than
    ``max_age_seconds`` (default ``KUNDPULS_LAKE_REFRESH_SECONDS``; 0: whenever there are new responses).

    Every sync starts a new lake generation, which empties the cache of report results (the index frames,
    driver cross products, comments): the next page costs seconds instead of milliseconds. Results pages
    therefore accept a lake a few minutes old, and say how old (:func:`lake_updated_at`); the batch report
    command asks for everything (0).
    """
    newest = Response.objects.aggregate(newest=Max("pk"))["newest"]
    if newest is None:
        return
    location = lake_location(str(settings.KUNDPULS_LAKE_DIR))
    if manifest_exists(location):
        manifest = read_manifest(location)
        if manifest.watermark is not None and manifest.watermark >= newest:
            return
        limit = settings.KUNDPULS_LAKE_REFRESH_SECONDS if max_age_seconds is None else max_age_seconds
        updated = _parsed(manifest.updated_at)
        if limit > 0 and updated is not None and (timezone.now() - updated).total_seconds() < limit:
            return
    sync_to_lake()


def _parsed(stamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(stamp) if stamp else None
    except ValueError:
        return None


def lake_updated_at() -> datetime | None:
    """When the lake (what results pages show) last took in responses; None without a lake."""
    location = lake_location(str(settings.KUNDPULS_LAKE_DIR))
    if not manifest_exists(location):
        return None
    return _parsed(read_manifest(location).updated_at)


def erase(submission_ids: Iterable[str], *, actor: Actor) -> ErasureReport:
    """Delete responses (GDPR request, retention) from the database, then rewrite the lake partitions.

    Any response of any unit may go, so it needs ``administer`` everywhere (a superuser or an operator).
    """
    require(actor, Capability.ADMINISTER, None)
    ids = [str(i).replace("-", "") for i in submission_ids]
    with transaction.atomic():
        deleted, _ = Response.objects.filter(submission_id__in=ids).delete()
        record_audit(actor, "responses.erase", "", count=deleted)
    return erase_responses(settings.KUNDPULS_LAKE_DIR, ids)
