"""The synthetic demo lake: seeded, bounded in memory, shaped as documented."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kundpuls.analytics.lake.manifest import lake_location, read_manifest
from kundpuls.analytics.rollup import sufficient_statistics
from kundpuls.demo.lake import AGE_GROUPS, NPS_ITEM, RATING_ITEMS, demo_unit_paths, generate_lake
from kundpuls.errors import InvalidArgument


def _content(lake) -> pa.Table:
    location = lake_location(lake)
    manifest = read_manifest(location)
    parts = [pq.read_table(location.path(f.path)) for f in manifest.table_files("responses")]
    return pa.concat_tables(parts).sort_by("response_id")


def test_the_default_tree_has_1000_units_on_four_levels():
    paths = demo_unit_paths(1000)
    depths = np.bincount([p.count("/") - 2 for p in paths.values()])
    assert len(paths) == 1000 and depths.tolist() == [1, 9, 90, 900]


def test_the_same_seed_gives_the_same_lake_and_another_seed_does_not(tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        generate_lake(tmp_path / name, rows=2_000, seed=seed, units=60, months=4, chunk_rows=700)
    assert _content(tmp_path / "a").equals(_content(tmp_path / "b"))
    assert not _content(tmp_path / "a").equals(_content(tmp_path / "c"))


def test_it_writes_chunks_no_larger_than_asked_and_the_documented_columns(tmp_path):
    report = generate_lake(tmp_path, rows=5_000, seed=1, units=60, months=5, chunk_rows=400)
    manifest = read_manifest(lake_location(tmp_path))
    assert report.rows == 5_000 and report.months == 5
    assert max(f.rows for f in manifest.table_files("responses")) <= 400
    table = _content(tmp_path)
    assert table.num_rows == 5_000
    for key in RATING_ITEMS:
        values = table.column(f"item_{key}")
        share_missing = values.null_count / table.num_rows
        assert 0.01 < share_missing < 0.15
        assert pa.compute.min(values).as_py() >= 1 and pa.compute.max(values).as_py() <= 10
    nps = table.column(f"item_{NPS_ITEM}")
    assert pa.compute.min(nps).as_py() >= 0 and pa.compute.max(nps).as_py() <= 10
    assert set(table.column("bg_age_group").to_pylist()) == set(AGE_GROUPS)
    assert len(RATING_ITEMS) == 12
    assert read_manifest(lake_location(tmp_path)).survey_items("demo")[NPS_ITEM]["kind"] == "nps"


def test_the_areas_drive_nki_as_generated(tmp_path):
    generate_lake(tmp_path, rows=6_000, seed=2, units=30, months=2)
    from kundpuls.analytics.cross_products import cross_products

    result = cross_products(tmp_path, "demo", ["bem1", "til1", "nki1"], units=["1"])
    corr = result.correlation(0)
    # TRUE_DRIVERS: Bemötande (0.45) drives NKI more than Tillgänglighet (0.15)
    assert corr[0, 2] > corr[1, 2] > 0


def test_the_demo_lake_is_queryable_and_appends(tmp_path):
    generate_lake(tmp_path, rows=1_000, seed=1, units=30, months=3)
    generate_lake(tmp_path, rows=500, seed=2, units=30, months=3)
    stats = sufficient_statistics(tmp_path, "demo", period="all", units=["1"], items=[NPS_ITEM])
    assert int(stats.table["n"].iloc[0]) > 1_300
    assert read_manifest(lake_location(tmp_path)).watermark == 1_500


def test_it_rejects_bad_arguments():
    with pytest.raises(InvalidArgument, match="rows"):
        generate_lake("unused", rows=0)
    with pytest.raises(InvalidArgument, match="units"):
        demo_unit_paths(2)
