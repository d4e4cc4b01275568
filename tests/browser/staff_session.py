"""A staff member's browser session in the tests: logging in through the login form, and keeping a
screenshot when ``KUNDPULS_SCREENSHOTS=DIR`` is set (to look at what people see)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def log_in(page: Any, base_url: str, email: str = "analytiker@kundpuls.example") -> None:
    """Log ``email`` (a demo account; the test must allow demo logins) in through the form."""
    from kundpuls.demo.organisation import DEMO_PASSWORD

    page.goto(base_url + "/konto/logga-in/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form.stack button[type=submit]").click()


def keep_screenshot(page: Any, name: str, *, full_page: bool = True) -> None:
    """Write ``name``.png into ``KUNDPULS_SCREENSHOTS`` when it is set; do nothing otherwise."""
    folder = os.environ.get("KUNDPULS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)
