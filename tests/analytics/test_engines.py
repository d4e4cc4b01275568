"""One query definition, two engines: DuckDB and Spark give identical tables on the same lake."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.fs as pafs
import pytest

from kundpuls.analytics.comments import unit_comments
from kundpuls.analytics.cross_products import cross_products
from kundpuls.analytics.engines import DuckDBEngine, resolve_engine
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.analytics.rollup import sufficient_statistics
from kundpuls.errors import ConfigurationError
from system_tools import require_module, require_tool

from .conftest import ITEMS, ListSource, make_records


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    path = tmp_path_factory.mktemp("lake")
    sync_lake(
        path, ListSource(make_records(600, seed=31, days=420)), batch_size=250, survey_items={"demo": ITEMS}
    )
    return path


@pytest.fixture(scope="session")
def spark_engine():
    require_tool("java")
    require_module("pyspark", "make install-spark")
    from kundpuls.analytics.engines import SparkEngine, local_session

    session = local_session(cores=2, memory="1g")
    session.sparkContext.setLogLevel("ERROR")
    yield SparkEngine(session)
    session.stop()


def test_duckdb_reads_a_lake_on_any_pyarrow_filesystem_like_a_local_one(tmp_path, lake):
    remote = pafs.SubTreeFileSystem(str(tmp_path), pafs.LocalFileSystem())
    sync_lake(
        "lake",
        ListSource(make_records(600, seed=31, days=420)),
        batch_size=250,
        survey_items={"demo": ITEMS},
        filesystem=remote,
    )
    via_fs = sufficient_statistics("lake", "demo", period="quarter", segment="age_group", filesystem=remote)
    local = sufficient_statistics(lake, "demo", period="quarter", segment="age_group")
    pd.testing.assert_frame_equal(via_fs.table, local.table)


def test_it_resolves_engines_by_name():
    assert isinstance(resolve_engine(None), DuckDBEngine)
    assert resolve_engine("spark").name == "spark"
    with pytest.raises(ConfigurationError, match="engine"):
        resolve_engine("oracle")


@pytest.mark.spark
def test_duckdb_and_spark_give_identical_sufficient_statistics(lake, spark_engine):
    options = {"period": "rolling12", "segment": "age_group", "weighted": True}
    duck = sufficient_statistics(lake, "demo", engine="duckdb", **options).table
    spark = sufficient_statistics(lake, "demo", engine=spark_engine, **options).table
    counts = ["n", "promoters", "detractors", "suppressed"]
    pd.testing.assert_frame_equal(duck.drop(columns=counts), spark.drop(columns=counts), rtol=1e-12)
    # counts and integer-valued sums are exact on both engines
    pd.testing.assert_frame_equal(duck[counts], spark[counts])
    assert duck["sum"].equals(spark["sum"]) and duck["sumsq"].equals(spark["sumsq"])


@pytest.mark.spark
def test_duckdb_and_spark_give_identical_cross_products_and_comments(lake, spark_engine):
    duck = cross_products(lake, "demo", ["q1", "nps"], period="year", engine="duckdb")
    spark = cross_products(lake, "demo", ["q1", "nps"], period="year", engine=spark_engine)
    pd.testing.assert_frame_equal(duck.groups, spark.groups)
    np.testing.assert_array_equal(duck.products, spark.products)  # integer answers: exact
    np.testing.assert_array_equal(duck.sums, spark.sums)
    for engine_name, engine in (("duckdb", "duckdb"), ("spark", spark_engine)):
        found = unit_comments(lake, "demo", "1", "2024-Q1", kind="quarter", engine=engine)
        if engine_name == "duckdb":
            expected = found
        else:
            pd.testing.assert_frame_equal(found.comments, expected.comments)
            assert found.respondents == expected.respondents


def test_duckdb_queries_in_parallel_threads_never_see_each_others_files(tmp_path):
    """A server answers requests in threads over one in-process DuckDB: each query's view of its files is
    private to its cursor. (With views in the shared catalogue, one thread's files replaced the other's:
    "Catalog write-write conflict" or a column "not found in FROM clause".)"""
    import threading

    import pyarrow as pa
    import pyarrow.parquet as pq

    from kundpuls.analytics.lake.manifest import lake_location

    for name, column, value in (("a.parquet", "item_a", 1.0), ("b.parquet", "item_b", 2.0)):
        pq.write_table(pa.table({column: [value] * 50}), tmp_path / name)
    location = lake_location(tmp_path)
    engine = DuckDBEngine(threads=1)
    failures: list[str] = []

    def run(file: str, column: str, expected: float) -> None:
        for _ in range(60):
            try:
                table = engine.execute(
                    f"SELECT sum({column}) AS total FROM responses",
                    lake=location,
                    files={"responses": [file]},
                    tables={},
                )
                if table.column("total")[0].as_py() != expected * 50:
                    failures.append(f"{column}: {table.column('total')[0]}")
            except Exception as exc:
                failures.append(f"{column}: {type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=run, args=("a.parquet", "item_a", 1.0)),
        threading.Thread(target=run, args=("b.parquet", "item_b", 2.0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
