"""Results pages only read: new responses reach the lake through the background refresher (issue 16)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kundpuls.analytics.lake.manifest import lake_location, read_manifest
from kundpuls.web.dashboards import queries
from kundpuls.web.responses import actions as lake
from kundpuls.web.responses.models import Response
from kundpuls.web.responses.refresher import refresh_once, start_lake_refresher

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
RESULT_PAGES = (
    "/portal/resultat/",
    "/portal/resultat/?index=BEMOTANDE",
    "/portal/resultat/enheter/VOF-HT-N/",
    "/portal/resultat/enheter/VOF-HT-N/?kind=month",
    "/portal/enheter/VOF-HT-N/",
    "/portal/",
)


def _store_one_more() -> int:
    """A copy of a stored response under a new submission id (the database moves past the lake)."""
    latest = Response.objects.order_by("-pk").first()
    assert latest is not None
    latest.pk = None
    latest.submission_id = uuid.uuid4()
    latest.save()
    return int(latest.pk)


def _manifest() -> tuple[int | None, int]:
    manifest = read_manifest(lake_location(queries.lake_dir()))
    return manifest.watermark, manifest.generation


@pytest.mark.django_db
def test_a_results_page_writes_nothing_to_the_database_or_the_lake(
    settings: Any, personas: dict[str, Any], results: dict[str, int]
) -> None:
    settings.KUNDPULS_LAKE_SETTLE_SECONDS = 0
    before = _manifest()
    _store_one_more()  # something the page could be tempted to sync
    client = Client()
    client.force_login(personas["manager_a"], backend=BACKEND)
    client.get("/portal/")  # the session is written at login, not by the pages below
    for path in RESULT_PAGES:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(path)
        assert page.status_code == 200, path
        writes = [q["sql"] for q in captured.captured_queries if WRITE.match(q["sql"])]
        assert writes == [], (path, writes)
        assert _manifest() == before, path


@pytest.mark.django_db
def test_the_refresher_takes_in_every_new_response(settings: Any, results: dict[str, int]) -> None:
    settings.KUNDPULS_LAKE_SETTLE_SECONDS = 0
    newest = _store_one_more()
    refresh_once()
    assert _manifest()[0] == newest
    generation = _manifest()[1]
    refresh_once()  # nothing new: nothing written
    assert _manifest()[1] == generation


@pytest.mark.django_db
def test_the_report_command_takes_in_everything_at_once(settings: Any, results: dict[str, int]) -> None:
    settings.KUNDPULS_LAKE_SETTLE_SECONDS = 0
    newest = _store_one_more()
    lake.bring_lake_up_to_date(max_age_seconds=0)  # what `kundpuls report` asks for
    assert _manifest()[0] == newest


def test_a_zero_interval_leaves_refreshing_to_the_worker(settings: Any) -> None:
    settings.KUNDPULS_LAKE_REFRESH_SECONDS = 0
    assert start_lake_refresher() is None


def _not_computed() -> Any:
    raise AssertionError("computed on demand: the refresher did not warm it")


@pytest.mark.django_db
def test_after_a_refresh_that_changed_the_lake_the_pages_find_their_frames_computed(
    settings: Any, personas: dict[str, Any], results: dict[str, int]
) -> None:
    """The refresher's step after a change (the server passes warm_results) computes each survey's plan,
    index frames and suppression grid for the new lake generation, so the first page after a sync reads
    them: asking the cache for them with a compute step that fails proves they are there."""
    from kundpuls.reports import cache
    from kundpuls.reports.unit_report import survey_lookup, survey_plan
    from kundpuls.web.dashboards.warming import warm_results

    settings.KUNDPULS_LAKE_SETTLE_SECONDS = 0
    cache.clear()
    _store_one_more()
    warmed: list[Any] = []
    refresh_once(lambda: warmed.append(warm_results()))
    assert len(warmed) == 1 and warmed[0].surveys >= 1 and warmed[0].failed == 0
    lake_dir = queries.lake_dir()
    for _, definition in queries.surveys_with_results():
        plan = cache.cached(
            (*cache.lake_key(lake_dir), "plan", definition.key, queries.threshold_setting()), _not_computed
        )
        assert plan == survey_plan(lake_dir, definition, threshold_setting=queries.threshold_setting())
        cache.cached(
            (*cache.lake_key(lake_dir), "frame", plan.survey_key, plan.threshold, "quarter", None),
            _not_computed,
        )
    # and every unit's opening page: its report (with comments, in Swedish) is read, not computed
    from kundpuls.web.org.models import Unit
    from kundpuls.web.org.tenancy import organisation_id
    from kundpuls.web.themes.queries import taxonomy_in_force

    assert warmed[0].pages >= 1
    unit = Unit.objects.get(code="VOF-HT-N")
    for survey, definition in queries.surveys_with_results():
        if survey.organisation_id != organisation_id(unit):
            continue
        key = queries.unit_report_key(
            unit,
            definition,
            period_kind="quarter",
            period=None,
            segment=None,
            segment_value=None,
            language="sv",
            comments=True,
            taxonomy=taxonomy_in_force(organisation_id(unit)),
        )
        try:
            report = cache.cached(key, _not_computed)
        except AssertionError:  # only a unit without responses to this survey has no page to warm
            plan = survey_plan(lake_dir, definition, threshold_setting=queries.threshold_setting())
            assert unit.code not in survey_lookup(lake_dir, plan, period_kind="quarter").unit_periods
        else:
            assert report.unit_code == unit.code
    refresh_once(lambda: warmed.append(warm_results()))  # nothing new: nothing to warm again
    assert len(warmed) == 1
    client = Client()
    client.force_login(personas["manager_a"], backend=BACKEND)
    assert client.get("/portal/resultat/enheter/VOF-HT-N/").status_code == 200
