"""Disclosure control across every table of a survey's results: which cells may leave at all.

A reader can ask for the same index by month, quarter and year, for every unit she may see and its
parent, and split by every background variable (the unit page, the overview, the API, the PDF, the Excel
and CSV files and the goals all read these tables). The numbers are linked by exact sums, so a cell
hidden in one table could be recovered from others: a quarter minus its shown months, a year minus its
quarters, a total minus the shown values of a background variable, a parent minus its children.
:func:`released_cells` puts every cell of every such table for one index into one grid

* units: every unit of the lake's tree (rolled up) and, for a unit with children, its own responses (a
  cell of its own, never released),
* periods: every month, quarter and year with responses,
* segments: the whole group and every value of every background variable (those who skipped the question
  are a value of their own),

with the sums between them, and lets :func:`kundpuls.analytics.suppression.linked_suppression` decide
which cells are released (docs/methods.md, conventions on anonymity). :func:`apply_disclosure` then
hides the others in an index frame, so every surface that reads the frame shows the same cells.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kundpuls.analytics.grid_counts import grid_counts
from kundpuls.analytics.lake.layout import quarter_of, segment_names
from kundpuls.analytics.query_specs import CountSet
from kundpuls.analytics.rollup import lake_unit_tree, open_lake
from kundpuls.analytics.suppression import Relations, grid_relations, linked_suppression
from kundpuls.reports import cache

if TYPE_CHECKING:
    from kundpuls.reports.index_frames import IndexPlan

#: The items of a module whose respondents (those who answered any of them) form the cells of its grid:
#: ``(numeric item keys, categorical item keys)``.
Answered = tuple[tuple[str, ...], tuple[str, ...]]

#: The label of "no answer to the background question" in index frames (pandas' text of None and NaN).
MISSING_VALUE_LABELS = ("None", "nan", "<NA>")


@dataclass(frozen=True)
class ReleasedCells:
    """For one index: which (unit, period, segment variable, value) cells may be shown.

    ``segment`` is ``""`` for the whole group (then ``value`` is ``""``); a value of ``None`` (no answer)
    is looked up under any of :data:`MISSING_VALUE_LABELS`. Cells the grid does not know are not shown.
    """

    cells: Mapping[tuple[str, str, str, str], bool]
    counts: Mapping[tuple[str, str, str, str], int]
    threshold: int

    def released(self, unit: str, period: str, segment: str = "", value: str = "") -> bool:
        if segment and value in MISSING_VALUE_LABELS:
            value = ""
        return bool(self.cells.get((unit, period, segment, value), False))

    def released_window(self, unit: str, months: Iterable[str]) -> bool:
        """Whether a result over any run of ``months`` (a follow-up window) may be shown for ``unit``.

        Only when every month of it with respondents is released itself: the window then adds nothing a
        reader could not sum already, and no hidden month can be recovered as the window minus the rest.
        """
        cells = [(unit, month, "", "") for month in months]
        return all(self.counts.get(c, 0) == 0 or self.cells.get(c, False) for c in cells)


def _count_set(plan: IndexPlan, key: str, items: tuple[str, ...], answered: Answered | None) -> CountSet:
    """Whose respondents form the cells of ``key``'s grid: those who answered any of ``answered``'s items,
    NPS's answerers, or the listwise-complete respondents of ``items``."""
    if answered is not None:
        return CountSet(numeric=answered[0], categorical=answered[1])
    if key == "NPS":
        return CountSet(complete=(plan.nps_item or "",))
    return CountSet(complete=items)


def _standard_sets(plan: IndexPlan) -> tuple[CountSet, ...]:
    """The count sets every results page of the survey needs: each index, NPS and every respondent."""
    sets = [CountSet(complete=plan.items[k]) for k in plan.indices if plan.items.get(k)]
    if plan.nps_item:
        sets.append(CountSet(complete=(plan.nps_item,)))
    sets.append(CountSet())
    return tuple(dict.fromkeys(sets))


