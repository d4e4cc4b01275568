"""The operations status page (``/portal/drift/``): each job's last run in Swedish, superusers only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kundpuls.web.operations.actions import run_job
from kundpuls.web.org.actors import WORKER

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user, backend=BACKEND)
    return client


@pytest.mark.django_db
def test_the_page_shows_each_job_its_schedule_and_last_outcome_in_swedish(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.SCHEDULED_JOB_SECONDS = {"sync": 300, "bounces": 900, "overdue": 3600}
    run_job("sync", actor=WORKER)
    run_job("bounces", actor=WORKER)
    page = _client(personas["admin"]).get("/portal/drift/").content.decode()
    assert "<h1>Drift</h1>" in page
    assert "Synkning till svarssjön" in page and "var 5:e minut" in page and "Lyckades" in page
    assert "Hoppades över" in page and "KUNDPULS_BOUNCE_MAILDIR is not set" in page
    assert "Inte körd än" in page  # the retention jobs have not run
    assert "Svar som väntar på nästa synkning" in page
    assert "<dt>Nya svar</dt>" in page and "<dt>responses</dt>" not in page, "counts are labelled"
    assert 'href="/portal/drift/"' in page, "the menu links it for a superuser"


@pytest.mark.django_db
def test_the_menu_hides_it_from_everyone_else(personas: dict[str, Any]) -> None:
    page = _client(personas["analyst"]).get("/portal/").content.decode()
    assert "/portal/drift/" not in page
