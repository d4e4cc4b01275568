"""The portal's organisation pages: the unit tree and a unit's page (with its open survey links)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kundpuls.errors import NotFound
from kundpuls.web.language import page_language
from kundpuls.web.org import queries
from kundpuls.web.org.permissions import Capability, can
from kundpuls.web.portal.start import start_page
from kundpuls.web.surveys.queries import open_distributions_for_unit


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The start page: what needs attention today, then every unit the person may see."""
    rows = queries.visible_tree(request.user)
    page = start_page(request.user, language=page_language())
    return render(request, "portal/start.html", {"rows": rows, "start": page})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        unit = queries.unit_by_code(code, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not can(request.user, Capability.VIEW_RESULTS, unit):
        raise PermissionDenied
    page = queries.unit_page(request.user, unit)
    context = {"page": page, "unit": unit, "distributions": open_distributions_for_unit(unit.pk)}
    return render(request, "org/unit_detail.html", context)
