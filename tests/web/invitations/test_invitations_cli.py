"""``kundpuls invitations import|send|remind|status|retention`` through the real command line app."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import typer
from django.utils import timezone
from tests.invitation_steps import due_deliveries
from typer.testing import CliRunner

from kundpuls.cli import invitations
from kundpuls.config import load_config
from kundpuls.errors import ConfigurationError
from kundpuls.web.invitations.actions import deliver
from kundpuls.web.invitations.models import Delivery, Invitation, InvitationContact
from kundpuls.web.org.actors import CLI
from kundpuls.web.surveys.actions import close_survey


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    invitations.register(application)
    return application


def _run(app: typer.Typer, *args: str) -> tuple[int, Any]:
    result = CliRunner().invoke(app, ["invitations", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_import_send_and_status_report_as_json(
    app: typer.Typer, nki: Any, tmp_path: Path, recipient_list: str, settings: Any
) -> None:
    file = tmp_path / "lista.csv"
    file.write_text(recipient_list, encoding="utf-8")
    assert _run(app, "import", str(file), "--survey", "nki") == (
        0,
        {"survey": "nki", "invited": 3, "units": 2},
    )
    code, sent = _run(app, "send", "--survey", "nki")
    assert code == 0 and (sent["planned"], sent["queued"]) == (3, 3)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KUNDPULS_MAIL_RATE = 1000.0
    for pk in due_deliveries(nki):
        deliver(pk)
    code, status = _run(app, "status", "--survey", "nki")
    assert code == 0
    north = next(u for u in status["units"] if u["unit_code"] == "VOF-HT-N")
    assert (north["invited"], north["reached"], north["answered"], north["estimate"]) == (2, 2, 0, 0.0)
    assert north["ci_low"] == 0.0 and 0 < north["ci_high"] < 100
    assert status["deliveries"]["sent"] == 3
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=8)):
        code, reminded = _run(app, "remind", "--survey", "nki", "--after-days", "7", "--max-reminders", "1")
    assert code == 0 and reminded["planned"] == 3
    assert Delivery.objects.filter(step=1).count() == 3


def test_a_bad_list_lists_every_row_and_exits_non_zero(app: typer.Typer, nki: Any, tmp_path: Path) -> None:
    file = tmp_path / "lista.csv"
    file.write_text("email,unit\nfel,VOF-HT-N\n", encoding="utf-8")
    code, document = _run(app, "import", str(file), "--survey", "nki")
    assert code == 2
    assert [(e["row"], e["column"], e["value"]) for e in document["errors"]] == [(2, "email", "fel")]
    assert not Invitation.objects.exists()


def test_an_unknown_survey_is_named(app: typer.Typer, db: None) -> None:
    code, document = _run(app, "status", "--survey", "finns-inte")
    assert code == 2 and "finns-inte" in document["error"]


def test_retention_deletes_the_contacts_of_long_closed_surveys(app: typer.Typer, invited: Any) -> None:
    close_survey(invited, actor=CLI)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=31)):
        code, document = _run(app, "retention")
    assert code == 0
    assert document == {
        "retention_days": 30,
        "surveys": ["nki"],
        "contacts_deleted": 3,
        "progress_cleared": 0,
        "paper_entries_deleted": 0,
    }
    assert not InvitationContact.objects.exists()


def test_the_mail_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    secret = tmp_path / "smtp"
    secret.write_text("hemligt\n", encoding="utf-8")
    config = load_config(
        {
            "KUNDPULS_DEBUG": "1",
            "KUNDPULS_SMTP_HOST": "smtp.example.se",
            "KUNDPULS_SMTP_PORT": "587",
            "KUNDPULS_SMTP_USER": "kundpuls",
            "KUNDPULS_SMTP_PASSWORD_FILE": str(secret),
            "KUNDPULS_SMTP_USE_TLS": "ja",
            "KUNDPULS_MAIL_FROM": "enkat@example.se",
            "KUNDPULS_CONTACT_RETENTION_DAYS": "60",
        }
    )
    assert (config.smtp_host, config.smtp_port, config.smtp_user) == ("smtp.example.se", 587, "kundpuls")
    assert (config.smtp_password, config.smtp_use_tls, config.mail_from) == (
        "hemligt",
        True,
        "enkat@example.se",
    )
    assert config.contact_retention_days == 60
    defaults = load_config({"KUNDPULS_DEBUG": "1"})
    assert defaults.smtp_host is None and defaults.contact_retention_days == 30
    with pytest.raises(ConfigurationError, match="KUNDPULS_SMTP_PORT"):
        load_config({"KUNDPULS_DEBUG": "1", "KUNDPULS_SMTP_PORT": "many"})
