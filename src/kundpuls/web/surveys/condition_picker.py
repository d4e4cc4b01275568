"""The condition pickers: a show-if condition of a question, a section or a page, built from three pickers.

One home for what the editor's question, page and section forms share (docs/survey-definitions.md,
"Conditions in the editor"): the question is picked by its label among the answers a condition there may
use (those of earlier pages), the comparison among those its kind allows, and the value among its options
or scale points with their labels. Without JavaScript the value picker is refreshed by a server round trip
("Show its answers"). A condition the pickers cannot say (``or``, ``not``, lists, several parts, price
amounts …) stays in the written-out field, ``show_if``.

Where the condition sits (``Place``) decides what it may use: every answer on an earlier page. An answer on
the same page is refused (a page is sent whole), one inside what the condition shows is refused as a cycle,
one on a later page as coming later; each refusal names the field and the value.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kundpuls.instruments import DefinitionErrors, parse_definition, stored_items
from kundpuls.instruments.exceptions import ExpressionError
from kundpuls.instruments.expressions import parse_expression, references
from kundpuls.web.surveys.condition_reading import reading

#: Comparisons the pickers offer for each kind of answer: (operator as written, label).
OPERATORS: dict[str, tuple[tuple[str, Any], ...]] = {
    "numeric": (
        ("<=", gettext_lazy("at most")),
        (">=", gettext_lazy("at least")),
        ("==", gettext_lazy("equal to")),
        ("!=", gettext_lazy("not equal to")),
    ),
    "choice": (("==", gettext_lazy("equal to")), ("!=", gettext_lazy("not equal to"))),
    "choices": (("in", gettext_lazy("includes")), ("not in", gettext_lazy("does not include"))),
    "boolean": (("==", gettext_lazy("equal to")),),
}
#: The longest scale the value picker lists point by point (a price amount is written out instead).
MAX_SCALE_POINTS = 101
_LABEL = 70
_EVERY_OPERATOR = (*OPERATORS["numeric"], *OPERATORS["choices"])
_CANONICAL = re.compile(r"^([A-Za-z]\w*) (<=|>=|==|!=) (-?\d+|'[^'\\]*'|true|false)$")
_CANONICAL_IN = re.compile(r"^'([^'\\]*)' (in|not in) ([A-Za-z]\w*)$")


@dataclass(frozen=True)
class Place:
    """Where a condition sits: a page (``page`` its index), a section of it (``block``, a block key) or a
    question (``question``, a question key)."""

    page: int
    block: str | None = None
    question: str | None = None


@dataclass(frozen=True)
class Answerable:
    """An answer the pickers offer: its key, label, kind and values (as picked, with their labels)."""

    key: str
    label: str
    kind: str
    values: tuple[tuple[str, str], ...]

    def literal(self, value: str) -> str:
        """``value`` as the condition writes it: an option quoted, a number or true/false as it is."""
        return f"'{value}'" if self.kind in ("choice", "choices") else value


@dataclass(frozen=True)
class Conditions:
    """What a condition at one place may use (``usable``, in survey order) and why every other answer of
    the survey may not (``refused``: key -> ``later``, ``same_page`` or ``cycle``)."""

    usable: tuple[Answerable, ...] = ()
    refused: dict[str, str] = field(default_factory=dict)

    def find(self, key: str) -> Answerable | None:
        return next((item for item in self.usable if item.key == key), None)

    def write(self, key: str, op: str, value: str) -> str:
        """The condition the pickers say, in the definition's language."""
        item = self.find(key)
        literal = item.literal(value) if item else value
        return f"{literal} {op} {key}" if op in ("in", "not in") else f"{key} {op} {literal}"

    def picks(self, source: str) -> dict[str, str] | None:
        """The pickers' values for ``source`` when they say it exactly as written, else None."""
        source = source.strip()
        simple, member = _CANONICAL.match(source), _CANONICAL_IN.match(source)
        if simple:
            key, op, value = simple.group(1), simple.group(2), simple.group(3).strip("'")
        elif member:
            key, op, value = member.group(3), member.group(2), member.group(1)
        else:
            return None
        item = self.find(key)
        if item is None or op not in dict(OPERATORS[item.kind]) or value not in dict(item.values):
            return None
        if self.write(key, op, value) != source:
            return None
        return {"cond_item": key, "cond_op": op, "cond_value": value}

    def refusal(self, key: str) -> str | None:
        """Why a condition here cannot use ``key`` (in the page's language), or None when it can."""
        reason = self.refused.get(key)
        if reason == "later":
            return _(
                "“%(value)s” comes later in the survey; a condition may only use questions of earlier pages."
            ) % {"value": key}
        if reason == "same_page":
            return _(
                "“%(value)s” is asked on the same page, which is sent whole; "
                "a condition may only use questions of earlier pages."
            ) % {"value": key}
        if reason == "cycle":
            return _(
                "“%(value)s” is asked inside what the condition shows, "
                "so it would depend on itself (a cycle)."
            ) % {"value": key}
        return None


