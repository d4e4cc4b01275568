"""The paper questionnaire as drawn: every question type of the template library prints, with its texts and
options; the form id is printed and encoded as text in a QR code; bad arguments are named."""

from __future__ import annotations

import io
import subprocess

import pytest
import segno

from kundpuls.errors import InvalidArgument
from kundpuls.instruments import load_template, template_keys
from kundpuls.instruments.model import SurveyDefinition
from kundpuls.render.paper_form import MAX_COPIES, paper_layout, paper_questionnaire
from kundpuls.render.qr import qr_text
from system_tools import require_tool


def _text(pdf: bytes) -> str:
    done = subprocess.run([require_tool("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def _kinds(definition: SurveyDefinition) -> set[str]:
    layout = paper_layout(definition, language="sv", unit_name="U")
    return {q["kind"] for page in layout["pages"] for block in page["blocks"] for q in block["questions"]}


def test_every_question_type_of_the_library_has_a_printed_form() -> None:
    kinds = set().union(*(_kinds(load_template(key)) for key in template_keys()))
    assert kinds == {"choices", "scale", "matrix", "lines", "consent", "kano", "price"}


@pytest.mark.parametrize("key", ["kano", "price", "patient"])
def test_a_form_holds_its_questions_options_and_id(key: str) -> None:
    definition = load_template(key)
    text = _text(paper_questionnaire(definition, language="sv", unit_name="Enhet X", form_ids=["AB23-CD45"]))
    assert "AB23-CD45" in text and "Enhet X" in text
    for question in definition.questions():
        assert " ".join(question.text.sv.split()) in text, question.key
    layout = paper_layout(definition, language="sv", unit_name="Enhet X")
    for page in layout["pages"]:
        for block in page["blocks"]:
            for q in block["questions"]:
                for option in q.get("options", []):
                    assert " ".join(option.split()) in text, (q["text"], option)


def test_the_qr_code_holds_the_form_id_as_text() -> None:
    code = segno.make("K7MQ-4HXA", error="m")
    svg = qr_text("K7MQ-4HXA", scale=1, border=0).decode()
    assert svg.startswith("<svg") and f'width="{code.symbol_size(scale=1, border=0)[0]}"' in svg
    png = qr_text("K7MQ-4HXA", kind="png", scale=1, border=0)
    expected = io.BytesIO()
    code.save(expected, kind="png", scale=1, border=0)
    assert png == expected.getvalue() != qr_text("K7MQ-4HXB", kind="png", scale=1, border=0)
    for bad in ("", "x" * 65, "åäö", "a\nb"):
        with pytest.raises(InvalidArgument, match="text"):
            qr_text(bad)


def test_bad_copies_and_languages_are_named() -> None:
    definition = load_template("nps")
    with pytest.raises(InvalidArgument, match="copies: expected 1–500, got 0"):
        paper_questionnaire(definition, language="sv", unit_name="U", form_ids=[])
    with pytest.raises(InvalidArgument, match="copies"):
        paper_questionnaire(definition, language="sv", unit_name="U", form_ids=["A"] * (MAX_COPIES + 1))
    with pytest.raises(InvalidArgument, match=r"language: .*'fi'"):
        paper_layout(definition, language="fi", unit_name="U")
