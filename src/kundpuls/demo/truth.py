"""The demo's truth, stated: what every index of every unit and period *is* under the generating model.

The generator (:mod:`kundpuls.demo.responses`) draws answers from a known model, so the value an analysis
should find is known exactly, not just the shifts that went in. For a unit on day ``d`` the latent mean of
construct ``c`` is ``μ_c(d) = (δ(d)(I − B)⁻¹)_c + level_c`` (unit shifts and the dated changes in effect,
passed on through the paths). A rating item with loading ``λ`` is ``x = λ(η + level) + √(1 − λ²)ε``, so
``x ~ N(λμ, 1)``, answered as ``r = clip(rint(loc + s·x), lo, hi)`` (:class:`RatingScale`); hence

    ``P(r ≤ k) = Φ((k + ½ − loc)/s − λμ)``  and  ``E[r] = lo + Σ_{k=lo}^{hi−1} (1 − P(r ≤ k))``.

A codebook index (``scale_mean``) is ``Σ w_i·100(r_i − lo_i)/(hi_i − lo_i)``; "vet ej" and skipped answers
are missing completely at random, so the respondents the index keeps have the same expectation: the
true index is that sum over ``E[r_i]``. NPS (an item in the model on 0–10) is ``100(P(r ≥ 9) − P(r ≤ 6))``.
A period's true value averages the days of the period with the expected arrivals (season × weekday, zero
when the survey is closed: :func:`kundpuls.demo.responses.time.day_weights`), a parent unit's value
averages its units weighted by their expected responses (volume × the same day weights).

Indices with items outside the latent model (choices, the patient survey's positive shares) are not
stated (``None``). :func:`true_priorities` gives the SCB matrix's true *Prioritera* areas and
:func:`true_goal_state` a goal's true state. ``kundpuls demo --truth FILE`` writes
:func:`survey_truth` of every demo survey (``docs/demo-data.md``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from scipy.special import ndtr

from kundpuls.demo.responses.results import GenerationTruth
from kundpuls.demo.responses.time import day_weights
from kundpuls.demo.structural import RatingScale
from kundpuls.errors import InvalidArgument
from kundpuls.instruments import SurveyDefinition, stored_items

PERIOD_KINDS = ("month", "quarter", "year")
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class TruePeriod:
    """A calendar period (local days, inclusive) and its label as the lake writes it (``2025-Q2``)."""

    label: str
    first: date
    last: date


def period_label(day: date, kind: str) -> str:
    """``2025-06`` (month), ``2025-Q2`` (quarter) or ``2025`` (year)."""
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if kind == "year":
        return str(day.year)
    raise InvalidArgument(
        f"period_kind: {kind!r} is not one of {', '.join(PERIOD_KINDS)}", field="period_kind"
    )


def periods_between(first: date, last: date, kind: str) -> tuple[TruePeriod, ...]:
    """The calendar periods of ``kind`` touching ``first … last`` (clipped to those days)."""
    found: dict[str, list[date]] = {}
    day = first
    while day <= last:
        found.setdefault(period_label(day, kind), [day, day])[1] = day
        day += timedelta(days=1)
    return tuple(TruePeriod(label, span[0], span[1]) for label, span in found.items())


def rating_probabilities(mean: np.ndarray, loading: float, low: int, high: int) -> np.ndarray:
    """``P(r = k)`` for ``k = low … high`` of a rating item whose construct has latent mean ``mean``.

    ``mean`` has any shape; the answer adds a last axis of length ``high − low + 1``.
    """
    scale = RatingScale(low=low, high=high)
    location = low + 0.72 * (high - low) if scale.location is None else scale.location
    spread = (high - low) / 5.5 if scale.spread is None else scale.spread
    centre = loading * np.asarray(mean, dtype=float)[..., None]
    cuts = (np.arange(low, high) + 0.5 - location) / spread  # P(r ≤ k) for k = low … high − 1
    cumulative = ndtr(cuts - centre)
    ones = np.ones((*cumulative.shape[:-1], 1))
    full = np.concatenate([cumulative, ones], axis=-1)
    return np.diff(full, axis=-1, prepend=0.0)


@dataclass(frozen=True)
class _IndexSpec:
    key: str
    items: tuple[tuple[str, float, int, int, float], ...]  # (construct, weight, lo, hi, loading)
    nps: bool = False


def _index_specs(definition: SurveyDefinition, truth: GenerationTruth) -> dict[str, _IndexSpec | None]:
    model = truth.model
    of = model.item_construct()
    items = {item.key: item for item in stored_items(definition)}
    specs: dict[str, _IndexSpec | None] = {}
    codebook = definition.codebook
    for key, index in codebook.indices.items():
        if index.kind != "scale_mean":
            continue
        parts: list[tuple[str, float, int, int, float]] = []
        for item_key, weight in index.normalised_weights().items():
            item = items.get(item_key)
            if (
                item is None
                or item_key not in of
                or item.kind != "numeric"
                or item.scale_min is None
                or item.scale_max is None
            ):
                parts = []
                break
            parts.append(
                (of[item_key], weight, int(item.scale_min), int(item.scale_max), model.loadings[item_key])
            )
        specs[key] = _IndexSpec(key, tuple(parts)) if parts else None
    if codebook.nps:
        item = items.get(codebook.nps)
        if item is not None and codebook.nps in of and item.scale_min == 0 and item.scale_max == 10:
            specs["NPS"] = _IndexSpec(
                "NPS", ((of[codebook.nps], 1.0, 0, 10, model.loadings[codebook.nps]),), True
            )
        else:
            specs["NPS"] = None
    return specs


def _day_means(truth: GenerationTruth, unit: str, days: np.ndarray) -> np.ndarray:
    """``(days, constructs)`` latent means of ``unit`` (levels included)."""
    model = truth.model
    names = model.names
    delta = np.zeros((days.size, len(names)))
    for name, value in truth.unit_shifts.get(unit, {}).items():
        delta[:, names.index(name)] += value
    for code, change in truth.changes:
        if code == unit:
            delta[:, names.index(change.construct)] += change.delta * change.factor(days)
    levels = np.array([model.levels[name] for name in names])
    return delta @ model.propagation() + levels


def _index_by_day(spec: _IndexSpec, names: Sequence[str], means: np.ndarray) -> np.ndarray:
    if spec.nps:
        construct, _, low, high, loading = spec.items[0]
        probs = rating_probabilities(means[:, names.index(construct)], loading, low, high)
        return np.asarray(100.0 * (probs[:, 9:].sum(axis=1) - probs[:, :7].sum(axis=1)))
    total = np.zeros(means.shape[0])
    for construct, weight, low, high, loading in spec.items:
        probs = rating_probabilities(means[:, names.index(construct)], loading, low, high)
        expected = probs @ np.arange(low, high + 1)
        total += weight * 100.0 * (expected - low) / (high - low)
    return total


@dataclass(frozen=True)
class TruthTable:
    """True index values: ``values[(unit, period label, index)]`` and the expected responses behind them.

    ``expected_n[(unit, period label)]`` is the expected number of responses (before "vet ej"); units are
    the generated units and every parent in ``parents``.
    """

    survey_key: str
    period_kind: str
    periods: tuple[TruePeriod, ...]
    values: dict[tuple[str, str, str], float | None]
    expected_n: dict[tuple[str, str], float]

    def value(self, unit: str, period: str, index: str) -> float | None:
        return self.values.get((unit, period, index))

    def change(self, unit: str, period: str, index: str) -> float | None:
        """True value in ``period`` minus the previous period's (None for the first period)."""
        labels = [p.label for p in self.periods]
        if period not in labels or labels.index(period) == 0:
            return None
        before = self.value(unit, labels[labels.index(period) - 1], index)
        after = self.value(unit, period, index)
        return None if before is None or after is None else after - before