def _own_counts(
    lake: str | os.PathLike[str],
    plan: IndexPlan,
    key: str,
    items: tuple[str, ...],
    answered: Answered | None,
    variables: list[str],
) -> dict[str, pd.DataFrame]:
    """Respondents of each unit's own responses per month, whole (``""``) and split by each variable:
    ``{split: frame of unit, period, segment, n}``.

    The survey's standard sets (:func:`_standard_sets`) are counted together in one pass over the lake
    and cached; another set (the driver model's items, a module's) in a pass of its own.
    """
    wanted = _count_set(plan, key, items, answered)
    standard = _standard_sets(plan)
    sets = standard if wanted in standard else (wanted,)
    cache_key = (*cache.lake_key(lake), "grid-counts", plan.survey_key, sets, tuple(variables))
    found = cache.cached(cache_key, lambda: grid_counts(lake, plan.survey_key, sets, segments=variables))
    column = f"n_{sets.index(wanted)}"
    parts = {}
    for split, frame in found.splits.items():
        # a group with respondents but none of the set is a cell (n 0) only for NPS, as its statistics say
        kept = frame if key == "NPS" and answered is None else frame[frame[column] > 0]
        parts[split] = pd.DataFrame(
            {
                "unit": kept["unit"].to_numpy(),
                "period": kept["period"].to_numpy(),
                "segment": kept["segment"].to_numpy() if split else None,
                "n": kept[column].to_numpy(dtype=np.int64),
            }
        )
    return parts


def released_cells(
    lake: str | os.PathLike[str],
    plan: IndexPlan,
    key: str,
    *,
    items: tuple[str, ...] | None = None,
    answered: Answered | None = None,
) -> ReleasedCells:
    """The cells of index ``key`` (or ``"NPS"``) that may be released (cached per lake generation).

    ``items`` names another set of items whose listwise-complete respondents form the cells (the driver
    model's items: :func:`kundpuls.reports.driver_window.drivers_in_window`); ``key`` then only names it.
    ``answered`` instead makes the cells the respondents who answered any of the given items (a Kano
    module, a price module: :mod:`kundpuls.reports.needs`; all respondents, for comments).
    """
    chosen = items if items is not None else plan.items.get(key, ())
    cache_key: Hashable = (
        *cache.lake_key(lake),
        "released",
        plan.survey_key,
        plan.threshold,
        key,
        chosen,
        answered,
    )
    return cache.cached(cache_key, lambda: _released_cells(lake, plan, key, chosen, answered))


def respondent_cells(lake: str | os.PathLike[str], plan: IndexPlan) -> ReleasedCells:
    """The grid of every respondent of ``plan``'s survey: what a count of its comments (respondents,
    comments, themes) may be shown for, on the unit page, in its PDF and beside the taxonomy editor."""
    return released_cells(lake, plan, "respondents", items=(), answered=((), ()))


@dataclass(frozen=True)
class DisclosureGrid:
    """Every cell of one index's tables, the sums between them and what a reader can tell is empty.

    ``counts``, ``releasable`` and ``known_empty`` are flat (C order) over ``shape`` = (units of the
    tree, then the own responses of each unit with children) × ``periods`` × ``segments``.
    """

    shape: tuple[int, int, int]
    codes: tuple[str, ...]
    periods: tuple[str, ...]
    segments: tuple[tuple[str, str | None], ...]
    counts: np.ndarray
    releasable: np.ndarray
    known_empty: np.ndarray
    relations: Relations


