"""A data-protection request erases a respondent everywhere (issue 17): database, lake, cache, reports."""

from __future__ import annotations

import json
import random
import string
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import typer
from django.db import connection
from django.test import Client
from tests.system_tools import require_tool
from typer.testing import CliRunner

from kundpuls.analytics.lake.erasure import comment_texts
from kundpuls.errors import PermissionDenied
from kundpuls.reports import cache as report_cache
from kundpuls.text import meaning
from kundpuls.web.org.actors import CLI
from kundpuls.web.responses.actions import erase, submit_response, sync_to_lake
from kundpuls.web.responses.erasure import AmbiguousReceipt, parse_subject, plan_erasure
from kundpuls.web.responses.models import ContactDetails, Response
from kundpuls.web.surveys.models import Distribution
from kundpuls.web.surveys.queries import current_version

pytestmark = pytest.mark.django_db

PLANTED = "Personalen hade ett mycket trevligt bemötande, kod zyxwvplantad"
MARKER = "zyxwvplantad"
EMAIL = "unik.person.4711@example.org"
PHONE = "070-471 17 47"


def _answers(score: int, *, comment: str, consent: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "tjanst": "socialtjanst",
        "nki_helhet": score,
        "nki_forvantan": score,
        "nki_ideal": score,
        "kommentar": comment,
        "kontakt_ok": consent,
    }
    if consent:
        data.update({"kontakt_namn": "Unika Planterad", "kontakt_telefon": PHONE, "kontakt_epost": EMAIL})
    return data


def _submit(answers: dict[str, Any], *, submission: uuid.UUID | None = None, unit: str = "VOF-HT-N") -> int:
    distribution = Distribution.objects.get(survey__key="nki", unit__code=unit, closed_at__isnull=True)
    version = current_version(distribution.survey)
    assert version is not None
    receipt = submit_response(
        version=version,
        distribution=distribution,
        submission_id=submission or uuid.uuid4(),
        answers=answers,
    )
    return receipt.response_id


@pytest.fixture
def lake_dir(settings: Any, tmp_path: Path) -> Path:
    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    settings.KUNDPULS_LAKE_SETTLE_SECONDS = 0
    report_cache.clear()
    return tmp_path / "lake"


