"""Logs carry a request id, come as JSON lines when asked, and hold no personal data.

Planted e-mail addresses, a personnummer, a name and a telephone number go through the flows that handle
personal data — a response with a comment and contact details (its follow-up case opens), a failed login,
an invitation list imported and its mail sent by the task, an erasure by e-mail on the staff page, the
scheduled jobs — with the loggers as configured (``settings.LOGGING``); not one log record may contain them.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from kundpuls.web.request_log import JsonFormatter, RequestIdFilter

EMAIL = "planted.person@example.org"
INVITED = "planted.invited@example.org"
PERSONNUMMER = "19121212-1212"
NAME = "Plantus Testsson"
PHONE = "070-123 45 67"
PLANTED = (EMAIL, INVITED, PERSONNUMMER, NAME, PHONE, "planted.person", "121212-1212")
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[Capture]:
    """Every record the configured loggers let through (settings.LOGGING: kundpuls at INFO, the rest at
    WARNING), at the root like the console handler."""
    handler = Capture()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_gets_an_id_in_its_response_and_its_log_lines(captured: Capture) -> None:
    response = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="proxy-id-12345")
    assert response["X-Request-ID"] == "proxy-id-12345"
    lines = [json.loads(line) for line in captured.lines if "proxy-id-12345" in line]
    assert lines and all(set(line) >= {"time", "level", "logger", "message", "request_id"} for line in lines)
    fresh = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")
    assert len(fresh["X-Request-ID"]) == 32, "an id that is not one is replaced"


@pytest.mark.django_db(transaction=True)
def test_the_flows_that_handle_personal_data_log_none_of_it(
    captured: Capture, personas: dict[str, Any], settings: Any
) -> None:
    from kundpuls.web.cases.actions import save_rules
    from kundpuls.web.invitations.actions import import_recipients, plan_invitations
    from kundpuls.web.invitations.recipients import table_from_text
    from kundpuls.web.operations.actions import run_due_jobs
    from kundpuls.web.org.actors import CLI, WORKER
    from kundpuls.web.responses.actions import submit_response
    from kundpuls.web.surveys.models import Distribution, Survey
    from kundpuls.web.surveys.queries import current_version

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    survey = Survey.objects.get(key="nki")
    rules = {"rules": [{"key": "low", "when": [{"item": "nki_helhet", "at_most": 3}]}]}
    save_rules(survey, json.dumps(rules), actor=CLI)
    distribution = Distribution.objects.get(survey=survey, unit__code="VOF-HT-N")
    version = current_version(survey)
    assert version is not None
    answers = {
        "tjanst": "socialtjanst",
        "nki_helhet": 2,
        "nki_forvantan": 2,
        "nki_ideal": 2,
        "kommentar": f"Jag heter {NAME}, personnummer {PERSONNUMMER}, mejla {EMAIL}.",
        "kontakt_ok": True,
        "kontakt_namn": NAME,
        "kontakt_telefon": PHONE,
        "kontakt_epost": EMAIL,
    }
    submit_response(version=version, distribution=distribution, submission_id=uuid.uuid4(), answers=answers)
    with pytest.raises(Exception):  # noqa: B017 (an invalid answer: its error is not logged with values)
        submit_response(
            version=version,
            distribution=distribution,
            submission_id=uuid.uuid4(),
            answers={**answers, "nki_helhet": EMAIL},
        )

    Client().post("/konto/logga-in/", {"username": EMAIL, "password": "wrong-password-1"})
    import_recipients(survey, table_from_text(f"email;unit\n{INVITED};VOF-HT-N\n"), actor=CLI)
    plan_invitations(survey, actor=CLI)
    from django.core import mail
    from django.core.management import call_command

    from kundpuls.web.invitations.tasks import enqueue_due

    assert enqueue_due(survey) == 1

    call_command("db_worker", "--batch", "--no-reload")
    assert [m.to for m in mail.outbox] == [[INVITED]], "the invitation went out"
    settings.SCHEDULED_JOB_SECONDS = {"sync": 300, "overdue": 3600, "case-contacts": 86400}
    run_due_jobs(actor=WORKER)

    admin = Client()
    admin.force_login(personas["admin"], backend=BACKEND)
    admin.post("/portal/dataskydd/", {"subject": INVITED})
    erased = admin.post("/portal/dataskydd/", {"subject": INVITED, "step": "erase", "confirm": "yes"})
    assert erased.status_code in (200, 302)

    assert len(captured.lines) > 5, "the flows log something"
    assert all(json.loads(line)["request_id"] == "-" for line in captured.lines if "job sync" in line)
    leaks = [line for line in captured.lines if any(p.lower() in line.lower() for p in PLANTED)]
    assert not leaks, leaks[:5]
