"""Bounces that come back by mail: RFC 3464 reports and older bounces in a Maildir, matched by Message-ID."""

from __future__ import annotations

import copy
import json
import mailbox
from email.message import EmailMessage, Message
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path
from typing import Any

from tests.invitation_steps import due_deliveries
from typer.testing import CliRunner

from kundpuls.web.invitations.actions import deliver, plan_invitations
from kundpuls.web.invitations.bounce_reference import deliveries_named_in, message_id_for
from kundpuls.web.invitations.bounces import PROCESSED_FOLDER, read_bounces
from kundpuls.web.invitations.models import Invitation
from kundpuls.web.org.actors import CLI


def _sent(invited: Any, smtp_sink: Any) -> dict[str, Any]:
    plan_invitations(invited, actor=CLI)
    for pk in due_deliveries(invited):
        deliver(pk)
    return {address: smtp_sink.to(address)[0] for address in ("anna@example.se", "bo@example.se")}


def _dsn(
    original: Any, *, action: str = "failed", status: str = "5.1.1", headers_only: bool = True
) -> Message:
    """A delivery status notification as Postfix writes it, quoting the original mail."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "MAILER-DAEMON@mx.example.se (Mail Delivery System)"
    report["To"] = "kundpuls@kommun.example"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Auto-Submitted"] = "auto-replied"  # RFC 3464 reports may say so; they are still bounces
    report.attach(MIMEText("I'm sorry to have to inform you that your message could not be delivered."))
    per_message, per_recipient = Message(), Message()
    per_message["Reporting-MTA"] = "dns; mx.example.se"
    per_recipient["Final-Recipient"] = f"rfc822; {original['To']}"
    per_recipient["Action"] = action
    per_recipient["Status"] = status
    per_recipient["Diagnostic-Code"] = "smtp; 550 5.1.1 User unknown"
    status_part = Message()
    status_part["Content-Type"] = "message/delivery-status"
    status_part.set_payload([per_message, per_recipient])
    report.attach(status_part)
    if headers_only:  # the original's header block as it travelled (ASCII, encoded words)
        raw_headers = original.as_string().split("\n\n", 1)[0] + "\n"
        report.attach(MIMEText(raw_headers, "rfc822-headers", "us-ascii"))
    else:
        report.attach(MIMEMessage(original))
    return report


def _maildir(tmp_path: Path, *messages: Message) -> Path:
    box = mailbox.Maildir(str(tmp_path / "studsar"), create=True)
    for message in messages:
        box.add(message)
    return tmp_path / "studsar"


def _reparsed(message: Message) -> Message:
    """As another program would write it to disk and read it back."""
    import email

    return email.message_from_string(message.as_string())


def test_every_invitation_mail_names_its_delivery_without_personal_data(invited: Any, smtp_sink: Any) -> None:
    mails = _sent(invited, smtp_sink)
    anna = mails["anna@example.se"]
    named = deliveries_named_in(str(anna["Message-ID"]))
    assert len(named) == 1
    assert "anna" not in str(anna["Message-ID"]).lower() and "example.se" not in str(anna["Message-ID"])
    forged = str(anna["Message-ID"]).replace(str(next(iter(named))), str(next(iter(named)) + 1), 1)
    assert deliveries_named_in(forged) == set()  # another id with this signature is refused


def test_a_maildir_of_bounces_marks_only_the_failed_invitations(
    invited: Any, smtp_sink: Any, tmp_path: Path
) -> None:
    mails = _sent(invited, smtp_sink)
    anna, bo = mails["anna@example.se"], mails["bo@example.se"]
    older = EmailMessage()
    older["From"] = "Mail Delivery Subsystem <postmaster@example.se>"
    older["Subject"] = "Delivery Status Notification (Failure)"
    older.set_content(f"Delivery to bo@example.se failed permanently.\n\n----- Original message -----\n{bo}")
    vacation = EmailMessage()
    vacation["From"] = "anna@example.se"
    vacation["Subject"] = "Autosvar: Hur nöjd är du?"
    vacation["Auto-Submitted"] = "auto-replied"
    vacation.set_content(f"Jag är på semester.\nIn-Reply-To: {anna['Message-ID']}")
    forged_original = copy.deepcopy(anna)  # someone who knows a delivery id but not the secret key
    delivery_id = next(iter(deliveries_named_in(str(anna["Message-ID"]))))
    forged_original.replace_header("Message-ID", f"<kundpuls.{delivery_id}.{'0' * 16}@kommun.example>")
    folder = _maildir(
        tmp_path,
        _reparsed(_dsn(anna, action="delayed", status="4.4.1")),  # a delay is not a bounce
        vacation,
        _reparsed(older),
        _reparsed(_dsn(anna, headers_only=False)),
        _reparsed(_dsn(forged_original)),
    )

    summary = read_bounces(folder)

    assert summary.as_dict() == {
        "read": 5, "bounced": 2, "already_bounced": 0, "delayed": 1, "unmatched": 1, "other": 1,
    }  # fmt: skip
    bounced = Invitation.objects.filter(bounced_at__isnull=False).values_list("contact__email", flat=True)
    assert set(bounced) == {"anna@example.se", "bo@example.se"}
    box = mailbox.Maildir(str(folder), create=False)
    assert len(box) == 0 and len(box.get_folder(PROCESSED_FOLDER)) == 5
    again = read_bounces(folder)
    assert again.read == 0 and again.bounced == 0  # nothing read twice


def test_the_command_reads_the_configured_maildir_and_refuses_what_is_not_one(
    invited: Any, smtp_sink: Any, tmp_path: Path, settings: Any
) -> None:
    import typer

    from kundpuls.cli import invitations

    app = typer.Typer()
    invitations.register(app)
    anna = _sent(invited, smtp_sink)["anna@example.se"]
    settings.KUNDPULS_BOUNCE_MAILDIR = _maildir(tmp_path, _reparsed(_dsn(anna)))
    result = CliRunner().invoke(app, ["invitations", "bounces", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["bounced"] == 1, result.stdout
    assert Invitation.objects.get(contact__email="anna@example.se").bounced_at is not None
    wrong = CliRunner().invoke(app, ["invitations", "bounces", "--maildir", str(tmp_path), "--json"])
    assert wrong.exit_code != 0 and "maildir" in wrong.output and "new/ and cur/" in wrong.output


def test_the_reference_is_the_same_for_the_same_delivery_and_differs_between_them(settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "Kundpuls <kundpuls@kommun.example>"
    assert message_id_for(7) == message_id_for(7) != message_id_for(8)
    assert message_id_for(7).endswith("@kommun.example>")
