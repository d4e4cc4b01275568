"""Rating scales fit one row of equal boxes on a phone: 0–10 (NPS), 1–10 with "vet ej" and 1–5 (CSAT)
at 320 and 375 px, with the end labels under the row's ends and "vet ej" on its own line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROW = """() => [...document.querySelectorAll('.scale .points')].map(row => {
  const boxes = [...row.querySelectorAll('.pt')].map(b => b.getBoundingClientRect());
  return {n: boxes.length, tops: boxes.map(b => Math.round(b.top)), widths: boxes.map(b => b.width),
          right: Math.max(...boxes.map(b => b.right)), inner: window.innerWidth};
})"""


@pytest.fixture
def scale_links(live_server: Any) -> dict[str, str]:
    from kundpuls.instruments import parse_definition
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys import drafts
    from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish, save_definition

    unit = Unit.objects.get(code="VOF-HT-N")
    links = {}
    for key in ("nps", "csat"):
        version = publish(create_from_template(key, owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
        links[key] = live_server.url + open_distribution(version.survey, unit, actor=CLI).public_path
    data = drafts.blank_definition("tio", "Betyg 1–10")
    rating = drafts.default_question("rating", "betyg") | {"dont_know": True}
    rating["scale"] = rating["scale"] | {"max": 10}
    data = drafts.replace_question(data, "fraga_1", rating)
    version = publish(save_definition(parse_definition(data), owner=unit, actor=CLI), actor=CLI)
    links["tio"] = live_server.url + open_distribution(version.survey, unit, actor=CLI).public_path
    return links


@pytest.mark.parametrize("width", [320, 375])
def test_scales_fit_one_row_of_equal_boxes(
    new_page: Callable[..., Any], scale_links: dict[str, str], width: int, tmp_path: Path
) -> None:
    page = new_page(width=width, height=900)
    points = {}
    for key, url in scale_links.items():
        page.goto(url)
        rows = page.evaluate(ROW)
        assert rows, key
        for row in rows:
            assert len(set(row["tops"])) == 1, (key, width, row)  # one row
            assert max(row["widths"]) - min(row["widths"]) < 1, (key, width, row)  # every box the same size
            assert row["right"] <= row["inner"], (key, width, row)
        points[key] = rows[0]["n"]
        page.screenshot(path=str(tmp_path / f"scale-{key}-{width}.png"), full_page=True)
    assert points == {"nps": 11, "csat": 5, "tio": 10}
