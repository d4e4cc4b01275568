"""Contact details of a response that opened no case are deleted after their retention (issue 17)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kundpuls.web.cases.actions import purge_unused_contact_details
from kundpuls.web.cases.models import Case
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import AuditEvent
from kundpuls.web.responses.models import ContactDetails, Response

pytestmark = pytest.mark.django_db


def test_caseless_contact_details_go_after_the_retention_and_those_of_cases_stay(
    nki_rules: Any, submit: Any, settings: Any
) -> None:
    settings.KUNDPULS_UNUSED_CONTACT_RETENTION_DAYS = 30
    happy = submit(9)  # consented, no rule fires: no case
    unhappy = submit(2)  # consented, "low_overall" fires: an open case
    pending = submit(9)
    Response.objects.filter(pk=pending).update(followup_pending=True)  # its follow-up was interrupted
    assert Case.objects.filter(response_id=unhappy).exists() and not Case.objects.filter(response_id=happy)
    now = timezone.now()

    assert purge_unused_contact_details(actor=CLI, now=now + timedelta(days=29)) == 0
    assert purge_unused_contact_details(actor=CLI, now=now + timedelta(days=31)) == 1

    assert not ContactDetails.objects.filter(response_id=happy).exists()
    assert ContactDetails.objects.filter(response_id=unhappy).exists()  # the open case still needs them
    assert ContactDetails.objects.filter(response_id=pending).exists()  # a case may still be opened
    assert Response.objects.filter(pk=happy).exists()  # only the contact details go, not the answers
    event = AuditEvent.objects.filter(action="cases.unused_contacts_deleted").latest("pk")
    assert event.details == {"deleted": 1}


def test_with_zero_days_every_eligible_contact_goes_at_once(
    nki_rules: Any, submit: Any, settings: Any
) -> None:
    settings.KUNDPULS_UNUSED_CONTACT_RETENTION_DAYS = 0
    before = ContactDetails.objects.filter(response__case__isnull=True).count()
    submit(9)
    submit(8)
    deleted = purge_unused_contact_details(actor=CLI)
    assert deleted >= 2 and deleted <= before + 2
    assert not ContactDetails.objects.filter(
        response__case__isnull=True, response__followup_pending=False
    ).exists()


def test_only_an_operator_or_superuser_runs_the_retention(personas: dict[str, Any]) -> None:
    from kundpuls.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        purge_unused_contact_details(actor=personas["manager_a"])
