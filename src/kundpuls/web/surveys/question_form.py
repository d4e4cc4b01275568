"""The editor's form for one question, for every question type, and its stored form both ways.

Lists (options, matrix rows, contact fields) are rows of fields with room for three more, so the form
needs no JavaScript: fill an empty row to add one, empty a row to remove it.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kundpuls.instruments.presets import BACKGROUND_VARIABLES, CONTACT_KINDS, CURRENCY_LABELS
from kundpuls.web.surveys.condition_picker import ConditionForm, Conditions

SPARE_ROWS = 3
MAX_ROWS = 60
TEXT_MAX = 2000
KEY_RE = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"
VALUE_RE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"

TYPE_LABELS = {
    "rating": _("Rating on a scale"),
    "single_choice": _("One choice"),
    "multiple_choice": _("Several choices"),
    "yes_no": _("Yes or no"),
    "text": _("Open answer"),
    "matrix": _("Matrix (several statements, one scale)"),
    "background": _("Background question"),
    "kano": _("Kano pair"),
    "price": _("Price module"),
    "consent": _("Consent to contact"),
}
VARIABLE_LABELS = {
    "age_band": _("Age band"),
    "gender": _("Gender"),
    "service": _("Service used"),
    "contact_channel": _("Contact channel"),
    "customer_type": _("Customer type"),
    "role": _("Role"),
    "tenure": _("Time as a customer"),
    "other": _("Other"),
}
KIND_LABELS = {"name": _("Name"), "email": _("Email"), "phone": _("Phone"), "text": _("Text")}

#: Which field groups a type shows.
GROUPS: dict[str, tuple[str, ...]] = {
    "rating": ("scale",),
    "single_choice": ("options",),
    "multiple_choice": ("options", "choices"),
    "yes_no": (),
    "text": ("length",),
    "matrix": ("scale", "items"),
    "background": ("variable", "options"),
    "kano": ("kano",),
    "price": ("price",),
    "consent": ("consent", "contact"),
}


def paired(fields: list[forms.BoundField]) -> list[list[forms.BoundField]]:
    """Fields in groups: a Swedish field and its English one side by side, any other field alone."""
    groups: list[list[forms.BoundField]] = []
    for field in fields:
        if field.name.endswith("_en") and groups and groups[-1][0].name == field.name[:-3] + "_sv":
            groups[-1].append(field)
        else:
            groups.append([field])
    return groups


class PairedForm(forms.Form):
    """A form whose template shows Swedish and English texts side by side (``groups``)."""

    def groups(self) -> list[list[forms.BoundField]]:
        return paired(list(self))


def _text(label: Any, required: bool = False, widget: Any = None) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=TEXT_MAX, widget=widget)


def _pair(sv: str, en: str) -> dict[str, str] | None:
    sv, en = sv.strip(), en.strip()
    if not sv and not en:
        return None
    return {"sv": sv} | ({"en": en} if en else {})


class QuestionForm(ConditionForm, PairedForm):
    """One question of ``kind``; ``initial_from`` fills it from the stored form, ``question`` writes it."""

    key = forms.RegexField(
        label=_("Key (what the answer is stored under)"),
        regex=KEY_RE,
        max_length=40,
        error_messages={"invalid": _("A key is a letter, then letters, digits or _ (at most 40).")},
    )
    text_sv = _text(_("Question (Swedish)"), required=True, widget=forms.Textarea(attrs={"rows": 2}))
    text_en = _text(_("Question (English)"), widget=forms.Textarea(attrs={"rows": 2}))
    help_sv = _text(_("Help text (Swedish)"))
    help_en = _text(_("Help text (English)"))
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    dont_know = forms.BooleanField(label=_('Offer "Vet ej / ej aktuellt"'), required=False)
    scale_min = forms.IntegerField(label=_("Lowest value"), required=False, min_value=-100, max_value=100)
    scale_max = forms.IntegerField(label=_("Highest value"), required=False, min_value=-100, max_value=100)
    min_label_sv = _text(_("Label of the lowest value (Swedish)"))
    min_label_en = _text(_("Label of the lowest value (English)"))
    max_label_sv = _text(_("Label of the highest value (Swedish)"))
    max_label_en = _text(_("Label of the highest value (English)"))
    min_choices = forms.IntegerField(label=_("Fewest choices"), required=False, min_value=0, max_value=100)
    max_choices = forms.IntegerField(label=_("Most choices"), required=False, min_value=1, max_value=100)
    max_length = forms.IntegerField(
        label=_("Longest answer (characters)"), required=False, min_value=1, max_value=10000
    )
    multiline = forms.BooleanField(label=_("Several lines"), required=False)
    variable = forms.ChoiceField(
        label=_("What it measures"),
        required=False,
        choices=[(v, VARIABLE_LABELS[v]) for v in BACKGROUND_VARIABLES],
    )
    functional_sv = _text(_("If the feature is there (Swedish)"))
    functional_en = _text(_("If the feature is there (English)"))
    dysfunctional_sv = _text(_("If the feature is not there (Swedish)"))
    dysfunctional_en = _text(_("If the feature is not there (English)"))
    product_sv = _text(_("Product in the questions (Swedish)"))
    product_en = _text(_("Product in the questions (English)"))
    currency = forms.ChoiceField(
        label=_("Currency"), required=False, choices=[(c, c) for c in CURRENCY_LABELS]
    )
    intent = forms.BooleanField(label=_("Also ask how likely a purchase is"), required=False)
    purpose_sv = _text(_("Why we ask (Swedish)"), widget=forms.Textarea(attrs={"rows": 3}))
    purpose_en = _text(_("Why we ask (English)"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        kind: str,
        rows: dict[str, int] | None = None,
        conditions: Conditions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.offer(conditions or Conditions(), self.initial.get("show_if"))
        groups = GROUPS[kind]
        rows = rows or {}
        self.row_counts: dict[str, int] = {}
        for group, columns in (
            ("options", ("value", "sv", "en")),
            ("items", ("key", "sv", "en")),
            ("contact", ("key", "kind", "sv", "en", "required")),
        ):
            if group not in groups:
                continue
            count = min(rows.get(group, 0) + SPARE_ROWS, MAX_ROWS)
            if self.is_bound:
                count = min(max(count, _bound_rows(self.data, group)), MAX_ROWS)
            self.row_counts[group] = count
            for i in range(count):
                for column in columns:
                    self.fields[f"{group}_{column}_{i}"] = _row_field(group, column, i)
        for name in list(self.fields):
            if not self._shown(name):
                del self.fields[name]

    def _shown(self, name: str) -> bool:
        groups = GROUPS[self.kind]
        owner = {
            "scale": (
                "scale_min",
                "scale_max",
                "min_label_sv",
                "min_label_en",
                "max_label_sv",
                "max_label_en",
            ),
            "choices": ("min_choices", "max_choices"),
            "length": ("max_length", "multiline"),
            "variable": ("variable",),
            "kano": ("functional_sv", "functional_en", "dysfunctional_sv", "dysfunctional_en"),
            "price": ("product_sv", "product_en", "currency", "intent"),
            "consent": ("purpose_sv", "purpose_en"),
        }
        for group, names in owner.items():
            if name in names:
                return group in groups
        return True

    # -------------------------------------------------------------------------------- rendering helpers

    def basic_fields(self) -> list[forms.BoundField]:
        names = (
            "key",
            "text_sv",
            "text_en",
            "help_sv",
            "help_en",
            "required",
            "dont_know",
        )
        return [self[n] for n in names if n in self.fields and (n != "dont_know" or self.kind in _DONT_KNOW)]

    def type_fields(self) -> list[forms.BoundField]:
        listed = {"key", "text_sv", "text_en", "help_sv", "help_en", "required", "dont_know"}
        listed |= set(self.CONDITION_FIELDS)
        return [self[n] for n in self.fields if n not in listed and not _ROW_NAME.match(n)]

    def basic_groups(self) -> list[list[forms.BoundField]]:
        return paired(self.basic_fields())

    def type_groups(self) -> list[list[forms.BoundField]]:
        return paired(self.type_fields())

    def row_groups(self) -> list[dict[str, Any]]:
        headings = {
            "options": (_("Answer options"), (_("Stored value"), _("Swedish"), _("English"))),
            "items": (_("Statements (rows)"), (_("Key"), _("Swedish"), _("English"))),
            "contact": (
                _("Contact fields"),
                (_("Key"), _("Kind"), _("Swedish"), _("English"), _("Required")),
            ),
        }
        result = []
        for group, count in self.row_counts.items():
            title, columns = headings[group]
            rows = []
            for i in range(count):
                rows.append(
                    [self[n] for n in self.fields if n.startswith(f"{group}_") and n.endswith(f"_{i}")]
                )
            result.append({"name": group, "title": title, "columns": columns, "rows": rows})
        return result

    # ------------------------------------------------------------------------------------ stored form

    @staticmethod
    def initial_from(question: dict[str, Any]) -> dict[str, Any]:
        """The form's initial values from a question's stored form."""
        initial: dict[str, Any] = {
            "key": question["key"],
            "required": question.get("required", False),
            "show_if": question.get("show_if", ""),
            "dont_know": bool(question.get("dont_know")),
        }

        for name in ("text", "help", "functional", "dysfunctional", "product", "purpose"):
            value = question.get(name) or {}
            initial[f"{name}_sv"] = value.get("sv", "")
            initial[f"{name}_en"] = value.get("en", "")
        scale = question.get("scale")
        if scale:
            initial |= {"scale_min": scale["min"], "scale_max": scale["max"]}
            for end in ("min_label", "max_label"):
                initial[f"{end}_sv"] = scale[end].get("sv", "")
                initial[f"{end}_en"] = scale[end].get("en", "")
        for name in (
            "min_choices",
            "max_choices",
            "max_length",
            "multiline",
            "variable",
            "currency",
            "intent",
        ):
            if name in question:
                initial[name] = question[name]
        for i, option in enumerate(question.get("options", [])):
            initial |= {
                f"options_value_{i}": option["value"],
                f"options_sv_{i}": option["text"].get("sv", ""),
                f"options_en_{i}": option["text"].get("en", ""),
            }
        for i, item in enumerate(question.get("items", [])):
            initial |= {
                f"items_key_{i}": item["key"],
                f"items_sv_{i}": item["text"].get("sv", ""),
                f"items_en_{i}": item["text"].get("en", ""),
            }
        for i, contact in enumerate(question.get("contact_fields", [])):
            initial |= {
                f"contact_key_{i}": contact["key"],
                f"contact_kind_{i}": contact["kind"],
                f"contact_sv_{i}": contact["text"].get("sv", ""),
                f"contact_en_{i}": contact["text"].get("en", ""),
                f"contact_required_{i}": contact.get("required", False),
            }
        return initial

    @staticmethod
    def row_counts_of(question: dict[str, Any]) -> dict[str, int]:
        return {
            "options": len(question.get("options", [])),
            "items": len(question.get("items", [])),
            "contact": len(question.get("contact_fields", [])),
        }

    def question(self, stored: dict[str, Any]) -> dict[str, Any]:
        """The question's stored form from the cleaned data; what the form does not edit stays as stored."""
        data = self.cleaned_data
        question: dict[str, Any] = {
            "type": self.kind,
            "key": data["key"],
            "text": _pair(data["text_sv"], data["text_en"]),
        }
        help_text = _pair(data.get("help_sv", ""), data.get("help_en", ""))
        if help_text:
            question["help"] = help_text
        question["required"] = bool(data.get("required"))
        condition = self.condition()
        if condition:
            question["show_if"] = condition
        if self.kind in _DONT_KNOW and data.get("dont_know"):
            question["dont_know"] = stored.get("dont_know") or True
        elif self.kind not in _DONT_KNOW and stored.get("dont_know"):
            question["dont_know"] = stored["dont_know"]  # kept as written in the definition file
        groups = GROUPS[self.kind]
        if "scale" in groups:
            question["scale"] = {
                "min": data.get("scale_min"),
                "max": data.get("scale_max"),
                "min_label": _pair(data.get("min_label_sv", ""), data.get("min_label_en", "")) or {"sv": ""},
                "max_label": _pair(data.get("max_label_sv", ""), data.get("max_label_en", "")) or {"sv": ""},
            }
        if "options" in groups:
            options = [{"value": row["value"], "text": row["text"]} for row in self._rows("options", "value")]
            if options or not stored.get("preset"):
                question["options"] = options
            else:  # a built-in option list (age bands …) stays one until options are written out
                question["preset"] = stored["preset"]
        if "choices" in groups:
            question["min_choices"] = data.get("min_choices") if data.get("min_choices") is not None else 1
            if data.get("max_choices") is not None:
                question["max_choices"] = data["max_choices"]
        if "length" in groups:
            question["max_length"] = data.get("max_length") or 1000
            question["multiline"] = bool(data.get("multiline"))
        if "items" in groups:
            question["items"] = [
                {"key": row["key"], "text": row["text"]} for row in self._rows("items", "key")
            ]
        if "variable" in groups:
            question["variable"] = data.get("variable") or "other"
        if "kano" in groups:
            for name in ("functional", "dysfunctional"):
                question[name] = _pair(data.get(f"{name}_sv", ""), data.get(f"{name}_en", "")) or {"sv": ""}
        if "price" in groups:
            question["product"] = _pair(data.get("product_sv", ""), data.get("product_en", "")) or {"sv": ""}
            question["currency"] = data.get("currency") or "SEK"
            question["intent"] = bool(data.get("intent"))
            parts: tuple[str, ...] = ("too_cheap", "cheap", "expensive", "too_expensive")
            parts += ("intent_cheap", "intent_expensive") if question["intent"] else ()
            texts = {part: text for part, text in stored.get("texts", {}).items() if part in parts}
            if texts:
                question["texts"] = texts
        if "consent" in groups:
            question["purpose"] = _pair(data.get("purpose_sv", ""), data.get("purpose_en", "")) or {"sv": ""}
        if "contact" in groups:
            question["contact_fields"] = [
                {
                    "key": row["key"],
                    "kind": row["kind"] or "text",
                    "text": row["text"],
                    "required": row["required"],
                }
                for row in self._rows("contact", "key")
            ]
        return question

    def _rows(self, group: str, first: str) -> list[dict[str, Any]]:
        rows = []
        data = self.cleaned_data
        for i in range(self.row_counts.get(group, 0)):
            head = (data.get(f"{group}_{first}_{i}") or "").strip()
            sv = (data.get(f"{group}_sv_{i}") or "").strip()
            en = (data.get(f"{group}_en_{i}") or "").strip()
            if not head and not sv and not en:
                continue
            rows.append(
                {
                    first: head,
                    "kind": data.get(f"{group}_kind_{i}") or "",
                    "text": {"sv": sv} | ({"en": en} if en else {}),
                    "required": bool(data.get(f"{group}_required_{i}")),
                    "row": i,
                }
            )
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        groups = GROUPS[self.kind]
        if "scale" in groups:
            low, high = data.get("scale_min"), data.get("scale_max")
            if low is None:
                self.add_error("scale_min", _("Give the lowest value."))
            if high is None:
                self.add_error("scale_max", _("Give the highest value."))
            if low is not None and high is not None and low >= high:
                self.add_error("scale_max", _("The highest value must be above the lowest."))
            for end in ("min_label_sv", "max_label_sv"):
                if not (data.get(end) or "").strip():
                    self.add_error(end, _("Give the label in Swedish."))
        self.clean_condition(data)
        for group, first in (("options", "value"), ("items", "key"), ("contact", "key")):
            if group not in groups:
                continue
            for row in self._rows(group, first):
                i = row["row"]
                if not row[first]:
                    self.add_error(f"{group}_{first}_{i}", _("Give the key or value of this row."))
                if not row["text"]["sv"]:
                    self.add_error(f"{group}_sv_{i}", _("Give the text in Swedish."))
        return data


