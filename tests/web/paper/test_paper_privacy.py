"""A waiting paper entry (the first typing of a double entry) holds the contact details written on the
form: an erasure request reaches it (by e-mail address, by the submission id or receipt code the form
would be stored under) and the contact-retention job deletes it once it is old."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from django.test import Client
from django.utils import timezone
from typer.testing import CliRunner

from kundpuls.cli.responses import register as register_responses
from kundpuls.reports import cache as report_cache
from kundpuls.web.operations.jobs import JOBS
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import AuditEvent, Unit
from kundpuls.web.paper.actions import apply_entry_retention
from kundpuls.web.paper.models import PaperEntry
from kundpuls.web.paper.printing import print_questionnaires
from kundpuls.web.paper.queries import paper_submission_id
from kundpuls.web.responses.erasure import parse_subject, plan_erasure
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import survey_by_key

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
ENTRY = "/portal/papper/nki/VOF-HT-N/"
EMAIL = "pappers.person.5150@example.org"
FORM = {
    "tjanst": "skola",
    "nki_helhet": "3",
    "nki_forvantan": "3",
    "kon": "woman",
    "kontakt_ok": "yes",
    "kontakt_namn": "Papper Persson",
    "kontakt_telefon": "070-515 05 15",
    "kontakt_epost": EMAIL,
}


@pytest.fixture
def lake_dir(settings: Any, tmp_path: Path) -> Path:
    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    settings.KUNDPULS_LAKE_SETTLE_SECONDS = 0
    report_cache.clear()
    return tmp_path / "lake"


def _waiting(personas: dict[str, Any], copies: int = 1) -> list[str]:
    unit = Unit.objects.get(code="VOF-HT-N")
    ids = print_questionnaires(
        survey_by_key("nki", actor=CLI), unit, copies=copies, language="sv", actor=CLI
    ).form_ids
    client = Client()
    client.force_login(personas["admin"], backend=BACKEND)
    for form_id in ids:
        assert client.post(ENTRY, {"form_id": form_id, "double": "1", **FORM}).status_code == 302
    assert PaperEntry.objects.count() == copies
    assert all(e.answers.get("kontakt_epost") == EMAIL for e in PaperEntry.objects.all())
    return ids


def _app() -> typer.Typer:
    app = typer.Typer()
    register_responses(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    return app


@pytest.mark.django_db
def test_an_erasure_by_address_reaches_a_waiting_entry(lake_dir: Path, personas: dict[str, Any]) -> None:
    _waiting(personas)
    dry = CliRunner().invoke(_app(), ["responses", "erase", EMAIL.upper(), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["counts"]["paper_entries"] == 1 and PaperEntry.objects.count() == 1
    done = CliRunner().invoke(_app(), ["responses", "erase", EMAIL, "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["counts"]["paper_entries"] == 1 and EMAIL not in done.stdout
    assert not PaperEntry.objects.exists()
    again = CliRunner().invoke(_app(), ["responses", "erase", EMAIL, "--json"])
    assert again.exit_code == 1  # nothing is kept any more


@pytest.mark.django_db
def test_an_erasure_by_the_forms_submission_id_or_receipt_reaches_only_that_entry(
    lake_dir: Path, personas: dict[str, Any]
) -> None:
    first, second = _waiting(personas, copies=2)
    submission = paper_submission_id("nki", first)
    assert plan_erasure(parse_subject(str(submission))).counts["paper_entries"] == 1
    receipt = submission.hex[:8].upper()
    done = CliRunner().invoke(_app(), ["responses", "erase", receipt, "--json"])
    assert done.exit_code == 0, done.output
    assert list(PaperEntry.objects.values_list("form_id", flat=True)) == [second]


@pytest.mark.django_db
def test_the_retention_job_deletes_old_waiting_entries_and_those_of_a_long_closed_survey(
    personas: dict[str, Any], settings: Any
) -> None:
    settings.KUNDPULS_CONTACT_RETENTION_DAYS = 30
    old, fresh, closed = _waiting(personas, copies=3)
    now = timezone.now()
    PaperEntry.objects.filter(form_id=old).update(entered_at=now - timedelta(days=31))
    assert apply_entry_retention(actor=CLI, now=now) == 1
    assert set(PaperEntry.objects.values_list("form_id", flat=True)) == {fresh, closed}
    Survey.objects.filter(key="nki").update(closed_at=now - timedelta(days=40))
    report = JOBS["invitation-retention"].run(CLI)
    assert report["paper_entries_deleted"] == 2 and not PaperEntry.objects.exists()
    assert AuditEvent.objects.filter(action="paper.retention").count() == 2
    with pytest.raises(Exception, match="administer"):
        apply_entry_retention(actor=personas["analyst"])
