"""Comment retrieval for a unit (with its subtree) and a period, behind the anonymity threshold.

Open answers are stored already redacted (personal data removed upstream). They are returned only when
the unit and period have at least ``threshold`` respondents in all, so a comment cannot be tied to a
group smaller than a shown index; comments may use a stricter threshold than indices (DESIGN.md §8).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from kundpuls.analytics.engines import Engine, resolve_engine
from kundpuls.analytics.lake_layout import COMMENTS, RESPONSES
from kundpuls.analytics.lake_manifest import LakeLocation
from kundpuls.analytics.periods import period_table
from kundpuls.analytics.query_specs import COMMENTS_SQL, RESPONDENTS_SQL
from kundpuls.analytics.rollup import DEFAULT_THRESHOLD, lake_unit_tree, open_lake
from kundpuls.analytics.unit_tree import UnitTree
from kundpuls.errors import InvalidArgument, NotFound


@dataclass(frozen=True)
class UnitComments:
    """Comments of one unit and period.

    Attributes
    ----------
    unit, period : str
    respondents : int or None
        Responses in the unit (and subtree) and period; None when suppressed.
    suppressed : bool
        True when respondents < threshold: ``comments`` is then empty.
    comments : pandas.DataFrame
        ``submission_id, unit_code, unit_path, submitted_at, period_month, language, question, text``,
        oldest first.
    """

    unit: str
    period: str
    respondents: int | None
    suppressed: bool
    comments: pd.DataFrame


_COLUMNS = [
    "submission_id",
    "unit_code",
    "unit_path",
    "submitted_at",
    "period_month",
    "language",
    "question",
    "text",
]


def unit_comments(
    lake: str | os.PathLike[str] | LakeLocation,
    survey: str,
    unit: str,
    period: str,
    *,
    kind: str = "month",
    rollup: bool = True,
    question: str | None = None,
    tree: UnitTree | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    engine: Engine | str | None = None,
    filesystem: Any = None,
) -> UnitComments:
    """Comments of ``unit`` (and its descendants when ``rollup``) in ``period`` of kind ``kind``.

    Parameters
    ----------
    period : str
        A period label as in index tables: ``"2024-03"`` (month), ``"2024-Q1"`` (quarter), ``"2024"``
        (year), ``"R12 2024-03"`` (rolling12).
    question : str, optional
        Only this open question.
    threshold : int
        Minimum number of respondents for comments to be shown.
    """
    if not isinstance(threshold, int) or threshold < 1:
        raise InvalidArgument(
            f"threshold: {threshold!r} must be a positive integer", field="threshold", value=threshold
        )
    location, manifest = open_lake(lake, filesystem=filesystem)
    unit_tree = tree if tree is not None else lake_unit_tree(manifest)
    unit_tree.path(unit)
    periods = period_table(manifest.months(survey), kind)
    periods = periods.filter(pa.compute.equal(periods.column("period"), period))
    if periods.num_rows == 0:
        raise NotFound(f"period: no responses of survey {survey!r} in {kind} {period!r}")
    months = set(periods.column("period_month").to_pylist())
    unit_map = unit_tree.ancestor_table(rollup=rollup, only=[unit])
    runner = resolve_engine(engine)
    tables = {"unit_map": unit_map, "period_map": periods}
    response_files = [f.path for f in manifest.table_files(RESPONSES, survey=survey) if f.month in months]
    counted = runner.execute(RESPONDENTS_SQL, lake=location, files={RESPONSES: response_files}, tables=tables)
    respondents = int(sum(counted.column("respondents").to_pylist())) if counted.num_rows else 0
    empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in _COLUMNS})
    if respondents < threshold:
        return UnitComments(unit, period, None, True, empty)
    comment_files = [f.path for f in manifest.table_files(COMMENTS, survey=survey) if f.month in months]
    if not comment_files:
        return UnitComments(unit, period, respondents, False, empty)
    rows = runner.execute(COMMENTS_SQL, lake=location, files={COMMENTS: comment_files}, tables=tables)
    stamps = pa.compute.cast(rows.column("submitted_at"), pa.timestamp("us", tz="UTC"))
    found = rows.set_column(rows.schema.get_field_index("submitted_at"), "submitted_at", stamps).to_pandas()
    if question is not None:
        found = found[found["question"] == question]
    found = found.sort_values(["submitted_at", "response_id", "question"], kind="stable", ignore_index=True)
    return UnitComments(unit, period, respondents, False, found[_COLUMNS])
