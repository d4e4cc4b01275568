"""Bounces that come back later, by mail: read from a Maildir and recorded on the invitations.

A 5xx answer during sending is recorded at once (:mod:`kundpuls.web.invitations.delivery`). Many
addresses fail only later: the receiving server accepts the mail, then sends a *bounce* (a delivery
status notification, RFC 3464) back to the sender, ``KUNDPULS_MAIL_FROM``. Deliver that mailbox to a
Maildir (Postfix ``home_mailbox = Maildir/``, or fetchmail/getmail from the organisation's mail server)
and run ``kundpuls invitations bounces`` (e.g. every 15 minutes from cron).

Every invitation mail carries a ``Message-ID`` that names its delivery and a keyed signature
(:func:`message_id_for`); no address, name or token. A bounce quotes the original headers (a DSN's
``message/rfc822`` or ``text/rfc822-headers`` part, or the quoted text of an older bounce), so the
reference is found without reading anyone's address, and a forged reference (a wrong signature) is
ignored. A message counts as a bounce when it is a DSN whose recipient action is ``failed`` with a
permanent status (5.x.x), or an older-style report from a mailer daemon; delays (4.x.x), auto-replies
and anything else are not. Each message read is moved to the Maildir folder ``kundpuls-processed``
(created when needed), so a run reads only what came since; recording a bounce twice changes nothing.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

from django.conf import settings

from kundpuls.errors import InvalidArgument
from kundpuls.web.invitations.actions import record_bounce
from kundpuls.web.invitations.bounce_reference import deliveries_named_in
from kundpuls.web.invitations.models import Delivery
from kundpuls.web.org.actors import BOUNCES

PROCESSED_FOLDER = "kundpuls-processed"

_DAEMON = re.compile(r"mailer-daemon|postmaster|mail delivery (sub)?system", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|returned mail|delivery (status notification|failure)|failure notice|"
    r"kunde inte levereras|olevererbar|leveransfel",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    """What one message is: ``bounce`` (permanent), ``delayed``, or ``other``; with the reason given."""

    kind: str
    reason: str = ""


def _status_fields(message: Message) -> Iterator[Message]:
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            if isinstance(payload, list):
                yield from (block for block in payload if isinstance(block, Message))


def verdict(message: Message) -> Verdict:
    """Whether ``message`` reports a permanent failure to deliver (see the module docstring)."""
    if message.get_content_type() == "multipart/report":
        failed = delayed = ""
        for block in _status_fields(message):
            action = str(block.get("Action", "")).strip().lower()
            status = str(block.get("Status", "")).strip()
            diagnostic = str(block.get("Diagnostic-Code", "")).strip()
            if action == "failed" and status.startswith("5"):
                failed = f"{status} {diagnostic}".strip()
            elif action in {"delayed", "failed"}:
                delayed = f"{status} {diagnostic}".strip()
        if failed:
            return Verdict("bounce", failed)
        if delayed:
            return Verdict("delayed", delayed)
        return Verdict("other")
    if str(message.get("Auto-Submitted", "")).lower().startswith("auto-replied"):
        return Verdict("other")  # an out-of-office answer (a report above may say auto-replied too)
    sender = str(message.get("From", ""))
    if _DAEMON.search(sender) and _BOUNCE_SUBJECT.search(str(message.get("Subject", ""))):
        return Verdict("bounce", str(message.get("Subject", ""))[:200])
    return Verdict("other")


@dataclass
class BounceSummary:
    """What a run read: messages, invitations newly marked bounced, and the rest by kind."""

    read: int = 0
    bounced: int = 0
    already_bounced: int = 0
    delayed: int = 0
    unmatched: int = 0
    other: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def record_bounce_message(message: Message, summary: BounceSummary) -> None:
    """Classify one message and record the bounce it reports on the invitations it names."""
    summary.read += 1
    found = verdict(message)
    if found.kind != "bounce":
        summary.delayed += found.kind == "delayed"
        summary.other += found.kind == "other"
        return
    named = deliveries_named_in(_text_of(message))
    deliveries = Delivery.objects.select_related("invitation__survey").filter(pk__in=named)
    invitations = {d.invitation_id: d.invitation for d in deliveries}
    if not invitations:
        summary.unmatched += 1
        return
    for invitation in invitations.values():
        if record_bounce(invitation, reason=found.reason, actor=BOUNCES):
            summary.bounced += 1
        else:
            summary.already_bounced += 1


def _text_of(message: Message) -> str:
    """The message as text, with every part also decoded (a quoted original may be base64 or QP)."""
    try:
        texts = [message.as_string()]
    except (UnicodeError, LookupError, ValueError):  # a broken charset or header in a foreign mail
        texts = [message.as_bytes().decode("utf-8", "replace")]
    for part in message.walk():
        payload = None if part.is_multipart() else part.get_payload(decode=True)
        if isinstance(payload, bytes):
            texts.append(payload.decode("utf-8", "replace"))
    return "\n".join(texts)


def read_bounces(maildir: str | Path | None = None) -> BounceSummary:
    """Read every new message of ``maildir`` (default ``KUNDPULS_BOUNCE_MAILDIR``) and record its bounce."""
    folder = maildir or settings.KUNDPULS_BOUNCE_MAILDIR
    if not folder:
        missing = "maildir: no bounce Maildir given (--maildir, or KUNDPULS_BOUNCE_MAILDIR)"
        raise InvalidArgument(missing, field="maildir", value=None)
    path = Path(folder)
    if not (path / "new").is_dir() or not (path / "cur").is_dir():
        wrong = f"maildir: {str(path)!r} is not a Maildir (it needs new/ and cur/)"
        raise InvalidArgument(wrong, field="maildir", value=str(path))
    inbox = mailbox.Maildir(str(path), create=False)
    processed = _processed_folder(inbox)
    summary = BounceSummary()
    for key in list(inbox.keys()):
        message: Any = inbox.get_message(key)
        record_bounce_message(message, summary)
        processed.add(message)  # first the copy, then the removal: a crash between reads it twice
        inbox.remove(key)
    return summary


def _processed_folder(inbox: mailbox.Maildir) -> mailbox.Maildir:
    if PROCESSED_FOLDER in inbox.list_folders():
        return inbox.get_folder(PROCESSED_FOLDER)
    return inbox.add_folder(PROCESSED_FOLDER)
