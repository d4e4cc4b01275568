"""Named query definitions, rendered once as SQL text that DuckDB and Spark SQL both run.

Every query reads three relations the engine provides: ``responses`` (or ``comments``), the lake files
of one survey; ``unit_map (unit_code, ancestor_code)`` from :meth:`UnitTree.ancestor_table`; and
``period_map (period_month, period, period_start, period_end)`` from :func:`period_table`. The SQL keeps to
the subset both dialects share (``COUNT``, ``SUM``, ``CASE``, ``CAST AS BIGINT/DOUBLE``, inner joins,
``GROUP BY``), names only validated identifiers and carries no literal from user input — filters are
applied by shrinking the small mapping tables instead.

The work is done in two steps, both in the one statement: aggregate the raw rows per base unit × month
(× segment) — the same work as a bare ``GROUP BY`` — and then roll that small table up through
``unit_map`` and ``period_map``. Because counts and sums add, the result equals aggregating the raw rows
per ancestor and period directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kundpuls.analytics.lake.layout import (
    background_column,
    check_key,
    check_survey_key,
    item_column,
    segment_column,
)
from kundpuls.analytics.period_kinds import PERIOD_KINDS
from kundpuls.errors import InvalidArgument

#: NPS categories on the 0–10 scale (docs/methods.md §3.1): promoters 9–10, detractors 0–6.
NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6


@dataclass(frozen=True)
class MomentsQuery:
    """Sufficient statistics of items per unit (rolled up) × period (× segment).

    Output columns: ``unit``, ``period``, ``period_start``, ``period_end``, [``segment``], and per item
    ``k``: ``n_k`` (answers), ``sum_k`` (Σx), ``sumsq_k`` (Σx²); for NPS items also ``prom_k`` and
    ``detr_k`` (counts of 9–10 and 0–6); weighted queries add ``wsum_k`` (Σw), ``wsqsum_k`` (Σw²),
    ``wx_k`` (Σwx) and ``wxx_k`` (Σwx²) over the respondents who answered ``k`` (NPS items also ``wprom_k``
    and ``wdetr_k``, the weight sums of promoters and detractors). Missing weights count 1.
    """

    survey: str
    items: tuple[str, ...]
    nps_items: tuple[str, ...] = ()
    period: str = "month"
    segment: str | None = None
    rollup: bool = True
    weighted: bool = False
    start: str | None = None
    end: str | None = None

    def __post_init__(self) -> None:
        check_survey_key(self.survey)
        if not self.items:
            raise InvalidArgument("items: give at least one item", field="items", value=self.items)
        for key in self.items:
            check_key(key, field="items")
        if len(set(self.items)) != len(self.items):
            raise InvalidArgument(
                f"items: {list(self.items)} repeat an item", field="items", value=self.items
            )
        unknown = set(self.nps_items) - set(self.items)
        if unknown:
            raise InvalidArgument(
                f"nps_items: {sorted(unknown)} are not among items", field="nps_items", value=sorted(unknown)
            )
        if self.period not in PERIOD_KINDS:
            raise InvalidArgument(
                f"period: {self.period!r} is not one of {list(PERIOD_KINDS)}",
                field="period",
                value=self.period,
            )
        if self.segment is not None:
            check_key(self.segment, field="segment")

    @property
    def group_columns(self) -> tuple[str, ...]:
        """The grouping columns of the output."""
        return ("unit", "period", "period_start", "period_end", *(("segment",) if self.segment else ()))

    def sql(self) -> str:
        """The statement, identical for DuckDB and Spark."""
        base_aggregates: list[str] = []
        rollup_aggregates: list[str] = []
        for key in self.items:
            x = item_column(key)
            parts = [
                ("n", f"COUNT({x})", True),
                ("sum", f"SUM({x})", False),
                ("sumsq", f"SUM({x} * {x})", False),
            ]
            if key in self.nps_items:
                parts += [
                    ("prom", f"SUM(CASE WHEN {x} >= {NPS_PROMOTER_MIN} THEN 1 ELSE 0 END)", True),
                    ("detr", f"SUM(CASE WHEN {x} <= {NPS_DETRACTOR_MAX} THEN 1 ELSE 0 END)", True),
                ]
            if self.weighted:
                w = "COALESCE(weight, 1.0)"
                parts += [
                    ("wsum", f"SUM(CASE WHEN {x} IS NOT NULL THEN {w} ELSE 0.0 END)", False),
                    ("wsqsum", f"SUM(CASE WHEN {x} IS NOT NULL THEN {w} * {w} ELSE 0.0 END)", False),
                    ("wx", f"SUM({w} * {x})", False),
                    ("wxx", f"SUM({w} * {x} * {x})", False),
                ]
                if key in self.nps_items:
                    parts += [
                        ("wprom", f"SUM(CASE WHEN {x} >= {NPS_PROMOTER_MIN} THEN {w} ELSE 0.0 END)", False),
                        ("wdetr", f"SUM(CASE WHEN {x} <= {NPS_DETRACTOR_MAX} THEN {w} ELSE 0.0 END)", False),
                    ]
            for prefix, expression, integer in parts:
                name = f"{prefix}_{key}"
                kind = "BIGINT" if integer else "DOUBLE"
                base_aggregates.append(f"CAST({expression} AS {kind}) AS {name}")
                rollup_aggregates.append(f"CAST(SUM(b.{name}) AS {kind}) AS {name}")
        return _two_step_sql(self.segment, base_aggregates, rollup_aggregates)


@dataclass(frozen=True)
class CrossProductQuery:
    """Cross-product matrices for driver models: per group, over respondents who answered every item.

    Output columns: the group columns, ``n`` (complete respondents), ``s_i`` (Σx_i) and ``p_i_j``
    (Σx_i·x_j, i ≤ j) with ``i``/``j`` the positions of the items in :attr:`items`.
    """

    survey: str
    items: tuple[str, ...]
    period: str = "all"
    segment: str | None = None
    rollup: bool = True
    start: str | None = None
    end: str | None = None

    def __post_init__(self) -> None:
        check_survey_key(self.survey)
        if len(self.items) < 1 or len(set(self.items)) != len(self.items):
            raise InvalidArgument(
                f"items: {list(self.items)} must be distinct and not empty", field="items", value=self.items
            )
        for key in self.items:
            check_key(key, field="items")
        if self.period not in PERIOD_KINDS:
            raise InvalidArgument(
                f"period: {self.period!r} is not one of {list(PERIOD_KINDS)}",
                field="period",
                value=self.period,
            )
        if self.segment is not None:
            check_key(self.segment, field="segment")

    @property
    def group_columns(self) -> tuple[str, ...]:
        return ("unit", "period", "period_start", "period_end", *(("segment",) if self.segment else ()))

    def sql(self) -> str:
        columns = [item_column(k) for k in self.items]
        parts = [("n", "COUNT(*)", True)]
        parts += [(f"s_{i}", f"SUM({x})", False) for i, x in enumerate(columns)]
        parts += [
            (f"p_{i}_{j}", f"SUM({columns[i]} * {columns[j]})", False)
            for i in range(len(columns))
            for j in range(i, len(columns))
        ]
        base = [f"CAST({e} AS {'BIGINT' if n_ else 'DOUBLE'}) AS {name}" for name, e, n_ in parts]
        rolled = [
            f"CAST(SUM(b.{name}) AS {'BIGINT' if n_ else 'DOUBLE'}) AS {name}" for name, _e, n_ in parts
        ]
        complete = " AND ".join(f"{x} IS NOT NULL" for x in columns)
        return _two_step_sql(self.segment, base, rolled, where=complete)


@dataclass(frozen=True)
class RespondentCountQuery:
    """Respondents per unit (rolled up) × period (× segment) who answered any of the wanted items.

    The cells of the disclosure grid of a Kano or price module (:mod:`kundpuls.reports.disclosure`): the
    same respondents :class:`RespondentAnswersQuery` counts for one group, for every group at once; with
    no item, every respondent (the comments' grid). Output columns: the group columns and ``n``.
    """

    survey: str
    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    period: str = "month"
    segment: str | None = None
    rollup: bool = True
    start: str | None = None
    end: str | None = None

    def __post_init__(self) -> None:
        check_survey_key(self.survey)
        for key in (*self.numeric, *self.categorical):
            check_key(key, field="items")
        if self.segment is not None:
            check_key(self.segment, field="segment")
        if self.period not in PERIOD_KINDS:
            raise InvalidArgument(
                f"period: {self.period!r} is not one of {list(PERIOD_KINDS)}",
                field="period",
                value=self.period,
            )

    @property
    def group_columns(self) -> tuple[str, ...]:
        return ("unit", "period", "period_start", "period_end", *(("segment",) if self.segment else ()))

    @property
    def columns(self) -> dict[str, str]:
        """The lake columns the statement reads, with their types (missing ones become NULLs)."""
        return _answer_columns(self.numeric, self.categorical, self.segment)

    def sql(self) -> str:
        """The statement, identical for DuckDB and Spark."""
        picked = [item_column(k) for k in self.numeric] + [background_column(k) for k in self.categorical]
        answered = " OR ".join(f"{c} IS NOT NULL" for c in picked)
        return _two_step_sql(
            self.segment,
            ["CAST(COUNT(*) AS BIGINT) AS n"],
            ["CAST(SUM(b.n) AS BIGINT) AS n"],
            where=f"({answered})" if answered else "",
        )


def _two_step_sql(
    segment: str | None, base_aggregates: list[str], rollup_aggregates: list[str], *, where: str = ""
) -> str:
    seg_select = f", {segment_column(segment)} AS segment" if segment else ""
    seg_group = f", {segment_column(segment)}" if segment else ""
    seg_out = ", b.segment" if segment else ""
    where_clause = f"\n  WHERE {where}" if where else ""
    base = ",\n    ".join(base_aggregates)
    rolled = ",\n  ".join(rollup_aggregates)
    return (
        "WITH base AS (\n"
        f"  SELECT unit_code, period_month{seg_select},\n    {base}\n"
        f"  FROM responses{where_clause}\n"
        f"  GROUP BY unit_code, period_month{seg_group}\n"
        ")\n"
        f"SELECT u.ancestor_code AS unit, p.period, p.period_start, p.period_end{seg_out},\n  {rolled}\n"
        "FROM base b\n"
        "JOIN unit_map u ON b.unit_code = u.unit_code\n"
        "JOIN period_map p ON b.period_month = p.period_month\n"
        f"GROUP BY u.ancestor_code, p.period, p.period_start, p.period_end{seg_out}"
    )


COMMENTS_SQL = (
    "SELECT c.response_id, c.submission_id, c.unit_code, c.unit_path, c.submitted_at, c.period_month,\n"
    "  c.language, c.question, c.text, u.ancestor_code AS unit, p.period\n"
    "FROM comments c\n"
    "JOIN unit_map u ON c.unit_code = u.unit_code\n"
    "JOIN period_map p ON c.period_month = p.period_month"
)

RESPONDENTS_SQL = (
    "SELECT u.ancestor_code AS unit, p.period, CAST(COUNT(*) AS BIGINT) AS respondents\n"
    "FROM responses r\n"
    "JOIN unit_map u ON r.unit_code = u.unit_code\n"
    "JOIN period_map p ON r.period_month = p.period_month\n"
    "GROUP BY u.ancestor_code, p.period"
)


@dataclass(frozen=True)
class RespondentAnswersQuery:
    """One row per respondent of a unit subtree × period who answered any of the wanted items.

    For the statistics that need the answers themselves rather than sums (Kano answer pairs, Van
    Westendorp prices). The engine registers ``unit_map`` (only the focus unit as ancestor),
    ``period_map`` (only the wanted period), ``gate (minimum BIGINT)`` — the anonymity threshold — and,
    with a segment, ``segment_map (segment_value STRING)``. The statement counts the respondents inside the
    engine and returns **no row at all** when they are fewer than ``gate.minimum``, so answers of a group
    under the threshold never leave the engine.

    Output columns: ``response_id``, ``item_<key>`` (DOUBLE) for ``numeric``, ``bg_<key>`` (STRING) for
    ``categorical``, and ``respondents`` (the group's count, the same on every row).
    """

    survey: str
    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    segment: str | None = None

    def __post_init__(self) -> None:
        check_survey_key(self.survey)
        if not self.numeric and not self.categorical:
            raise InvalidArgument("items: give at least one item", field="items", value=())
        for key in (*self.numeric, *self.categorical):
            check_key(key, field="items")
        if self.segment is not None:
            check_key(self.segment, field="segment")

    @property
    def columns(self) -> dict[str, str]:
        """The lake columns the statement reads, with their types (missing ones become NULLs)."""
        return _answer_columns(self.numeric, self.categorical, self.segment)

    def sql(self) -> str:
        """The statement, identical for DuckDB and Spark."""
        picked = [item_column(k) for k in self.numeric] + [background_column(k) for k in self.categorical]
        select = ", ".join(f"r.{c}" for c in picked)
        answered = " OR ".join(f"r.{c} IS NOT NULL" for c in picked)
        segment_join = (
            f"\n  JOIN segment_map s ON r.{segment_column(self.segment)} = s.segment_value"
            if self.segment
            else ""
        )
        out = ", ".join(f"a.{c}" for c in picked)
        return (
            "WITH answered AS (\n"
            f"  SELECT r.response_id, {select}\n"
            "  FROM responses r\n"
            "  JOIN unit_map u ON r.unit_code = u.unit_code\n"
            f"  JOIN period_map p ON r.period_month = p.period_month{segment_join}\n"
            f"  WHERE {answered}\n"
            "), counted AS (\n"
            "  SELECT CAST(COUNT(*) AS BIGINT) AS respondents FROM answered\n"
            ")\n"
            f"SELECT a.response_id, {out}, c.respondents\n"
            "FROM answered a\n"
            "CROSS JOIN counted c\n"
            "JOIN gate g ON c.respondents >= g.minimum\n"
            "ORDER BY a.response_id"
        )


def _answer_columns(
    numeric: Sequence[str], categorical: Sequence[str], segment: str | None
) -> dict[str, str]:
    """The columns an answer query reads: numeric items as DOUBLE, background items and the segment as
    STRING."""
    wanted = {item_column(k): "DOUBLE" for k in numeric}
    wanted.update({background_column(k): "STRING" for k in categorical})
    if segment:
        wanted[segment_column(segment)] = "STRING"
    return wanted


@dataclass(frozen=True)
class CountSet:
    """Which respondents one count of a :class:`GridCountQuery` counts: those who answered every item of
    ``complete`` (listwise complete) and, when ``numeric`` or ``categorical`` name any, at least one of them.
    With nothing named, every respondent."""

    complete: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()

    def condition(self) -> str:
        """The SQL condition (``TRUE`` for every respondent)."""
        parts = [f"{item_column(k)} IS NOT NULL" for k in self.complete]
        picked = [item_column(k) for k in self.numeric] + [background_column(k) for k in self.categorical]
        if picked:
            parts.append("(" + " OR ".join(f"{c} IS NOT NULL" for c in picked) + ")")
        return " AND ".join(parts) if parts else "TRUE"

    def columns(self) -> dict[str, str]:
        wanted = {item_column(k): "DOUBLE" for k in (*self.complete, *self.numeric)}
        wanted.update({background_column(k): "STRING" for k in self.categorical})
        return wanted


@dataclass(frozen=True)
class GridCountQuery:
    """Each unit's own respondents per month, for several :class:`CountSet` at once, for the whole group and
    split by each of ``segments``: the cells of the disclosure grids (:mod:`kundpuls.reports.disclosure`),
    in one pass over the survey's files instead of one per set and segment.

    Output columns: ``unit``, ``period`` (the month), ``rows`` (every respondent of the group), ``n_i`` (the
    respondents of set ``i``), and per segment ``j``: ``s_j`` (the value; NULL for no answer) and ``g_j``
    (0 when the row is of segment ``j``'s split, 1 otherwise). A row with every ``g_j`` 1 is the whole group.
    """

    survey: str
    sets: tuple[CountSet, ...]
    segments: tuple[str, ...] = ()
    period: str = "month"
    rollup: bool = False
    start: str | None = None
    end: str | None = None

    def __post_init__(self) -> None:
        check_survey_key(self.survey)
        if not self.sets:
            raise InvalidArgument("sets: give at least one count set", field="sets", value=self.sets)
        for found in self.sets:
            for key in (*found.complete, *found.numeric, *found.categorical):
                check_key(key, field="sets")
        for name in self.segments:
            check_key(name, field="segments")
        if len(set(self.segments)) != len(self.segments):
            raise InvalidArgument(
                f"segments: {list(self.segments)} repeat a segment", field="segments", value=self.segments
            )

    @property
    def columns(self) -> dict[str, str]:
        """The lake columns the statement reads, with their types (missing ones become NULLs)."""
        wanted: dict[str, str] = {}
        for found in self.sets:
            wanted.update(found.columns())
        wanted.update({segment_column(s): "STRING" for s in self.segments})
        return wanted

    def sql(self) -> str:
        """The statement (GROUPING SETS: DuckDB and Spark SQL both run it)."""
        split = [segment_column(s) for s in self.segments]
        counts = [
            f"CAST(SUM(CASE WHEN {found.condition()} THEN 1 ELSE 0 END) AS BIGINT) AS n_{i}"
            for i, found in enumerate(self.sets)
        ]
        chosen = [f"{c} AS s_{j}" for j, c in enumerate(split)]
        flags = [f"CAST(GROUPING({c}) AS BIGINT) AS g_{j}" for j, c in enumerate(split)]
        sets = ", ".join(["(unit_code, period_month)"] + [f"(unit_code, period_month, {c})" for c in split])
        outer = [f"b.s_{j}" for j in range(len(split))] + [f"b.g_{j}" for j in range(len(split))]
        base = ",\n    ".join([*chosen, *flags, "CAST(COUNT(*) AS BIGINT) AS rows", *counts])
        return (
            "WITH base AS (\n"
            f"  SELECT unit_code, period_month,\n    {base}\n"
            "  FROM responses\n"
            f"  GROUP BY GROUPING SETS ({sets})\n"
            ")\n"
            "SELECT u.ancestor_code AS unit, p.period, "
            + ", ".join([*outer, "b.rows", *(f"b.n_{i}" for i in range(len(self.sets)))])
            + "\nFROM base b\n"
            "JOIN unit_map u ON b.unit_code = u.unit_code\n"
            "JOIN period_map p ON b.period_month = p.period_month"
        )
