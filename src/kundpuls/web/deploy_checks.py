"""Kundpuls's own checks for ``kundpuls check --deploy`` (Django's deployment checks run beside them)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from kundpuls.config import SECRET_KEY_FILE_NAME, get_config


@checks.register(checks.Tags.security, deploy=True)
def secret_key_outside_the_data_folder(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the secret key is the data folder's (the demo's): a copy of the data would carry the key."""
    config = get_config()
    if config.secret_key_source != "data_dir":
        return []
    return [
        checks.Warning(
            f"The secret key is read from {config.data_dir / SECRET_KEY_FILE_NAME} (written by `kundpuls "
            "demo`). In production set KUNDPULS_SECRET_KEY_FILE to a file outside the data folder, so that "
            "a copy of the data is not also a copy of the key.",
            id="kundpuls.W001",
        )
    ]
