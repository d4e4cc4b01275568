"""The staff portal passes axe-core (WCAG 2.1 A/AA) on its main pages, logged in through the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_axe_core_finds_no_violations_on_the_staff_pages(
    page: Any, live_server: Any, settings: Any, assert_accessible: Callable[[Any], None]
) -> None:
    from kundpuls.demo.organisation import DEMO_PASSWORD

    settings.KUNDPULS_DEMO = True  # demo accounts log in only in demo mode
    page.goto(live_server.url + "/portal/")
    assert "/konto/logga-in/" in page.url
    assert_accessible(page)
    page.locator("input[name=username]").fill("admin@kundpuls.example")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form.stack button[type=submit]").click()
    assert page.url.endswith("/portal/"), page.url
    visited = {"login": True, "unit tree": True}
    assert_accessible(page)
    pages = {
        "unit page": "/portal/enheter/VOF-HT-N/",
        "survey list": "/portal/enkater/",
        "survey detail": "/portal/enkater/nki/",
        "survey preview": "/portal/enkater/nki/forhandsgranska/",
        "API tokens": "/portal/api-nycklar/",
    }
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, (name, path)
        assert_accessible(page)
        visited[name] = True
    page.locator("#name").fill("Skript")  # the page as it is right after making a token
    page.locator("form.stack button[type=submit]").click()
    assert page.locator("#secret").input_value().startswith("kp_")
    assert_accessible(page)
    assert len(visited) == 7
