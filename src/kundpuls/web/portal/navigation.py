"""Template context for the staff navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kundpuls.web.org.permissions import Capability, can


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/s/"):
        return {}
    from kundpuls.web.themes.queries import may_edit_taxonomy

    return {
        "can_manage_surveys": can(user, Capability.MANAGE_SURVEYS),
        "can_edit_taxonomy": may_edit_taxonomy(user),
        "can_administer": can(user, Capability.ADMINISTER),
    }
