"""The forms of a new section and of a section split in two (``section_views``): key, title, introduction,
and where the section goes (beside which section, or from which question on)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kundpuls.web.surveys.question_form import KEY_RE, TEXT_MAX, TYPE_LABELS, PairedForm


def _text(label: Any, *, required: bool = False, rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, required=required, max_length=TEXT_MAX, widget=widget, strip=True)


def _pair(sv: str, en: str) -> dict[str, str] | None:
    sv, en = (sv or "").strip(), (en or "").strip()
    if not sv and not en:
        return None
    return {"sv": sv} | ({"en": en} if en else {})


class SectionTextsForm(PairedForm):
    """A new section's key, title (Swedish required) and introduction."""

    key = forms.RegexField(
        label=_("Key of the new section"),
        regex=KEY_RE,
        max_length=40,
        error_messages={"invalid": _("A key is a letter, then letters, digits or _ (at most 40).")},
    )
    title_sv = _text(_("Section title (Swedish)"), required=True)
    title_en = _text(_("Section title (English)"))
    intro_sv = _text(_("Section introduction (Swedish)"), rows=2)
    intro_en = _text(_("Section introduction (English)"), rows=2)

    def __init__(self, *args: Any, used_keys: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.used_keys = used_keys
        self.fields["title_sv"].error_messages["required"] = _("Give the section's title in Swedish.")

    def clean_key(self) -> str:
        key = str(self.cleaned_data["key"])
        if key.casefold() in self.used_keys:
            raise forms.ValidationError(
                _("key: %(value)r is already used in this survey"), params={"value": key}, code="used"
            )
        return key

    def block(self) -> dict[str, Any]:
        """The new section's stored form without its questions."""
        cleaned = self.cleaned_data
        block: dict[str, Any] = {"key": cleaned["key"]}
        for name in ("title", "intro"):
            value = _pair(cleaned.get(f"{name}_sv", ""), cleaned.get(f"{name}_en", ""))
            if value:
                block[name] = value
        return block


class AddSectionForm(SectionTextsForm):
    """A new section: its texts, where it goes (before or after a section) and its first question's type."""

    field_order = ["position", "title_sv", "title_en", "intro_sv", "intro_en", "type", "key"]
    position = forms.ChoiceField(label=_("Where it goes"))
    type = forms.ChoiceField(
        label=_("Type of the section's first question"), choices=list(TYPE_LABELS.items())
    )

    def __init__(self, *args: Any, positions: list[tuple[str, list[tuple[str, str]]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = positions  # type: ignore[attr-defined]
        self.fields["position"].error_messages["invalid_choice"] = _(
            "There is no section %(value)s to place the new one beside."
        )

    def place(self) -> tuple[str, bool]:
        """(the section beside which the new one goes, whether after it)."""
        where, _colon, beside = self.cleaned_data["position"].partition(":")
        return beside, where == "after"


class SplitSectionForm(SectionTextsForm):
    """A section split in two: the question from which on the questions go into the new section."""

    field_order = ["question", "title_sv", "title_en", "intro_sv", "intro_en", "key"]
    question = forms.ChoiceField(label=_("The new section starts at the question"))

    def __init__(self, *args: Any, questions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = questions  # type: ignore[attr-defined]
        self.fields["question"].error_messages["invalid_choice"] = _(
            "%(value)s is no question after the first of this section."
        )
