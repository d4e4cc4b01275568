"""A real ``kundpuls worker`` killed with SIGKILL mid-batch and restarted sends no mail twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from database_url import url_of_test_database as database_url
from kundpuls.web.invitations.actions import import_recipients, plan_invitations
from kundpuls.web.invitations.models import Delivery, DeliveryState
from kundpuls.web.invitations.recipients import table_from_text
from kundpuls.web.invitations.tasks import enqueue_due
from kundpuls.web.org.actors import CLI

RECIPIENTS = 24
REPO = Path(__file__).resolve().parents[3]


def _worker(sink: Any, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "KUNDPULS_DATABASE_URL": database_url(),
        "KUNDPULS_SMTP_HOST": "127.0.0.1",
        "KUNDPULS_SMTP_PORT": str(sink.port),
        "KUNDPULS_MAIL_RATE": "15",  # about 1.6 s for the batch: time to kill it in the middle
        "KUNDPULS_BASE_URL": "https://kundpuls.example",
        "PYTHONPATH": str(REPO / "src"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "kundpuls.cli", "worker", *extra],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_and_restarted_sends_every_mail_at_most_once(smtp_sink: Any) -> None:
    from kundpuls.web.surveys.models import Survey

    survey = Survey.objects.get(key="nki")
    rows = "\n".join(f"person{i}@example.se;VOF-HT-N" for i in range(RECIPIENTS))
    import_recipients(survey, table_from_text(f"email;unit\n{rows}\n"), actor=CLI)
    plan_invitations(survey, actor=CLI)
    assert enqueue_due(survey) == RECIPIENTS

    first = _worker(smtp_sink)
    deadline = time.monotonic() + 120  # generous: the machine may be busy
    while len(smtp_sink.messages) < 6 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_after = len(smtp_sink.messages)
    assert 6 <= killed_after < RECIPIENTS, "the worker was killed in the middle of the batch"

    second = _worker(smtp_sink, "--batch")
    _, errors = second.communicate(timeout=120)
    assert second.returncode == 0, errors.decode()[-2000:]

    received = Counter(str(m["To"]) for m in smtp_sink.messages)
    assert max(received.values()) == 1, "no recipient got the invitation twice"
    states = Counter(Delivery.objects.values_list("state", flat=True))
    in_flight = states[DeliveryState.SENDING]  # the one the killed worker held: never sent again
    assert in_flight <= 1
    assert states[DeliveryState.SENT] + in_flight == RECIPIENTS
    for row in Delivery.objects.filter(state=DeliveryState.SENT).select_related("invitation__contact"):
        assert received[row.invitation.contact.email] == 1
    assert len(received) in {RECIPIENTS - in_flight, RECIPIENTS}  # the in-flight mail may have gone out once
