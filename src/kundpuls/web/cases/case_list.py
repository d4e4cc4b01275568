"""The case list's filters and pages: which unit, which status, only overdue cases, which page.

The list of an analyst holds every case of the organisation; on a phone one card per case. The filters
narrow it (a unit with the units below it, a status, overdue only), each status and the overdue cases
are counted for the chosen unit, and the cases come :data:`PAGE_SIZE` to a page. A filter that is not
valid names its field and value and is ignored (the list is still shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django import forms
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kundpuls.web.cases import queries
from kundpuls.web.cases.models import Case, CaseStatus
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, units_where

PAGE_SIZE = 25
MAX_PAGE = 10_000


class CaseFilterForm(forms.Form):
    """The list's query string: ``unit`` (a code), ``status``, ``overdue`` (``1``) and ``page``."""

    unit = forms.ChoiceField(label=gettext_lazy("Unit"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Only overdue cases"), required=False)
    page = forms.CharField(label=gettext_lazy("Page"), required=False, max_length=12)

    def __init__(self, data: Any, *, units: list[Unit], counts: dict[str, int] | None = None) -> None:
        super().__init__(data)
        self.units = {u.code: u for u in units}
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("Every unit"))] + [
            (u.code, f"{'– ' * u.depth}{u.name}") for u in units
        ]
        shown = counts or {}
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("Every status"))] + [
            (value, f"{label} ({shown.get(value, 0)})") for value, label in CaseStatus.choices
        ]

    def clean_page(self) -> int:
        raw = (self.cleaned_data.get("page") or "").strip()
        if not raw:
            return 1
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
            raise forms.ValidationError(
                _("%(value)s is not a page number (1–%(most)s)"), params={"value": raw, "most": MAX_PAGE}
            )
        return int(raw)

    def choice(self, name: str, default: Any = None) -> Any:
        """The valid value of ``name``, or ``default`` when it was not valid."""
        if not self.is_valid() and name in self.errors:
            return default
        return self.cleaned_data.get(name) or default


@dataclass(frozen=True)
class CasePage:
    """One page of the filtered list, with the counts beside it."""

    form: CaseFilterForm
    cases: list[Case]
    total: int  # cases that pass the filters
    overdue: int  # of the chosen unit's open cases, past their due date
    by_status: dict[str, int]  # the chosen unit's cases per status
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)


def case_page(user: Any, params: Any, *, today: date) -> CasePage:
    """The page of ``user``'s cases that the query string ``params`` asks for."""
    units = list(units_where(user, Capability.VIEW_CASES).order_by("path"))
    probe = CaseFilterForm(params, units=units)
    probe.is_valid()
    unit = probe.units.get(probe.choice("unit", ""))
    scope = queries.cases_for(user, unit=unit)
    by_status = {
        str(row["status"]): int(row["n"]) for row in scope.order_by().values("status").annotate(n=Count("pk"))
    }
    late = scope.exclude(status=CaseStatus.CLOSED).filter(due_date__lt=today)
    form = CaseFilterForm(params, units=units, counts=by_status)
    form.is_valid()
    found = scope
    status = form.choice("status")
    if status:
        found = found.filter(status=status)
    if form.choice("overdue", False):
        found = found.exclude(status=CaseStatus.CLOSED).filter(due_date__lt=today)
    total = found.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(int(form.choice("page", 1)), pages)
    start = (page - 1) * PAGE_SIZE
    cases = list(found.order_by("due_date", "pk")[start : start + PAGE_SIZE])
    return CasePage(form, cases, total, late.count(), by_status, page, pages)