def conditions_at(data: dict[str, Any], place: Place, *, language: str = "sv") -> Conditions:
    """What a condition at ``place`` of the definition ``data`` (stored form) may use, and what not."""
    try:
        definition = parse_definition(data, stored=True)
    except DefinitionErrors:
        return Conditions()
    page_keys = list(definition.page_keys)
    here = page_keys[place.page] if place.page < len(page_keys) else ""
    usable: list[Answerable] = []
    refused: dict[str, str] = {}
    for item in stored_items(definition):
        position = page_keys.index(item.page_key)
        if position > place.page:
            refused[item.key] = "later"
        elif item.page_key == here:
            if place.question is not None:
                inside = item.question_key == place.question
            else:
                inside = place.block is None or item.block_key == place.block
            refused[item.key] = "cycle" if inside else "same_page"
        else:
            values = _values(item, language)
            if values:
                text = item.text.in_language(language)
                text = text if len(text) <= _LABEL else text[: _LABEL - 1].rstrip() + "…"
                usable.append(Answerable(item.key, text, item.kind, values))
    return Conditions(tuple(_told_apart(usable)), refused)


def _told_apart(usable: list[Answerable]) -> list[Answerable]:
    """Questions named by their text; where two read the same (cut short, or a repeated matrix row), the
    key is added to tell them apart."""
    seen = Counter(answerable.label for answerable in usable)
    return [replace(a, label=f"{a.label} ({a.key})") if seen[a.label] > 1 else a for a in usable]


def _values(item: Any, language: str) -> tuple[tuple[str, str], ...]:
    """The values the value picker lists for ``item``; none for what it cannot list (open text, amounts)."""
    if item.kind in ("choice", "choices"):
        texts = item.option_texts or ()
        named = [
            (value, texts[i].in_language(language) if i < len(texts) else value)
            for i, value in enumerate(item.options or ())
        ]
        seen = Counter(
            label for _, label in named
        )  # options are named by their text; the value tells twins apart
        return tuple((value, f"{label} ({value})" if seen[label] > 1 else label) for value, label in named)
    if item.kind == "boolean":
        return (("true", _("yes")), ("false", _("no")))
    if item.kind == "numeric" and item.integer and item.scale_min is not None and item.scale_max is not None:
        low, high = int(item.scale_min), int(item.scale_max)
        if high - low + 1 > MAX_SCALE_POINTS:
            return ()
        ends = {
            low: item.min_label.in_language(language) if item.min_label else "",
            high: item.max_label.in_language(language) if item.max_label else "",
        }
        return tuple((str(n), f"{n} – {ends[n]}" if ends.get(n) else str(n)) for n in range(low, high + 1))
    return ()


def readings(source: str | None, data: dict[str, Any]) -> list[tuple[str, str]]:
    """``source`` said in Swedish and in English: (language, "Visas om …") for each; the condition as
    written where it has no reading. Empty without a condition."""
    if not source:
        return []
    said = []
    for language in ("sv", "en"):
        with translation.override(language):
            words = reading(source, data, language=language) or source
            said.append((language, _("Shown only if %(condition)s.") % {"condition": words}))
    return said


