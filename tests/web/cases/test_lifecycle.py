"""A case from alert to closing, with the clock fixed: consent, deadlines, overdue mail, contact retention."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.web.org.actors import CLI

pytestmark = pytest.mark.django_db

FRIDAY = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _case(response_id: int) -> Any:
    from kundpuls.web.cases.models import Case

    return Case.objects.filter(response_id=response_id).first()


def test_no_consent_no_case(nki_rules: Any, submit: Any) -> None:
    assert _case(submit(1, consent=False)) is None


def test_a_consenting_low_score_opens_one_case_for_its_unit(nki_rules: Any, submit: Any) -> None:
    case = _case(submit(2))
    assert case is not None
    assert case.unit.code == "VOF-HT-N"
    assert case.rules == ["low_overall"]
    assert case.events.get().kind == "opened"


def test_a_consenting_content_customer_opens_no_case(nki_rules: Any, submit: Any) -> None:
    assert _case(submit(9)) is None


def test_a_comment_about_bemotande_with_a_middling_score_opens_a_case(nki_rules: Any, submit: Any) -> None:
    case = _case(submit(6, comment="Otrevlig personal som inte lyssnade"))
    assert case is not None and case.rules == ["rude_staff"]


def test_a_survey_without_rules_opens_no_case(submit: Any) -> None:
    assert _case(submit(1)) is None


def test_an_import_opens_cases_for_consenting_rows(
    nki_rules: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import uuid

    from kundpuls.web.responses.actions import IncomingResponse, import_responses
    from kundpuls.web.surveys.models import Distribution
    from kundpuls.web.surveys.queries import current_version

    from .conftest import answers

    distribution = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-S", closed_at__isnull=True)
    version = current_version(distribution.survey)
    rows = [
        IncomingResponse(distribution, uuid.uuid4(), answers(score, consent=consent), "sv", FRIDAY)
        for score, consent in [(1, True), (1, False), (9, True), (3, True)]
    ]
    with django_capture_on_commit_callbacks(execute=True):
        import_responses(version, rows, actor=CLI)  # type: ignore[arg-type]
    from kundpuls.web.cases.models import Case

    assert Case.objects.filter(unit__code="VOF-HT-S").count() == 2


def test_the_deadline_counts_two_working_days_over_the_weekend(nki_rules: Any) -> None:
    from kundpuls.web.cases.actions import open_cases_for
    from kundpuls.web.responses.models import Response

    from .conftest import CONTACT

    response = _stored_response(consent=True, score=1)
    case = open_cases_for(response.pk, now=FRIDAY)
    assert case is not None and case.due_date == date(2026, 12, 1)
    assert Response.objects.get(pk=response.pk).contact.data == CONTACT


def test_a_unit_deadline_is_inherited_down_the_tree(nki_rules: Any) -> None:
    from kundpuls.web.cases.actions import open_cases_for
    from kundpuls.web.cases.models import CaseDeadline
    from kundpuls.web.org.models import Unit

    CaseDeadline.objects.create(unit=Unit.objects.get(code="VOF"), working_days=5)
    case = open_cases_for(_stored_response(consent=True, score=1).pk, now=FRIDAY)
    assert case is not None and case.due_date == date(2026, 12, 4)


def _stored_response(*, consent: bool, score: int, unit: str = "VOF-HT-N") -> Any:
    """A response stored without running the on-commit hook (to open its case with a fixed clock)."""
    import uuid

    from kundpuls.web.responses.actions import submit_response
    from kundpuls.web.responses.models import Response
    from kundpuls.web.surveys.models import Distribution
    from kundpuls.web.surveys.queries import current_version

    from .conftest import answers

    distribution = Distribution.objects.get(survey__key="nki", unit__code=unit, closed_at__isnull=True)
    receipt = submit_response(
        version=current_version(distribution.survey),  # type: ignore[arg-type]
        distribution=distribution,
        submission_id=uuid.uuid4(),
        answers=answers(score, consent=consent),
        submitted_at=FRIDAY,
    )
    return Response.objects.get(pk=receipt.response_id)


def test_the_workflow_goes_one_step_at_a_time_and_logs_who_did_what(nki_rules: Any, personas: Any) -> None:
    from kundpuls.web.cases import actions
    from kundpuls.web.org.models import AuditEvent

    manager = personas["manager_a"]
    case = actions.open_cases_for(_stored_response(consent=True, score=1).pk, now=FRIDAY)
    assert case is not None
    with pytest.raises(InvalidArgument, match="status"):
        actions.advance(case, "resolved", actor=manager)
    actions.assign(case, manager, actor=manager, now=FRIDAY)
    actions.advance(case, "contacted", actor=manager, now=FRIDAY + timedelta(hours=2))
    actions.add_note(case, "Ringde, bad om ursäkt.", actor=manager, now=FRIDAY + timedelta(hours=2))
    with pytest.raises(InvalidArgument, match="root_causes"):
        actions.advance(case, "resolved", actor=manager, root_causes=["glass"])
    actions.advance(
        case, "resolved", actor=manager, root_causes=["bemotande"], improvement="Utbildning i bemötande"
    )
    actions.advance(case, "closed", actor=manager)
    case.refresh_from_db()
    assert case.status == "closed" and case.root_causes == ["bemotande"]
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "assigned", "contacted", "note", "resolved", "closed"]
    assert case.events.filter(actor=manager).count() == 5
    assert AuditEvent.objects.filter(target=f"case:{case.pk}", action="cases.closed", actor=manager).exists()


def test_a_case_can_be_closed_without_contact_only_with_a_reason(nki_rules: Any, personas: Any) -> None:
    from kundpuls.web.cases import actions

    case = actions.open_cases_for(_stored_response(consent=True, score=1).pk, now=FRIDAY)
    assert case is not None
    with pytest.raises(InvalidArgument, match="reason"):
        actions.close_without_contact(case, "  ", actor=personas["manager_a"])
    actions.close_without_contact(case, "Fel telefonnummer", actor=personas["manager_a"])
    assert case.status == "closed" and case.closed_without_contact


def test_a_manager_of_another_unit_may_not_handle_the_case(nki_rules: Any, personas: Any) -> None:
    from kundpuls.errors import PermissionDenied
    from kundpuls.web.cases import actions

    case = actions.open_cases_for(_stored_response(consent=True, score=1).pk, now=FRIDAY)
    assert case is not None
    with pytest.raises(PermissionDenied):
        actions.advance(case, "contacted", actor=personas["manager_b"])


def test_contact_details_are_deleted_after_closing_plus_retention(
    nki_rules: Any, personas: Any, settings: Any
) -> None:
    from kundpuls.web.cases import actions
    from kundpuls.web.responses.models import ContactDetails

    settings.KUNDPULS_CASE_CONTACT_RETENTION_DAYS = 30
    response = _stored_response(consent=True, score=1)
    case = actions.open_cases_for(response.pk, now=FRIDAY)
    assert case is not None
    actions.close_without_contact(case, "Ville inte bli kontaktad", actor=personas["manager_a"], now=FRIDAY)
    assert actions.purge_contact_details(now=FRIDAY + timedelta(days=29), actor=CLI) == 0
    assert ContactDetails.objects.filter(response=response).exists()
    assert actions.purge_contact_details(now=FRIDAY + timedelta(days=30), actor=CLI) == 1
    assert not ContactDetails.objects.filter(response=response).exists()
    assert actions.purge_contact_details(now=FRIDAY + timedelta(days=31), actor=CLI) == 0
    assert case.events.filter(kind="contact_deleted").count() == 1


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[list[Any]]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that Django's SMTP backend sends to."""
    from aiosmtpd.controller import Controller

    received: list[Any] = []

    class Collect:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "kundpuls@kundpuls.example"
    try:
        yield received
    finally:
        controller.stop()


