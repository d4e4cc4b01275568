"""Forms of the taxonomy pages; taxonomy problems are put on the field they concern."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kundpuls.text.taxonomy import TERM_KINDS, Theme
from kundpuls.text.tokens import LANGUAGES
from kundpuls.web.themes.problems import TaxonomyInvalid, describe

KIND_LABELS = {
    "words": _("Words (one per line; every inflection matches)"),
    "phrases": _("Phrases (2–4 words, one per line)"),
    "parts": _("Word parts (matched inside compound words, one per line)"),
    "weak": _("Weak words (count only when no other term in the comment raises a theme; one per line)"),
}
#: Language names inside a sentence ("Ord på svenska"): a context of their own, since a heading elsewhere
#: writes them with a capital.
LANGUAGE_NAMES = {
    "sv": pgettext_lazy("language name in a sentence", "Swedish"),
    "en": pgettext_lazy("language name in a sentence", "English"),
}
_PATH = re.compile(r"^themes\.[^.]+(?:\.(?P<rest>.+))?$")


def _textarea() -> forms.Textarea:
    return forms.Textarea(attrs={"rows": 4, "cols": 60})


class ThemeForm(forms.Form):
    """One theme: key (new themes only), labels, descriptions and terms per language."""

    key = forms.RegexField(
        label=_("Key"),
        regex=r"^[a-z][a-z0-9_]{0,49}$",
        help_text=_("Lower-case letters a–z, digits and _; starts with a letter. Cannot be changed later."),
        error_messages={"invalid": _("Use lower-case letters a–z, digits and _, starting with a letter.")},
    )
    label_sv = forms.CharField(label=_("Label in Swedish"), max_length=200)
    label_en = forms.CharField(label=_("Label in English"), max_length=200, required=False)
    description_sv = forms.CharField(label=_("Description in Swedish"), max_length=500, required=False)
    description_en = forms.CharField(label=_("Description in English"), max_length=500, required=False)
    note = forms.CharField(label=_("Note for the history (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not new:
            del self.fields["key"]
        for lang in LANGUAGES:
            for kind in TERM_KINDS:
                self.fields[f"{lang}_{kind}"] = forms.CharField(
                    label=KIND_LABELS[kind], required=False, widget=_textarea()
                )

    @staticmethod
    def initial_for(theme: Theme) -> dict[str, str]:
        values = {
            "label_sv": theme.label.get("sv", ""),
            "label_en": theme.label.get("en", ""),
            "description_sv": theme.description.get("sv", ""),
            "description_en": theme.description.get("en", ""),
        }
        for lang in LANGUAGES:
            terms = theme.terms.get(lang)
            for kind in TERM_KINDS:
                values[f"{lang}_{kind}"] = "\n".join(getattr(terms, kind)) if terms else ""
        return values

    def language_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The term fields grouped per language (each group is a fieldset)."""
        return [(LANGUAGE_NAMES[lang], [self[f"{lang}_{kind}"] for kind in TERM_KINDS]) for lang in LANGUAGES]

    def node_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "label": {"sv": data["label_sv"], "en": data.get("label_en", "")},
            "description": {"sv": data.get("description_sv", ""), "en": data.get("description_en", "")},
            "terms": {
                lang: {kind: data.get(f"{lang}_{kind}", "") for kind in TERM_KINDS} for lang in LANGUAGES
            },
        }

    def add_problems(self, error: TaxonomyInvalid) -> None:
        """Put each problem on its field (``themes.x.sv.words[2]`` → ``sv_words``), others on the form."""
        for problem in error.problems:
            self.add_error(self.field_for(problem.path), describe(problem))

    def field_for(self, path: str) -> str | None:
        match = _PATH.match(path)
        rest = (match.group("rest") or "") if match else ""
        head = rest.split("[", 1)[0].split(".")
        if head[0] in ("label", "description"):
            name = f"{head[0]}_{head[1] if len(head) > 1 else 'sv'}"
        elif head[0] in LANGUAGES and len(head) > 1 and head[1] in TERM_KINDS:
            name = f"{head[0]}_{head[1]}"
        elif not rest and "key" in self.fields:
            name = "key"
        else:
            return None
        return name if name in self.fields else None


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Taxonomy file (YAML)"),
        help_text=_("The whole taxonomy, as downloaded from this page. It replaces the taxonomy in force."),
    )
    note = forms.CharField(label=_("Note for the history (optional)"), max_length=300, required=False)


class DiscoveryForm(forms.Form):
    survey = forms.ChoiceField(label=_("Survey"))
    unit = forms.ChoiceField(label=_("Unit (with the units below it)"))
    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(
        self,
        *args: Any,
        surveys: list[tuple[str, str]],
        units: list[tuple[str, str]],
        periods: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["survey"]).choices = surveys
        cast(forms.ChoiceField, self.fields["unit"]).choices = units
        period_choices = [("", _("Every quarter")), *[(p, p) for p in periods]]
        cast(forms.ChoiceField, self.fields["period"]).choices = period_choices


class AcceptForm(forms.Form):
    """Accept a proposal: as a new theme (key + labels) or merged into an existing theme."""

    target = forms.ChoiceField(label=_("Theme"))
    key = forms.RegexField(
        label=_("Key of the new theme"),
        regex=r"^[a-z][a-z0-9_]{0,49}$",
        required=False,
        error_messages={"invalid": _("Use lower-case letters a–z, digits and _, starting with a letter.")},
    )
    label_sv = forms.CharField(label=_("Label in Swedish"), max_length=200, required=False)
    label_en = forms.CharField(label=_("Label in English"), max_length=200, required=False)
    words = forms.MultipleChoiceField(label=_("Terms to add"), widget=forms.CheckboxSelectMultiple)

    NEW = "__new__"

    def __init__(self, *args: Any, themes: list[tuple[str, str]], terms: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target"]).choices = [(self.NEW, _("A new theme")), *themes]
        cast(forms.ChoiceField, self.fields["words"]).choices = [(t, t) for t in terms]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == self.NEW:
            if not data.get("key"):
                self.add_error("key", _("A new theme needs a key."))
            if not data.get("label_sv"):
                self.add_error("label_sv", _("A new theme needs a Swedish label."))
        return data
