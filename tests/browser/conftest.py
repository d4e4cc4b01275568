"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Nothing is downloaded, by Playwright or by the tests: the browser is the system Chromium at
``/usr/bin/chromium`` and axe-core is the copy shipped in ``tests/browser/axe-core`` (read by the
``axe_source`` fixture of ``tests/conftest.py``). Without Chromium the tests are skipped, except under CI
(``CI=true``), where they fail (``tests/system_tools.py``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from kundpuls.web.org.actors import CLI

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make around it are
# ordinary synchronous calls, so Django's guard against async contexts does not apply.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """A cheap hasher first while the browser tests run.

    Every live-server test empties the database and gets the demo organisation back, whose seven users
    would otherwise cost several seconds of Argon2 each time. Module scope makes this run before the
    function-scoped fixture that reloads the demo; the stored Argon2 hashes stay verifiable.
    """
    from django.test.utils import override_settings

    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        ]
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_definition_cache() -> None:
    """Forget the parsed definitions of earlier tests.

    ``surveys.queries.definition_of`` caches published definitions per process by (version pk, number).
    A test that published a version inside a rolled-back transaction leaves its definition in the cache,
    and SQLite hands the same primary key to the next version created (here: the demo's NKI survey after a
    live-server test reloads the demo), which would then be shown with the other survey's questions.
    """
    from kundpuls.web.surveys.queries import _published_definition

    _published_definition.cache_clear()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Pages in fresh contexts (cold cache, no cookies); ``new_page(width=320)`` for a narrow screen."""
    contexts: list[Any] = []

    def make(*, width: int = 1024, height: int = 768, scale: float = 1, locale: str = "sv-SE") -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale, locale=locale
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


@dataclass
class AxeResult:
    url: str
    violations: list[dict[str, Any]]

    def report(self) -> str:
        lines = [f"axe-core found {len(self.violations)} violation(s) on {self.url}:"]
        for v in self.violations:
            lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  {v.get('helpUrl', '')}")
            for node in v["nodes"]:
                lines.append(f"    target {json.dumps(node['target'])}: {node.get('failureSummary', '')}")
        return "\n".join(lines)


@pytest.fixture
def axe(axe_source: str) -> Callable[[Any], AxeResult]:
    """Run axe-core with the WCAG 2.1 A/AA rules on the current state of a page."""

    def run(page: Any) -> AxeResult:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the pages' Content-Security-Policy stays in force
            # for everything else (an injected <script> would be refused by it).
            page.evaluate(axe_source + "\n;true")
        result = page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))}));
            }""",
            WCAG_TAGS,
        )
        return AxeResult(url=page.url, violations=result)

    return run


@pytest.fixture
def assert_accessible(axe: Callable[[Any], AxeResult]) -> Callable[[Any], None]:
    """Fail with every violation (rule id, help text, the target nodes) when axe-core finds any."""

    def check(page: Any) -> None:
        result = axe(page)
        if result.violations:
            pytest.fail(result.report(), pytrace=False)

    return check


@pytest.fixture
def assert_no_horizontal_scroll() -> Callable[[Any], None]:
    def check(page: Any) -> None:
        widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
        assert widths["scroll"] <= widths["inner"], f"{page.url} scrolls sideways: {widths}"

    return check


FILL_PAGE_JS = """() => {
    // Answer every radio group of the page validly: "no" to yes/no questions (so no contact details are
    // needed), the top of a scale, otherwise the first option; return what was chosen.
    const chosen = {};
    const names = [...new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name))];
    for (const name of names) {
        const radios = [...document.querySelectorAll(`input[type=radio][name="${name}"]`)];
        const values = radios.map(r => r.value).filter(v => v !== 'dont_know');
        const numbers = values.filter(v => /^[0-9]+$/.test(v)).map(Number);
        let value = values[0];
        if (values.includes('no')) value = 'no';
        else if (numbers.length === values.length && numbers.length) value = String(Math.max(...numbers));
        radios.find(r => r.value === value).checked = true;
        chosen[name] = value;
    }
    return chosen;
}"""


@pytest.fixture
def answer_page() -> Callable[[Any], dict[str, str]]:
    """Answer the radio questions of the current survey page (by script: this is not the keyboard test)."""

    def answer(page: Any) -> dict[str, str]:
        return dict(page.evaluate(FILL_PAGE_JS))

    return answer


@pytest.fixture
def demo_links(live_server: Any) -> dict[str, str]:
    """The absolute URL of one open distribution of each demo survey (nki, patient, staff)."""
    from kundpuls.web.surveys.models import Distribution

    links = {}
    for key in ("nki", "patient", "staff"):
        distribution = (
            Distribution.objects.filter(survey__key=key, closed_at__isnull=True).order_by("pk").first()
        )
        assert distribution is not None, f"the demo survey {key} is open for some unit"
        links[key] = live_server.url + distribution.public_path
    return links


@pytest.fixture
def closed_link(live_server: Any) -> str:
    """The absolute URL of a demo distribution that has been closed."""
    from kundpuls.web.surveys.actions import close_distribution
    from kundpuls.web.surveys.models import Distribution

    distribution = Distribution.objects.filter(survey__key="nki").order_by("-pk").first()
    assert distribution is not None
    close_distribution(distribution, actor=CLI)
    return live_server.url + distribution.public_path
