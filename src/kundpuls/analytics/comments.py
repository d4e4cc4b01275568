"""Comment retrieval for a unit (with its subtree) and a period, behind the anonymity threshold.

Open answers are stored already redacted (personal data removed upstream). They are returned only when
the unit and period have at least ``threshold`` respondents in all, so a comment cannot be tied to a
group smaller than a shown index; comments may use a stricter threshold than indices
(docs/architecture.md, privacy defaults).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from kundpuls.analytics.engines import Engine, resolve_engine
from kundpuls.analytics.lake.layout import COMMENTS, RESPONSES
from kundpuls.analytics.lake.manifest import LakeLocation
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


def _check_threshold(threshold: int) -> None:
    if not isinstance(threshold, int) or threshold < 1:
        raise InvalidArgument(
            f"threshold: {threshold!r} must be a positive integer", field="threshold", value=threshold
        )


def _period_map(manifest: Any, survey: str, period: str, kind: str) -> tuple[pa.Table, set[str]]:
    """The period table of ``period`` and its months; NotFound when the survey has no responses in it."""
    periods = period_table(manifest.months(survey), kind)
    periods = periods.filter(pa.compute.equal(periods.column("period"), period))
    if periods.num_rows == 0:
        raise NotFound(f"period: no responses of survey {survey!r} in {kind} {period!r}")
    return periods, set(periods.column("period_month").to_pylist())


def _files(manifest: Any, table: str, survey: str, months: set[str]) -> list[str]:
    return [f.path for f in manifest.table_files(table, survey=survey) if f.month in months]


def _comment_frame(rows: pa.Table) -> pd.DataFrame:
    """Engine rows of COMMENTS_SQL as a frame with UTC times, oldest first (ties by response, question)."""
    stamps = pa.compute.cast(rows.column("submitted_at"), pa.timestamp("us", tz="UTC"))
    frame = rows.set_column(rows.schema.get_field_index("submitted_at"), "submitted_at", stamps).to_pandas()
    return frame.sort_values(["submitted_at", "response_id", "question"], kind="stable", ignore_index=True)


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
    _check_threshold(threshold)
    location, manifest = open_lake(lake, filesystem=filesystem)
    unit_tree = tree if tree is not None else lake_unit_tree(manifest)
    unit_tree.path(unit)
    periods, months = _period_map(manifest, survey, period, kind)
    unit_map = unit_tree.ancestor_table(rollup=rollup, only=[unit])
    runner = resolve_engine(engine)
    tables = {"unit_map": unit_map, "period_map": periods}
    response_files = _files(manifest, RESPONSES, survey, months)
    counted = runner.execute(RESPONDENTS_SQL, lake=location, files={RESPONSES: response_files}, tables=tables)
    respondents = int(sum(counted.column("respondents").to_pylist())) if counted.num_rows else 0
    if respondents < threshold:
        return UnitComments(unit, period, None, True, _empty())
    comment_files = _files(manifest, COMMENTS, survey, months)
    if not comment_files:
        return UnitComments(unit, period, respondents, False, _empty())
    rows = runner.execute(COMMENTS_SQL, lake=location, files={COMMENTS: comment_files}, tables=tables)
    found = _comment_frame(rows)
    if question is not None:
        found = found[found["question"] == question].reset_index(drop=True)
    return UnitComments(unit, period, respondents, False, found[_COLUMNS])


@dataclass(frozen=True)
class PeriodComments:
    """Every comment of a survey in one period, and each unit's respondents with its subtree.

    For reports on many units (a batch of unit PDFs, pages of sibling units): two queries for the whole
    period instead of two per unit. :meth:`for_unit` gives exactly what :func:`unit_comments` gives for
    one unit (the same threshold, subtree and order).
    """

    period: str
    threshold: int
    respondents: Mapping[str, int]
    members: Mapping[str, frozenset[str]]
    comments: pd.DataFrame

    def rows_of(self, unit: str) -> np.ndarray:
        """Positions in :attr:`comments` of the comments of ``unit`` and its subtree (oldest first)."""
        wanted = self.members.get(unit, frozenset((unit,)))
        return np.flatnonzero(self.comments["unit_code"].isin(wanted).to_numpy())

    def for_unit(self, unit: str) -> UnitComments:
        """The comments of ``unit`` with its subtree, or a suppressed result below the threshold."""
        respondents = int(self.respondents.get(unit, 0))
        if respondents < self.threshold:
            return UnitComments(unit, self.period, None, True, _empty())
        found = self.comments.iloc[self.rows_of(unit)].reset_index(drop=True)
        return UnitComments(unit, self.period, respondents, False, found)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in _COLUMNS})


def period_comments(
    lake: str | os.PathLike[str] | LakeLocation,
    survey: str,
    period: str,
    *,
    kind: str = "month",
    threshold: int = DEFAULT_THRESHOLD,
    engine: Engine | str | None = None,
    filesystem: Any = None,
) -> PeriodComments:
    """Comments of every unit of ``survey`` in ``period`` (see :func:`unit_comments` for the arguments)."""
    _check_threshold(threshold)
    location, manifest = open_lake(lake, filesystem=filesystem)
    tree = lake_unit_tree(manifest)
    periods, months = _period_map(manifest, survey, period, kind)
    rolled = tree.ancestor_table(rollup=True)
    members: dict[str, set[str]] = {}
    for code, ancestor in zip(
        rolled.column("unit_code").to_pylist(), rolled.column("ancestor_code").to_pylist(), strict=True
    ):
        members.setdefault(ancestor, set()).add(code)
    runner = resolve_engine(engine)
    counted = runner.execute(
        RESPONDENTS_SQL,
        lake=location,
        files={RESPONSES: _files(manifest, RESPONSES, survey, months)},
        tables={"unit_map": rolled, "period_map": periods},
    )
    respondents = dict(
        zip(counted.column("unit").to_pylist(), counted.column("respondents").to_pylist(), strict=True)
    )
    comment_files = _files(manifest, COMMENTS, survey, months)
    found = _empty()
    if comment_files and any(n >= threshold for n in respondents.values()):
        rows = runner.execute(
            COMMENTS_SQL,
            lake=location,
            files={COMMENTS: comment_files},
            tables={"unit_map": tree.ancestor_table(rollup=False), "period_map": periods},
        )
        found = _comment_frame(rows)[_COLUMNS]
    return PeriodComments(
        period=period,
        threshold=threshold,
        respondents={str(k): int(v) for k, v in respondents.items()},
        members={k: frozenset(v) for k, v in members.items()},
        comments=found,
    )
