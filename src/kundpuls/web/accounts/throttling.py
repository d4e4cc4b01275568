"""The keys django-axes locks logins on: the normalised e-mail and the client address.

Five failures lock one e-mail from one client address (``AXES_*`` in the settings). Both halves of the key
are normalised here so the lock cannot be stepped around:

* the e-mail is stripped and case-folded, so ``CHEF.bibliotek@…`` is the same account as
  ``chef.bibliotek@…`` (the login itself is case-insensitive, so the lock must be too);
* the address is the client's as ``KUNDPULS_TRUSTED_PROXIES`` defines it (the same function the
  respondent rate limits use), so behind the recommended proxy each person has their own address instead
  of everyone sharing the proxy's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kundpuls.web.ratelimit import client_address


def normalised_login(email: object) -> str | None:
    """The e-mail as the lockout counts it: stripped and case-folded (None when there is none)."""
    if email is None:
        return None
    return str(email).strip().casefold()


def lockout_username(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the normalised e-mail from the credentials or the posted form."""
    if credentials is not None and credentials.get(settings.AXES_USERNAME_FORM_FIELD) is not None:
        return normalised_login(credentials.get(settings.AXES_USERNAME_FORM_FIELD))
    data = getattr(request, "data", None) or request.POST
    return normalised_login(data.get(settings.AXES_USERNAME_FORM_FIELD))


def lockout_address(request: HttpRequest) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the client address behind ``KUNDPULS_TRUSTED_PROXIES`` proxies.

    Only a real IP address is returned (``None`` otherwise): axes stores it in an address column, which
    PostgreSQL checks, and a request without a peer address (a login made in code) or a forged
    ``X-Forwarded-For`` must not turn a login into a server error.
    """
    address = client_address(request, settings.KUNDPULS_TRUSTED_PROXIES)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
