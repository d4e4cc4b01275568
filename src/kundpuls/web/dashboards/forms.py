"""The filters of the dashboard pages (survey, period, segment, sort), validated with Django forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kundpuls.analytics.period_kinds import REPORT_PERIOD_KINDS

PERIOD_KIND_LABELS = {"month": _("Month"), "quarter": _("Quarter"), "year": _("Year")}
#: The report period kinds, the default (quarter) first.
PERIOD_KIND_CHOICES = [
    (kind, PERIOD_KIND_LABELS[kind]) for kind in sorted(REPORT_PERIOD_KINDS, key=lambda k: k != "quarter")
]
SORT_CHOICES = [
    ("tree", _("Unit tree")),
    ("name", _("Name")),
    ("estimate", _("Index")),
    ("n", _("Responses")),
    ("change", _("Change")),
]


class FilterForm(forms.Form):
    """Survey, period kind, period and (on the unit page) a segment; choices come from the data."""

    survey = forms.ChoiceField(label=_("Survey"), required=False)
    kind = forms.ChoiceField(label=_("Period length"), choices=PERIOD_KIND_CHOICES, required=False)
    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        surveys: list[tuple[str, str]],
        periods: list[str] | None = None,
        segments: list[tuple[str, str]] | None = None,
        segment_values: list[tuple[str, str]] | None = None,
        sortable: bool = False,
        indices: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(data)
        survey_field = cast(forms.ChoiceField, self.fields["survey"])
        period_field = cast(forms.ChoiceField, self.fields["period"])
        survey_field.choices = surveys
        period_field.choices = [("", _("Newest"))] + [(p, p) for p in (periods or [])]
        if segments is not None:
            self.fields["segment"] = forms.ChoiceField(
                label=_("Segment"), required=False, choices=[("", _("All respondents")), *segments]
            )
            self.fields["value"] = forms.ChoiceField(
                label=_("Segment value"),
                required=False,
                choices=[("", "–"), *(segment_values or [])],
            )
        if indices is not None and len(indices) > 1:
            self.fields["index"] = forms.ChoiceField(
                label=_("Index"), required=False, choices=[("", _("Main index")), *indices]
            )
        if sortable:
            self.fields["sort"] = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
            self.fields["order"] = forms.ChoiceField(
                label=_("Order"),
                required=False,
                choices=[("asc", _("Ascending")), ("desc", _("Descending"))],
            )

    def value(self, name: str, default: str | None = None) -> str | None:
        """The cleaned value of ``name`` or ``default`` when it is empty or invalid."""
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
        return value or default
