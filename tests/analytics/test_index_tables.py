"""Index tables from the lake agree with docs/methods.md worked examples and with the raw-data functions."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from kundpuls.analytics.index_tables import index_table
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.analytics.rollup import sufficient_statistics
from kundpuls.errors import InvalidArgument
from kundpuls.stats.indices import nps, satisfaction_index

from .conftest import ITEMS, ListSource, make_records

pytestmark = pytest.mark.filterwarnings("ignore::kundpuls.errors.SmallSampleWarning")


def _lake_of(values: list[int | None], key: str, tmp_path, *, unit_paths=None) -> None:
    records = []
    for i, value in enumerate(values, start=1):
        code, path = ("u1", "/org/u1/") if unit_paths is None else unit_paths[i % len(unit_paths)]
        records.append(
            {
                "response_id": i,
                "submission_id": f"s{i}",
                "survey": "ex",
                "unit_code": code,
                "unit_path": path,
                "submitted_at": datetime(2024, 3, 10, tzinfo=UTC),
                "answers": {key: value},
            }
        )
    sync_lake(tmp_path, ListSource(records))


def test_it_reproduces_methods_example_e1_4_insikt_on_a_1_to_6_scale(tmp_path):
    _lake_of([6, 5, 5, 4, 6, 3, 5, 6, 2, 5, 4, 6], "nki", tmp_path)
    stats = sufficient_statistics(tmp_path, "ex", scales={"nki": (1, 6)}, period="month", units=["u1"])
    row = index_table(stats).iloc[0]
    # docs/methods.md E1.4: index 75.0, t-CI (df 11) [58.632, 91.368]; tolerance 1e-3 (conventions)
    assert row["estimate"] == pytest.approx(75.0, abs=1e-3)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((58.632, 91.368), abs=1e-3)
    assert row["n"] == 12


def test_it_reproduces_methods_example_e3_2_adjusted_wald_nps(tmp_path):
    scores = [10] * 90 + [7] * 60 + [3] * 50
    _lake_of(scores, "rek", tmp_path)
    stats = sufficient_statistics(tmp_path, "ex", nps_items=["rek"], period="all", units=["org"])
    row = index_table(stats).iloc[0]
    # docs/methods.md E3.2: adjusted Wald CI [8.544, 30.865] (the estimate stays the plain NPS 20.0, as in
    # kundpuls.stats); tolerance 1e-3
    assert row["estimate"] == pytest.approx(20.0, abs=1e-3)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((8.544, 30.865), abs=1e-3)
    wald = index_table(stats, nps_method="wald").iloc[0]
    # docs/methods.md E3.1: NPS 20.0, Wald CI [8.741, 31.259]
    assert (wald["estimate"], wald["ci_low"], wald["ci_high"]) == pytest.approx(
        (20.0, 8.741, 31.259), abs=1e-3
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_every_group_matches_the_raw_data_functions(tmp_path, weighted):
    records = make_records(400, seed=21, missing=0.15)
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    stats = sufficient_statistics(
        tmp_path, "demo", period="quarter", rollup=False, weighted=weighted, threshold=7
    )
    table = index_table(stats)
    frame = pd.DataFrame(
        {
            "unit": [r["unit_code"] for r in records],
            "quarter": [
                f"{r['submitted_at'].year}-Q{(r['submitted_at'].month - 1) // 3 + 1}" for r in records
            ],
            "q1": [r["answers"]["q1"] for r in records],
            "nps": [r["answers"]["nps"] for r in records],
            "w": [r["weight"] for r in records],
        }
    )
    checked = 0
    for row in table.itertuples(index=False):
        group = frame[(frame["unit"] == row.unit) & (frame["quarter"] == row.period)]
        values = group[row.item].dropna()
        weights = group.loc[values.index, "w"].to_numpy(dtype=float) if weighted else None
        if row.item == "q1":
            expected = satisfaction_index(
                values.to_numpy(dtype=float)[:, None],
                scale=(1, 10),
                threshold=7,
                sample_weights=weights,
                variance="kish",
            )
        else:
            expected = nps(values.to_numpy(dtype=float), threshold=7, sample_weights=weights, variance="kish")
        assert row.suppressed == expected.suppressed
        if row.suppressed:
            assert pd.isna(row.n) and np.isnan(row.estimate)
            continue
        checked += 1
        assert row.n == expected.n
        # same formulas on moments vs raw values: agreement to rounding error
        assert row.estimate == pytest.approx(expected.estimate, rel=1e-9, abs=1e-9)
        assert row.ci_low == pytest.approx(expected.ci_low, rel=1e-9, abs=1e-9)
        assert row.ci_high == pytest.approx(expected.ci_high, rel=1e-9, abs=1e-9)
        assert row.n_eff == pytest.approx(expected.n_eff, rel=1e-9)
    assert checked > 10


def test_suppressed_rows_carry_no_numbers(tmp_path):
    _lake_of([5, 6, 7], "nki", tmp_path)
    stats = sufficient_statistics(tmp_path, "ex", scales={"nki": (1, 10)})
    assert stats.table["suppressed"].all()
    assert stats.table[["n", "sum", "sumsq"]].isna().all().all()
    table = index_table(stats)
    assert table[["estimate", "ci_low", "ci_high"]].isna().all().all()
    assert table[["n", "n_eff"]].isna().all().all()


def test_it_names_an_item_without_a_scale(tmp_path):
    _lake_of([5] * 10, "nki", tmp_path)
    with pytest.raises(InvalidArgument, match="nki"):
        index_table(sufficient_statistics(tmp_path, "ex"))


def test_every_item_means_every_item_with_a_scale_a_yes_no_item_is_left_out(tmp_path):
    """The web's NKI survey has a yes/no item (contact wanted) beside its 1–10 items: no index for it."""
    records = [
        {
            "response_id": i,
            "submission_id": f"s{i}",
            "survey": "ex",
            "unit_code": "u1",
            "unit_path": "/org/u1/",
            "submitted_at": datetime(2024, 3, 10, tzinfo=UTC),
            "answers": {"nki": 5 + i % 5, "kontakt": i % 2},
        }
        for i in range(1, 21)
    ]
    items = {"ex": {"nki": {"min": 1, "max": 10, "kind": "rating"}, "kontakt": {}}}
    sync_lake(tmp_path, ListSource(records), survey_items=items)
    table = index_table(sufficient_statistics(tmp_path, "ex", period="all", threshold=1))
    assert set(table["item"]) == {"nki"}
    with pytest.raises(InvalidArgument, match="kontakt"):  # asked for by name, it is named
        index_table(sufficient_statistics(tmp_path, "ex", items=["kontakt"], period="all", threshold=1))
