"""Index results for every unit × period of a survey, from the lake's anonymised sufficient statistics.

A codebook index is a weighted mean of its items on 0–100,
``idx = Σ_i c_i·x_i − d`` with ``c_i = w_i·100/(hi_i − lo_i)`` and ``d = Σ_i c_i·lo_i`` (weights ``w``
summing to 1, docs/methods.md §1.2). From the listwise-complete cross products of the items
(:func:`kundpuls.analytics.cross_products.cross_products`) the respondent-level moments of the index follow
exactly: ``Σidx = cᵀΣx − n·d`` and ``Σidx² = cᵀ(Σxxᵀ)c − 2d·cᵀΣx + n·d²``. They go to
:func:`kundpuls.stats.sufficient.mean_index_from_moments` for the mean, its interval (t below n = 30, z
above; docs/methods.md §1.8) and the anonymity threshold. Respondents who skipped an item of the index are
left out of it (listwise; the codebook's ``min_answered`` rule is approximated by "all items").

A ``positive_share`` index (the patient survey's dimensions, docs/methods.md §10.2) is one lake column, the
respondents' weighted shares of positive answers on 0–1 (:mod:`kundpuls.analytics.positive_shares`), so it
takes the same path with ``c = 100``, ``d = 0``: 100 × the mean respondent score; a dimension of one question
is a plain share with a Wilson interval (§3.2). Its rows have ``kind`` ``"share"``.

NPS comes from promoter/detractor counts (:func:`kundpuls.analytics.index_tables.index_table`).
The result is one long frame for **all** units and periods, so a page for one unit is a lookup in a
cached frame (see :mod:`kundpuls.reports.cache`). The frame is the computation's columnar container, not a
result of its own: a surface takes a cell out of it as an :class:`~kundpuls.stats.results.IndexResult`
(:func:`frame_result`), the one type of an index value with its interval.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kundpuls.analytics.cross_products import CrossProducts, cross_products
from kundpuls.analytics.index_tables import index_table
from kundpuls.analytics.period_kinds import REPORT_PERIOD_KINDS
from kundpuls.analytics.positive_shares import share_dimensions
from kundpuls.analytics.rollup import open_lake, resolve_query_items, sufficient_statistics
from kundpuls.analytics.unit_tree import UnitTree
from kundpuls.errors import InvalidArgument
from kundpuls.instruments import SurveyDefinition
from kundpuls.reports.anonymity import survey_thresholds
from kundpuls.reports.disclosure import apply_disclosure
from kundpuls.stats.results import IndexResult
from kundpuls.stats.sufficient import IndexArrays, mean_index_from_moments, proportion_from_counts

FRAME_COLUMNS = (
    "unit",
    "unit_path",
    "depth",
    "period",
    "period_start",
    "segment",
    "index",
    "kind",
    "estimate",
    "ci_low",
    "ci_high",
    "n",
    "sd",
    "promoters",
    "detractors",
    "suppressed",
    "method",
)


@dataclass(frozen=True)
class IndexPlan:
    """Which indices a survey reports, in order: main index first, then NPS, then the others."""

    survey_key: str
    indices: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    items: dict[str, tuple[str, ...]]
    weights: dict[str, dict[str, float]]
    nps_item: str | None
    main_index: str | None
    threshold: int
    comment_threshold: int
    kinds: dict[str, str] = field(default_factory=dict)

    def kind(self, key: str) -> str:
        """How index ``key`` is reported: ``"index"`` (0–100 mean), ``"share"`` (percent positive) or
        ``"nps"``."""
        return "nps" if key == "NPS" else self.kinds.get(key, "index")

    def label(self, key: str, language: str = "sv") -> str:
        """The label of index ``key`` in ``language`` (falls back to Swedish, then the key)."""
        labels = self.labels.get(key, {})
        return labels.get(language) or labels.get("sv") or key


def index_coefficients(
    plan: IndexPlan, key: str, scales: Mapping[str, tuple[float, float]]
) -> tuple[np.ndarray, float]:
    """``(c, d)`` of index ``key``: its 0–100 value is ``c · x − d`` for answers ``x`` to its items."""
    items = plan.items[key]
    lo = np.array([scales.get(i, (1.0, 10.0))[0] for i in items])
    hi = np.array([scales.get(i, (1.0, 10.0))[1] for i in items])
    w = np.array([plan.weights[key][i] for i in items])
    c = w * 100.0 / (hi - lo)
    return c, float(c @ lo)


def index_arrays(
    cp: CrossProducts,
    plan: IndexPlan,
    key: str,
    scales: Mapping[str, tuple[float, float]],
    item_kinds: Mapping[str, str],
    *,
    confidence: float = 0.95,
) -> IndexArrays:
    """Index ``key`` with its interval for every group of ``cp`` (the one home of the index arithmetic).

    A mean index from the moments ``Σidx = cᵀΣx − n·d`` and ``Σidx² = cᵀ(Σxxᵀ)c − 2d·cᵀΣx + n·d²``; a
    one-question share (1/0 answers) as a proportion with a Wilson interval.
    """
    items = plan.items[key]
    c, d = index_coefficients(plan, key, scales)
    n = cp.groups["n"].to_numpy(dtype=np.float64, na_value=0.0)
    sums = np.nan_to_num(cp.sums)
    products = np.nan_to_num(cp.products)
    if len(items) == 1 and item_kinds.get(items[0]) == "share":
        return proportion_from_counts(np.rint(sums[:, 0]), n, confidence=confidence, threshold=plan.threshold)
    total = sums @ c - n * d
    total_sq = np.einsum("i,gij,j->g", c, products, c) - 2 * d * (sums @ c) + n * d * d
    return mean_index_from_moments(n, total, total_sq, confidence=confidence, threshold=plan.threshold)


def window_results(
    lake: str | os.PathLike[str],
    plan: IndexPlan,
    key: str,
    *,
    start: str,
    end: str,
    units: Iterable[str],
    confidence: float = 0.95,
) -> dict[str, IndexResult]:
    """Index ``key`` per unit (rolled up) over the months ``start``–``end`` (``YYYY-MM``, both included):
    the same arithmetic as the frame, for a window no report period covers (a goal's follow-up)."""
    _, manifest = open_lake(lake)
    _, _, scales, item_kinds = resolve_query_items(manifest, plan.survey_key)
    cp = cross_products(
        lake,
        plan.survey_key,
        plan.items[key],
        period="all",
        start=start,
        end=end,
        units=list(units),
        threshold=plan.threshold,
    )
    groups = cp.groups.reset_index(drop=True)
    if groups.empty:
        return {}
    arrays = index_arrays(cp, plan, key, scales, item_kinds, confidence=confidence)
    hidden = groups["suppressed"].to_numpy(dtype=bool)
    out = {}
    for i, code in enumerate(groups["unit"]):
        result = arrays.result(i).named(key, plan.label(key), kind=plan.kind(key))
        if hidden[i] and not result.suppressed:  # complementary suppression through the tree
            result = IndexResult.hidden(key, plan.label(key), kind=plan.kind(key), method=result.method)
        out[str(code)] = result
    return out


def _number(value: Any) -> float | None:
    """A frame cell as a float, ``None`` when it is empty (NaN or missing)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def frame_result(row: Mapping[str, Any] | pd.Series | None, key: str, label: str, kind: str) -> IndexResult:
    """Index ``key`` (called ``label``, on scale ``kind``) of one frame row as the one result type.

    A missing row, a suppressed one and one without an estimate are :meth:`IndexResult.hidden
    <kundpuls.stats.results.IndexResult.hidden>`: no numbers, not even ``n``. The frame holds unweighted
    results, so ``n_eff`` is ``n``; ``se`` is ``sd/√n`` where the frame has a spread (means, not NPS).
    """
    if row is None or bool(row["suppressed"]) or _number(row["estimate"]) is None:
        return IndexResult.hidden(key, label, kind=kind)
    n = int(row["n"])
    sd = _number(row["sd"])
    return IndexResult(
        estimate=_number(row["estimate"]),
        ci_low=_number(row["ci_low"]),
        ci_high=_number(row["ci_high"]),
        n=n,
        n_eff=float(n),
        method=str(row["method"]),
        suppressed=False,
        se=None if sd is None or n <= 0 else sd / math.sqrt(n),
        kind=kind,
        key=key,
        label=label,
    )


def index_plan(
    definition: SurveyDefinition, *, threshold_setting: int, available: Iterable[str] | None = None
) -> IndexPlan:
    """The indices of ``definition``'s codebook that can be computed (items present in ``available``).

    ``threshold_setting`` is ``KUNDPULS_ANONYMITY_THRESHOLD``: the plan's thresholds are the larger of it
    and the codebook's (:func:`kundpuls.reports.anonymity.survey_thresholds`).
    """
    codebook = definition.codebook
    known = set(available) if available is not None else None
    order = [codebook.main_index] if codebook.main_index else []
    order += [k for k in codebook.indices if k not in order]
    shares = {dimension.index: dimension for dimension in share_dimensions(definition)}
    order += [k for k in shares if k not in order]
    indices: list[str] = []
    labels: dict[str, dict[str, str]] = {}
    items: dict[str, tuple[str, ...]] = {}
    weights: dict[str, dict[str, float]] = {}
    kinds: dict[str, str] = {}
    for key in order:
        if key is None:
            continue
        index = codebook.indices.get(key)
        label = index.label if index is not None else shares[key].label
        if key in shares:
            column = shares[key].column
            index_items: tuple[str, ...] = (column,)
            index_weights = {column: 1.0}
            kinds[key] = "share"
        elif index is not None and index.kind == "scale_mean":
            index_items = tuple(index.items)
            index_weights = index.normalised_weights()
        else:
            continue
        if known is not None and not set(index_items) <= known:
            continue
        indices.append(key)
        labels[key] = label.as_dict() if label is not None else {"sv": key}
        items[key] = index_items
        weights[key] = index_weights
    nps_item = codebook.nps if codebook.nps and (known is None or codebook.nps in known) else None
    if nps_item:
        labels["NPS"] = {"sv": "NPS", "en": "NPS"}
    thresholds = survey_thresholds(definition, setting=threshold_setting)
    return IndexPlan(
        survey_key=definition.key,
        indices=tuple(indices),
        labels=labels,
        items=items,
        weights=weights,
        nps_item=nps_item,
        main_index=codebook.main_index
        if codebook.main_index in indices
        else (indices[0] if indices else None),
        threshold=thresholds.groups,
        comment_threshold=thresholds.comments,
        kinds={key: kind for key, kind in kinds.items() if key in indices},
    )


def plan_for_lake(
    lake: str | os.PathLike[str], definition: SurveyDefinition, *, threshold_setting: int
) -> IndexPlan:
    """:func:`index_plan` restricted to the items the lake holds for the survey."""
    _, manifest = open_lake(lake)
    return index_plan(
        definition, threshold_setting=threshold_setting, available=manifest.survey_items(definition.key)
    )


def index_frame(
    lake: str | os.PathLike[str],
    plan: IndexPlan,
    *,
    period_kind: str = "quarter",
    segment: str | None = None,
    tree: UnitTree | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Every index of ``plan`` for every unit (rolled up through the tree) × period (× segment).

    Returns a frame with :data:`FRAME_COLUMNS`; suppressed rows have no numbers (not even ``n``). With the
    lake's own tree, a row is also hidden when another table a reader can ask for (another period kind,
    a segment, the parent) would let her recover a small group from it
    (:mod:`kundpuls.reports.disclosure`).
    """
    if period_kind not in REPORT_PERIOD_KINDS:
        raise InvalidArgument(
            f"period_kind: {period_kind!r} is not one of {REPORT_PERIOD_KINDS}",
            field="period_kind",
            value=period_kind,
        )
    if not plan.indices and not plan.nps_item:  # a survey of Kano or price modules only
        return pd.DataFrame({c: [] for c in FRAME_COLUMNS})
    _, manifest = open_lake(lake)
    _, _, scales, item_kinds = resolve_query_items(manifest, plan.survey_key)
    parts: list[pd.DataFrame] = []
    for key in plan.indices:
        items = plan.items[key]
        cp = cross_products(
            lake,
            plan.survey_key,
            items,
            period=period_kind,
            segment=segment,
            tree=tree,
            threshold=plan.threshold,
        )
        groups = cp.groups.reset_index(drop=True)
        if groups.empty:
            continue
        n = groups["n"].to_numpy(dtype=np.float64, na_value=0.0)
        hidden = groups["suppressed"].to_numpy(dtype=bool)
        result = index_arrays(cp, plan, key, scales, item_kinds, confidence=confidence)
        shown = ~(hidden | result.suppressed)
        se = result.se if result.se is not None else np.full(len(n), np.nan)
        part = pd.DataFrame(
            {
                "unit": groups["unit"].astype(str),
                "unit_path": groups["unit_path"].astype(str),
                "depth": groups["depth"].astype(int),
                "period": groups["period"].astype(str),
                "period_start": groups["period_start"].astype(str),
                "segment": groups["segment"].astype(str) if segment else "",
                "index": key,
                "kind": plan.kind(key),
                "estimate": np.where(shown, result.estimate, np.nan),
                "ci_low": np.where(shown, result.ci_low, np.nan),
                "ci_high": np.where(shown, result.ci_high, np.nan),
                "n": np.where(shown, n, np.nan),
                "sd": np.where(shown, se * np.sqrt(n), np.nan),
                "promoters": np.nan,
                "detractors": np.nan,
                "suppressed": ~shown,
                "method": result.method,
            }
        )
        parts.append(part)
    if plan.nps_item:
        parts.append(
            _nps_part(lake, plan, period_kind=period_kind, segment=segment, tree=tree, confidence=confidence)
        )
    if not parts:
        return pd.DataFrame({c: [] for c in FRAME_COLUMNS})
    frame = pd.concat(parts, ignore_index=True).loc[:, list(FRAME_COLUMNS)]
    if tree is None:  # the lake's own tree: the tables every surface reads, linked across outputs
        frame = apply_disclosure(frame, lake, plan, segment)
    return frame


def _nps_part(
    lake: str | os.PathLike[str],
    plan: IndexPlan,
    *,
    period_kind: str,
    segment: str | None,
    tree: UnitTree | None,
    confidence: float,
) -> pd.DataFrame:
    item = plan.nps_item or ""
    stats = sufficient_statistics(
        lake,
        plan.survey_key,
        items=[item],
        nps_items=[item],
        period=period_kind,
        segment=segment,
        tree=tree,
        threshold=plan.threshold,
    )
    table = index_table(stats, confidence=confidence).reset_index(drop=True)
    raw = stats.table.reset_index(drop=True)
    shown = ~table["suppressed"].to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "unit": table["unit"].astype(str),
            "unit_path": table["unit_path"].astype(str),
            "depth": table["depth"].astype(int),
            "period": table["period"].astype(str),
            "period_start": table["period_start"].astype(str),
            "segment": table["segment"].astype(str) if segment else "",
            "index": "NPS",
            "kind": "nps",
            "estimate": table["estimate"].to_numpy(dtype=np.float64, na_value=np.nan),
            "ci_low": table["ci_low"].to_numpy(dtype=np.float64, na_value=np.nan),
            "ci_high": table["ci_high"].to_numpy(dtype=np.float64, na_value=np.nan),
            "n": table["n"].to_numpy(dtype=np.float64, na_value=np.nan),
            "sd": np.nan,
            "promoters": np.where(
                shown, raw["promoters"].to_numpy(dtype=np.float64, na_value=np.nan), np.nan
            ),
            "detractors": np.where(
                shown, raw["detractors"].to_numpy(dtype=np.float64, na_value=np.nan), np.nan
            ),
            "suppressed": ~shown,
            "method": table["method"].astype(str),
        }
    )
