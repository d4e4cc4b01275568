"""The axe-core check itself finds real violations (so a clean report means something)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_axe_core_reports_a_missing_language_alt_text_and_label_with_their_targets(
    page: Any, axe: Callable[[Any], Any]
) -> None:
    page.set_content('<html><body><img src="data:," id="pic"><input type="text" id="nameless"></body></html>')
    result = axe(page)
    found = {v["id"]: v for v in result.violations}
    assert {"html-has-lang", "image-alt", "label"} <= set(found)
    assert found["image-alt"]["nodes"][0]["target"] == ["#pic"]
    report = result.report()
    assert "image-alt" in report and "#nameless" in report
