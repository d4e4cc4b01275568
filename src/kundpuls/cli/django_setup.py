"""Lazy Django set-up for the commands that need the database."""

from __future__ import annotations

import os

from kundpuls.cli.output import fail
from kundpuls.errors import ConfigurationError


def setup_django(*, language: str | None = None) -> None:
    """Configure Django from the environment (once); a configuration error ends the command clearly."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundpuls.web.settings")
    try:
        import django
        from django.apps import apps

        if not apps.ready:
            django.setup()
    except ConfigurationError as exc:
        fail(exc)
    from django.utils import translation

    translation.activate(language or os.environ.get("KUNDPULS_LANGUAGE", "sv"))
