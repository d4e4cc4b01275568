"""Reads of the responses app: how old the analytics lake is (its writes are in ``actions.py``)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from kundpuls.analytics.lake.manifest import lake_location, manifest_exists
from kundpuls.analytics.manifest_memo import parsed_manifest


def stamp_time(stamp: str) -> datetime | None:
    """A manifest's ``updated_at`` as a time; None when empty or not ISO 8601."""
    try:
        return datetime.fromisoformat(stamp) if stamp else None
    except ValueError:
        return None


def lake_updated_at() -> datetime | None:
    """When the lake (what results pages show) last took in responses; None without a lake."""
    location = lake_location(str(settings.KUNDPULS_LAKE_DIR))
    if not manifest_exists(location):
        return None
    return stamp_time(parsed_manifest(location).updated_at)  # parsed once per content: every page asks
