"""Query engines: DuckDB (default, one machine) and Spark (scale-out), behind one small interface.

An engine runs a statement from :mod:`kundpuls.analytics.query_specs` over named relations: lake files
(one list of Parquet paths per relation, schemas unified by column name) and small in-memory Arrow
tables (the unit and period maps). It returns a ``pyarrow.Table``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.dataset as pads

from kundpuls.analytics.lake.manifest import LakeLocation
from kundpuls.errors import ConfigurationError

#: DuckDB settings: never install or load an extension on demand (nothing may download at run time).
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class Engine(Protocol):
    """What the query runners need from an engine."""

    name: str

    def execute(
        self,
        sql: str,
        *,
        lake: LakeLocation,
        files: Mapping[str, Sequence[str]],
        tables: Mapping[str, pa.Table],
        columns: Mapping[str, Mapping[str, str]] | None = None,
    ) -> pa.Table:
        """Run ``sql`` with ``files`` (relation -> lake-relative Parquet paths) and ``tables`` registered.

        ``columns`` names columns (``{relation: {column: "DOUBLE" | "STRING"}}``) the statement needs;
        a relation whose files lack one gets it as NULLs (e.g. an item added in a later survey version).
        """
        ...


class DuckDBEngine:
    """In-process DuckDB; reads local lakes directly and other filesystems through pyarrow datasets.

    Parameters
    ----------
    threads : int, optional
        Worker threads (DuckDB's default is the number of cores).
    memory_limit : str, optional
        E.g. ``"2GB"``; DuckDB spills to disk beyond it.
    """

    name = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        self.threads = threads
        self.memory_limit = memory_limit
        self._database: Any = None
        self._lock = threading.Lock()

    def connect(self) -> Any:
        """A DuckDB connection (a cursor on this engine's in-memory database, opened once with
        extension auto-install and auto-load off). Each call returns a separate connection, so
        threads may query in parallel; temporary views are private to a connection."""
        import duckdb

        with self._lock:
            if self._database is None:
                config: dict[str, Any] = dict(DUCKDB_CONFIG)
                if self.threads is not None:
                    config["threads"] = int(self.threads)
                if self.memory_limit is not None:
                    config["memory_limit"] = self.memory_limit
                self._database = duckdb.connect(config=config)
            return self._database.cursor()

    def execute(
        self,
        sql: str,
        *,
        lake: LakeLocation,
        files: Mapping[str, Sequence[str]],
        tables: Mapping[str, pa.Table],
        columns: Mapping[str, Mapping[str, str]] | None = None,
    ) -> pa.Table:
        con = self.connect()
        try:
            for name, relative in files.items():
                paths = [lake.path(p) for p in relative]
                if lake.is_local:
                    # a TEMPORARY view is private to this cursor; ``relation.create_view`` would make one in
                    # the shared catalogue, where two threads' queries replace each other's files
                    listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
                    con.sql(
                        f"CREATE OR REPLACE TEMPORARY VIEW {name}_files AS "
                        f"SELECT * FROM read_parquet([{listed}], union_by_name = true)"
                    )
                else:
                    con.register(f"{name}_files", _arrow_dataset(lake, paths))
                present = con.sql(f"SELECT * FROM {name}_files LIMIT 0").columns
                con.sql(_completing_view(name, present, (columns or {}).get(name, {})))
            for name, table in tables.items():
                con.register(name, table)
            return con.sql(sql).to_arrow_table()
        finally:
            con.close()


def _completing_view(name: str, present: Sequence[str], needed: Mapping[str, str]) -> str:
    """``CREATE … VIEW name`` over ``name_files`` adding needed columns that the files lack, as NULLs."""
    missing = [
        f"CAST(NULL AS {kind}) AS {column}" for column, kind in needed.items() if column not in set(present)
    ]
    extra = "".join(f", {m}" for m in missing)
    return f"CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT *{extra} FROM {name}_files"


def _arrow_dataset(lake: LakeLocation, paths: Sequence[str]) -> pads.Dataset:
    schemas = [pads.dataset(p, filesystem=lake.filesystem, format="parquet").schema for p in paths]
    schema = pa.unify_schemas(schemas)
    return pads.dataset(list(paths), filesystem=lake.filesystem, format="parquet", schema=schema)


class SparkEngine:
    """Spark SQL on a ``SparkSession`` (local mode by default; a cluster when given one).

    Parameters
    ----------
    spark : pyspark.sql.SparkSession, optional
        An existing session (e.g. on a cluster). Without one, a local session is created on first use
        with ``local_session()``.
    root_uri : str, optional
        URI under which Spark reaches the lake (e.g. ``s3a://bucket/lake``) when it differs from the
        path Kundpuls uses (a lake on object storage, or a local folder mounted elsewhere on the
        cluster). Lake-relative file paths are appended to it.
    """

    name = "spark"

    def __init__(self, spark: Any = None, *, root_uri: str | None = None) -> None:
        self._spark = spark
        self.root_uri = root_uri

    @property
    def spark(self) -> Any:
        if self._spark is None:
            self._spark = local_session()
        return self._spark

    def execute(
        self,
        sql: str,
        *,
        lake: LakeLocation,
        files: Mapping[str, Sequence[str]],
        tables: Mapping[str, pa.Table],
        columns: Mapping[str, Mapping[str, str]] | None = None,
    ) -> pa.Table:
        spark = self.spark
        root = self.root_uri.rstrip("/") if self.root_uri else None
        if root is None and not lake.is_local:
            raise ConfigurationError(
                "SparkEngine: give root_uri (e.g. s3a://bucket/lake) for a lake that is not a local folder"
            )
        for name, relative in files.items():
            paths = [f"{root}/{p}" if root else lake.path(p) for p in relative]
            frame = spark.read.option("mergeSchema", "true").parquet(*paths)
            frame.createOrReplaceTempView(f"{name}_files")
            spark.sql(_completing_view(name, frame.columns, (columns or {}).get(name, {})))
        for name, table in tables.items():
            spark.createDataFrame(table, schema=_spark_schema(table.schema)).createOrReplaceTempView(name)
        return spark.sql(sql).toArrow()


def _spark_schema(schema: pa.Schema) -> str:
    types = {pa.string(): "string", pa.int64(): "bigint", pa.float64(): "double", pa.int32(): "int"}
    parts = []
    for field in schema:
        if field.type not in types:
            raise ConfigurationError(f"SparkEngine: no Spark type for column {field.name} ({field.type})")
        parts.append(f"{field.name} {types[field.type]}")
    return ", ".join(parts)


def local_session(*, app_name: str = "kundpuls", cores: int = 2, memory: str = "1g") -> Any:
    """A local-mode SparkSession for one machine and for tests (no UI, loopback only, small shuffles).

    Requires the optional extra ``kundpuls[spark]`` (pyspark ≥ 4) and Java 17.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigurationError(
            "Spark: pyspark is not installed; install the extra kundpuls[spark]"
        ) from exc
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(max(2, cores)))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )


_DEFAULT_DUCKDB: list[DuckDBEngine] = []


def _default_duckdb() -> DuckDBEngine:
    """One shared default engine per process (its database is opened once)."""
    if not _DEFAULT_DUCKDB:
        _DEFAULT_DUCKDB.append(DuckDBEngine())
    return _DEFAULT_DUCKDB[0]


def resolve_engine(engine: Engine | str | None) -> Engine:
    """``None``/"duckdb" -> :class:`DuckDBEngine`, "spark" -> :class:`SparkEngine`, an engine as is."""
    if engine is None or engine == "duckdb":
        return _default_duckdb()
    if engine == "spark":
        return SparkEngine()
    if isinstance(engine, str):
        raise ConfigurationError(f"engine: {engine!r} is not 'duckdb' or 'spark'")
    return engine
