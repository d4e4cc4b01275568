"""A batch's answer columns hold what the record path made of every value, whichever way they were parsed."""

from __future__ import annotations

import json
import math
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.analytics.lake.answer_columns import AnswerGroup, batch_answer_columns
from kundpuls.analytics.lake.records import flatten_records
from kundpuls.errors import ValidationError
from old_record_path import split_answers

KINDS = {"betyg": "numeric", "ja": "boolean", "kon": "choice", "fritt": "text", "flera": "choices"}

# One type per key and batch (what Arrow reads as a column), or a mix (what only json.loads reads).
_VALUES = {
    "whole": st.integers(-(2**62), 2**62),
    "huge": st.integers(2**63, 2**70),
    "decimal": st.floats(allow_nan=False, allow_infinity=False),
    "yes/no": st.booleans(),
    "text": st.text(max_size=8),
    "list": st.lists(st.sampled_from(["a", "b"]), max_size=2),
}


@st.composite
def _batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    types = {key: draw(st.lists(st.sampled_from(sorted(_VALUES)), min_size=1, max_size=2)) for key in KINDS}
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        row = {}
        for key, choices in types.items():
            presence = draw(st.sampled_from(["value", "value", "null", "absent"]))
            if presence == "null":
                row[key] = None
            elif presence == "value":
                row[key] = draw(_VALUES[draw(st.sampled_from(choices))])
        rows.append(row)
    return rows


def _reference(rows: list[dict[str, Any]]) -> dict[str, list[Any]] | type[Exception]:
    """The record path: each value as the sync's records held it, flattened as records are."""
    records = []
    try:
        for stored in rows:
            answers, background, comments = split_answers(stored, KINDS)
            records.append({"answers": answers, "background": background, "comments": comments})
    except (TypeError, ValueError) as exc:
        return type(exc)
    table = flatten_records(records)
    return {name: table.column(name).to_pylist() for name in table.column_names}


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    return bool(left == right) and type(left) is type(right)


@settings(max_examples=300, deadline=None)
@given(_batches())
def test_every_value_becomes_what_the_record_path_made_of_it(rows: list[dict[str, Any]]) -> None:
    texts = [json.dumps(row) for row in rows]
    expected = _reference(rows)
    if isinstance(expected, type):
        with pytest.raises(expected):
            batch_answer_columns(texts, [AnswerGroup(range(len(rows)), KINDS)])
        return
    columns = batch_answer_columns(texts, [AnswerGroup(range(len(rows)), KINDS)])
    assert sorted(columns) == sorted(expected)
    for name, values in expected.items():
        got = columns[name].to_pylist()
        assert all(_same(a, b) for a, b in zip(got, values, strict=True)), (name, got, values)


def test_versions_are_read_apart_and_put_back_in_batch_order() -> None:
    texts = ['{"q": 4}', '{"q": "fyra"}', '{"q": 5, "r": true}', '{"q": "fem"}']
    columns = batch_answer_columns(
        texts,
        [AnswerGroup([0, 2], {"q": "numeric", "r": "boolean"}), AnswerGroup([1, 3], {"q": "choice"})],
    )
    assert columns["item_q"].to_pylist() == [4.0, None, 5.0, None]
    assert columns["bg_q"].to_pylist() == [None, "fyra", None, "fem"]
    assert columns["item_r"].to_pylist() == [None, None, 1.0, None]
    assert columns["item_q"].type == pa.float64()


def test_an_answer_set_that_is_not_an_object_is_refused_with_its_row() -> None:
    with pytest.raises(ValidationError, match=r"answers\[1\]"):
        batch_answer_columns(['{"q": 1}', "null"], [AnswerGroup([0, 1], {"q": "numeric"})])
