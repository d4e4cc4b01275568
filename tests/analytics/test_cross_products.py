"""Cross-product matrices equal covariances computed on the raw responses."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.analytics.cross_products import cross_products
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.errors import InvalidArgument

from .conftest import ITEMS, SMALL_TREE, ListSource, make_records


def test_covariances_and_means_match_numpy_on_complete_cases(tmp_path):
    records = make_records(500, seed=61, missing=0.2)
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    result = cross_products(tmp_path, "demo", ["q1", "nps"], period="all")
    for g, row in result.groups.iterrows():
        members = {c for c, p in SMALL_TREE.items() if f"/{row['unit']}/" in p}
        complete = np.array(
            [
                [r["answers"]["q1"], r["answers"]["nps"]]
                for r in records
                if r["unit_code"] in members and None not in (r["answers"]["q1"], r["answers"]["nps"])
            ],
            dtype=float,
        )
        assert row["n"] == len(complete)
        # one-pass moments vs numpy's two-pass covariance: agreement to rounding error
        np.testing.assert_allclose(result.covariance(g), np.cov(complete, rowvar=False), rtol=1e-9)
        np.testing.assert_allclose(result.correlation(g), np.corrcoef(complete, rowvar=False), rtol=1e-9)
        np.testing.assert_allclose(result.means()[g], complete.mean(axis=0), rtol=1e-12)


def test_small_groups_carry_no_matrices(tmp_path):
    records = make_records(40, seed=62)
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    result = cross_products(tmp_path, "demo", ["q1", "nps"], period="month", threshold=7)
    hidden = result.groups["suppressed"].to_numpy()
    assert hidden.any()
    assert np.isnan(result.products[hidden]).all() and np.isnan(result.sums[hidden]).all()
    assert result.groups.loc[hidden, "n"].isna().all()
    with pytest.raises(InvalidArgument, match="suppressed"):
        result.covariance(int(np.flatnonzero(hidden)[0]))


def test_it_names_an_unknown_item(tmp_path):
    sync_lake(tmp_path, ListSource(make_records(20, seed=63)), survey_items={"demo": ITEMS})
    with pytest.raises(InvalidArgument, match="zz"):
        cross_products(tmp_path, "demo", ["q1", "zz"])
