"""The shared result records."""

from __future__ import annotations

import json
import math

import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.stats.results import Comparison, IndexResult


def test_build_turns_nan_into_none_and_blanks_suppressed_numbers() -> None:
    r = IndexResult.build(
        estimate=50.0, ci_low=math.nan, ci_high=60.0, n=3, n_eff=3.0, method="m", suppressed=False, se=2.0
    )
    assert r.ci_low is None and r.estimate == 50.0
    hidden = IndexResult.build(
        estimate=50.0, ci_low=40.0, ci_high=60.0, n=3, n_eff=3.0, method="m", suppressed=True, se=2.0
    )
    assert (hidden.estimate, hidden.ci_low, hidden.ci_high, hidden.se) == (None, None, None, None)
    assert hidden.n == 3 and hidden.suppressed


def test_to_dict_is_json_serialisable_with_the_fixed_field_names() -> None:
    r = IndexResult.build(
        estimate=50.0, ci_low=40.0, ci_high=60.0, n=12, n_eff=11.5, method="m", suppressed=False
    )
    data = json.loads(json.dumps(r.to_dict()))
    assert {"estimate", "ci_low", "ci_high", "n", "n_eff", "method", "suppressed"} <= set(data)
    c = Comparison(
        difference=1.0,
        ci_low=0.0,
        ci_high=2.0,
        se=0.5,
        statistic=2.0,
        df=None,
        p_value=0.04,
        significant=True,
        method="z",
        n_a=10,
        n_b=12,
    )
    assert json.loads(json.dumps(c.to_dict()))["significant"] is True


def test_results_are_frozen() -> None:
    r = IndexResult.build(estimate=1.0, ci_low=0.0, ci_high=2.0, n=9, n_eff=9, method="m", suppressed=False)
    with pytest.raises(AttributeError):
        r.estimate = 2.0  # type: ignore[misc]


def test_a_hidden_value_has_no_numbers_not_even_n_and_keeps_which_index_it_is() -> None:
    hidden = IndexResult.hidden("NPS", "NPS", kind="nps", method="m")
    assert (hidden.estimate, hidden.ci_low, hidden.ci_high, hidden.n, hidden.se) == (None,) * 5
    assert hidden.suppressed and (hidden.key, hidden.label, hidden.kind, hidden.method) == (
        "NPS",
        "NPS",
        "nps",
        "m",
    )


def test_a_result_named_as_a_survey_index_keeps_its_numbers() -> None:
    r = IndexResult.build(
        estimate=71.5, ci_low=68.0, ci_high=75.0, n=40, n_eff=40, method="m", suppressed=False, se=1.8
    )
    named = r.named("NKI", "Nöjd-Kund-Index", kind="index")
    assert (named.key, named.label, named.kind) == ("NKI", "Nöjd-Kund-Index", "index")
    assert named.to_dict() == r.to_dict()


def test_a_kind_that_is_no_scale_is_refused_naming_the_field_and_value() -> None:
    with pytest.raises(InvalidArgument, match="kind: 'percent'"):
        IndexResult(1.0, 0.0, 2.0, 9, 9.0, "m", False, kind="percent")


def test_to_dict_gives_the_statistics_fields_only() -> None:
    r = IndexResult.build(estimate=1.0, ci_low=0.0, ci_high=2.0, n=9, n_eff=9, method="m", suppressed=False)
    assert list(r.named("K", "L").to_dict()) == [
        "estimate",
        "ci_low",
        "ci_high",
        "n",
        "n_eff",
        "method",
        "suppressed",
        "se",
        "confidence",
    ]
