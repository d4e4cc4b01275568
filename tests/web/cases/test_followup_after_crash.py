"""A process killed (SIGKILL) after a consented low score was committed but before its case was opened:
the response says its follow-up is pending, and a retry of the same submission, or the worker's sweep,
opens exactly one case."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from database_url import url_of_test_database as database_url
from kundpuls.web.org.actors import CLI

from .conftest import RULES, answers

REPO = Path(__file__).resolve().parents[3]

# Stores one consented low score, and dies by SIGKILL right after the commit: the kill is registered as an
# on-commit callback before the response's own, so it runs first, between the commit and the follow-up.
CRASHING_SUBMISSION = """
import json, os, signal, sys, uuid
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "kundpuls.web.settings"
django.setup()
from django.db import transaction
from kundpuls.web.responses.actions import submit_response
from kundpuls.web.surveys.models import Distribution
from kundpuls.web.surveys.queries import current_version

job = json.loads(sys.argv[1])
distribution = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-N", closed_at__isnull=True)
with transaction.atomic():
    transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
    submit_response(
        version=current_version(distribution.survey),
        distribution=distribution,
        submission_id=uuid.UUID(job["submission_id"]),
        answers=job["answers"],
    )
print("not killed")
"""


def _store_and_die(submission_id: uuid.UUID) -> None:
    env = {**os.environ, "KUNDPULS_DATABASE_URL": database_url(), "PYTHONPATH": str(REPO / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    job = json.dumps({"submission_id": str(submission_id), "answers": answers(2, consent=True)})
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_SUBMISSION, job], env=env, cwd=REPO, capture_output=True, timeout=120
    )
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()[-2000:]


@pytest.fixture
def killed_after_commit(transactional_db: None) -> Any:
    """The response of a submission whose process was killed between its commit and its follow-up."""
    from kundpuls.web.cases.actions import save_rules
    from kundpuls.web.responses.models import Response
    from kundpuls.web.surveys.models import Survey

    save_rules(Survey.objects.get(key="nki"), RULES, actor=CLI)
    submission_id = uuid.uuid4()
    _store_and_die(submission_id)
    response = Response.objects.get(submission_id=submission_id)
    assert response.followup_pending and not hasattr(response, "case"), "the crash left no case behind"
    return response


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_retry_of_the_same_submission_opens_the_lost_case_exactly_once(killed_after_commit: Any) -> None:
    from kundpuls.web.cases.models import Case
    from kundpuls.web.responses.actions import submit_response
    from kundpuls.web.surveys.models import Distribution
    from kundpuls.web.surveys.queries import current_version

    response = killed_after_commit
    distribution = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-N", closed_at__isnull=True)
    for _ in range(2):  # the retry, and the retry of the retry
        receipt = submit_response(
            version=current_version(distribution.survey),
            distribution=distribution,
            submission_id=response.submission_id,
            answers=answers(2, consent=True),
        )
        assert receipt.response_id == response.pk and not receipt.created
    assert Case.objects.filter(response=response).count() == 1
    response.refresh_from_db()
    assert not response.followup_pending


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_the_sweep_opens_the_lost_case_exactly_once(killed_after_commit: Any) -> None:
    from kundpuls.web.cases.models import Case
    from kundpuls.web.org.actors import WORKER
    from kundpuls.web.responses.actions import complete_pending_followups

    assert complete_pending_followups(actor=WORKER) == 1
    assert complete_pending_followups(actor=WORKER) == 0  # nothing pending any more
    assert Case.objects.filter(response=killed_after_commit).count() == 1
