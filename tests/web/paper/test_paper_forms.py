"""Printed paper questionnaires: a PDF per survey version, language and unit with a recorded form id per
copy (large and as a QR code), and the data-entry page that accepts exactly those ids for that survey and
unit: printed, entered twice with one difference, resolved, stored once."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import typer
from django.test import Client
from typer.testing import CliRunner

from kundpuls.cli import surveys as surveys_cli
from kundpuls.errors import InvalidArgument
from kundpuls.instruments.items import item_map
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import AuditEvent, Unit
from kundpuls.web.paper.models import PaperEntry, PaperForm
from kundpuls.web.paper.printing import print_questionnaires
from kundpuls.web.paper.queries import FORM_ID
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution
from kundpuls.web.surveys.queries import current_version, definition_of, survey_by_key
from system_tools import require_tool

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
ENTRY = "/portal/papper/nki/VOF-HT-N/"
PRINT = "/portal/papper/nki/VOF-HT-N/utskrift/"
FORM = {"tjanst": "skola", "nki_helhet": "8", "nki_forvantan": "7", "kon": "woman", "kontakt_ok": "no"}


def _client(personas: dict[str, Any], who: str) -> Client:
    client = Client()
    client.force_login(personas[who], backend=BACKEND)
    return client


def _pdf_text(pdf: bytes) -> str:
    done = subprocess.run([require_tool("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def _print(copies: int, *, unit: str = "VOF-HT-N", language: str = "sv") -> Any:
    return print_questionnaires(
        survey_by_key("nki", actor=CLI),
        Unit.objects.get(code=unit),
        copies=copies,
        language=language,
        actor=CLI,
    )


@pytest.mark.django_db
def test_the_printed_form_shows_every_question_every_option_and_its_own_id() -> None:
    run = _print(3)
    assert len(set(run.form_ids)) == 3 and all(FORM_ID.match(f) for f in run.form_ids)
    recorded = PaperForm.objects.filter(form_id__in=run.form_ids)
    assert recorded.count() == 3
    assert {(f.distribution.channel, f.distribution.unit.code, f.language) for f in recorded} == {
        ("paper", "VOF-HT-N", "sv")
    }
    text = _pdf_text(run.pdf)
    definition = definition_of(current_version(survey_by_key("nki", actor=CLI)))  # type: ignore[arg-type]
    for question in definition.questions():
        assert " ".join(question.text.sv.split()) in text, question.key
    for item in item_map(definition).values():
        for option in item.option_texts or ():
            assert " ".join(option.sv.split()) in text, (item.key, option.sv)
    for form_id in run.form_ids:
        assert text.count(form_id) >= 2  # beside the QR code and in the footer of every page


@pytest.mark.django_db
def test_an_english_copy_is_in_english_and_a_language_the_survey_lacks_is_refused() -> None:
    definition = definition_of(current_version(survey_by_key("nki", actor=CLI)))  # type: ignore[arg-type]
    assert "en" in definition.languages
    text = _pdf_text(_print(1, language="en").pdf)
    assert " ".join(definition.title.in_language("en").split()) in text and "Form id" in text
    with pytest.raises(InvalidArgument, match=r"language: .*'de'"):
        _print(1, language="de")


@pytest.mark.django_db
def test_a_printed_form_entered_twice_with_one_difference_is_resolved_and_stored_once(
    personas: dict[str, Any],
) -> None:
    form_id = _print(1).form_ids[0]
    admin, analyst = _client(personas, "admin"), _client(personas, "analyst")
    waiting = admin.post(ENTRY, {"form_id": form_id.lower(), "double": "1", **FORM}, follow=True)
    assert "andra gång" in waiting.content.decode() and not Response.objects.exists()
    differs = analyst.post(ENTRY, {"form_id": form_id, "double": "1", **FORM, "nki_helhet": "9"})
    assert differs.status_code == 200 and PaperEntry.objects.count() == 2
    resolved = analyst.post(
        ENTRY, {"form_id": form_id, "double": "1", "step": "resolve", "pick-nki_helhet": "2"}, follow=True
    )
    assert "sparat" in resolved.content.decode()
    stored = Response.objects.get()
    assert stored.channel == "paper" and stored.answers["nki_helhet"] == 9
    form = PaperForm.objects.get(form_id=form_id)
    assert form.response_id == stored.pk and not PaperEntry.objects.exists()
    again = admin.post(ENTRY, {"form_id": form_id, **FORM, "nki_helhet": "2"}, follow=True)
    assert "sparades tidigare" in again.content.decode()
    assert Response.objects.count() == 1 and Response.objects.get().answers["nki_helhet"] == 9


@pytest.mark.django_db
def test_an_id_never_printed_or_printed_for_another_unit_is_refused_by_name(personas: dict[str, Any]) -> None:
    other = _print(1, unit="VOF-HT-S").form_ids[0]
    client = _client(personas, "admin")
    unknown = client.post(ENTRY, {"form_id": "ZZZZ-ZZZZ", **FORM})
    assert unknown.status_code == 400 and "ZZZZ-ZZZZ" in unknown.content.decode()
    foreign = client.post(ENTRY, {"form_id": other, **FORM})
    assert foreign.status_code == 400 and "VOF-HT-S" in foreign.content.decode()
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_the_print_page_answers_with_the_pdf_and_names_a_bad_number_of_copies(
    personas: dict[str, Any],
) -> None:
    client = _client(personas, "analyst")
    page = client.get(PRINT)
    assert page.status_code == 200 and 'name="copies"' in page.content.decode()
    assert client.get(ENTRY).status_code == 200
    paper = Distribution.objects.filter(survey__key="nki", unit__code="VOF-HT-N", channel="paper")
    assert not PaperForm.objects.exists() and not paper.exists()  # a GET writes nothing
    for bad in ("0", "501", "tio"):
        refused = client.post(PRINT, {"copies": bad, "language": "sv"})
        assert refused.status_code == 400 and bad in refused.content.decode()
    assert not PaperForm.objects.exists()
    done = client.post(PRINT, {"copies": "2", "language": "sv"})
    assert done.status_code == 200 and done["Content-Type"] == "application/pdf"
    assert done.content.startswith(b"%PDF") and PaperForm.objects.count() == 2
    named = unquote(done["Content-Disposition"])  # the survey's title and the unit's name, not key and code
    assert named.startswith("attachment; filename*=utf-8''") and "Hemtjänst Norr, svenska.pdf" in named
    assert "VOF-HT-N" not in named
    assert AuditEvent.objects.filter(action="paper.print", actor=personas["analyst"]).exists()
    for who in ("manager_a", "viewer"):
        assert _client(personas, who).post(PRINT, {"copies": "1"}).status_code == 403
    assert PaperForm.objects.count() == 2


@pytest.mark.django_db
def test_the_command_prints_and_records_the_ids(tmp_path: Path) -> None:
    app = typer.Typer()
    surveys_cli.register(app)
    out = tmp_path / "forms.pdf"
    args = ["surveys", "paper", "--survey", "nki", "--unit", "VOF-HT-N", "--copies", "2", "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    ids = json.loads(result.stdout)["form_ids"]
    assert set(PaperForm.objects.values_list("form_id", flat=True)) == set(ids)
    assert all(re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", f) for f in ids)
    assert all(f in _pdf_text(out.read_bytes()) for f in ids)
    refused = CliRunner().invoke(app, [*args[:-2], "--out", str(out), "--unit", "NOPE", "--json"])
    assert refused.exit_code != 0 and "NOPE" in refused.stdout
