"""The respondent pages in a real browser: axe-core (WCAG 2.1 A/AA), reflow at 320 px and 200 %, weight."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from respondent_walk import respondent_pages

pytestmark = pytest.mark.browser

PAGE_WEIGHT_LIMIT = 30 * 1024  # bytes on the wire per page view, cold cache (the project's target)
PAGE_TYPES = 10  # the error page, the four NKI pages, thanks, two other surveys, unknown, closed


def _walk(page: Any, live_server: Any, demo_links: dict[str, str], closed_link: str, answer: Any) -> Any:
    return respondent_pages(page, demo_links, base_url=live_server.url, closed_url=closed_link, answer=answer)


def test_axe_core_finds_no_violations_on_any_respondent_page(
    page: Any,
    live_server: Any,
    demo_links: dict[str, str],
    closed_link: str,
    answer_page: Callable[[Any], object],
    assert_accessible: Callable[[Any], None],
) -> None:
    seen = []
    for name in _walk(page, live_server, demo_links, closed_link, answer_page):
        assert_accessible(page)
        seen.append(name)
    assert len(seen) == PAGE_TYPES, seen


@pytest.mark.parametrize(
    ("width", "scale"),
    [(320, 1), (640, 2)],
    ids=["320px-wide", "zoomed-200pc"],  # 200 % zoom of a 1280 px window: 640 CSS px at 2 device px each
)
def test_no_respondent_page_scrolls_sideways_on_a_narrow_or_zoomed_screen(
    new_page: Callable[..., Any],
    live_server: Any,
    demo_links: dict[str, str],
    closed_link: str,
    answer_page: Callable[[Any], object],
    assert_no_horizontal_scroll: Callable[[Any], None],
    width: int,
    scale: int,
) -> None:
    page = new_page(width=width, height=800, scale=scale)
    seen = []
    for name in _walk(page, live_server, demo_links, closed_link, answer_page):
        assert page.evaluate("window.innerWidth") == width
        assert_no_horizontal_scroll(page)
        seen.append(name)
    assert len(seen) == PAGE_TYPES, seen


def test_every_respondent_page_weighs_at_most_30_kb_on_the_wire(
    page: Any,
    live_server: Any,
    demo_links: dict[str, str],
    closed_link: str,
    answer_page: Callable[[Any], object],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Sum of encoded bodies and headers of every response a page view needs, the cache switched off."""
    finished: list[Any] = []
    page.on("requestfinished", lambda request: finished.append(request))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    weights: dict[str, tuple[int, list[str]]] = {}
    for name in _walk(page, live_server, demo_links, closed_link, answer_page):
        page.wait_for_load_state("load")
        total, parts = 0, []
        for request in finished:
            sizes = request.sizes()
            size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            total += size
            parts.append(f"{request.method} {request.url.removeprefix(live_server.url)} {size} B")
        weights[name] = (total, parts)
        finished.clear()
    with capsys.disabled():
        print("\nRespondent page weights (cold cache, bytes on the wire incl. headers):")
        for name, (total, parts) in weights.items():
            print(f"  {name:26} {total:6d} B  ({', '.join(parts)})")
    assert not failed, failed
    assert len(weights) == PAGE_TYPES
    heavy = {name: total for name, (total, _) in weights.items() if total > PAGE_WEIGHT_LIMIT}
    assert not heavy, f"pages over {PAGE_WEIGHT_LIMIT} bytes: {heavy}"
    assert all(total > 0 for total, _ in weights.values()), weights
