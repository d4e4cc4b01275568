"""Roll-up through the unit tree: the one-pass query equals a brute-force computation per ancestor."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundpuls.analytics.lake.layout import month_from_index, month_index
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.analytics.periods import period_table
from kundpuls.analytics.rollup import sufficient_statistics
from kundpuls.analytics.unit_tree import UnitTree
from kundpuls.errors import InvalidArgument, NotFound

from .conftest import ITEMS, ListSource, make_records

FIRST_MONTH = month_index("2023-11")


@st.composite
def trees_and_responses(draw):
    size = draw(st.integers(1, 9))
    parents = [None] + [draw(st.one_of(st.none(), st.integers(0, i - 1))) for i in range(1, size)]
    codes = [f"u{i}" for i in range(size)]

    def path(i: int) -> str:
        chain = [i]
        while parents[chain[-1]] is not None:
            chain.append(parents[chain[-1]])
        return "/" + "/".join(codes[j] for j in reversed(chain)) + "/"

    paths = {codes[i]: path(i) for i in range(size)}
    answer = st.one_of(st.none(), st.integers(1, 10))
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, size - 1),
                st.integers(0, 7),
                answer,
                st.one_of(st.none(), st.integers(0, 10)),
                st.sampled_from(["a", "b", None]),
            ),
            min_size=1,
            max_size=60,
        )
    )
    return codes, paths, rows


def _records(codes, paths, rows):
    records = []
    for i, (unit, month, q1, nps, segment) in enumerate(rows, start=1):
        year, mon = month_from_index(FIRST_MONTH + month).split("-")
        records.append(
            {
                "response_id": i,
                "submission_id": f"s{i}",
                "survey": "demo",
                "unit_code": codes[unit],
                "unit_path": paths[codes[unit]],
                "submitted_at": datetime(int(year), int(mon), 15, 12, tzinfo=UTC),
                "answers": {"q1": q1, "nps": nps},
                "background": {"seg": segment},
            }
        )
    return records


def _brute_force(codes, paths, rows, kind, *, rollup, segmented):
    tree = UnitTree.from_paths(paths)
    months = sorted({month_from_index(FIRST_MONTH + r[1]) for r in rows})
    periods = period_table(months, kind).to_pandas()
    expected = {}
    for unit in codes:
        members = set(tree.descendants(unit)) if rollup else {unit}
        for period, group in periods.groupby("period"):
            in_period = set(group["period_month"])
            chosen = [
                r
                for r in rows
                if codes[r[0]] in members and month_from_index(FIRST_MONTH + r[1]) in in_period
            ]
            segments = sorted({r[4] for r in chosen}, key=str) if segmented else [None]
            for segment in segments:
                part = [r for r in chosen if not segmented or r[4] == segment]
                if not part:
                    continue
                for key, position in (("q1", 2), ("nps", 3)):
                    values = np.array([r[position] for r in part if r[position] is not None], dtype=float)
                    expected[(unit, period, segment, key)] = (
                        len(values),
                        values.sum(),
                        (values**2).sum(),
                        int((values >= 9).sum()) if key == "nps" else None,
                        int((values <= 6).sum()) if key == "nps" else None,
                    )
    return expected


def _observed(table: pd.DataFrame, *, segmented: bool) -> dict:
    observed = {}
    for row in table.itertuples(index=False):
        segment = (None if pd.isna(row.segment) else row.segment) if segmented else None
        n = 0 if pd.isna(row.n) else int(row.n)
        observed[(row.unit, row.period, segment, row.item)] = (
            n,
            0.0 if pd.isna(row.sum) else float(row.sum),
            0.0 if pd.isna(row.sumsq) else float(row.sumsq),
            None if row.item != "nps" else (0 if pd.isna(row.promoters) else int(row.promoters)),
            None if row.item != "nps" else (0 if pd.isna(row.detractors) else int(row.detractors)),
        )
    return observed


VARIANTS = [
    ("month", True, False),
    ("quarter", True, True),
    ("rolling12", True, False),
    ("year", False, True),
]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=trees_and_responses())
def test_the_one_pass_roll_up_equals_brute_force_per_ancestor(data):
    codes, paths, rows = data
    with tempfile.TemporaryDirectory() as lake:
        sync_lake(lake, ListSource(_records(codes, paths, rows)), survey_items={"demo": ITEMS})
        for kind, rollup, segmented in VARIANTS:
            stats = sufficient_statistics(
                lake,
                "demo",
                period=kind,
                rollup=rollup,
                segment="seg" if segmented else None,
                threshold=1,
                complementary=False,
            )
            expected = _brute_force(codes, paths, rows, kind, rollup=rollup, segmented=segmented)
            # integer answers: every sum is exact in floating point, so the comparison is exact
            assert _observed(stats.table, segmented=segmented) == expected, (kind, rollup, segmented)


def test_row_order_of_the_input_does_not_change_the_statistics(tmp_path):
    records = make_records(200, seed=11)
    shuffled = [dict(r) for r in records]
    rng = np.random.default_rng(0)
    ids = rng.permutation(len(records)) + 1
    for record, new_id in zip(shuffled, ids, strict=True):
        record["response_id"] = int(new_id)
    sync_lake(tmp_path / "a", ListSource(records), batch_size=33, survey_items={"demo": ITEMS})
    sync_lake(tmp_path / "b", ListSource(shuffled), batch_size=57, survey_items={"demo": ITEMS})
    a = sufficient_statistics(tmp_path / "a", "demo", period="quarter").table
    b = sufficient_statistics(tmp_path / "b", "demo", period="quarter").table
    pd.testing.assert_frame_equal(a, b)


def test_it_reports_only_the_requested_units_with_their_whole_subtree(tmp_path):
    records = make_records(200, seed=12)
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    full = sufficient_statistics(tmp_path, "demo", period="all", threshold=1).table
    some = sufficient_statistics(tmp_path, "demo", period="all", units=["2"], threshold=1).table
    assert set(some["unit"]) == {"2"}
    pd.testing.assert_frame_equal(
        some.reset_index(drop=True),
        full[full["unit"] == "2"].reset_index(drop=True),
        check_categorical=False,
    )
    with pytest.raises(NotFound):
        sufficient_statistics(tmp_path, "demo", units=["nope"])


def test_it_names_an_unknown_item_or_segment(tmp_path):
    sync_lake(tmp_path, ListSource(make_records(20, seed=1)), survey_items={"demo": ITEMS})
    with pytest.raises(InvalidArgument, match="zz"):
        sufficient_statistics(tmp_path, "demo", items=["zz"])
    with pytest.raises(InvalidArgument, match="segment"):
        sufficient_statistics(tmp_path, "demo", segment="nope")
    with pytest.raises(NotFound):
        sufficient_statistics(tmp_path, "other")


def test_weighted_sums_count_missing_weights_as_one(tmp_path):
    records = make_records(60, seed=13)
    for record in records[::3]:
        record["weight"] = None
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    table = sufficient_statistics(
        tmp_path, "demo", period="all", weighted=True, units=["1"], threshold=1
    ).table
    row = table[table["item"] == "q1"].iloc[0]
    answered = [r for r in records if r["answers"]["q1"] is not None]
    weights = np.array([1.0 if r["weight"] is None else r["weight"] for r in answered])
    values = np.array([r["answers"]["q1"] for r in answered], dtype=float)
    assert row["weight_sum"] == pytest.approx(weights.sum(), rel=1e-12)
    assert row["weight_sq_sum"] == pytest.approx((weights**2).sum(), rel=1e-12)
    assert row["wsum_x"] == pytest.approx((weights * values).sum(), rel=1e-12)
    assert row["wsum_xx"] == pytest.approx((weights * values**2).sum(), rel=1e-12)
