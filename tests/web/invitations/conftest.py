"""Fixtures: a recipient list invited to the demo NKI survey, and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from kundpuls.web.org.actors import CLI

LIST = """email;name;unit;language;age_group;customer_type
anna@example.se;Anna Andersson;VOF-HT-N;sv;65-79;ny
bo@example.se;Bo Berg;VOF-HT-N;en;80+;
cecilia@example.se;;KFF-BIB-HUV;sv;;student
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sink:
    """What the SMTP server received, and the answers it gives to chosen recipients."""

    port: int
    messages: list[Any] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply, e.g. "451 try later"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[Any]:
        with self.lock:
            return [m for m in self.messages if address in m["To"]]


class _Handler:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802  (aiosmtpd hook name)
        reply = self.sink.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  (aiosmtpd hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)
        return "250 Message accepted"


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[Sink]:
    """An aiosmtpd server on a free port; Django's SMTP backend points at it."""
    from aiosmtpd.controller import Controller

    sink = Sink(port=free_port())
    controller = Controller(_Handler(sink), hostname="127.0.0.1", port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.KUNDPULS_MAIL_RATE = 1000.0
    settings.KUNDPULS_BASE_URL = "https://kundpuls.example"
    try:
        yield sink
    finally:
        controller.stop()


def body_of(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


@pytest.fixture
def nki(db: None) -> Any:
    from kundpuls.web.surveys.models import Survey

    return Survey.objects.get(key="nki")


@pytest.fixture
def invited(nki: Any) -> Any:
    """The three recipients of LIST invited to the demo NKI survey."""
    from kundpuls.web.invitations.actions import import_recipients
    from kundpuls.web.invitations.recipients import table_from_text

    import_recipients(nki, table_from_text(LIST), actor=CLI)
    return nki


@pytest.fixture
def recipient_list() -> str:
    return LIST


@pytest.fixture
def body() -> Any:
    return body_of


def page_answers(definition: Any, page_key: str, answers: dict[str, Any]) -> dict[str, Any]:
    """A browser's form data answering every shown question of one page validly (consent: no)."""
    from kundpuls.instruments import visible_blocks
    from kundpuls.instruments.items import question_items

    data: dict[str, Any] = {}
    for block in visible_blocks(definition, page_key, answers):
        for question in block.questions:
            for item in question_items(question):
                if item.kind == "numeric" and item.unit:
                    data[item.key] = {"too_cheap": "50", "cheap": "100", "expensive": "300"}.get(
                        item.part or "", "500"
                    )
                elif item.kind == "numeric":
                    data[item.key] = str(int(item.scale_max or 0))
                elif item.kind == "choices":
                    data[item.key] = [item.options[0]]
                elif item.kind == "choice":
                    data[item.key] = item.options[0]
                elif item.kind == "boolean":
                    data[item.key] = "no"
                else:
                    data[item.key] = "Bra bemötande."
    return data


@pytest.fixture
def answer_page() -> Any:
    return page_answers


@pytest.fixture
def unused_port() -> int:
    return free_port()
