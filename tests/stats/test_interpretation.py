"""Grade bands and SKR Insikt eligibility (docs/methods.md §1.2, §1.9, §1.10)."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.stats.indices import satisfaction_index
from kundpuls.stats.interpretation import INSIKT_BANDS, grade, insikt_eligibility


def test_it_uses_the_published_scb_cut_offs() -> None:
    # docs/methods.md §1.2: < 40 not approved, ≥ 75 very satisfied (RMV 2010); NKI 85 is "very satisfied".
    assert grade(39.99) == "Inte godkänt"
    assert grade(40) == "Godkänt"
    assert grade(75) == grade(85) == "Mycket nöjd"


def test_insikt_bands_put_exactly_seventy_in_godkant() -> None:
    # docs/methods.md §1.9: < 60 underkänt, 60–70 godkänt, > 70 väl godkänt.
    assert [grade(v, bands=INSIKT_BANDS) for v in (59.9, 60, 70, 70.01)] == [
        "Underkänt",
        "Godkänt",
        "Godkänt",
        "Väl godkänt",
    ]


def test_a_suppressed_result_has_no_grade() -> None:
    assert grade(satisfaction_index(np.array([[8.0], [9.0]]))) is None
    assert grade(None) is None


def test_the_insikt_example_e1_4_is_shown_and_ranked_per_area_but_not_in_total() -> None:
    # docs/methods.md E1.4: n = 12 passes the ≥ 7 display rule and the ≥ 10 ranking rule but not ≥ 20 total.
    r = insikt_eligibility({"bygglov": 12})
    assert r["bygglov"].shown and r["bygglov"].ranked_area
    assert not r["total"].ranked_total and "12 < 20" in r["total"].reasons[0]


def test_response_rates_gate_the_official_ranking() -> None:
    r = insikt_eligibility({"a": 30, "b": 25}, response_rate_per_area={"a": 0.6, "b": 0.25})
    assert r["a"].ranked_area and not r["b"].ranked_area
    assert not r["total"].ranked_total
    ok = insikt_eligibility({"a": 30, "b": 25}, response_rate_per_area={"a": 0.5, "b": 0.35})
    assert ok["total"].ranked_total


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: grade(50, bands=[(50, "b"), (0, "a")]), "bands:"),
        (lambda: insikt_eligibility({"a": -1}), "answers_per_area: 'a'"),
        (lambda: insikt_eligibility({"a": 10}, response_rate_per_area={"a": 40}), "response_rate_per_area"),
    ],
)
def test_it_rejects_bad_input(call, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument, match=message):
        call()
