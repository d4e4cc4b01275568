"""Keeping the analytics lake in step with the database: sync and erasure, with the configured lake dir."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction

from kundpuls.analytics.lake_erasure import ErasureReport, erase_responses
from kundpuls.analytics.lake_sync import SyncReport, sync_lake
from kundpuls.web.org.actions import record_audit
from kundpuls.web.responses.lake_source import response_fetcher, survey_item_metadata
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
        survey_items=survey_item_metadata(),
    )


def erase(submission_ids: Iterable[str], *, actor: object = "cli") -> ErasureReport:
    """Delete responses (GDPR request, retention) from the database, then rewrite the lake partitions."""
    ids = [str(i).replace("-", "") for i in submission_ids]
    with transaction.atomic():
        deleted, _ = Response.objects.filter(submission_id__in=ids).delete()
        record_audit(actor, "responses.erase", "", count=deleted)
    return erase_responses(settings.KUNDPULS_LAKE_DIR, ids)
