"""The productivity and response-rate charts: drawn by kundpuls.render like the report charts."""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import kundpuls
from kundpuls.render.goal_charts import productivity_chart, productivity_note
from kundpuls.render.invitation_charts import response_rate_chart

STATES = {"met": "Uppfyllt", "uncertain": "Osäkert", "not_met": "Ej uppfyllt"}


def _unit(name: str, cost: float, estimate: float | None, state: str) -> dict[str, Any]:
    return {
        "unit_name": name,
        "cost_per_customer": cost,
        "metric_label": "Nöjd-Kund-Index",
        "estimate": estimate,
        "ci_low": None if estimate is None else estimate - 2,
        "ci_high": None if estimate is None else estimate + 2,
        "state": state,
    }


def _texts(svg: str) -> list[str]:
    return re.findall(r">([^<]+)</text>", svg)


def test_the_productivity_chart_has_a_title_a_description_and_the_house_style() -> None:
    rows = [
        _unit("Hemtjänst Norr", 41_500.0, 72.8, "met"),
        _unit("Hemtjänst <Söder>", 47_200.0, 66.1, "not_met"),
        _unit("Hemtjänst Väst", 39_000.0, None, "no_data"),
    ]
    chart = productivity_chart(rows, state_labels=STATES)
    assert chart is not None
    assert chart.svg.startswith("<svg") and 'role="img"' in chart.svg[:400]
    assert "<title>Kostnad per betjänad kund och måluppfyllelse</title>" in chart.svg
    assert chart.description == (
        "2 enheter med kostnader och skattning. Lägst kostnad per betjänad kund: Hemtjänst Norr "
        "(41\xa0500 kr, Nöjd-Kund-Index 72,8); högst: Hemtjänst <Söder> (47\xa0200 kr, Nöjd-Kund-Index 66,1)."
    )
    texts = _texts(chart.svg)
    assert "42\xa0000" in texts  # Swedish thousands on the cost axis
    assert {"Uppfyllt", "Osäkert", "Ej uppfyllt", "Nöjd-Kund-Index"} <= set(texts)  # legend, y title
    assert "Kostnad per betjänad kund och måluppfyllelse" not in texts  # titled once, by the page's heading
    assert "Hemtjänst &lt;Söder&gt;" in texts and "Hemtjänst Väst" not in texts  # escaped; no estimate
    assert 'fill="#1f5a96"' in chart.svg  # the house accent for a met goal
    assert [row[0] for row in chart.table.rows] == ["Hemtjänst Norr", "Hemtjänst <Söder>"]


def test_the_productivity_chart_is_none_without_an_estimate_and_speaks_english() -> None:
    assert productivity_chart([_unit("A", 1_000.0, None, "no_data")], state_labels=STATES) is None
    english = productivity_chart(
        [_unit("A", 12_000.0, 70.0, "met"), _unit("B", 14_000.0, 71.0, "met")],
        state_labels={"met": "Met"},
        language="en",
    )
    assert english is not None and "Cost per served customer (SEK)" in _texts(english.svg)
    assert "12,000" in _texts(english.svg) and "SEK 12,000" in english.description


def test_one_unit_alone_is_not_drawn_and_the_page_is_told_why() -> None:
    alone = [
        _unit("Hemtjänst Norr", 41_500.0, 72.8, "met"),
        _unit("Hemtjänst Väst", 39_000.0, None, "no_data"),
    ]
    assert productivity_chart(alone, state_labels=STATES) is None
    assert productivity_note(alone) == (
        "Inget diagram: bara en enhet har både kostnadsuppgifter och en skattning för perioden, så det finns "
        "inget att jämföra med. Siffrorna står i tabellen nedan."
    )
    assert productivity_note(alone[1:], "en") == "No unit has both cost data and an estimate in this period."
    pair = [*alone, _unit("Hemtjänst Söder", 47_200.0, 66.1, "not_met")]
    assert productivity_note(pair) is None and productivity_chart(pair, state_labels=STATES) is not None


def test_the_response_rate_chart_runs_from_0_to_100_per_cent_with_days_on_the_axis() -> None:
    assert response_rate_chart([]) is None
    rows = [
        {"day": date(2026, 11, 21) + timedelta(days=i), "answered": 4 * i, "rate": 3.3 * i} for i in range(10)
    ]
    chart = response_rate_chart(rows)
    assert chart is not None
    assert "<title>Ackumulerad svarsfrekvens per dag</title>" in chart.svg
    assert chart.description.startswith("Från 2026-11-21 till 2026-11-30 steg svarsfrekvensen till 29,7 %.")
    texts = _texts(chart.svg)
    assert {"0", "50", "100", "21/11", "30/11", "Svarsfrekvens (%)"} <= set(texts)
    assert chart.table.rows[-1] == ("2026-11-30", 36, 29.7)
    english = response_rate_chart(rows, "en")
    assert english is not None and "21 Nov" in _texts(english.svg)


def test_only_render_draws_and_the_contract_covers_every_other_package() -> None:
    pyproject = tomllib.loads((Path(kundpuls.__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    contract = next(
        c
        for c in pyproject["tool"]["importlinter"]["contracts"]
        if str(c["name"]).startswith("Only kundpuls.render draws")
    )
    top = {
        f"kundpuls.{p.stem}"
        for p in Path(kundpuls.__file__).parent.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert set(contract["source_modules"]) == top - {"kundpuls.render"}
    assert {"altair", "vl_convert", "segno"} <= set(contract["forbidden_modules"])