def _rows_mentioning(needle: str) -> dict[str, int]:
    """Every table, every text or JSON column (cast to text): how many rows contain ``needle``."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                quoted = f"{connection.ops.quote_name(table)}.{connection.ops.quote_name(column.name)}"
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "
                    f"WHERE CAST({quoted} AS TEXT) LIKE %s",
                    [f"%{needle}%"],
                )
                count = cursor.fetchone()[0]
                if count:
                    found[f"{table}.{column.name}"] = count
    return found


def _lake_mentions(lake: Path, needle: str) -> int:
    hits = 0
    for file in lake.rglob("*.parquet"):
        table = pq.read_table(file)
        for column in table.column_names:
            if str(table.schema.field(column).type) == "string":
                hits += sum(1 for value in table.column(column).to_pylist() if value and needle in value)
    return hits


def _cache_mentions(needle: str) -> int:
    return sum(needle in repr(value) for value in list(report_cache._ENTRIES.values()))


def _report_text(tmp_path: Path, name: str) -> str:
    from kundpuls.cli.report import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    out = tmp_path / f"{name}.pdf"
    result = CliRunner().invoke(
        app,
        ["report", "--survey", "nki", "--unit", "VOF-HT-N", "--out", str(out), "--jobs", "1", "--json"],
    )
    assert result.exit_code == 0, result.output
    return subprocess.run(
        [require_tool("pdftotext"), str(out), "-"], capture_output=True, check=True
    ).stdout.decode()


def test_erasure_leaves_no_trace_in_database_lake_cache_or_report(lake_dir: Path, tmp_path: Path) -> None:

    for score in (7, 8, 9, 6, 8, 7, 9, 8, 7, 8):
        _submit(_answers(score, comment="Personalen var trevlig och hjälpsam."))
    target = uuid.uuid4()
    # a text no earlier erasure forgot: an erased comment's vector is never kept again, in this process or
    # in the store the test runs share (KUNDPULS_COMMENT_VECTORS)
    planted = f"{PLANTED} {''.join(random.choices(string.ascii_lowercase, k=12))}"
    _submit(_answers(8, comment=planted, consent=True), submission=target)
    sync_to_lake()
    before = _report_text(tmp_path, "before")
    assert MARKER in before  # the report shows the comment, so its absence later means something
    assert _rows_mentioning(MARKER) and _rows_mentioning(EMAIL) and _lake_mentions(lake_dir, MARKER)
    assert _cache_mentions(MARKER)
    store = meaning.current_store()
    assert store is not None  # the web project keeps the comment reader's vectors on disk
    key = store.key(next(t for t in comment_texts(lake_dir) if MARKER in t))
    assert not meaning.available() or store.get([key])  # the report read the comment: its vector is kept

    result = erase(parse_subject(str(target)), actor=CLI)

    assert result.plan.counts["responses"] == 1 and result.plan.counts["comments"] == 1
    assert result.plan.counts["contact_details"] == 1
    assert _rows_mentioning(MARKER) == {}
    assert _rows_mentioning(EMAIL) == {} and _rows_mentioning(PHONE) == {}
    assert _lake_mentions(lake_dir, MARKER) == 0
    assert _cache_mentions(MARKER) == 0
    assert store.get([key]) == {}  # nor is the vector derived from it
    assert len(store) > 0 or not meaning.available()  # the other comments' vectors stay
    after = _report_text(tmp_path, "after")
    assert MARKER not in after
    assert Response.objects.filter(unit__code="VOF-HT-N").count() >= 10


def test_a_response_with_a_case_is_erased_and_the_case_stays_as_a_tombstone(
    lake_dir: Path, personas: dict[str, Any]
) -> None:
    from kundpuls.web.cases.actions import add_note, close_without_contact, open_cases_for_many, save_rules
    from kundpuls.web.cases.models import Case, CaseEvent
    from kundpuls.web.surveys.models import Survey

    rules = {"rules": [{"key": "low_overall", "when": [{"item": "nki_helhet", "at_most": 3}]}]}
    save_rules(Survey.objects.get(key="nki"), rules, actor=CLI)
    target = uuid.uuid4()
    response_id = _submit(_answers(2, comment=PLANTED, consent=True), submission=target)
    open_cases_for_many([response_id])
    case = Case.objects.get(response_id=response_id)
    add_note(case, f"Ringde {EMAIL}", actor=CLI)
    close_without_contact(case, f"Fel nummer {PHONE}", actor=CLI)

    plan = plan_erasure(parse_subject(str(target).split("-")[0].lower()))  # the receipt code, any case
    assert plan.counts["cases"] == 1 and plan.counts["case_notes"] == 1

    erase(parse_subject(target.hex), actor=CLI)

    tombstone = Case.objects.get(pk=case.pk)
    assert tombstone.response_id is None and tombstone.erased_at is not None
    assert (tombstone.status, tombstone.unit.code, tombstone.rules) == ("closed", "VOF-HT-N", case.rules)
    assert tombstone.closed_at == case.closed_at and tombstone.close_reason == ""
    assert not tombstone.notes.exists()
    assert CaseEvent.objects.filter(case=tombstone, kind="erased").exists()
    assert _rows_mentioning(PHONE) == {} and _rows_mentioning(EMAIL) == {} and _rows_mentioning(MARKER) == {}
    client = Client()
    client.force_login(personas["admin"], backend="kundpuls.web.accounts.backends.EmailBackend")
    page = client.get(f"/portal/arenden/{case.pk}/")
    assert page.status_code == 200 and EMAIL not in page.content.decode()


def test_the_audit_event_counts_and_names_the_receipt_but_holds_nothing_personal(lake_dir: Path) -> None:
    from kundpuls.web.org.models import AuditEvent

    target = uuid.uuid4()
    _submit(_answers(8, comment=PLANTED, consent=True), submission=target)
    erase(parse_subject(str(target)), actor=CLI)
    event = AuditEvent.objects.filter(action="responses.erase").latest("pk")
    receipt = str(target).split("-")[0].upper()
    assert event.target == receipt and event.actor_label == "cli"
    assert event.details["counts"]["responses"] == 1 and event.details["receipts"] == [receipt]
    text = json.dumps(event.details, ensure_ascii=False) + event.target
    assert MARKER not in text and EMAIL not in text and PHONE not in text


def test_erasure_by_an_invited_persons_address_removes_the_invitation_data(lake_dir: Path) -> None:
    from kundpuls.web.invitations.models import Invitation, InvitationContact
    from kundpuls.web.surveys.models import Survey

    survey = Survey.objects.get(key="nki")
    distribution = Distribution.objects.get(survey=survey, unit__code="VOF-HT-N", closed_at__isnull=True)
    response_id = _submit(_answers(8, comment=PLANTED))
    invitation = Invitation.objects.create(
        survey=survey,
        distribution=distribution,
        unit=distribution.unit,
        token_hash="a" * 64,
        background={"segment": "Zyxwvplantad-segment"},
        response_id=response_id,
    )
    InvitationContact.objects.create(
        invitation=invitation, survey=survey, email=EMAIL, name="Unika Planterad"
    )

    plan = plan_erasure(parse_subject(EMAIL.upper()))
    assert plan.counts["responses"] == 1 and plan.counts["invitation_contacts"] == 1
    assert plan.summary()["units"] == ["VOF-HT-N"] and EMAIL not in json.dumps(plan.summary())

    erase(parse_subject(EMAIL), actor=CLI)

    invitation.refresh_from_db()
    assert (
        invitation.response_id is None and invitation.background == {} and invitation.token_hash != "a" * 64
    )
    assert not Response.objects.filter(pk=response_id).exists()
    assert _rows_mentioning(EMAIL) == {} and _rows_mentioning(MARKER) == {}


def test_only_an_administrator_of_the_unit_may_erase(lake_dir: Path, personas: dict[str, Any]) -> None:
    target = uuid.uuid4()
    _submit(_answers(8, comment=PLANTED), submission=target)
    for nobody in ("manager_a", "analyst", "viewer", "anonymous"):
        with pytest.raises(PermissionDenied):
            erase(parse_subject(target.hex), actor=personas[nobody])
    assert Response.objects.filter(submission_id=target).exists()
    erase(parse_subject(target.hex), actor=personas["admin"])
    assert not Response.objects.filter(submission_id=target).exists()


def test_a_receipt_code_that_matches_two_responses_is_refused_without_naming_them(lake_dir: Path) -> None:
    first = uuid.UUID("abcdef12-0000-4000-8000-000000000001")
    second = uuid.UUID("abcdef12-0000-4000-8000-000000000002")
    _submit(_answers(8, comment=PLANTED), submission=first)
    _submit(_answers(8, comment="annat"), submission=second)
    with pytest.raises(AmbiguousReceipt) as refused:
        erase(parse_subject("abcdef12"), actor=CLI)
    assert "ABCDEF12" in str(refused.value) and first.hex not in str(refused.value)
    assert MARKER not in str(refused.value)
    assert Response.objects.filter(submission_id__in=[first, second]).count() == 2


def test_the_cli_erases_by_dashed_id_with_a_dry_run_first(lake_dir: Path) -> None:
    from kundpuls.cli.responses import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    target = uuid.uuid4()
    response_id = _submit(_answers(8, comment=PLANTED, consent=True), submission=target)
    sync_to_lake()
    dry = CliRunner().invoke(app, ["responses", "erase", str(target), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    assert planned["erased"] is False and planned["counts"]["responses"] == 1
    assert ContactDetails.objects.filter(response_id=response_id).exists()
    done = CliRunner().invoke(app, ["responses", "erase", str(target), "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["counts"]["contact_details"] == 1 and report["lake"]["responses"] == 1
    assert MARKER not in done.stdout and EMAIL not in done.stdout
    again = CliRunner().invoke(app, ["responses", "erase", str(target), "--json"])
    assert again.exit_code == 1
    assert json.loads(again.stdout)["error"] == "subject: inget finns sparat om det här svaret"
    bad = CliRunner().invoke(app, ["responses", "erase", "not-an-id", "--json"])
    assert bad.exit_code == 2 and "subject" in json.loads(bad.stdout)["error"]


def test_an_administrators_request_erases_her_organisations_data_only_and_says_nothing_of_another(
    lake_dir: Path,
) -> None:
    """One address invited by the municipality and by the region: the municipality's administrator finds
    and erases the municipality's invitation only; the region's stays, and neither the preview page nor
    the erasure says (or refuses because) the region holds anything."""
    from kundpuls.web.accounts.models import User
    from kundpuls.web.invitations.models import Invitation, InvitationContact
    from kundpuls.web.org.models import Role, RoleKind, Unit

    own = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-N", closed_at__isnull=True)
    other = Distribution.objects.filter(survey__organisation__code="RGX").select_related("survey").first()
    assert other is not None
    invitations = {}
    for name, distribution in (("own", own), ("other", other)):
        invitations[name] = Invitation.objects.create(
            survey=distribution.survey,
            distribution=distribution,
            unit=distribution.unit,
            token_hash=("e" if name == "own" else "f") * 64,
        )
        InvitationContact.objects.create(
            invitation=invitations[name], survey=distribution.survey, email=EMAIL, name="Unika Planterad"
        )
    officer = User.objects.create_user(email="dataskydd@kommun.example", password="Lösenord-som-duger-2026")
    Role.objects.create(user=officer, unit=Unit.objects.get(code="EXK"), role=RoleKind.ADMIN)

    client = Client()
    client.force_login(officer, backend="kundpuls.web.accounts.backends.EmailBackend")
    preview = client.post("/portal/dataskydd/", {"subject": EMAIL})
    assert preview.status_code == 200, preview.status_code  # not 403 for the region's invitation

    result = erase(parse_subject(EMAIL), actor=officer)
    assert result.plan.counts["invitation_contacts"] == 1
    assert [unit.code for unit in result.plan.units] == ["VOF-HT-N"]
    assert not InvitationContact.objects.filter(invitation=invitations["own"]).exists()
    assert InvitationContact.objects.filter(invitation=invitations["other"], email=EMAIL).exists()
    erase(parse_subject(EMAIL), actor=CLI)  # the terminal acts for every organisation
    assert not InvitationContact.objects.filter(email=EMAIL).exists()
