"""Webhooks against a real HTTP receiver on 127.0.0.1: one signed POST per event, retries with back-off,
one event id across attempts, a forged signature detected, the unit subtree and permissions respected."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from kundpuls.errors import InvalidArgument, PermissionDenied
from kundpuls.web.org.actors import CLI, WORKER
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.actions import IncomingResponse, import_responses
from kundpuls.web.surveys.models import Distribution, Survey
from kundpuls.web.surveys.queries import current_version
from kundpuls.web.webhooks.actions import BACKOFF_SECONDS, add_webhook, deliver, remove_webhook
from kundpuls.web.webhooks.models import WebhookDelivery, WebhookEvent
from kundpuls.web.webhooks.signing import SIGNATURE_HEADER, verify
from kundpuls.web.webhooks.tasks import deliver_webhook_task


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST and answers with the scripted statuses."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k: v for k, v in self.headers.items()}, body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def _store(unit_codes: list[str], n: int = 1) -> list[uuid.UUID]:
    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    links = {d.unit.code: d for d in Distribution.objects.select_related("unit").filter(survey=survey)}
    ids = [uuid.uuid4() for _ in unit_codes for _ in range(n)]
    rows = [
        IncomingResponse(links[code], ids[i * n + j], {"tjanst": "skola", "nki_helhet": 8}, "sv",
                         datetime(2025, 3, 1, tzinfo=UTC))
        for i, code in enumerate(unit_codes)
        for j in range(n)
    ]  # fmt: skip
    import_responses(version, rows, actor=CLI)  # type: ignore[arg-type]
    return ids


def _deliver_all(now: datetime | None = None) -> list[str]:
    return [
        deliver(pk, actor=WORKER, now=now).status
        for pk in WebhookDelivery.objects.values_list("pk", flat=True)
    ]


@pytest.mark.django_db
def test_every_event_reaches_the_receiver_once_signed_and_nothing_twice(receiver: Receiver) -> None:
    webhook = add_webhook(
        receiver.url, ["response.stored", "goal.changed"], unit=Unit.objects.get(code="EXK"), actor=CLI
    )
    ids = _store(["VOF-HT-N", "KFF-BIB-HUV"], n=2)
    _store([])  # nothing new: no event
    assert WebhookEvent.objects.filter(kind="response.stored").count() == 4
    assert _deliver_all() == ["delivered"] * 4
    assert _deliver_all() == ["delivered"] * 4  # a delivered event is never sent again
    assert len(receiver.requests) == 4
    seen = set()
    for headers, body in receiver.requests:
        assert verify(webhook.secret, headers[SIGNATURE_HEADER], body, now=int(datetime.now(UTC).timestamp()))
        document = json.loads(body)
        assert document["type"] == "response.stored" == headers["Kundpuls-Event"]
        assert document["id"] == headers["Kundpuls-Event-Id"]
        assert set(document["data"]) == {"receipt", "survey", "unit", "channel", "submitted_at"}  # no answers
        seen.add(document["data"]["receipt"])
    assert seen == {str(i).split("-")[0].upper() for i in ids}
    assert len({json.loads(body)["id"] for _, body in receiver.requests}) == 4

    from kundpuls.web.goals.actions import set_goal

    set_goal(
        Unit.objects.get(code="VOF-HT-N"),
        "index:NKI",
        "2025",
        75,
        survey=Survey.objects.get(key="nki"),
        actor=CLI,
    )
    _deliver_all()
    headers, body = receiver.requests[-1]
    assert headers["Kundpuls-Event"] == "goal.changed" and json.loads(body)["data"]["target"] == 75


@pytest.mark.django_db
def test_a_receiver_failing_twice_gets_three_attempts_of_one_event_with_back_off(receiver: Receiver) -> None:
    add_webhook(receiver.url, ["response.stored"], unit=Unit.objects.get(code="VOF"), actor=CLI)
    receiver.statuses = [500, 500, 200]
    _store(["VOF-HT-N"])
    delivery = WebhookDelivery.objects.get()
    start = delivery.next_attempt_at + timedelta(seconds=1)
    first = deliver(delivery.pk, actor=WORKER, now=start)
    assert first.status == "pending" and first.retry_at == start + timedelta(seconds=BACKOFF_SECONDS[0])
    early = deliver(delivery.pk, actor=WORKER, now=start + timedelta(seconds=5))  # not due yet: nothing
    assert early.status == "pending" and len(receiver.requests) == 1
    second = deliver(delivery.pk, actor=WORKER, now=first.retry_at)
    assert second.retry_at == first.retry_at + timedelta(seconds=BACKOFF_SECONDS[1])  # type: ignore[operator]
    third = deliver(delivery.pk, actor=WORKER, now=second.retry_at)
    assert third.status == "delivered" and third.retry_at is None
    assert len(receiver.requests) == 3
    assert len({h["Kundpuls-Event-Id"] for h, _ in receiver.requests}) == 1  # one event, three attempts
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and [entry["status"] for entry in delivery.log] == [500, 500, 200]


@pytest.mark.django_db
def test_an_unreachable_receiver_is_logged_and_given_up_after_the_last_back_off() -> None:
    add_webhook(
        "http://127.0.0.1:9/nowhere", ["response.stored"], unit=Unit.objects.get(code="EXK"), actor=CLI
    )
    _store(["VOF-HT-N"])
    delivery = WebhookDelivery.objects.get()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    statuses = []
    for _ in range(10):
        attempt = deliver(delivery.pk, actor=WORKER, now=now)
        statuses.append(attempt.status)
        now = attempt.retry_at or now
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == len(BACKOFF_SECONDS) + 1
    assert "ConnectionRefused" in delivery.last_error or "URLError" in delivery.last_error


@pytest.mark.django_db
def test_a_forged_or_replayed_signature_is_detected(receiver: Receiver) -> None:
    webhook = add_webhook(receiver.url, ["response.stored"], unit=Unit.objects.get(code="EXK"), actor=CLI)
    _store(["VOF-HT-N"])
    _deliver_all()
    headers, body = receiver.requests[0]
    header = headers[SIGNATURE_HEADER]
    now = int(datetime.now(UTC).timestamp())
    assert verify(webhook.secret, header, body, now=now)
    assert not verify(webhook.secret, header, body.replace(b"VOF-HT-N", b"VOF-HT-S"), now=now)  # body changed
    assert not verify("a" * 64, header, body, now=now)  # signed with another secret
    assert not verify(webhook.secret, header, body, now=now + 3600)  # replayed an hour later
    assert not verify(webhook.secret, "t=x,v1=00", body, now=now)


@pytest.mark.django_db
def test_a_webhook_hears_only_its_subtree_and_stops_when_removed(receiver: Receiver) -> None:
    webhook = add_webhook(receiver.url, ["response.stored"], unit=Unit.objects.get(code="VOF"), actor=CLI)
    _store(["VOF-HT-N", "KFF-BIB-HUV"])
    assert WebhookEvent.objects.count() == 1 and WebhookEvent.objects.get().data["unit"] == "VOF-HT-N"
    remove_webhook(webhook, actor=CLI)
    _store(["VOF-HT-N"])
    assert WebhookEvent.objects.count() == 1
    assert _deliver_all() == ["failed"]  # removed before it was sent
    assert receiver.requests == []


@pytest.mark.django_db
def test_the_worker_task_delivers_and_queues_the_retry(receiver: Receiver) -> None:
    add_webhook(receiver.url, ["response.stored"], unit=Unit.objects.get(code="EXK"), actor=CLI)
    receiver.statuses = [503]
    _store(["VOF-HT-N"])
    delivery = WebhookDelivery.objects.get()
    assert deliver_webhook_task.call(delivery.pk) == "pending"
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path__endswith="deliver_webhook_task")
    assert queued.filter(run_after__isnull=False).exists()


@pytest.mark.django_db
def test_only_an_administrator_of_the_unit_registers_and_addresses_and_events_are_checked(
    personas: dict[str, Any],
) -> None:
    unit = Unit.objects.get(code="EXK")
    for who in ("analyst", "manager_a", "viewer"):
        with pytest.raises(PermissionDenied):
            add_webhook("https://example.org/h", ["response.stored"], unit=unit, actor=personas[who])
    assert add_webhook("https://example.org/h", ["case.closed"], unit=unit, actor=personas["admin"]).pk
    with pytest.raises(InvalidArgument) as bad_url:
        add_webhook("ftp://example.org/h", ["case.closed"], unit=unit, actor=CLI)
    assert bad_url.value.field == "url"
    with pytest.raises(InvalidArgument) as bad_event:
        add_webhook("https://example.org/h", ["case.reopened"], unit=unit, actor=CLI)
    assert bad_event.value.field == "events"


@pytest.mark.django_db
def test_a_case_opened_and_closed_is_two_events(receiver: Receiver) -> None:
    from kundpuls.web.cases.actions import close_without_contact, open_cases_for, save_rules
    from kundpuls.web.cases.models import Case
    from kundpuls.web.responses.actions import submit_response

    survey = Survey.objects.get(key="nki")
    rule = {"key": "low", "when": [{"item": "nki_helhet", "at_most": 3}]}
    save_rules(survey, {"rules": [rule]}, actor=CLI)
    add_webhook(receiver.url, ["case.opened", "case.closed"], unit=Unit.objects.get(code="EXK"), actor=CLI)
    link = Distribution.objects.get(survey=survey, unit__code="VOF-HT-N", closed_at__isnull=True)
    answers = {"tjanst": "skola", "nki_helhet": 2, "kontakt_ok": True, "kontakt_epost": "eva@example.com"}
    receipt = submit_response(
        version=current_version(survey),  # type: ignore[arg-type]
        distribution=link,
        submission_id=uuid.uuid4(),
        answers=answers,
    )
    open_cases_for(receipt.response_id)
    case = Case.objects.get(response_id=receipt.response_id)
    close_without_contact(case, "fel nummer", actor=CLI)
    _deliver_all()
    kinds = [headers["Kundpuls-Event"] for headers, _ in receiver.requests]
    assert sorted(kinds) == ["case.closed", "case.opened"]  # the response itself is not subscribed
    closed = next(
        json.loads(body) for headers, body in receiver.requests if headers["Kundpuls-Event"] == "case.closed"
    )
    assert closed["data"]["without_contact"] is True and closed["data"]["unit"] == "VOF-HT-N"


@pytest.mark.django_db
def test_the_commands_add_list_show_deliveries_and_remove(receiver: Receiver) -> None:
    import typer
    from typer.testing import CliRunner

    from kundpuls.cli import webhooks as webhooks_cli

    app = typer.Typer()
    webhooks_cli.register(app)
    run = CliRunner().invoke
    added = run(
        app, ["webhooks", "add", receiver.url, "--event", "response.stored", "--unit", "EXK", "--json"]
    )
    assert added.exit_code == 0, added.output
    document = json.loads(added.stdout)
    assert len(document["secret"]) == 64 and document["events"] == ["response.stored"]
    assert [row["url"] for row in json.loads(run(app, ["webhooks", "list", "--json"]).stdout)] == [
        receiver.url
    ]
    _store(["VOF-HT-N"])
    _deliver_all()
    deliveries = json.loads(run(app, ["webhooks", "deliveries", "--json"]).stdout)
    assert [(d["event"], d["status"], d["attempts"], d["last_status_code"]) for d in deliveries] == [
        ("response.stored", "delivered", 1, 200)
    ]
    assert deliveries[0]["event_id"] == receiver.requests[0][0]["Kundpuls-Event-Id"]
    bad = run(app, ["webhooks", "add", "ftp://x", "--event", "response.stored", "--unit", "EXK", "--json"])
    assert bad.exit_code == 2 and "url" in json.loads(bad.stdout)["error"]
    assert run(app, ["webhooks", "remove", str(document["id"]), "--json"]).exit_code == 0
    assert json.loads(run(app, ["webhooks", "list", "--json"]).stdout) == []
    assert run(app, ["webhooks", "remove", str(document["id"])]).exit_code == 1
