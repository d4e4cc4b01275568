"""The operator's start page says what needs IT's attention (issue 18): failed and late jobs, mails waiting,
the last week's bounces and webhook deliveries that gave up; an organisation's administrator sees the same
for her own units; nobody else sees it."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kundpuls.web.invitations.models import Invitation
from kundpuls.web.operations.models import JobRecord
from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.models import Distribution
from kundpuls.web.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
pytestmark = pytest.mark.django_db


def _system(user: Any) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user, backend=BACKEND)
    page = client.get("/portal/").content.decode()
    found = re.search(r'<section aria-labelledby="health-h">(.*?)</section>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split()) if found else ""


def _bounce(days_ago: int) -> None:
    link = Distribution.objects.filter(survey__key="nki").select_related("survey", "unit").first()
    assert link is not None
    Invitation.objects.create(
        survey=link.survey,
        distribution=link,
        unit=link.unit,
        token_hash=uuid.uuid4().hex,
        bounced_at=timezone.now() - timedelta(days=days_ago),
    )


def _responses_waiting(count: int) -> None:
    from datetime import UTC, datetime

    from kundpuls.demo.responses import UnitProfile, generate_responses
    from kundpuls.web.responses.actions import submit_response
    from kundpuls.web.surveys.queries import current_version, definition_of

    link = Distribution.objects.get(survey__key="nki", unit__code="KFF-BIB-HUV", closed_at__isnull=True)
    version = current_version(link.survey)
    assert version is not None
    generated = generate_responses(
        definition_of(version),
        [UnitProfile(code="KFF-BIB-HUV", volume=30)],
        start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 2, 1, tzinfo=UTC),
        seed=5,
    )
    for response in generated.responses[:count]:
        submit_response(
            version=version,
            distribution=link,
            submission_id=response.submission_id,
            answers=response.as_input(),
        )


def _gave_up(days_ago: int) -> None:
    unit = Unit.objects.get(code="EXK")
    hook = Webhook.objects.create(
        url="http://127.0.0.1:9/hook", unit=unit, events=["case_opened"], secret="s"
    )
    event = WebhookEvent.objects.create(
        event_id=uuid.uuid4(),
        kind="case_opened",
        subject=f"case-{days_ago}",
        unit_path=unit.path,
        created_at=timezone.now(),
    )
    WebhookDelivery.objects.create(
        webhook=hook,
        event=event,
        status=DeliveryStatus.FAILED,
        attempts=8,
        next_attempt_at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_operator_sees_failed_and_late_jobs_waiting_mail_bounces_and_failed_webhooks(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.SCHEDULED_JOB_SECONDS = {"sync": 300, "bounces": 900, "overdue": 3600}
    now = timezone.now()
    JobRecord.objects.create(name="sync", last_started_at=now - timedelta(minutes=2), last_outcome="failed")
    JobRecord.objects.create(name="bounces", last_started_at=now - timedelta(hours=3), last_outcome="ok")
    JobRecord.objects.create(name="overdue", last_started_at=now - timedelta(minutes=30), last_outcome="ok")
    _bounce(days_ago=2)
    _bounce(days_ago=30)  # older than a week: not counted
    _gave_up(days_ago=1)
    _gave_up(days_ago=20)

    text = _system(personas["admin"])
    assert "Jobbet ”Synkning till svarssjön” misslyckades senast det kördes." in text
    assert "Har inte körts enligt schemat: Returnerad e-post. Är bakgrundsprocessen igång?" in text
    assert "Försenade ärenden" not in text  # ran half an hour ago, due every hour
    assert "0 e-postmeddelanden väntar på att skickas." in text
    assert "1 inbjudan studsade den senaste veckan." in text
    assert "1 leverans till en webhook misslyckades slutgiltigt den senaste veckan." in text


def test_a_quiet_installation_says_so_and_nobody_but_an_administrator_sees_it(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.SCHEDULED_JOB_SECONDS = {"sync": 300}
    JobRecord.objects.create(name="sync", last_started_at=timezone.now(), last_outcome="ok")
    text = _system(personas["admin"])
    assert "misslyckades" not in text and "igång?" not in text and "studsade" not in text
    for person in ("analyst", "manager_a", "viewer"):
        assert _system(personas[person]) == "", person


def test_an_organisations_administrator_sees_the_jobs_and_only_her_own_units_bounces_and_webhooks(
    personas: dict[str, Any], settings: Any
) -> None:
    from kundpuls.web.accounts.models import User
    from kundpuls.web.org.models import Role, RoleKind

    settings.SCHEDULED_JOB_SECONDS = {"sync": 300}
    JobRecord.objects.create(name="sync", last_started_at=timezone.now(), last_outcome="failed")
    _bounce(days_ago=2)  # the municipality's nki
    _gave_up(days_ago=1)  # a webhook of the municipality

    def admin_of(code: str) -> User:
        person = User.objects.create_user(email=f"admin-{code.lower()}@kundpuls.example", password="x" * 20)
        Role.objects.create(user=person, unit=Unit.objects.get(code=code), role=RoleKind.ADMIN)
        return person

    municipal = _system(admin_of("EXK"))
    assert "Jobbet ”Synkning till svarssjön” misslyckades senast det kördes." in municipal
    assert "1 inbjudan studsade den senaste veckan." in municipal
    assert "1 leverans till en webhook misslyckades slutgiltigt den senaste veckan." in municipal
    assert "Kontakta den som driftar installationen" in municipal  # the status page is the operator's

    region = _system(admin_of("RGX"))
    assert "Jobbet ”Synkning till svarssjön” misslyckades" in region  # the lake serves both organisations
    assert "studsade" not in region and "webhook" not in region  # the municipality's, not hers
    assert "väntar på att skickas" not in region  # the mail queue is every organisation's: not hers to count

    _responses_waiting(3)  # the municipality's, not yet in the lake
    assert "3 nyare svar väntar på nästa uppdatering." in _system(admin_of("KFF"))
    assert "väntar på nästa uppdatering" not in _system(User.objects.get(email="admin-rgx@kundpuls.example"))

    client = Client()
    client.force_login(admin_of("VOF"), backend=BACKEND)
    page = client.get("/portal/").content.decode()
    assert "/portal/drift/" not in page  # no link to a page she may not open
