"""Walking staff pages by keyboard and looking at them, shared by the editor's browser tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from staff_session import keep_screenshot

FOCUSED_MATCHES = "(css) => !!document.activeElement && document.activeElement.matches(css)"


def tab_to(page: Any, css: str, *, limit: int = 600) -> None:
    """Press Tab until the focused element matches ``css`` (it must be reachable in the tab order)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_MATCHES, css):
            return
    pytest.fail(f"{css} is not reached by Tab within {limit} presses on {page.url}")


def look(page: Any, name: str, accessible: Callable[[Any], None], no_scroll: Callable[[Any], None]) -> None:
    """axe-core finds nothing, nothing scrolls sideways, and the screenshot is kept under ``name``."""
    accessible(page)
    no_scroll(page)
    keep_screenshot(page, name)