def _ancestors(unit: str, parents: Mapping[str, str]) -> list[str]:
    chain: list[str] = []
    while unit in parents and len(chain) < 64:
        unit = parents[unit]
        chain.append(unit)
    return chain


def true_values(
    definition: SurveyDefinition,
    truth: GenerationTruth,
    *,
    period_kind: str = "quarter",
    parents: Mapping[str, str] | None = None,
) -> TruthTable:
    """The true value of every index for every unit (and parent) and period of the generated data.

    ``parents`` maps a unit code to its parent's (e.g. ``{"A": "ALL"}`` as
    :func:`kundpuls.reports.frame_lake.lake_from_frame` hangs units under ``ALL``); a parent's value is
    its units' mixture, weighted by expected responses.
    """
    if truth.survey_key != definition.key:
        raise InvalidArgument(
            f"definition: the truth is of survey {truth.survey_key!r}, not {definition.key!r}",
            field="definition",
            value=definition.key,
        )
    zone = truth.zone or STOCKHOLM
    first = truth.start.astimezone(zone).date()
    last = (truth.end - timedelta(microseconds=1)).astimezone(zone).date()
    periods = periods_between(first, last, period_kind)
    specs = _index_specs(definition, truth)
    names = truth.model.names
    parents = dict(parents or {})
    values: dict[tuple[str, str, str], float | None] = {}
    expected_n: dict[tuple[str, str], float] = {}
    sums: dict[tuple[str, str, str], float] = {}
    for period in periods:
        days = np.arange(np.datetime64(period.first, "D"), np.datetime64(period.last, "D") + 1)
        weights = day_weights(days, truth.open_periods)
        for unit, volume in truth.volumes.items():
            arrivals = volume * weights / (365.25 / 12)
            count = float(arrivals.sum())
            means = _day_means(truth, unit, days)
            for group in (unit, *_ancestors(unit, parents)):
                expected_n[(group, period.label)] = expected_n.get((group, period.label), 0.0) + count
            for key, spec in specs.items():
                if spec is None:
                    values[(unit, period.label, key)] = None
                    continue
                by_day = _index_by_day(spec, names, means)
                total = float(arrivals @ by_day)
                values[(unit, period.label, key)] = total / count if count > 0 else None
                for group in _ancestors(unit, parents):
                    sums[(group, period.label, key)] = sums.get((group, period.label, key), 0.0) + total
    for (group, label, key), total in sums.items():
        count = expected_n.get((group, label), 0.0)
        values[(group, label, key)] = total / count if count > 0 else None
    for group in {g for u in truth.volumes for g in _ancestors(u, parents)}:
        for period in periods:
            for key, spec in specs.items():
                if spec is None:
                    values[(group, period.label, key)] = None
    return TruthTable(definition.key, period_kind, periods, values, expected_n)


