"""Every focusable element of the survey pages shows where the focus is, clearly enough to be seen."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from respondent_walk import respondent_pages

pytestmark = pytest.mark.browser

FOCUSABLE = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'
MIN_INDICATOR_CONTRAST = 3.0  # WCAG 2.1 SC 1.4.11: a focus indicator is non-text content, 3:1
PAGE_BACKGROUND = (255, 255, 255)

FOCUS_STYLES_JS = """(selector) => {
    const look = (e) => {
        const s = getComputedStyle(e);
        return {outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
                outlineColor: s.outlineColor, boxShadow: s.boxShadow};
    };
    const found = [];
    for (const e of document.querySelectorAll(selector)) {
        if (e.disabled || !e.getClientRects().length) continue;
        if (document.activeElement) document.activeElement.blur();
        const before = look(e);
        e.focus();
        found.push({element: e.outerHTML.slice(0, 100), focused: document.activeElement === e,
                    before: before, after: look(e)});
    }
    return found;
}"""


def _rgb(colour: str) -> tuple[int, int, int]:
    match = re.match(r"rgba?\((\d+), (\d+), (\d+)", colour)
    assert match, colour
    r, g, b = (int(v) for v in match.groups())
    return r, g, b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2.1 contrast ratio (L1 + 0.05) / (L2 + 0.05) of the relative luminances."""

    def luminance(rgb: tuple[int, int, int]) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _indicator_problem(found: dict[str, Any]) -> str | None:
    before, after = found["before"], found["after"]
    if not found["focused"]:
        return "cannot take focus"
    if after["outlineStyle"] != "none" and after["outlineWidth"] >= 2:
        if (after["outlineStyle"], after["outlineWidth"], after["outlineColor"]) == (
            before["outlineStyle"],
            before["outlineWidth"],
            before["outlineColor"],
        ) and before["outlineStyle"] != "none":
            return "the outline does not change on focus"
        ratio = _contrast(_rgb(after["outlineColor"]), PAGE_BACKGROUND)
        if ratio < MIN_INDICATOR_CONTRAST:
            return f"the focus outline {after['outlineColor']} has contrast {ratio:.2f}:1 with the page"
        return None
    if after["boxShadow"] not in ("none", before["boxShadow"]):
        return None
    return "no visible focus indicator (outline or box-shadow)"


def test_every_focusable_element_on_the_survey_pages_shows_a_visible_focus_indicator(
    page: Any,
    live_server: Any,
    demo_links: dict[str, str],
    closed_link: str,
    answer_page: Callable[[Any], object],
) -> None:
    checked = 0
    problems = []
    for name in respondent_pages(
        page, demo_links, base_url=live_server.url, closed_url=closed_link, answer=answer_page
    ):
        page.keyboard.press("Tab")  # the user is on the keyboard (as for :focus-visible)
        for found in page.evaluate(FOCUS_STYLES_JS, FOCUSABLE):
            checked += 1
            problem = _indicator_problem(found)
            if problem:
                problems.append(f"{name}: {found['element']}: {problem}")
    assert checked > 100, "the walk met the radios, fields, links and buttons of every page"
    assert not problems, "\n".join(problems)
