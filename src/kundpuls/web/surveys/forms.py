from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kundpuls.instruments import list_templates
from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.models import Channel


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'– ' * obj.depth}{obj.name} ({obj.code})"


class NewSurveyForm(forms.Form):
    """A survey from a template or from an uploaded definition file."""

    template = forms.ChoiceField(label=_("Template"), required=False)
    definition = forms.FileField(
        label=_("…or a definition file (YAML or JSON)"),
        required=False,
        help_text=_("See the survey definition documentation for the format."),
    )
    owner = UnitChoiceField(label=_("Owner unit"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, owners: QuerySet[Unit], language: str = "sv", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (t.key, t.title.in_language(language)) for t in list_templates()
        ]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("template")) == bool(data.get("definition")):
            raise forms.ValidationError(_("Choose a template or upload a definition file (one of them)."))
        return data


class OpenForUnitsForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (Channel.LINK, _("Open link")),
            (Channel.QR, _("QR code")),
            (Channel.KIOSK, _("Tablet at the counter (kiosk: restarts after each respondent)")),
        ],
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["units"].label_from_instance = lambda u: f"{u.name} ({u.code})"  # type: ignore[attr-defined]
