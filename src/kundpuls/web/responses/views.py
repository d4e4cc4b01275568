"""The staff page of a data-protection request (``/portal/dataskydd/``): find, review, erase.

An administrator enters a submission id, a receipt code or an e-mail address, sees what was found (counts,
units, dates — never answers or contact details) and confirms the erasure with a second POST. Everything
found must lie in units the administrator administers (else 403); the action checks it again
(:func:`kundpuls.web.responses.actions.erase`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kundpuls.errors import NotFound, ValidationError
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.permissions import Capability, can, require
from kundpuls.web.org.tenancy import organisation_ids_of
from kundpuls.web.responses.actions import erase
from kundpuls.web.responses.erasure import AmbiguousReceipt, ErasurePlan, parse_subject, plan_erasure

#: What the page calls each kind of data it found (the keys of the plan's counts).
LABELS = {
    "responses": gettext_lazy("Responses"),
    "comments": gettext_lazy("Comments"),
    "contact_details": gettext_lazy("Contact details"),
    "cases": gettext_lazy("Follow-up cases (kept without personal data)"),
    "case_notes": gettext_lazy("Case notes"),
    "invitations": gettext_lazy("Invitations"),
    "invitation_contacts": gettext_lazy("Invitation contact data"),
    "invitation_backgrounds": gettext_lazy("Background variables from the invitation list"),
    "paper_entries": gettext_lazy("Paper forms typed once, waiting for their second entry"),
}


def _found(plan: ErasurePlan) -> list[dict[str, Any]]:
    return [{"label": str(LABELS.get(kind, kind)), "count": n} for kind, n in plan.counts.items() if n]


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    return render(request, "responses/erasure.html", context)


def _plan(request: HttpRequest, text: str) -> tuple[ErasurePlan | None, str | None]:
    """The plan for ``text`` or the error to show; a plan reaching a unit the user does not administer
    is refused as a whole (403), so the page reveals nothing about other units."""
    try:
        plan = plan_erasure(parse_subject(text).within(organisation_ids_of(request.user)))
    except AmbiguousReceipt:
        return None, _("The receipt code matches more than one response. Enter the whole submission id.")
    except ValidationError:
        return None, _("Enter a submission id, a receipt code (8 characters) or an e-mail address.")
    for unit in plan.units:
        require(actor_of(request), Capability.ADMINISTER, unit)
    if plan.empty:
        return None, _("Nothing is stored about this submission id, receipt code or e-mail address.")
    return plan, None


@login_required
def erasure(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.ADMINISTER):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request)
    text = request.POST.get("subject", "")[:300]
    plan, error = _plan(request, text)
    if plan is None:
        return _page(request, subject=text, error=error)
    if request.POST.get("step") != "erase":
        return _page(request, subject=text, plan=plan, found=_found(plan))
    if request.POST.get("confirm") != "yes":
        return _page(
            request,
            subject=text,
            plan=plan,
            found=_found(plan),
            error=_("Tick the box to confirm the erasure."),
        )
    try:
        result = erase(parse_subject(text), actor=actor_of(request))
    except NotFound:
        return _page(
            request, error=_("Nothing is stored about this submission id, receipt code or e-mail address.")
        )
    erased = result.plan.counts.get("responses", 0)
    messages.success(
        request,
        _("Erased: %(responses)d responses and everything connected with them (see the audit log).")
        % {"responses": erased},
    )
    return redirect("responses:erasure")
