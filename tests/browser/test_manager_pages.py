"""A manager's pages on a phone and on a desktop (issue 18): the start page, her unit's page and results and
a follow-up case pass axe-core (WCAG 2.1 A/AA) at 375 and 1280 px; at 375 px no element of these pages, her
goals or "Ni sa, vi gjorde" reaches past the right edge of the screen (nothing cut off, no sideways scroll).
An analyst's case list, comment themes and goals page (with a goal to remove) pass axe-core at both widths
and fit a 375 px screen with every fold open, their tables' scroll boxes included.

The results come from the responses of the dashboard tests (``tests/web/dashboards/conftest.py``), the
case from a low score with consent submitted through the real storing action.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.browser.staff_session import keep_screenshot
from tests.web.cases.conftest import RULES, answers
from tests.web.dashboards.conftest import load_results

from kundpuls.web.org.actors import CLI

pytestmark = pytest.mark.browser

UNIT = "VOF-HT-N"
WIDTHS = (375, 1280)

#: Elements whose right edge lies past the screen, ignoring those inside something that scrolls or clips
#: on its own (a wide table in its scroll box) and those hidden from view.
OVERFLOWING_JS = """() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const style = getComputedStyle(p);
            if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) return true;
        }
        return false;
    };
    return [...document.body.querySelectorAll('*')]
        .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > width + 0.5)
        .filter(el => !clipped(el))
        .slice(0, 10)
        .map(el => `${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} ` +
                   `right=${Math.round(el.getBoundingClientRect().right)}`);
}"""


@pytest.fixture
def manager_pages(live_server: Any, settings: Any, tmp_path: Path) -> dict[str, str]:
    """The lake filled, one case opened for the manager's unit; the URL of each page to check."""
    from kundpuls.reports import cache
    from kundpuls.web.cases.actions import save_rules
    from kundpuls.web.cases.models import Case
    from kundpuls.web.responses.actions import submit_response
    from kundpuls.web.surveys.models import Distribution, Survey
    from kundpuls.web.surveys.queries import current_version

    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    cache.clear()
    load_results(tmp_path / "lake")
    survey = Survey.objects.get(key="nki")
    save_rules(survey, RULES, actor=CLI)
    distribution = Distribution.objects.filter(survey=survey, unit__code=UNIT, closed_at__isnull=True).first()
    version = current_version(survey)
    assert distribution is not None and version is not None
    receipt = submit_response(
        version=version,
        distribution=distribution,
        submission_id=uuid.uuid4(),
        answers=answers(2, consent=True, comment="Ingen ringde tillbaka fast jag väntade i två veckor."),
    )
    case = Case.objects.get(response_id=receipt.response_id)
    return {
        "start": "/portal/",
        "unit": f"/portal/enheter/{UNIT}/",
        "results": f"/portal/resultat/enheter/{UNIT}/",
        "case": f"/portal/arenden/{case.pk}/",
        "goals": f"/portal/mal/enheter/{UNIT}/",
        "you said, we did": f"/portal/arenden/ni-sa-vi-gjorde/{UNIT}/",
    }


@pytest.fixture
def analyst_pages(manager_pages: dict[str, str]) -> dict[str, str]:
    """An analyst's pages: the case list (the manager's case among the demo's), the comment themes with
    their counts from the lake, the goals page with a goal of the unit to remove, the overview of every
    unit's results (a card per unit on a phone), a survey's page, a case with its event log and the page
    of how the numbers are computed."""
    from kundpuls.web.goals.actions import set_goal
    from kundpuls.web.org.models import Unit

    set_goal(Unit.objects.get(code=UNIT), "cases_in_time", "2026", 90, actor=CLI)
    return {
        "case list": "/portal/arenden/",
        "case list, filtered": "/portal/arenden/?overdue=1&unit=VOF",
        "comment themes": "/portal/teman/",
        "goals": manager_pages["goals"],
        "results of every unit": "/portal/resultat/",
        # a card per open link and per logged event on a phone (both scrolled sideways in a box before)
        "survey": "/portal/enkater/nki/",
        "case, its event log": manager_pages["case"],
        "how the numbers are computed": "/portal/resultat/metoder/",
    }


def _staff_page(new_page: Callable[..., Any], live_server: Any, person: Any) -> Callable[[int], Any]:
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(person, backend="kundpuls.web.accounts.backends.EmailBackend")
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    def make(width: int) -> Any:
        page = new_page(width=width, height=800)
        # the first visit computes the reports behind the start and results pages: on a busy machine that
        # takes longer than the other browser tests' ten seconds (this is not a speed test)
        page.set_default_navigation_timeout(180_000)
        page.context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        return page

    return make


