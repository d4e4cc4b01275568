"""Respondent-level answers of a unit (with its subtree) and a period, behind the anonymity threshold.

Most results are computed from sufficient statistics (counts and sums), but a few need each respondent's
answers together: the Kano model pairs each feature's functional and dysfunctional answer, the Van
Westendorp price sensitivity meter needs every respondent's four prices (and purchase intents). This
query returns exactly those columns, one row per respondent who answered at least one of them, and
**nothing** when the group has fewer respondents than the threshold: the count is checked inside the
engine (:class:`~kundpuls.analytics.query_specs.RespondentAnswersQuery`), so the answers of a small group
never leave it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kundpuls.analytics.engines import Engine, resolve_engine
from kundpuls.analytics.lake.layout import RESPONSES, background_column, item_column
from kundpuls.analytics.lake.manifest import LakeLocation
from kundpuls.analytics.periods import period_table
from kundpuls.analytics.query_specs import RespondentAnswersQuery, RespondentCountQuery
from kundpuls.analytics.rollup import DEFAULT_THRESHOLD, lake_unit_tree, open_lake, run_grouped_query
from kundpuls.analytics.unit_tree import UnitTree
from kundpuls.errors import InvalidArgument, NotFound


@dataclass(frozen=True)
class RespondentAnswers:
    """The wanted answers of one unit (and subtree) and period.

    Attributes
    ----------
    unit, period : str
    respondents : int or None
        Respondents who answered at least one wanted item; None when suppressed.
    suppressed : bool
        True when they are fewer than the threshold: ``answers`` is then empty.
    answers : pandas.DataFrame
        One row per respondent (response id order): ``response_id``, then one column per wanted item
        named by its key — numeric items as floats (NaN = missing), categorical ones as strings (None).
    """

    unit: str
    period: str
    respondents: int | None
    suppressed: bool
    answers: pd.DataFrame


def respondent_answers(
    lake: str | os.PathLike[str] | LakeLocation,
    survey: str,
    unit: str,
    period: str,
    *,
    numeric: Sequence[str] = (),
    categorical: Sequence[str] = (),
    kind: str = "quarter",
    rollup: bool = True,
    segment: str | None = None,
    segment_value: str | None = None,
    tree: UnitTree | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    engine: Engine | str | None = None,
    filesystem: Any = None,
) -> RespondentAnswers:
    """Answers to ``numeric`` (``item_*``) and ``categorical`` (``bg_*``) items of ``unit`` in ``period``.

    Parameters
    ----------
    period : str
        A period label of kind ``kind``: ``"2024-03"`` (month), ``"2024-Q1"`` (quarter), ``"2024"`` (year),
        ``"all"`` (the whole history).
    segment, segment_value : str, optional
        Only respondents whose background variable ``segment`` equals ``segment_value``.
    threshold : int
        Minimum number of respondents (who answered any wanted item) for any row to be returned.

    Raises
    ------
    NotFound
        The survey has no responses in ``period``.
    """
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise InvalidArgument(
            f"threshold: {threshold!r} must be a positive integer", field="threshold", value=threshold
        )
    if (segment is None) != (segment_value is None):
        raise InvalidArgument(
            "segment: give both segment and segment_value, or neither", field="segment", value=segment
        )
    query = RespondentAnswersQuery(survey, tuple(numeric), tuple(categorical), segment=segment)
    location, manifest = open_lake(lake, filesystem=filesystem)
    unit_tree = tree if tree is not None else lake_unit_tree(manifest)
    unit_tree.path(unit)
    periods = period_table(manifest.months(survey), kind)
    periods = periods.filter(pc.equal(periods.column("period"), period))
    if periods.num_rows == 0:
        raise NotFound(f"period: no responses of survey {survey!r} in {kind} {period!r}")
    months = set(periods.column("period_month").to_pylist())
    tables: dict[str, pa.Table] = {
        "unit_map": unit_tree.ancestor_table(rollup=rollup, only=[unit]),
        "period_map": periods,
        "gate": pa.table({"minimum": pa.array([threshold], pa.int64())}),
    }
    if segment is not None:
        tables["segment_map"] = pa.table({"segment_value": pa.array([str(segment_value)], pa.string())})
    files = [f.path for f in manifest.table_files(RESPONSES, survey=survey) if f.month in months]
    keys = [*numeric, *categorical]
    empty = pd.DataFrame({"response_id": pd.Series([], dtype="int64")})
    for key in numeric:
        empty[key] = pd.Series([], dtype="float64")
    for key in categorical:
        empty[key] = pd.Series([], dtype="object")
    if not files:
        return RespondentAnswers(unit, period, None, True, empty)
    rows = resolve_engine(engine).execute(
        query.sql(),
        lake=location,
        files={RESPONSES: files},
        tables=tables,
        columns={RESPONSES: query.columns},
    )
    if rows.num_rows == 0:
        return RespondentAnswers(unit, period, None, True, empty)
    frame = rows.to_pandas()
    respondents = int(frame["respondents"].iloc[0])
    renamed = {item_column(k): k for k in numeric} | {background_column(k): k for k in categorical}
    frame = frame.rename(columns=renamed)[["response_id", *keys]]
    for key in numeric:
        frame[key] = frame[key].astype("float64")
    for key in categorical:
        frame[key] = frame[key].astype("object").where(frame[key].notna(), None)
    return RespondentAnswers(unit, period, respondents, False, frame.reset_index(drop=True))


def respondent_counts(
    lake: str | os.PathLike[str] | LakeLocation,
    survey: str,
    *,
    numeric: Sequence[str] = (),
    categorical: Sequence[str] = (),
    period: str = "month",
    segment: str | None = None,
    rollup: bool = True,
    tree: UnitTree | None = None,
    engine: Engine | str | None = None,
) -> pd.DataFrame:
    """How many respondents answered any of the wanted items, per unit × period (× segment value).

    The counts :func:`respondent_answers` checks against the threshold, for every group at once and with
    no threshold: they are the cells of a module's disclosure grid (:mod:`kundpuls.reports.disclosure`)
    and never leave the reports layer themselves. Columns ``unit``, ``period``, [``segment``], ``n``;
    with ``rollup=False`` each unit's own respondents.
    """
    query = RespondentCountQuery(
        survey, tuple(numeric), tuple(categorical), period=period, segment=segment, rollup=rollup
    )
    location, manifest = open_lake(lake)
    unit_tree = tree if tree is not None else lake_unit_tree(manifest)
    wide = run_grouped_query(
        location, manifest, query.sql(), query, unit_tree, engine=engine, columns=query.columns
    )
    columns = ["unit", "period", *(["segment"] if segment else []), "n"]
    if wide.num_rows == 0:
        return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "n" else "object") for c in columns})
    frame = wide.to_pandas()[columns]
    frame["unit"] = frame["unit"].astype(str)
    frame["period"] = frame["period"].astype(str)
    frame["n"] = frame["n"].astype("int64")
    return frame.reset_index(drop=True)
