"""The response lake (Parquet) and the engines that query it (DuckDB, Spark). No Django.

Public API (imported lazily, so ``import kundpuls.analytics`` stays cheap)::

    sync_lake(lake_dir, fetch, *, batch_size=50_000, progress=None, survey_items=None, filesystem=None)
    erase_responses(lake_dir, submission_ids, *, filesystem=None)
    compact_lake(lake_dir, *, min_files=2)
    migrate_lake(lake_dir) / rebuild_lake(lake_dir, fetch, ...)
    sufficient_statistics(lake_dir, survey, *, period=..., segment=..., rollup=True, ...)
    index_table(stats, *, confidence=0.95, nps_method="adjusted_wald") -> pandas.DataFrame
    cross_products(lake_dir, survey, items, *, period="all", ...) -> CrossProducts
    unit_comments(lake_dir, survey, unit, period, *, kind="month", ...) -> UnitComments
    respondent_answers(lake_dir, survey, unit, period, *, numeric=(), categorical=()) -> RespondentAnswers

See ``docs/analytics.md``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "sync_lake": "kundpuls.analytics.lake.sync",
    "create_lake": "kundpuls.analytics.lake.sync",
    "SyncReport": "kundpuls.analytics.lake.sync",
    "erase_responses": "kundpuls.analytics.lake.erasure",
    "compact_lake": "kundpuls.analytics.lake.erasure",
    "ErasureReport": "kundpuls.analytics.lake.erasure",
    "migrate_lake": "kundpuls.analytics.lake.migration",
    "rebuild_lake": "kundpuls.analytics.lake.migration",
    "lake_location": "kundpuls.analytics.lake.manifest",
    "read_manifest": "kundpuls.analytics.lake.manifest",
    "sufficient_statistics": "kundpuls.analytics.rollup",
    "SufficientStatistics": "kundpuls.analytics.rollup",
    "index_table": "kundpuls.analytics.index_tables",
    "cross_products": "kundpuls.analytics.cross_products",
    "CrossProducts": "kundpuls.analytics.cross_products",
    "unit_comments": "kundpuls.analytics.comments",
    "UnitComments": "kundpuls.analytics.comments",
    "respondent_answers": "kundpuls.analytics.respondent_answers",
    "RespondentAnswers": "kundpuls.analytics.respondent_answers",
    "UnitTree": "kundpuls.analytics.unit_tree",
    "DuckDBEngine": "kundpuls.analytics.engines",
    "SparkEngine": "kundpuls.analytics.engines",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kundpuls.analytics' has no attribute {name!r}")