@pytest.fixture
def manager_page(
    new_page: Callable[..., Any], live_server: Any, personas: dict[str, Any]
) -> Callable[[int], Any]:
    """A page in a fresh context of the given width, logged in as the manager of VOF-HT-N."""
    return _staff_page(new_page, live_server, personas["manager_a"])


@pytest.fixture
def analyst_page(
    new_page: Callable[..., Any], live_server: Any, personas: dict[str, Any]
) -> Callable[[int], Any]:
    """A page in a fresh context of the given width, logged in as the analyst (the whole municipality)."""
    return _staff_page(new_page, live_server, personas["analyst"])


#: Scroll boxes (a wide table's) whose content is wider than the box: on a phone a card list must fit.
SCROLLING_JS = """() => [...document.querySelectorAll('.table-scroll')]
    .filter(el => el.scrollWidth > el.clientWidth + 0.5)
    .map(el => `${el.getAttribute('aria-labelledby')} ${el.scrollWidth}>${el.clientWidth}`)"""


def _open(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert page.url == url, f"{url} led to {page.url}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_managers_pages_pass_axe_core(
    manager_pages: dict[str, str],
    manager_page: Callable[[int], Any],
    live_server: Any,
    assert_accessible: Callable[[Any], None],
    width: int,
) -> None:
    page = manager_page(width)
    for name in ("start", "unit", "results", "case"):
        _open(page, live_server.url + manager_pages[name])
        if name == "results":  # the data tables folded away are part of the page too
            assert page.locator("figure.chart").count() >= 2, "the results page has its charts"
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        assert_accessible(page)


def test_nothing_reaches_past_a_375_px_screen(
    manager_pages: dict[str, str], manager_page: Callable[[int], Any], live_server: Any
) -> None:
    page = manager_page(375)
    for name, path in manager_pages.items():
        _open(page, live_server.url + path)
        overflowing = page.evaluate(OVERFLOWING_JS)
        assert not overflowing, f"{name} ({path}) at 375 px: {overflowing}"
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], (name, widths)


def test_on_a_phone_the_results_page_shows_charts_drawn_for_it_at_their_own_size(
    manager_pages: dict[str, str], manager_page: Callable[[int], Any], live_server: Any
) -> None:
    for width, shown in ((375, ".chart-phone"), (1280, ".chart-wide")):
        page = manager_page(width)
        _open(page, live_server.url + manager_pages["results"])
        sizes = page.evaluate(
            """(shown) => [...document.querySelectorAll('figure.chart.has-phone')].map(f => {
                const svg = f.querySelector(shown + ' svg');
                const box = svg.getBoundingClientRect();
                const all = [...f.querySelectorAll('svg')];
                const visible = all.filter(s => s.getBoundingClientRect().width > 0);
                return {key: f.getAttribute('aria-labelledby'), drawn: +svg.getAttribute('width'),
                        shown: box.width,
                        hiddenOther: all.length === 2 && visible.length === 1};
            })""",
            shown,
        )
        assert len(sizes) >= 2, sizes
        for size in sizes:
            assert size["hiddenOther"] and size["shown"] > 0, (width, size)
            if width == 375:  # not scaled down: the text is read at the size it was drawn
                assert size["shown"] >= size["drawn"] - 0.5, size


@pytest.mark.parametrize("width", WIDTHS)
def test_the_analysts_pages_pass_axe_core_and_fit_a_phone(
    analyst_pages: dict[str, str],
    analyst_page: Callable[[int], Any],
    live_server: Any,
    assert_accessible: Callable[[Any], None],
    width: int,
) -> None:
    page = analyst_page(width)
    for name, path in analyst_pages.items():
        _open(page, live_server.url + path)
        if name == "comment themes":
            assert page.locator("table.themes-table tbody tr").count() >= 10
            assert page.locator("table.themes-table details").count() >= 10, "the terms are folded"
        if name == "goals":
            assert page.locator("#goal-remove").count() == 1, "a goal to remove"
            styles = page.evaluate(
                """() => ['#goal-metric', '#goal-remove'].map(id => {
                    const s = getComputedStyle(document.querySelector(id));
                    return [s.fontSize, s.borderTopWidth, s.paddingTop, s.borderRadius];
                })"""
            )
            assert styles[0] == styles[1], f"the remove select is styled like the goal form's: {styles}"
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        assert_accessible(page)
        keep_screenshot(page, f"analyst-{name.replace(' ', '-').replace(',', '')}-{width}")
        if width == 375:
            overflowing = page.evaluate(OVERFLOWING_JS)
            assert not overflowing, f"{name} ({path}) at 375 px: {overflowing}"
            scrolling = page.evaluate(SCROLLING_JS)
            assert not scrolling, f"{name} ({path}) at 375 px scrolls in its box: {scrolling}"
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], (name, widths)