class _Picked(forms.CharField):
    """A value picked from a list (a select), bounded in length without a ``maxlength`` on the select."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}


class ConditionForm(forms.Form):
    """The pickers and the written-out field, for a form of a question, a section or a page: call
    :meth:`offer` before validating; :meth:`condition` gives the condition saved (None: always shown)."""

    cond_item = _Picked(
        label=gettext_lazy("Shown only if the answer to"),
        required=False,
        max_length=100,
        widget=forms.Select,
        help_text=gettext_lazy("“—”: always shown. After choosing a question, press “Show its answers”."),
    )
    cond_op = _Picked(label=gettext_lazy("is"), required=False, max_length=10, widget=forms.Select)
    cond_value = _Picked(
        label=gettext_lazy("the answer"), required=False, max_length=100, widget=forms.Select
    )
    show_if = forms.CharField(
        label=gettext_lazy("…or a condition written out"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "For what the pickers cannot say, for example: rekommendera <= 6 or tjanst == 'bygglov'. "
            "It may only use questions of earlier pages."
        ),
    )
    CONDITION_FIELDS = ("cond_item", "cond_op", "cond_value", "show_if")

    def offer(self, conditions: Conditions, stored: str | None) -> None:
        """Fill the pickers' lists from ``conditions``; unbound, show ``stored`` in them (or written out)."""
        self.conditions = conditions
        self.showing_values = self.is_bound and "show_values" in self.data
        picks = conditions.picks(stored or "")
        if not self.is_bound:
            written = {"cond_item": "", "cond_op": "", "cond_value": "", "show_if": stored or ""}
            self.initial.update((picks | {"show_if": ""}) if picks else written)
        chosen = conditions.find(self._chosen("cond_item"))
        self.fields["cond_item"].widget.choices = [("", _("— (always shown)"))] + [
            (item.key, item.label) for item in conditions.usable
        ]
        operators = OPERATORS[chosen.kind] if chosen else _EVERY_OPERATOR
        self.fields["cond_op"].widget.choices = [("", "—"), *operators]
        values = chosen.values if chosen else ()
        self.fields["cond_value"].widget.choices = [("", "—"), *values]
        self.advanced_open = bool(self._chosen("show_if"))

    def full_clean(self) -> None:
        """Validated as usual, except when the pickers are only refreshed: nothing is checked or saved."""
        if getattr(self, "showing_values", False):
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def _chosen(self, name: str) -> str:
        raw = self.data.get(name) if self.is_bound else self.initial.get(name)
        return str(raw or "").strip()[:500]

    def condition_field(self) -> str:
        """The field a problem of the saved condition belongs to: the written-out one, or the pickers."""
        return "show_if" if self._chosen("show_if") else "cond_item"

    def picked(self) -> str | None:
        """The condition the pickers say now, when all three are chosen and fit (before any saving)."""
        key, op, value = (self._chosen(n) for n in ("cond_item", "cond_op", "cond_value"))
        item = self.conditions.find(key)
        if item is None or op not in dict(OPERATORS[item.kind]) or value not in dict(item.values):
            return None
        return self.conditions.write(key, op, value)

    def condition(self) -> str | None:
        """The condition to save, from the cleaned data: written out, picked, or None (always shown)."""
        data = self.cleaned_data
        written = (data.get("show_if") or "").strip()
        if written:
            return written
        if data.get("cond_item"):
            return self.conditions.write(data["cond_item"], data["cond_op"], data["cond_value"])
        return None

    def clean_condition(self, data: dict[str, Any]) -> None:
        """Refuse what the pickers or the written-out condition cannot use here, naming field and value."""
        key, op, value = (str(data.get(n) or "").strip() for n in ("cond_item", "cond_op", "cond_value"))
        written = (data.get("show_if") or "").strip()
        if written and (key or op or value):
            self.add_error("show_if", _("Choose the condition with the pickers or write it out, not both."))
            return
        if written:
            self._check_written(written)
            return
        if not key:  # "—": always shown, whatever the other two pickers still say
            return
        item = self.conditions.find(key)
        if item is None:
            why = self.conditions.refusal(key) or _(
                "“%(value)s” is no question a condition here can use."
            ) % {"value": key}
            self.add_error("cond_item", why)
            return
        if not op:
            self.add_error("cond_op", _("Choose how the answer is compared."))
        elif op not in dict(OPERATORS[item.kind]):
            self.add_error("cond_op", _("“%(value)s” is no comparison for this question.") % {"value": op})
        if not value:
            self.add_error(
                "cond_value", _("Choose the answer to compare with (“Show its answers” lists them).")
            )
        elif value not in dict(item.values):
            self.add_error(
                "cond_value",
                _("“%(value)s” is not an answer to %(question)s.") % {"value": value, "question": item.label},
            )

    def _check_written(self, written: str) -> None:
        try:
            keys = dict.fromkeys(reference.key for reference in references(parse_expression(written)))
        except ExpressionError:
            return  # said by the definition's check when saving, with where the condition goes wrong
        for key in keys:
            why = self.conditions.refusal(key)
            if why:
                self.add_error("show_if", why)