def test_an_overdue_case_mails_the_unit_manager_once(
    nki_rules: Any, personas: Any, smtp_server: list[Any]
) -> None:
    from kundpuls.web.cases import actions
    from kundpuls.web.cases.queries import is_overdue

    case = actions.open_cases_for(_stored_response(consent=True, score=1).pk, now=FRIDAY)
    assert case is not None  # due Tuesday 1 December
    on_due_day = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert actions.notify_overdue(now=on_due_day, actor=CLI) == 0
    assert not is_overdue(case, today=date(2026, 12, 1))
    day_after = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    assert is_overdue(case, today=date(2026, 12, 2))
    assert actions.notify_overdue(now=day_after, actor=CLI) == 1
    assert actions.notify_overdue(now=day_after + timedelta(days=1), actor=CLI) == 0
    assert len(smtp_server) == 1
    assert personas["manager_a"].email in smtp_server[0].rcpt_tos
    assert f"/portal/arenden/{case.pk}/" in smtp_server[0].content.decode("utf-8", "replace")
    # a new deadline that passes too is a new overdue event: one more mail
    actions.set_due_date(case, date(2026, 12, 4), actor=personas["manager_a"])
    assert actions.notify_overdue(now=datetime(2026, 12, 7, 8, 0, tzinfo=UTC), actor=CLI) == 1
    assert len(smtp_server) == 2


def test_a_closed_case_is_never_overdue(nki_rules: Any, personas: Any, smtp_server: list[Any]) -> None:
    from kundpuls.web.cases import actions

    case = actions.open_cases_for(_stored_response(consent=True, score=1).pk, now=FRIDAY)
    assert case is not None
    actions.close_without_contact(case, "Dubblett", actor=personas["manager_a"])
    assert actions.notify_overdue(now=datetime(2026, 12, 10, tzinfo=UTC), actor=CLI) == 0
    assert smtp_server == []


def test_the_contact_retention_comes_from_the_environment() -> None:
    from kundpuls.config import load_config
    from kundpuls.errors import ConfigurationError

    env = {"KUNDPULS_DEBUG": "1", "KUNDPULS_DATA_DIR": "/tmp/kundpuls-config-test"}
    assert load_config(env).case_contact_retention_days == 30
    assert load_config({**env, "KUNDPULS_CASE_CONTACT_RETENTION_DAYS": "0"}).case_contact_retention_days == 0
    with pytest.raises(ConfigurationError, match="KUNDPULS_CASE_CONTACT_RETENTION_DAYS"):
        load_config({**env, "KUNDPULS_CASE_CONTACT_RETENTION_DAYS": "en månad"})
