"""Every kind of respondent page, visited in one walk (shared by the accessibility and weight tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

NKI_PAGES = 4


def respondent_pages(
    page: Any,
    links: dict[str, str],
    *,
    base_url: str,
    closed_url: str,
    answer: Callable[[Any], object],
) -> Iterator[str]:
    """Drive ``page`` through each respondent page type, yielding its name while the page is shown."""
    page.goto(links["nki"])
    yield "nki: page 1"
    with page.expect_navigation():  # "Next" with the required questions unanswered
        page.locator("button[value=next]").click()
    assert page.locator(".errors").count() == 1
    yield "nki: page 1 with errors"
    for number in range(2, NKI_PAGES + 2):
        answer(page)
        with page.expect_navigation():
            page.locator("button[value=next]").click()
        if number <= NKI_PAGES:
            assert page.locator(".errors").count() == 0, page.content()[:2000]
            yield f"nki: page {number}"
    assert "/tack/" in page.url
    yield "thank-you page"
    for key in ("patient", "staff"):
        page.goto(links[key])
        yield f"{key}: first page"
    page.goto(base_url + "/s/finns-inte-alls/")
    yield "unknown survey"
    page.goto(closed_url)
    yield "closed survey"
