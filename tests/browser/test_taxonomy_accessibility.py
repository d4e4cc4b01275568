"""The comment-theme pages pass axe-core (WCAG 2.1 A/AA), including a form with errors and a proposal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from staff_session import log_in

from kundpuls.web.org.actors import CLI

pytestmark = pytest.mark.browser


def test_axe_core_finds_no_violations_on_the_taxonomy_pages(
    page: Any, live_server: Any, settings: Any, assert_accessible: Callable[[Any], None]
) -> None:
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.themes import actions
    from kundpuls.web.themes.models import DiscoveryRun

    settings.KUNDPULS_DEMO = True  # demo accounts log in only in demo mode
    node = {"label": {"sv": "Kaffe", "en": "Coffee"}, "sv": {"words": ["kaffe"]}}
    actions.save_theme(Unit.objects.get(code="EXK"), "kaffe", node, actor=CLI, new=True)
    run = DiscoveryRun.objects.create(
        survey=Survey.objects.get(key="nki"),
        unit=Unit.objects.get(code="VOF"),
        comments=40,
        analysed=40,
        proposals=[
            {
                "key": "ny_1",
                "top_terms": ["hund", "koppel", "ledarhund"],
                "stems": ["hund", "koppel", "ledarhund"],
                "weights": [1.0, 0.5, 0.2],
                "examples": ["Hunden fick inte följa med."],
                "n": 12,
                "language": "sv",
                "outcome": None,
            }
        ],
    )
    log_in(page, live_server.url, "analytiker@kundpuls.example")
    for path in (
        "/portal/teman/",
        "/portal/teman/tema/bemotande/",
        "/portal/teman/nytt/",
        "/portal/teman/historik/",
        "/portal/teman/ladda-upp/",
        "/portal/teman/upptack/",
        f"/portal/teman/upptack/{run.pk}/",
    ):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert_accessible(page)
    # a form with errors: a phrase with one word, shown on its field and in the summary
    page.goto(live_server.url + "/portal/teman/tema/kaffe/")
    page.locator("#id_sv_phrases").fill("kaffe")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    assert "themes.kaffe.sv.phrases[0]" in page.locator(".error-summary").inner_text()
    assert_accessible(page)
