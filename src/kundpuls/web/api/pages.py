"""The page where a person makes and revokes their own API tokens (``/portal/api-nycklar/``).

A token acts with exactly its person's roles, so anyone logged in may make one for themselves; the secret
is shown once, on the answer to the form, and never stored. Administrators see every token with
``kundpuls api token list``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundpuls.errors import KundpulsError
from kundpuls.web.accounts.models import User
from kundpuls.web.api.actions import create_token, revoke_token
from kundpuls.web.api.models import ApiToken
from kundpuls.web.org.actors import actor_of


def _me(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required let only a logged-in person in
        raise PermissionDenied
    return user


def _page(request: HttpRequest, **context: object) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=_me(request)).order_by("-created_at")
    return render(request, "api/tokens.html", {"tokens": tokens, **context})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    name = request.POST.get("name", "")
    try:
        token, secret = create_token(_me(request), name, actor=actor_of(request))
    except KundpulsError:
        return _page(request, error=_("The token needs a name: what will use it?"), name=name)
    return _page(request, created=token, secret=secret)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not ApiToken.objects.filter(pk=pk, user=_me(request)).exists():
        raise Http404(_("No such token of yours."))
    revoke_token(pk, actor=actor_of(request))
    messages.success(request, _("The token is revoked; programs using it are refused from now on."))
    return redirect("api_tokens:list")