def disclosure_grid(
    lake: str | os.PathLike[str],
    plan: IndexPlan,
    key: str,
    items: tuple[str, ...],
    answered: Answered | None,
) -> DisclosureGrid:
    """The grid :func:`released_cells` decides on (also what ``benchmarks/disclosure.py`` audits)."""
    _, manifest = open_lake(lake)
    tree = lake_unit_tree(manifest)
    # the channel is a segment too (the API and the unit page accept it), so it is in the grid
    variables = segment_names(manifest.surveys.get(plan.survey_key, {}).get("background", []))
    months = manifest.months(plan.survey_key)
    quarters = sorted({quarter_of(m) for m in months})
    years = sorted({m[:4] for m in months})
    periods = [*months, *quarters, *years]
    period_at = {p: i for i, p in enumerate(periods)}
    codes = list(tree.codes)
    unit_at = {c: i for i, c in enumerate(codes)}
    _, parent, depth = tree.arrays()
    internal = sorted({int(p) for p in parent if p >= 0})
    own_at = {u: len(codes) + k for k, u in enumerate(internal)}

    segments: list[tuple[str, str | None]] = [("", "")]
    parts = _own_counts(lake, plan, key, items, answered, variables)
    for variable in variables:
        values = sorted({v for v in parts[variable]["segment"] if isinstance(v, str)})
        segments += [(variable, v) for v in values] + [(variable, None)]
    segment_at = {s: i for i, s in enumerate(segments)}

    # each unit's own respondents per month and segment cell
    own = np.zeros((len(codes), len(months), len(segments)), dtype=np.int64)
    month_at = {m: i for i, m in enumerate(months)}
    for variable, frame in parts.items():
        if frame.empty:
            continue
        u = frame["unit"].map(unit_at).to_numpy()
        m = frame["period"].map(month_at).to_numpy()
        answers: list[str | None] = (
            [v if isinstance(v, str) else None for v in frame["segment"]] if variable else [""] * len(frame)
        )
        s = np.array([segment_at[(variable, v)] for v in answers], dtype=np.int64)
        np.add.at(own, (u, m, s), frame["n"].to_numpy(dtype=np.int64))
    rolled = own.copy()
    for level in range(int(depth.max(initial=0)), 0, -1):
        at = np.flatnonzero(depth == level)
        np.add.at(rolled, parent[at], rolled[at])
    units = np.concatenate([rolled, own[internal]], axis=0)

    def summed(groups: list[list[int]]) -> np.ndarray:
        return np.stack([units[:, g].sum(axis=1) for g in groups], 1) if groups else units[:, :0]

    by_period = np.concatenate(
        [
            units,
            summed([[month_at[m] for m in months if quarter_of(m) == q] for q in quarters]),
            summed([[month_at[m] for m in months if m[:4] == y] for y in years]),
        ],
        axis=1,
    )
    shape = by_period.shape
    unit_sums = [(u, [int(c) for c in np.flatnonzero(parent == u)] + [own_at[u]]) for u in internal]
    period_sums = [(period_at[q], [period_at[m] for m in months if quarter_of(m) == q]) for q in quarters] + [
        (period_at[y], [period_at[q] for q in quarters if q[:4] == y]) for y in years
    ]
    segment_sums = [(0, [i for i, (v, _) in enumerate(segments) if v == variable]) for variable in variables]
    relations = Relations.join(
        [
            grid_relations(shape, 0, unit_sums),
            grid_relations(shape, 1, period_sums),
            grid_relations(shape, 2, segment_sums),
        ]
    )
    releasable = np.zeros(shape, dtype=bool)
    releasable[: len(codes)] = True
    # a reader can tell an empty cell from a hidden one on every page, and that a unit with no responses of
    # its own in any period (one that only groups others) has none in each
    known_empty = releasable & (by_period == 0)
    grouping_only = [k for k, u in enumerate(internal) if not own[u].any()]
    known_empty[[len(codes) + k for k in grouping_only]] = True
    return DisclosureGrid(
        shape=(int(shape[0]), int(shape[1]), int(shape[2])),
        codes=tuple(codes),
        periods=tuple(periods),
        segments=tuple(segments),
        counts=by_period.ravel(),
        releasable=releasable.ravel(),
        known_empty=known_empty.ravel(),
        relations=relations,
    )


def _released_cells(
    lake: str | os.PathLike[str],
    plan: IndexPlan,
    key: str,
    items: tuple[str, ...],
    answered: Answered | None,
) -> ReleasedCells:
    grid = disclosure_grid(lake, plan, key, items, answered)
    released = linked_suppression(
        grid.counts, grid.releasable, grid.relations, threshold=plan.threshold, known_empty=grid.known_empty
    ).reshape(grid.shape)
    by_period = grid.counts.reshape(grid.shape)
    cells: dict[tuple[str, str, str, str], bool] = {}
    counts: dict[tuple[str, str, str, str], int] = {}
    for i, code in enumerate(grid.codes):
        for j, period in enumerate(grid.periods):
            for k, (variable, value) in enumerate(grid.segments):
                cell = (code, period, variable, value or "")
                cells[cell] = bool(released[i, j, k])
                counts[cell] = int(by_period[i, j, k])
    return ReleasedCells(cells, counts, plan.threshold)


def apply_disclosure(
    frame: pd.DataFrame, lake: str | os.PathLike[str], plan: IndexPlan, segment: str | None
) -> pd.DataFrame:
    """``frame`` (an index frame) with every cell :func:`released_cells` does not release hidden."""
    if frame.empty:
        return frame
    keep = np.ones(len(frame), dtype=bool)
    for key in frame["index"].unique():
        found = released_cells(lake, plan, str(key))
        rows = np.flatnonzero((frame["index"] == key).to_numpy())
        part = frame.iloc[rows]
        keep[rows] = [
            found.released(str(u), str(p), segment or "", str(v) if segment else "")
            for u, p, v in zip(part["unit"], part["period"], part["segment"], strict=True)
        ]
    hide = ~keep & ~frame["suppressed"].to_numpy(dtype=bool)
    if not hide.any():
        return frame
    frame = frame.copy()
    for column in ("estimate", "ci_low", "ci_high", "n", "sd", "promoters", "detractors"):
        frame.loc[hide, column] = np.nan
    frame.loc[hide, "suppressed"] = True
    return frame
