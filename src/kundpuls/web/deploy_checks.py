"""What ``kundpuls check --deploy`` refuses (Django system checks tagged ``deploy``).

Errors (``status: error``, exit code 1) — each one a way the demo was attacked in issue 17:

* ``kundpuls.E001`` debug on (``KUNDPULS_DEBUG``): tracebacks and settings shown to anyone;
* ``kundpuls.E002`` demo mode (``KUNDPULS_DEMO``): the published demo passwords log in;
* ``kundpuls.E003`` a secret key shorter than 50 characters or with fewer than 5 different characters;
* ``kundpuls.E004`` a base URL that is not ``https://`` (cookies would travel in clear, no HSTS).

Warnings: ``kundpuls.W002`` the secret key is the data folder's (written by ``kundpuls demo``), so a copy of
the data is a copy of the key; ``kundpuls.W001`` the database is SQLite. SQLite in WAL mode serves several
processes on one machine, one writer at a time, which is right for a library or a clinic; the check cannot see
how many processes ``kundpuls serve --workers`` will start, so it says so instead of failing (PostgreSQL for
more).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import connection

from kundpuls.config import SECRET_KEY_FILE_NAME, get_config

MIN_SECRET_CHARS = 50
MIN_SECRET_DISTINCT = 5


@register(Tags.security, deploy=True)
def kundpuls_deploy_checks(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.DEBUG:
        problems.append(Error("KUNDPULS_DEBUG is on: turn it off in production.", id="kundpuls.E001"))
    if settings.KUNDPULS_DEMO:
        problems.append(
            Error("KUNDPULS_DEMO is on: the demo logins work; turn it off in production.", id="kundpuls.E002")
        )
    secret = str(settings.SECRET_KEY or "")
    if len(secret) < MIN_SECRET_CHARS or len(set(secret)) < MIN_SECRET_DISTINCT:
        problems.append(
            Error(
                f"KUNDPULS_SECRET_KEY has {len(secret)} characters ({len(set(secret))} different): use at "
                f"least {MIN_SECRET_CHARS} random ones.",
                id="kundpuls.E003",
            )
        )
    base_url = str(settings.KUNDPULS_BASE_URL)
    if not base_url.startswith("https://"):
        problems.append(
            Error(
                f"KUNDPULS_BASE_URL {base_url[:80]!r} is not https://: serve through a TLS proxy.",
                id="kundpuls.E004",
            )
        )
    if connection.vendor == "sqlite":
        problems.append(
            Warning(
                "The database is SQLite: fine for one machine and a few server processes (one writer at a "
                "time); use PostgreSQL (KUNDPULS_DATABASE_URL) for more.",
                id="kundpuls.W001",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def secret_key_outside_the_data_folder(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when the secret key is the data folder's (the demo's): a copy of the data would carry the key."""
    config = get_config()
    if config.secret_key_source != "data_dir":
        return []
    return [
        Warning(
            f"The secret key is read from {config.data_dir / SECRET_KEY_FILE_NAME} (written by `kundpuls "
            "demo`). In production set KUNDPULS_SECRET_KEY_FILE to a file outside the data folder, so that "
            "a copy of the data is not also a copy of the key.",
            id="kundpuls.W002",
        )
    ]
