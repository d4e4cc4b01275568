"""The staff–customer pairs (the codebook's ``mirrors``) as a form: a row per pair, a staff question and
the customer question it mirrors, picked by their texts; spare rows add pairs, a box or an emptied row
removes one. The rules of a pair (ratings, the same scale, each staff question once) are the
``instruments`` model's, checked by the view (``mirror_views``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

#: Empty rows offered for new pairs under the stored ones.
MIRROR_ROWS_SPARE = 2

Choices = list[tuple[str, str]]
GroupedChoices = list[tuple[str, Choices]]


def customer_value(mirror: dict[str, Any]) -> str:
    """A pair's customer question as the picker's value: ``SURVEY:ITEM`` (``:ITEM`` for any survey)."""
    return f"{mirror.get('customer_survey') or ''}:{mirror['customer_item']}"


class MirrorsForm(forms.Form):
    """Rows of (staff question, customer question, remove) for the stored pairs and the spare rows."""

    def __init__(
        self,
        *args: Any,
        mirrors: list[dict[str, Any]],
        staff: Choices,
        customers: GroupedChoices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stored_count = len(mirrors)
        self.row_count = len(mirrors) + MIRROR_ROWS_SPARE
        #: the row each written pair came from (``mirrors()`` fills it), to place a problem on its row
        self.row_of: list[int] = []
        for row in range(self.row_count):
            mirror = mirrors[row] if row < len(mirrors) else None
            self.fields[f"item_{row}"] = forms.ChoiceField(
                label=_("Staff question"),
                required=False,
                choices=[("", "—"), *staff],
                initial=mirror["item"] if mirror else "",
            )
            self.fields[f"customer_{row}"] = forms.ChoiceField(
                label=_("Mirrors the customer question"),
                required=False,
                choices=[("", "—"), *customers],
                initial=customer_value(mirror) if mirror else "",
            )
            for name in (f"item_{row}", f"customer_{row}"):
                self.fields[name].error_messages["invalid_choice"] = _(
                    "%(value)s is not a rating question that can be paired."
                )
            if mirror:
                self.fields[f"remove_{row}"] = forms.BooleanField(label=_("Remove the pair"), required=False)

    def rows(self) -> list[list[forms.BoundField]]:
        """Each row's fields in order, for the template."""
        names = ("item", "customer", "remove")
        return [
            [self[f"{name}_{row}"] for name in names if f"{name}_{row}" in self.fields]
            for row in range(self.row_count)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(self.row_count):
            if data.get(f"remove_{row}"):
                continue
            item, customer = data.get(f"item_{row}"), data.get(f"customer_{row}")
            if item and not customer:
                self.add_error(
                    f"customer_{row}", _("Choose the customer question this staff question mirrors.")
                )
            elif customer and not item:
                self.add_error(f"item_{row}", _("Choose the staff question that mirrors it."))
        return data

    def mirrors(self) -> list[dict[str, Any]]:
        """The pairs as stored in the codebook, in the rows' order (removed and empty rows left out)."""
        result: list[dict[str, Any]] = []
        self.row_of = []
        for row in range(self.row_count):
            item = self.cleaned_data.get(f"item_{row}")
            customer = self.cleaned_data.get(f"customer_{row}")
            if self.cleaned_data.get(f"remove_{row}") or not item or not customer:
                continue
            survey, _colon, customer_item = customer.partition(":")
            result.append(
                {"item": item, "customer_item": customer_item}
                | ({"customer_survey": survey} if survey else {})
            )
            self.row_of.append(row)
        return result
