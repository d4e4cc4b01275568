"""The webhooks page in Chromium at a phone's and a desktop's width: axe-core clean, no sideways scroll."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from staff_session import keep_screenshot, log_in

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

    settings.KUNDPULS_DEMO = True
    page = new_page(width=width, height=900)
    log_in(page, live_server.url, "admin@kundpuls.example")
    page.goto(live_server.url + "/portal/webhooks/")
    assert_accessible(page)
    page.locator("#url").fill("https://crm.example.se/kundpuls")
    page.get_by_label("response.stored").check()
    page.get_by_role("button", name="Registrera", exact=True).click()
    page.wait_for_selector("#secret")
    assert len(page.locator("#secret").input_value()) == 64
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    keep_screenshot(page, f"webhooks-{width}")
