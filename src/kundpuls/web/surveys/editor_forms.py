"""The editor's forms besides the question form: a new survey, the survey's texts, a page, the codebook."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kundpuls.instruments import list_templates
from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.condition_picker import ConditionForm
from kundpuls.web.surveys.forms import UnitChoiceField
from kundpuls.web.surveys.question_form import KEY_RE, TEXT_MAX, TYPE_LABELS, PairedForm, paired

SURVEY_KEY_RE = r"^[a-z][a-z0-9_]{0,39}$"


def _pair(sv: str, en: str) -> dict[str, str] | None:
    sv, en = (sv or "").strip(), (en or "").strip()
    if not sv and not en:
        return None
    return {"sv": sv} | ({"en": en} if en else {})


def _text(label: Any, required: bool = False, rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, required=required, max_length=TEXT_MAX, widget=widget)


class StartForm(forms.Form):
    """A new survey in the editor: blank, from a template or as a copy of an existing survey."""

    start = forms.ChoiceField(
        label=_("Start from"),
        widget=forms.RadioSelect,
        choices=[
            ("blank", _("A blank survey")),
            ("template", _("A template")),
            ("copy", _("A copy of a survey")),
        ],
        initial="blank",
    )
    template = forms.ChoiceField(label=_("Template"), required=False)
    source = forms.ChoiceField(label=_("Survey to copy"), required=False)
    key = forms.RegexField(
        label=_("Key of the new survey"),
        regex=SURVEY_KEY_RE,
        max_length=40,
        help_text=_(
            "A lower-case letter, then lower-case letters, digits and _; "
            "it appears in no address respondents see."
        ),
        error_messages={
            "invalid": _("Use lower-case letters, digits and _, starting with a letter (at most 40).")
        },
    )
    title_sv = _text(_("Title (Swedish)"))
    title_en = _text(_("Title (English)"))
    owner = UnitChoiceField(label=_("Owner unit"), queryset=Unit.objects.none())

    def __init__(
        self,
        *args: Any,
        owners: QuerySet[Unit],
        sources: list[tuple[str, str]],
        language: str = "sv",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (t.key, t.title.in_language(language)) for t in list_templates()
        ]
        self.fields["source"].choices = [("", "—"), *sources]  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("start")
        if start == "template" and not data.get("template"):
            self.add_error("template", _("Choose a template."))
        if start == "copy" and not data.get("source"):
            self.add_error("source", _("Choose the survey to copy."))
        if start == "blank" and not (data.get("title_sv") or "").strip():
            self.add_error("title_sv", _("Give the title in Swedish."))
        return data


class SurveyTextsForm(PairedForm):
    """The survey's title, introduction and closing text, and whether it is offered in English."""

    title_sv = _text(_("Title (Swedish)"), required=True)
    title_en = _text(_("Title (English)"))
    intro_sv = _text(_("Introduction (Swedish)"), rows=2)
    intro_en = _text(_("Introduction (English)"), rows=2)
    outro_sv = _text(_("Closing text (Swedish)"), rows=2)
    outro_en = _text(_("Closing text (English)"), rows=2)
    english = forms.BooleanField(label=_("Offered in English too"), required=False)

    @staticmethod
    def initial_from(data: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {"english": "en" in data.get("languages", [])}
        for name in ("title", "intro", "outro"):
            value = data.get(name) or {}
            initial[f"{name}_sv"] = value.get("sv", "")
            initial[f"{name}_en"] = value.get("en", "")
        return initial

    def apply(self, data: dict[str, Any]) -> dict[str, Any]:
        result = copy.deepcopy(data)
        cleaned = self.cleaned_data
        for name in ("title", "intro", "outro"):
            value = _pair(cleaned.get(f"{name}_sv", ""), cleaned.get(f"{name}_en", ""))
            if value:
                result[name] = value
            else:
                result.pop(name, None)
        result["languages"] = ["sv", "en"] if cleaned.get("english") else ["sv"]
        return result


class PageForm(ConditionForm, PairedForm):
    """A page: its title and introduction, and the condition under which it is shown (the pickers)."""

    title_sv = _text(_("Page title (Swedish)"))
    title_en = _text(_("Page title (English)"))
    intro_sv = _text(_("Page introduction (Swedish)"), rows=2)
    intro_en = _text(_("Page introduction (English)"), rows=2)

    def groups(self) -> list[list[forms.BoundField]]:
        return paired([f for f in self if f.name not in self.CONDITION_FIELDS])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_condition(data)
        return data

    def title(self) -> dict[str, str] | None:
        return _pair(self.cleaned_data.get("title_sv", ""), self.cleaned_data.get("title_en", ""))

    def intro(self) -> dict[str, str] | None:
        return _pair(self.cleaned_data.get("intro_sv", ""), self.cleaned_data.get("intro_en", ""))


class BlockForm(PageForm):
    """A section (block) of a page: its title and introduction, shown above its questions, and its
    condition."""

    title_sv = _text(_("Section title (Swedish)"))
    title_en = _text(_("Section title (English)"))
    intro_sv = _text(_("Section introduction (Swedish)"), rows=2)
    intro_en = _text(_("Section introduction (English)"), rows=2)


class AddQuestionForm(forms.Form):
    type = forms.ChoiceField(label=_("Question type"), choices=list(TYPE_LABELS.items()))
    page = forms.ChoiceField(label=_("On page"))

    def __init__(self, *args: Any, pages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["page"].choices = pages  # type: ignore[attr-defined]


class AddPageForm(forms.Form):
    title_sv = _text(_("Title of the new page (Swedish)"))
    title_en = _text(_("Title of the new page (English)"))
    type = forms.ChoiceField(label=_("Type of its first question"), choices=list(TYPE_LABELS.items()))


INDEX_ROWS_SPARE = 1


class CodebookForm(forms.Form):
    """The codebook: indices (name, label, items, fewest answers), main index, NPS/CSAT/CES item, thresholds.

    An index's kind, weights and positive answers and the driver model are edited on their own pages
    (``codebook_forms``), the staff–customer pairs on theirs (``mirror_forms``).
    """

    anonymity_threshold = forms.IntegerField(
        label=_("Anonymity threshold (smallest group shown)"), min_value=3, max_value=1000
    )
    comment_anonymity_threshold = forms.IntegerField(
        label=_("Threshold for comments (optional, stricter)"), required=False, min_value=3, max_value=1000
    )
    main_index = forms.ChoiceField(label=_("Main index"), required=False)
    nps = forms.ChoiceField(label=_("NPS question (0–10)"), required=False)
    csat = forms.ChoiceField(label=_("CSAT question"), required=False)
    ces = forms.ChoiceField(label=_("CES question"), required=False)

    def __init__(
        self, *args: Any, codebook: dict[str, Any], items: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stored = codebook
        names = list(codebook.get("indices", {}))
        self.index_count = len(names) + INDEX_ROWS_SPARE
        if self.is_bound:
            self.index_count = min(max(self.index_count, _bound_indices(self.data)), 40)
        none = [("", "—")]
        self.fields["main_index"].choices = none + [(n, n) for n in names]  # type: ignore[attr-defined]
        for role in ("nps", "csat", "ces"):
            self.fields[role].choices = none + items  # type: ignore[attr-defined]
        for i in range(self.index_count):
            n = i + 1
            self.fields[f"index_name_{i}"] = forms.RegexField(
                label=_("Name of index %(n)d") % {"n": n},
                regex=KEY_RE,
                required=False,
                max_length=40,
                error_messages={"invalid": _("A name is a letter, then letters, digits or _ (at most 40).")},
            )
            self.fields[f"index_label_sv_{i}"] = _text(_("Label of index %(n)d (Swedish)") % {"n": n})
            self.fields[f"index_label_en_{i}"] = _text(_("Label of index %(n)d (English)") % {"n": n})
            self.fields[f"index_items_{i}"] = forms.MultipleChoiceField(
                label=_("Questions of index %(n)d") % {"n": n},
                required=False,
                choices=items,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"index_min_{i}"] = forms.IntegerField(
                label=_("Fewest answered questions for index %(n)d (empty: half)") % {"n": n},
                required=False,
                min_value=1,
                max_value=100,
            )

    @staticmethod
    def initial_from(codebook: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: codebook.get(name)
            for name in (
                "anonymity_threshold",
                "comment_anonymity_threshold",
                "main_index",
                "nps",
                "csat",
                "ces",
            )
        }
        for i, (name, index) in enumerate(codebook.get("indices", {}).items()):
            label = index.get("label") or {}
            initial |= {
                f"index_name_{i}": name,
                f"index_label_sv_{i}": label.get("sv", ""),
                f"index_label_en_{i}": label.get("en", ""),
                f"index_items_{i}": list(index["items"]),
                f"index_min_{i}": index.get("min_answered"),
            }
        return initial

    def index_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"index_{part}_{i}"] for part in ("name", "label_sv", "label_en", "min", "items")]
            for i in range(self.index_count)
        ]

    def codebook(self) -> dict[str, Any]:
        """The stored codebook with the form's changes; what the form does not edit stays as stored."""
        data = self.cleaned_data
        result = copy.deepcopy(self.stored)
        result["anonymity_threshold"] = data["anonymity_threshold"]
        if data.get("comment_anonymity_threshold") is not None:
            result["comment_anonymity_threshold"] = data["comment_anonymity_threshold"]
        else:
            result.pop("comment_anonymity_threshold", None)
        for name in ("main_index", "nps", "csat", "ces"):
            if data.get(name):
                result[name] = data[name]
            else:
                result.pop(name, None)
        stored = list(self.stored.get("indices", {}).items())
        indices: dict[str, Any] = {}
        for i in range(self.index_count):
            name = (data.get(f"index_name_{i}") or "").strip()
            items = list(data.get(f"index_items_{i}") or [])
            if not name:
                continue
            index = (
                copy.deepcopy(stored[i][1]) if i < len(stored) else {"kind": "scale_mean", "weights": "equal"}
            )
            index["items"] = items
            label = _pair(data.get(f"index_label_sv_{i}", ""), data.get(f"index_label_en_{i}", ""))
            if label:
                index["label"] = label
            else:
                index.pop("label", None)
            if data.get(f"index_min_{i}") is not None:
                index["min_answered"] = data[f"index_min_{i}"]
            else:
                index.pop("min_answered", None)
            weights = index.get("weights")
            if isinstance(weights, dict):
                index["weights"] = {k: v for k, v in weights.items() if k in items} or "equal"
            positive: Any = index.pop("positive", None)  # a question taken out takes its positive answers
            if isinstance(positive, dict) and any(k in items for k in positive):
                index["positive"] = {k: v for k, v in positive.items() if k in items}
            indices[name] = index
        if indices:
            result["indices"] = indices
        else:
            result.pop("indices", None)
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: set[str] = set()
        for i in range(self.index_count):
            name = (data.get(f"index_name_{i}") or "").strip()
            if not name and data.get(f"index_items_{i}"):
                self.add_error(f"index_name_{i}", _("Give the index a name."))
            if name and not data.get(f"index_items_{i}"):
                self.add_error(f"index_items_{i}", _("Choose at least one question."))
            if name and name.casefold() in seen:
                self.add_error(f"index_name_{i}", _("Two indices have this name."))
            seen.add(name.casefold())
        return data


def _bound_indices(data: Any) -> int:
    numbers = [int(name.rsplit("_", 1)[1]) for name in data if name.startswith("index_name_")]
    return max(numbers) + 1 if numbers else 0
