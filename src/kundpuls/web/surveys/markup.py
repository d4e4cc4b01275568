"""The markup of one question on a respondent page, built in Python rather than by template tags.

A question is a fieldset with its legend (or a label for a single text field), its help, its errors linked
to their inputs, and the inputs themselves. A matrix page holds a hundred options; rendering them through
template includes and tags was most of the CPU of a respondent's request (see docs/benchmarks.md), so the
markup is written here once, with every value escaped by the standard library's ``html.escape`` (Django's
lazy-aware wrapper costs ten times as much per call and escapes the same five characters). The words of
the page ("optional", the contact hint) are translated at render time, in the active language.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kundpuls.instruments import DONT_KNOW

if TYPE_CHECKING:
    from kundpuls.web.surveys.page_form import Input, QuestionView

SINGLE_FIELD_WIDGETS = frozenset({"text", "textarea", "number"})
AUTOCOMPLETE = {"email": "email", "tel": "tel"}


def _invalid(i: Input) -> str:
    """Marks an input with errors and points it at its first error message."""
    return f' aria-invalid="true" aria-describedby="{escape(i.id)}-e"' if i.errors else ""


def _errors(i: Input) -> str:
    return "".join(f'<p class="err" id="{escape(i.id)}-e">{escape(e)}</p>' for e in i.errors)


def _ends(points: list[Any]) -> str:
    if not points or not (points[0].note or points[-1].note):
        return ""
    return (
        f'<p class="ends" aria-hidden="true"><span>{escape(points[0].note)}</span>'
        f"<span>{escape(points[-1].note)}</span></p>"
    )


def choices_html(i: Input) -> str:
    """The options of a scale, radio or checkbox input (a scale shows its end-point labels under them)."""
    invalid = ' aria-invalid="true"' if i.errors else ""
    name = escape(i.key)
    parts = []
    if i.widget == "scale":
        # One row of equal boxes (docs: fits 0–10 at 320 px); the end labels are read with their points and
        # shown once more, for the eye only, under the row's two ends; "vet ej" gets its own line.
        points = [c for c in i.choices if c.value != DONT_KNOW]
        extra = [c for c in i.choices if c.value == DONT_KNOW]
        parts.append('<div class="scale"><div class="points">')
        for c in points + extra:
            if c in extra:
                parts.append("</div>")
                parts.append(_ends(points))
            css = "pt dk" if c.value == DONT_KNOW else "pt"
            note = f'<small class="end">{escape(c.note)}</small>' if c.note else ""
            ident = escape(c.id)
            parts.append(
                f'<label class="{css}" for="{ident}"><input type="radio" id="{ident}" '
                f'name="{name}" value="{escape(c.value)}"{" checked" if c.checked else ""}{invalid}>'
                f"<span>{escape(c.label)}</span>{note}</label>"
            )
        if not extra:
            parts.append("</div>")
            parts.append(_ends(points))
    else:
        kind = "checkbox" if i.widget == "checkbox" else "radio"
        parts.append('<div class="opts">')
        for c in i.choices:
            checked = " checked" if c.checked else ""
            ident = escape(c.id)
            parts.append(
                f'<label for="{ident}"><input type="{kind}" id="{ident}" name="{name}" '
                f'value="{escape(c.value)}"{checked}{invalid}> {escape(c.label)}</label>'
            )
    parts.append("</div>")
    return "".join(parts)


def input_html(i: Input) -> str:
    """The control of one input: options, a text area, a number field (with its unit) or a text field."""
    ident, name = escape(i.id), escape(i.key)
    length = f' maxlength="{i.max_length}"' if i.max_length else ""
    if i.widget in {"scale", "radio", "checkbox"}:
        return choices_html(i)
    if i.widget == "textarea":
        attributes = f'id="{ident}" name="{name}" rows="4"{length}{_invalid(i)}'
        return f"<textarea {attributes}>{escape(i.value)}</textarea>"
    if i.widget == "number":
        unit = f" <span>{escape(i.unit)}</span>" if i.unit else ""
        field = (
            f'<input type="text" inputmode="decimal" id="{ident}" name="{name}" value="{escape(i.value)}" '
            f'class="num"{_invalid(i)}>'
        )
        # the unit stays on the line of its field
        return f'<span class="amount">{field}{unit}</span>' if unit else field
    return f'<input type="text" id="{ident}" name="{name}" value="{escape(i.value)}"{length}{_invalid(i)}>'


def _contact_html(i: Input) -> str:
    autocomplete = AUTOCOMPLETE.get(i.widget, "name")
    return (
        f'<div class="sub"><label for="{escape(i.id)}">{escape(i.label)}</label>{_errors(i)}'
        f'<input type="{escape(i.widget)}" id="{escape(i.id)}" name="{escape(i.key)}" '
        f'value="{escape(i.value)}" maxlength="200" autocomplete="{autocomplete}"{_invalid(i)}></div>'
    )


def question_html(q: QuestionView) -> SafeString:
    """One question: a labelled single field, or a fieldset whose legend is the question."""
    invalid = " invalid" if q.errors else ""
    optional_text = gettext("optional")  # outside the f-string, so that makemessages finds it
    optional = "" if q.required else f' <span class="opt">({escape(optional_text)})</span>'
    single = q.inputs[0]
    if not q.grouped and single.widget in SINGLE_FIELD_WIDGETS:
        ident = escape(single.id)
        help_text = f'<p class="help" id="{ident}-h">{escape(q.help)}</p>\n' if q.help else ""
        html = (
            f'<div class="q{invalid}">\n<label for="{ident}">{escape(q.text)}{optional}</label>\n'
            f"{help_text}{_errors(single)}\n{input_html(single)}\n</div>\n"
        )
        return mark_safe(html)  # every value above is escaped
    key = escape(q.key)
    described = f' aria-describedby="{key}-h"' if q.help else ""
    parts = [f'<fieldset class="q{invalid}"{described}>\n<legend>{escape(q.text)}{optional}</legend>\n']
    if q.help:
        parts.append(f'<p class="help" id="{key}-h">{escape(q.help)}</p>\n')
    if q.purpose:
        parts.append(f'<p class="help">{escape(q.purpose)}</p>\n')
    if q.grouped:
        for i in q.inputs:
            if i.widget == "number":
                parts.append(
                    f'<div class="sub"><label for="{escape(i.id)}">{escape(i.label)}</label>'
                    f"{_errors(i)}{input_html(i)}</div>\n"
                )
            else:
                parts.append(
                    f'<fieldset class="sub"><legend>{escape(i.label)}</legend>'
                    f"{_errors(i)}{input_html(i)}</fieldset>\n"
                )
    else:
        parts.append(f"{_errors(single)}\n{input_html(single)}\n")
    if q.contact_inputs:
        hint = gettext("Fill in only if you answered yes.")
        parts.append(f'<p class="help">{escape(hint)}</p>\n')
        parts.extend(_contact_html(i) for i in q.contact_inputs)
        parts.append("\n")
    parts.append("</fieldset>\n")
    return mark_safe("".join(parts))  # every value above is escaped
