"""Results pages take in new responses at most every KUNDPULS_LAKE_REFRESH_SECONDS (a sync empties caches)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from kundpuls.analytics.lake.manifest import lake_location, read_manifest
from kundpuls.web.dashboards import queries
from kundpuls.web.responses import actions as lake
from kundpuls.web.responses.models import Response

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _store_one_more() -> int:
    """A copy of a stored response under a new submission id (the database moves past the lake)."""
    import uuid

    latest = Response.objects.order_by("-pk").first()
    assert latest is not None
    latest.pk = None
    latest.submission_id = uuid.uuid4()
    latest.save()
    return int(latest.pk)


def _watermark() -> int | None:
    return read_manifest(lake_location(queries.lake_dir())).watermark


@pytest.mark.django_db
def test_a_lake_younger_than_the_refresh_time_is_kept_and_an_older_one_synced(
    settings: Any, personas: dict[str, Any], results: dict[str, int]
) -> None:
    settings.KUNDPULS_LAKE_REFRESH_SECONDS = 300
    before = _watermark()
    newest = _store_one_more()
    lake.bring_lake_up_to_date()
    assert _watermark() == before  # the lake was written moments ago: kept, its cache stays warm
    client = Client()
    client.force_login(personas["manager_a"], backend=BACKEND)
    page = client.get("/portal/resultat/enheter/VOF-HT-N/")
    assert page.status_code == 200 and "Svar som kommit in till och med" in page.content.decode()
    assert _watermark() == before
    later = timezone.now() + timedelta(seconds=301)
    with mock.patch("kundpuls.web.responses.actions.timezone.now", return_value=later):
        lake.bring_lake_up_to_date()
    assert _watermark() == newest


@pytest.mark.django_db
def test_the_report_command_and_a_zero_refresh_time_take_in_everything_at_once(
    settings: Any, results: dict[str, int]
) -> None:
    settings.KUNDPULS_LAKE_REFRESH_SECONDS = 300
    newest = _store_one_more()
    lake.bring_lake_up_to_date(max_age_seconds=0)  # what `kundpuls report` asks for
    assert _watermark() == newest
    settings.KUNDPULS_LAKE_REFRESH_SECONDS = 0
    newest = _store_one_more()
    lake.bring_lake_up_to_date()
    assert _watermark() == newest
