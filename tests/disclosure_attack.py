"""The attacker of issue 17: recover a group under the anonymity threshold from released counts.

The attacker holds every count ``n`` a reader was given, keyed ``(unit, period, segment, value)``
(``segment`` and ``value`` are ``""`` for the whole group; a ``period`` may also be ``R12 YYYY-MM``, the
twelve months ending in that month), and what anyone knows: the unit tree, which
months make a quarter and a year, and the values of each background variable. She tries

* the subtractions of the issue, one relation at a time: a quarter minus its shown months, a year minus its
  shown quarters or months, a twelve-month window (a year) minus the shown months, a total minus the
  shown values of a background variable, a parent minus its shown children;
* every linear combination at once: each group any table can describe (a unit with or without its
  subtree, a month, a quarter or a year, the whole group or one value, the units' own responses, those who
  skipped the question) whose membership vector lies in the span of the released cells' vectors has a
  count she can compute exactly.

:func:`recovered_small_groups` lists every group with a computed count of 1 … threshold − 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Cell = tuple[str, str, str, str]


def quarter_of(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


@dataclass(frozen=True)
class World:
    """What the attacker knows besides the numbers: tree, months and background values."""

    parent: Mapping[str, str | None]
    months: Sequence[str]
    values: Mapping[str, Sequence[str]]  # per variable, the answered values (skipping is a value too)

    @property
    def units(self) -> list[str]:
        return sorted(self.parent)

    def children(self, unit: str) -> list[str]:
        return sorted(c for c, p in self.parent.items() if p == unit)

    def subtree(self, unit: str) -> set[str]:
        found = {unit}
        for child in self.children(unit):
            found |= self.subtree(child)
        return found

    @property
    def quarters(self) -> list[str]:
        return sorted({quarter_of(m) for m in self.months})

    @property
    def years(self) -> list[str]:
        return sorted({m[:4] for m in self.months})

    def months_of(self, period: str) -> list[str]:
        if period.startswith("R12 "):  # the twelve months ending in a month (the taxonomy editor's counts)
            end = period[4:]
            at = int(end[:4]) * 12 + int(end[5:7]) - 1 - 11
            start = f"{at // 12:04d}-{at % 12 + 1:02d}"
            return [m for m in self.months if start <= m <= end]
        if len(period) == 7 and period[4] == "-" and period[5] != "Q":
            return [period]
        if "Q" in period:
            return [m for m in self.months if quarter_of(m) == period]
        return [m for m in self.months if m[:4] == period]


def _explicit(released: Mapping[Cell, int], world: World, threshold: int) -> list[str]:
    found: list[str] = []

    def check(what: str, whole: Cell, parts: list[Cell]) -> None:
        if whole not in released:
            return
        shown = [p for p in parts if p in released]
        if len(shown) == len(parts):
            return
        rest = released[whole] - sum(released[p] for p in shown)
        if 0 < rest < threshold:
            found.append(f"{what}: {whole} minus {len(shown)} shown parts leaves n={rest}")

    segments = [("", "")] + [(v, x) for v, xs in world.values.items() for x in xs]
    for unit in world.units:
        for segment, value in segments:
            for q in world.quarters:
                parts = [(unit, m, segment, value) for m in world.months_of(q)]
                check("quarter − months", (unit, q, segment, value), parts)
            for y in world.years:
                quarters = [(unit, q, segment, value) for q in world.quarters if q.startswith(y)]
                check("year − quarters", (unit, y, segment, value), quarters)
                months = [(unit, m, segment, value) for m in world.months_of(y)]
                check("twelve months − months", (unit, y, segment, value), months)
        periods = [*world.months, *world.quarters, *world.years]
        for period in periods:
            for variable, values in world.values.items():
                parts = [(unit, period, variable, v) for v in values]
                check("total − segments", (unit, period, "", ""), parts)
            children = world.children(unit)
            if children:
                for segment, value in segments:
                    parts = [(c, period, segment, value) for c in children]
                    # a parent's own responses are never shown: the rest always holds them
                    whole = (unit, period, segment, value)
                    if whole in released:
                        rest = released[whole] - sum(released.get(p, 0) for p in parts)
                        if 0 < rest < threshold:
                            found.append(f"parent − children: {whole} leaves n={rest}")
    return found


def _span(released: Mapping[Cell, int], world: World, threshold: int) -> list[str]:
    """Every describable group whose count follows exactly from the released counts (linear algebra)."""
    found: list[str] = []
    variables = list(world.values) or [""]
    periods = [*world.months, *world.quarters, *world.years]
    for variable in variables:
        values = list(world.values.get(variable, [""]))
        atoms = [(u, m, v) for u in world.units for m in world.months for v in values]
        position = {a: i for i, a in enumerate(atoms)}

        def vector(units: set[str], months: list[str], chosen: list[str], atoms_at=position) -> np.ndarray:
            row = np.zeros(len(atoms_at))
            for u in units:
                for m in months:
                    for v in chosen:
                        row[atoms_at[(u, m, v)]] = 1.0
            return row

        rows, numbers = [], []
        for (unit, period, segment, value), n in released.items():
            if segment not in ("", variable) or unit not in world.parent:
                continue
            chosen = values if segment == "" else [value]
            if segment and value not in values:
                continue
            rows.append(vector(world.subtree(unit), world.months_of(period), chosen))
            numbers.append(n)
        if not rows:
            continue
        matrix = np.array(rows)
        counts = np.array(numbers, dtype=float)
        groups, names = [], []
        for unit in world.units:
            for period in periods:
                for chosen, label in [(values, "")] + [([v], v) for v in values if variable]:
                    for units, kind in ((world.subtree(unit), "subtree"), ({unit}, "own")):
                        if kind == "own" and not world.children(unit):
                            continue
                        groups.append(vector(units, world.months_of(period), chosen))
                        names.append((kind, unit, period, variable, label))
        targets = np.array(groups)
        solution, *_ = np.linalg.lstsq(matrix.T, targets.T, rcond=None)
        residual = np.abs(matrix.T @ solution - targets.T).max(axis=0)
        implied = counts @ solution
        for name, res, n in zip(names, residual, implied, strict=True):
            if res < 1e-6 and 0.5 < n < threshold - 0.5:
                found.append(f"linear combination recovers {name}: n={n:.1f}")
    return found


def recovered_small_groups(released: Mapping[Cell, int], world: World, threshold: int) -> list[str]:
    """Every group of 1 … threshold − 1 respondents the attacker recovers (empty: the release is safe)."""
    return _explicit(released, world, threshold) + _span(released, world, threshold)
