"""The webhooks page in Chromium at a phone's and a desktop's width: axe-core clean, no sideways scroll."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_the_webhooks_page_registers_an_address(
    new_page: Callable[..., Any],
    live_server: Any,
    settings: Any,
    width: int,
    assert_accessible: Callable[[Any], None],
    assert_no_horizontal_scroll: Callable[[Any], None],
) -> None:
    from kundpuls.demo.organisation import DEMO_PASSWORD

    settings.KUNDPULS_DEMO = True
    page = new_page(width=width, height=900)
    page.goto(live_server.url + "/konto/logga-in/")
    page.locator("input[name=username]").fill("admin@kundpuls.example")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form.stack button[type=submit]").click()
    page.goto(live_server.url + "/portal/webhooks/")
    assert_accessible(page)
    page.locator("#url").fill("https://crm.example.se/kundpuls")
    page.get_by_label("response.stored").check()
    page.get_by_role("button", name="Registrera", exact=True).click()
    page.wait_for_selector("#secret")
    assert len(page.locator("#secret").input_value()) == 64
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    folder = os.environ.get("KUNDPULS_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"webhooks-{width}.png"), full_page=True)