def true_window_values(
    definition: SurveyDefinition,
    truth: GenerationTruth,
    unit: str,
    first: date,
    last: date,
    *,
    parents: Mapping[str, str] | None = None,
) -> dict[str, float | None]:
    """True index values of ``unit`` (or a parent) over the days ``first … last`` (a driver window)."""
    parents = dict(parents or {})
    members = [u for u in truth.volumes if u == unit or unit in _ancestors(u, parents)]
    specs = _index_specs(definition, truth)
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    weights = day_weights(days, truth.open_periods)
    out: dict[str, float | None] = {}
    for key, spec in specs.items():
        if spec is None or not members:
            out[key] = None
            continue
        total = count = 0.0
        for member in members:
            arrivals = truth.volumes[member] * weights
            total += float(arrivals @ _index_by_day(spec, truth.model.names, _day_means(truth, member, days)))
            count += float(arrivals.sum())
        out[key] = total / count if count > 0 else None
    return out


def strongest_drivers(truth: GenerationTruth) -> list[str]:
    """The drivers by their true path into the outcome, strongest first."""
    return sorted(truth.model.paths, key=lambda name: -truth.model.paths[name])


def true_priorities(truth: GenerationTruth, scores: Mapping[str, float | None]) -> list[str]:
    """The SCB matrix's true *Prioritera* areas: path at or above the mean path, true score below the mean.

    The true effect of an area is its path (the matrix's effektmått is the path times a ratio of spreads,
    the same for areas measured alike); ``scores`` are the areas' true index values in the window. Cut
    lines at the means, ties to the high side, as :func:`kundpuls.stats.priority_matrix`.
    """
    paths = {k: v for k, v in truth.model.paths.items() if scores.get(k) is not None}
    if not paths:
        return []
    effect_cut = float(np.mean(list(paths.values())))
    known = {k: float(v) for k, v in scores.items() if v is not None and k in paths}
    score_cut = float(np.mean(list(known.values())))
    chosen = [k for k in paths if paths[k] >= effect_cut and known[k] < score_cut]
    return sorted(chosen, key=lambda k: -paths[k])


def true_goal_state(value: float | None, target: float, *, higher_is_better: bool = True) -> str:
    """``met`` / ``not_met`` by the true value against the target (``no_data`` without a value)."""
    if value is None:
        return "no_data"
    good = value > target if higher_is_better else value < target
    return "met" if good else "not_met"


def survey_truth(
    definition: SurveyDefinition,
    truth: GenerationTruth,
    *,
    period_kinds: Iterable[str] = ("quarter",),
    parents: Mapping[str, str] | None = None,
    goals: Sequence[tuple[str, str, float]] = (),
) -> dict[str, Any]:
    """The truth of one generated survey as JSON-ready data.

    Holds the model (:meth:`GenerationTruth.to_dict`), the drivers strongest first, and per period kind
    every unit × period × index's true value, expected responses and true change since the previous
    period; ``goals`` (unit, index, target) get their true state in every period.
    """
    result: dict[str, Any] = {
        **truth.to_dict(),
        "strongest_drivers": strongest_drivers(truth),
        "periods": {},
    }
    for kind in period_kinds:
        table = true_values(definition, truth, period_kind=kind, parents=parents)
        rows = [
            {
                "unit": unit,
                "period": period,
                "index": index,
                "value": value,
                "change": table.change(unit, period, index),
                "expected_n": table.expected_n.get((unit, period)),
            }
            for (unit, period, index), value in sorted(table.values.items())
        ]
        goal_rows = [
            {
                "unit": unit,
                "index": index,
                "target": target,
                "period": p.label,
                "state": true_goal_state(table.value(unit, p.label, index), target),
            }
            for unit, index, target in goals
            for p in table.periods
        ]
        result["periods"][kind] = {"values": rows, "goals": goal_rows}
    return result


def write_truth(path: str | os.PathLike[str], document: Mapping[str, Any]) -> None:
    """Write a truth document as JSON (UTF-8, indented)."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1, default=str)
        handle.write("\n")
