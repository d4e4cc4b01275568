"""The methods in technical terms are said in the reader's language, every sentence the statistics layer
can state, part by part (before, the Swedish page and PDF showed them in English)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from kundpuls.render.labels import MESSAGES
from kundpuls.render.method_notes import COUNTED_PARTS, PARTS, method_in
from kundpuls.reports.needs import kano_method
from kundpuls.stats.funnel import funnel, funnel_means
from kundpuls.stats.price import price_sensitivity


def _stated_methods() -> list[str]:
    counts, totals = np.array([30, 40, 20, 35, 50]), np.array([60, 70, 45, 60, 80])
    means, sds = np.array([70.0, 75.0, 68.0, 72.0, 80.0]), np.full(5, 15.0)
    methods = [
        funnel(counts, totals, exact=exact, overdispersion=od).method
        for exact in (False, True)
        for od in (False, True)
    ]
    methods += [funnel_means(means, sds, totals, overdispersion=od).method for od in (False, True)]
    methods.append(kano_method(7))
    rng = np.random.default_rng(3)
    low = rng.uniform(50, 100, 60)
    prices = [low, low + 20, low + 60, low + 90]
    plain = price_sensitivity(*prices, threshold=7)
    with_intent = price_sensitivity(
        *prices, intent_cheap=rng.integers(1, 6, 60), intent_expensive=rng.integers(1, 6, 60), threshold=7
    )
    methods += [
        m.method + "; fewer than 7 consistent respondents are not shown" for m in (plain, with_intent)
    ]
    return methods


STATED = _stated_methods()
ENGLISH_ONLY = re.compile(
    r"\b(limits|around|pooled|winsorised|overdispersion|evaluation|most frequent|fewer than|"
    r"respondents|crossings|trial|revenue|shown|feature|Better|Worse)\b"
)


def test_the_statistics_layer_states_every_variant_the_notes_know() -> None:
    assert len(set(STATED)) == len(STATED) == 9
    assert any("NMS trial/revenue" in m for m in STATED) and any("exact binomial" in m for m in STATED)


@pytest.mark.parametrize("method", STATED)
def test_every_part_of_every_stated_method_is_said_in_swedish(method: str) -> None:
    swedish = method_in(method, "sv")
    assert not ENGLISH_ONLY.search(swedish), swedish
    assert swedish.count("; ") == method.count("; ")  # part by part: nothing dropped
    assert method_in(method, "en") != swedish


def test_every_part_has_a_message_and_an_unknown_part_is_kept_not_dropped() -> None:
    assert set(PARTS.values()) | {name for _, name in COUNTED_PARTS} <= set(MESSAGES)
    assert method_in("exact binomial limits around the pooled share; something new", "sv") == (
        "exakta binomialgränser kring den sammanvägda andelen; something new"
    )
    assert "färre än 12 svarspar" in method_in(kano_method(12), "sv")
