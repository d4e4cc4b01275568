"""The printable paper questionnaire (A4, Typst): every question of a survey version in one language, each
copy with its own form id (printed large and as a QR code) for the data-entry page.

Laid out for print and for older readers: 13 pt type, boxes to tick (4.5 mm), the scale's numbers printed
in its boxes (the data-entry page takes the same numbers), ruled lines for comments and the contact details
of the consent question, the form id on every page. A question with a condition says "answer only if it
applies to you" instead of the condition. The layout data is plain (:func:`paper_layout`), so the template
never sees the survey model.
"""

from __future__ import annotations

from typing import Any

from kundpuls.errors import InvalidArgument
from kundpuls.instruments.model import (
    BackgroundQuestion,
    ConsentQuestion,
    KanoQuestion,
    MatrixQuestion,
    MultipleChoiceQuestion,
    PriceQuestion,
    Question,
    RatingQuestion,
    Scale,
    SingleChoiceQuestion,
    SurveyDefinition,
    TextQuestion,
    YesNoQuestion,
)
from kundpuls.instruments.presets import DEFAULT_DONT_KNOW_TEXT
from kundpuls.render.labels import text
from kundpuls.render.qr import qr_text
from kundpuls.render.typst_pdf import compile_pdf

#: The most copies one PDF holds (one print run; a larger run is several files).
MAX_COPIES = 500


#: The form's own words (messages ``paper_<name>`` in render/labels.py, translated by the catalogue).
WORD_NAMES = (
    "form_id",
    "page",
    "one_box",
    "many_boxes",
    "each_row",
    "conditional",
    "write",
    "yes",
    "no",
    "functional",
    "dysfunctional",
    "amount",
    "contact_intro",
    "unit",
    "thanks",
)


def _word(key: str, language: str) -> str:
    return text(f"paper_{key}", language)


def _scale(scale: Scale, language: str, dont_know: str) -> dict[str, Any]:
    return {
        "values": [str(v) for v in range(scale.min, scale.max + 1)],
        "min_label": scale.min_label.in_language(language),
        "max_label": scale.max_label.in_language(language),
        "dont_know": dont_know,
    }


def _question(question: Question, language: str) -> dict[str, Any]:
    """One question as the template draws it: ``kind`` ``choices``, ``scale``, ``matrix``, ``lines``,
    ``consent``, ``kano`` or ``price``."""
    text = question.text.in_language(language)
    dont_know = question.dont_know.in_language(language) if question.dont_know else ""
    shown: dict[str, Any] = {
        "text": text,
        "help": question.help.in_language(language) if question.help else "",
        "conditional": _word("conditional", language) if question.show_if is not None else "",
    }
    if isinstance(question, RatingQuestion):
        return (
            shown
            | {"kind": "scale", "hint": _word("one_box", language)}
            | _scale(question.scale, language, dont_know)
        )
    if isinstance(question, SingleChoiceQuestion | BackgroundQuestion | MultipleChoiceQuestion):
        options = [o.text.in_language(language) for o in question.options]
        many = isinstance(question, MultipleChoiceQuestion)
        return shown | {
            "kind": "choices",
            "hint": _word("many_boxes" if many else "one_box", language),
            "options": options + ([dont_know] if dont_know else []),
        }
    if isinstance(question, YesNoQuestion):
        return shown | {
            "kind": "choices",
            "hint": _word("one_box", language),
            "options": [_word("yes", language), _word("no", language)] + ([dont_know] if dont_know else []),
        }
    if isinstance(question, TextQuestion):
        return shown | {
            "kind": "lines",
            "hint": _word("write", language),
            "lines": 5 if question.multiline else 1,
        }
    if isinstance(question, MatrixQuestion):
        return (
            shown
            | {
                "kind": "matrix",
                "hint": _word("each_row", language),
                "rows": [item.text.in_language(language) for item in question.items],
            }
            | _scale(question.scale, language, dont_know)
        )
    if isinstance(question, KanoQuestion):
        answers = [t.in_language(language) for _, t in question.answers]
        return shown | {
            "kind": "kano",
            "hint": _word("one_box", language),
            "parts": [
                {"text": question.functional.in_language(language), "options": answers},
                {"text": question.dysfunctional.in_language(language), "options": answers},
            ],
        }
    if isinstance(question, PriceQuestion):
        return shown | {
            "kind": "price",
            "currency": question.currency,
            "parts": [
                {"text": question.part_text(part, language), "intent": part.startswith("intent")}
                for part in question.parts
            ],
            "values": ["1", "2", "3", "4", "5"],
        }
    if isinstance(question, ConsentQuestion):
        return shown | {
            "kind": "consent",
            "hint": _word("one_box", language),
            "purpose": question.purpose.in_language(language),
            "options": [_word("yes", language), _word("no", language)],
            "contact_intro": _word("contact_intro", language),
            "fields": [c.text.in_language(language) for c in question.contact_fields],
        }
    raise InvalidArgument(
        f"question: {question.key!r} has a type the paper form cannot print ({question.type!r})",
        field="question",
        value=question.key,
    )  # pragma: no cover - every type of QUESTION_CLASSES is handled above


def paper_layout(definition: SurveyDefinition, *, language: str, unit_name: str) -> dict[str, Any]:
    """The questionnaire as plain data (pages, blocks, numbered questions) in ``language``."""
    if language not in definition.languages:
        raise InvalidArgument(
            f"language: survey {definition.key!r} is offered in {', '.join(definition.languages)}, "
            f"not {language!r}",
            field="language",
            value=language,
        )
    number = 0
    pages = []
    for page in definition.pages:
        blocks = []
        for block in page.blocks:
            questions = []
            for question in block.questions:
                number += 1
                questions.append({"number": number} | _question(question, language))
            blocks.append(
                {
                    "title": block.title.in_language(language) if block.title else "",
                    "intro": block.intro.in_language(language) if block.intro else "",
                    "questions": questions,
                }
            )
        pages.append(
            {
                "title": page.title.in_language(language) if page.title else "",
                "intro": page.intro.in_language(language) if page.intro else "",
                "blocks": blocks,
            }
        )
    return {
        "title": definition.title.in_language(language),
        "intro": definition.intro.in_language(language) if definition.intro else "",
        "outro": definition.outro.in_language(language) if definition.outro else "",
        "unit": unit_name,
        "language": language,
        "pages": pages,
        "words": {key: _word(key, language) for key in WORD_NAMES},
        "default_dont_know": DEFAULT_DONT_KNOW_TEXT.in_language(language),
    }


def paper_questionnaire(
    definition: SurveyDefinition, *, language: str, unit_name: str, form_ids: list[str]
) -> bytes:
    """The PDF: one copy of the questionnaire per form id, each starting on a new page."""
    if not 1 <= len(form_ids) <= MAX_COPIES:
        raise InvalidArgument(
            f"copies: expected 1–{MAX_COPIES}, got {len(form_ids)}", field="copies", value=len(form_ids)
        )
    data = paper_layout(definition, language=language, unit_name=unit_name)
    data["copies"] = [{"form_id": form_id, "qr": f"qr-{i}.svg"} for i, form_id in enumerate(form_ids)]
    files = {f"qr-{i}.svg": qr_text(form_id, kind="svg") for i, form_id in enumerate(form_ids)}
    return compile_pdf("paper_form", data, files)
