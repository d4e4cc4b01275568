"""Webhook deliveries left waiting by a worker that was killed are sent when a real ``kundpuls worker``
starts again: one left ``sending`` mid-attempt (its task marked running for ever) and those whose tasks were
never queued reach the receiver, each exactly once, and a second start sends nothing more."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from database_url import url_of_test_database as database_url
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.actions import IncomingResponse, import_responses
from kundpuls.web.surveys.models import Distribution, Survey
from kundpuls.web.surveys.queries import current_version
from kundpuls.web.webhooks.actions import STALE_SECONDS, add_webhook
from kundpuls.web.webhooks.models import DeliveryStatus, WebhookDelivery

pytestmark = pytest.mark.server
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def posts() -> Iterator[tuple[str, list[str]]]:
    """A receiver on 127.0.0.1 that answers 200 and records the event id of every POST."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(self.headers["Kundpuls-Event-Id"])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", seen
    server.shutdown()
    server.server_close()


def _worker() -> None:
    env = {**os.environ, "KUNDPULS_DATABASE_URL": database_url(), "PYTHONPATH": str(REPO / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "kundpuls.cli", "worker", "--batch", "--no-jobs"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]


@pytest.mark.django_db(transaction=True)
def test_deliveries_a_killed_worker_left_waiting_are_sent_once_when_the_worker_starts(
    posts: tuple[str, list[str]],
) -> None:
    url, seen = posts
    add_webhook(url, ["response.stored"], unit=Unit.objects.get(code="VOF"), actor=CLI)
    survey = Survey.objects.get(key="nki")
    link = Distribution.objects.filter(survey=survey, unit__code="VOF-HT-N").first()
    answers, march = {"tjanst": "skola", "nki_helhet": 8}, datetime(2025, 3, 1, tzinfo=UTC)
    rows = [IncomingResponse(link, uuid.uuid4(), answers, "sv", march) for _ in range(3)]
    import_responses(current_version(survey), rows, actor=CLI)  # type: ignore[arg-type]
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert len(deliveries) == 3 and DBTaskResult.objects.count() == 3  # queued on commit

    # What a killed worker leaves: the task it had taken marked running for ever, its delivery "sending"
    # since the attempt began; the other tasks lost (a process stopped before it queued them).
    DBTaskResult.objects.filter(status="READY").update(status="RUNNING")
    begun = timezone.now() - timedelta(seconds=STALE_SECONDS + 5)
    WebhookDelivery.objects.filter(pk=deliveries[0].pk).update(
        status=DeliveryStatus.SENDING, next_attempt_at=begun
    )
    DBTaskResult.objects.filter(status="RUNNING").exclude(
        pk=DBTaskResult.objects.order_by("enqueued_at").values("pk")[:1]
    ).delete()

    _worker()
    assert sorted(seen) == sorted(str(d.event.event_id) for d in deliveries)  # each event exactly once
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    released = WebhookDelivery.objects.get(pk=deliveries[0].pk)
    assert released.log[0]["error"] == "worker stopped during the attempt"

    _worker()
    assert len(seen) == 3  # a second start sends nothing that was delivered