_DONT_KNOW = {"rating", "single_choice", "multiple_choice", "matrix", "yes_no", "background"}
_ROW_NAME = re.compile(r"^(options|items|contact)_")


def _bound_rows(data: Any, group: str) -> int:
    numbers = [
        int(m.group(1))
        for name in data
        for m in [re.match(rf"^{group}_[a-z]+_(\d+)$", name)]
        if m is not None
    ]
    return max(numbers) + 1 if numbers else 0


def _row_field(group: str, column: str, i: int) -> forms.Field:
    n = i + 1
    labels = {
        ("options", "value"): _("Stored value of option %(n)d"),
        ("options", "sv"): _("Option %(n)d in Swedish"),
        ("options", "en"): _("Option %(n)d in English"),
        ("items", "key"): _("Key of statement %(n)d"),
        ("items", "sv"): _("Statement %(n)d in Swedish"),
        ("items", "en"): _("Statement %(n)d in English"),
        ("contact", "key"): _("Key of contact field %(n)d"),
        ("contact", "kind"): _("Kind of contact field %(n)d"),
        ("contact", "sv"): _("Contact field %(n)d in Swedish"),
        ("contact", "en"): _("Contact field %(n)d in English"),
        ("contact", "required"): _("Contact field %(n)d is required"),
    }
    label = labels[(group, column)] % {"n": n}
    if column == "required":
        return forms.BooleanField(label=label, required=False)
    if column == "kind":
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—")] + [(k, KIND_LABELS[k]) for k in CONTACT_KINDS]
        )
    if column in ("key", "value"):
        return forms.RegexField(
            label=label,
            required=False,
            regex=VALUE_RE if column == "value" else KEY_RE,
            max_length=40,
            error_messages={"invalid": _("Letters, digits and _ only, starting with a letter or digit.")},
        )
    return forms.CharField(label=label, required=False, max_length=TEXT_MAX)
