"""Constant-time lookups in a survey's index frame (every unit × period × index), built once per frame.

A unit report asks the frame a few hundred questions ("NKI of unit X in 2026-Q2", "the siblings of X");
answered with boolean masks over the whole frame that cost ≈ 5 ms each, which made up most of a batch
report's time. :func:`frame_lookup` turns the frame into dictionaries once (cached beside the frame).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kundpuls.analytics.unit_paths import parent_path

Row = dict[str, Any]


@dataclass(frozen=True)
class FrameLookup:
    """The rows of an index frame by (unit, segment value, index, period), and what reports ask of them."""

    rows: dict[tuple[str, str, str, str], Row]
    periods: tuple[str, ...]
    unit_periods: dict[str, tuple[str, ...]]
    paths: dict[str, str]
    siblings: dict[tuple[str, str, str], tuple[Row, ...]]

    def row(self, unit: str, index: str, period: str, segment_value: str | None = None) -> Row | None:
        """The frame row of ``unit``'s ``index`` in ``period`` (for one segment value), or None."""
        return self.rows.get((unit, segment_value or "", index, period))

    def children_of(self, parent: str, index: str, period: str) -> tuple[Row, ...]:
        """Rows (whole unit, no segment) of every unit whose parent has the path ``parent``."""
        return self.siblings.get((parent, index, period), ())


def frame_lookup(frame: pd.DataFrame) -> FrameLookup:
    """Index ``frame`` (columns of :data:`kundpuls.reports.index_frames.FRAME_COLUMNS`) for lookups."""
    rows: dict[tuple[str, str, str, str], Row] = {}
    unit_periods: dict[str, set[str]] = defaultdict(set)
    paths: dict[str, str] = {}
    siblings: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for record in frame.to_dict("records"):
        unit, period, index = str(record["unit"]), str(record["period"]), str(record["index"])
        segment = "" if pd.isna(record["segment"]) else str(record["segment"])
        key = (unit, segment, index, period)
        if key in rows:  # the first row wins, as a masked lookup's first hit did
            continue
        rows[key] = record
        unit_periods[unit].add(period)
        paths.setdefault(unit, str(record["unit_path"]))
        if segment == "":
            siblings[(parent_path(str(record["unit_path"])), index, period)].append(record)
    return FrameLookup(
        rows=rows,
        periods=tuple(sorted(str(p) for p in frame["period"].unique())),
        unit_periods={u: tuple(sorted(p)) for u, p in unit_periods.items()},
        paths=paths,
        siblings={k: tuple(v) for k, v in siblings.items()},
    )
