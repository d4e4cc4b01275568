"""The staff page of webhooks (``/portal/webhooks/``): register an address, see deliveries, remove.

For administrators (``administer`` on some unit); each sees and manages the webhooks of the units they
administer. The secret of a new webhook is shown once, on the page that answers the registration.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundpuls.errors import KundpulsError
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.org.tenancy import outside_organisations
from kundpuls.web.webhooks.actions import add_webhook, remove_webhook
from kundpuls.web.webhooks.models import EVENT_KINDS, EVENT_LABELS, Webhook
from kundpuls.web.webhooks.queries import delivery_rows, webhook_rows


def _page(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    units = list(
        units_where(request.user, Capability.ADMINISTER).filter(valid_to__isnull=True).order_by("path")
    )
    paths = [u.path for u in units]
    # a kind no longer sent (an older release's) is shown as it is stored, so the webhook can be removed
    rows = [
        r | {"event_labels": [EVENT_LABELS.get(e, str(e)) for e in r["events"]]} for r in webhook_rows(paths)
    ]
    deliveries = [
        d | {"event_label": EVENT_LABELS.get(d["event"], d["event"])}
        for d in delivery_rows([r["id"] for r in rows], limit=50)
    ]
    context = {
        "units": units,
        "webhooks": rows,
        "deliveries": deliveries,
        "event_kinds": [(kind, EVENT_LABELS[kind]) for kind in EVENT_KINDS],
        **extra,
    }
    return render(request, "webhooks/list.html", context, status=status)


@login_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.ADMINISTER):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request)
    url = request.POST.get("url", "")[:500]
    events = [e for e in request.POST.getlist("events") if e in EVENT_KINDS]
    unit = (
        units_where(request.user, Capability.ADMINISTER)
        .filter(code=request.POST.get("unit", "")[:64])
        .first()
    )
    if unit is None:
        return _page(request, 400, error=_("Choose a unit."), url=url, chosen=events)
    try:
        webhook = add_webhook(url, events, unit=unit, actor=actor_of(request))
    except KundpulsError as exc:
        return _page(request, 400, error=str(exc), url=url, chosen=events)
    return _page(request, created=webhook)


@login_required
@require_POST
def webhook_remove(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook.objects.select_related("unit"), pk=pk, removed_at__isnull=True)
    if outside_organisations(request.user, webhook.unit):
        raise Http404
    if not can(request.user, Capability.ADMINISTER, webhook.unit):
        raise PermissionDenied
    remove_webhook(webhook, actor=actor_of(request))
    messages.success(request, _("The webhook is removed; nothing more is sent to it."))
    return redirect("webhooks:list")
