"""Frozen result contracts of the reports layer: what a dashboard, a PDF, an XLSX or a CSV shows.

An index value is the one result type of :mod:`kundpuls.stats`,
:class:`~kundpuls.stats.results.IndexResult`, named (``key``, ``label``) and on its scale (``kind``). Every
number carries ``n`` and its interval; a suppressed cell (fewer respondents than the anonymity threshold, or
not released by the linked rule) is :meth:`IndexResult.hidden <kundpuls.stats.results.IndexResult.hidden>`:
``suppressed=True`` and **no numbers at all** (``estimate``, ``ci_low``, ``ci_high`` and ``n`` are
``None``), so no renderer can leak it by accident.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from kundpuls.stats.results import IndexResult

#: The fields of an :class:`~kundpuls.stats.results.IndexResult` a report shows, in this order: what the
#: API's JSON (:func:`contract_dict`) and its OpenAPI schema :data:`INDEX_VALUE_SCHEMA` hold for one value.
INDEX_VALUE_FIELDS = ("key", "label", "estimate", "ci_low", "ci_high", "n", "suppressed", "method", "kind")

#: The name and description of that shape in the API's OpenAPI document.
INDEX_VALUE_SCHEMA = ("IndexValue", "One index (or NPS) of one group and period, on 0–100 (NPS: −100…100).")


def contract_dict(contract: Any) -> Any:
    """``contract`` as plain data for JSON, like :func:`dataclasses.asdict`, with each index value as the
    fields a report shows (:data:`INDEX_VALUE_FIELDS`) rather than every field of the statistic."""
    if isinstance(contract, IndexResult):
        return {name: getattr(contract, name) for name in INDEX_VALUE_FIELDS}
    if dataclasses.is_dataclass(contract) and not isinstance(contract, type):
        return {f.name: contract_dict(getattr(contract, f.name)) for f in dataclasses.fields(contract)}
    if isinstance(contract, (tuple, list)):
        return type(contract)(contract_dict(v) for v in contract)
    if isinstance(contract, dict):
        return {k: contract_dict(v) for k, v in contract.items()}
    return contract


@dataclass(frozen=True)
class Change:
    """Change of an index (the period − its baseline) and whether it is flagged.

    The baseline is the up to four periods before the period shown, pooled; ``previous_period`` names them
    (``2025-Q3`` or ``2025-Q1–2025-Q3``; :mod:`kundpuls.reports.change_flags`).

    ``p_value`` is the test's own; ``q_value`` the Benjamini–Hochberg adjusted p-value across every unit ×
    index of the period, and ``significant`` (a *clear change*, "tydlig förändring") is ``q_value ≤ 0.05``
    (:mod:`kundpuls.reports.change_flags`, docs/statistics.md).
    """

    key: str
    previous_period: str
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    significant: bool
    method: str = ""
    q_value: float | None = None


@dataclass(frozen=True)
class Headline:
    """An index of the unit in the selected period with its change against its baseline."""

    value: IndexResult
    change: Change | None


@dataclass(frozen=True)
class TrendPoint:
    """One period of the trend of one index."""

    period: str
    value: IndexResult


@dataclass(frozen=True)
class ComparisonRow:
    """The unit, its parent or the whole organisation on one index."""

    role: str  # "unit" | "parent" | "organisation"
    unit_code: str
    unit_name: str
    value: IndexResult


@dataclass(frozen=True)
class FunnelPoint:
    """A sibling unit on the funnel plot (estimate is None when suppressed).

    ``shrunk_estimate`` with ``shrunk_ci_low``/``shrunk_ci_high`` is the empirical-Bayes estimate beside the
    raw one (docs/methods.md §8.2): pulled towards the siblings' pooled mean, more for small units; None when
    the point is suppressed or its spread is unknown.

    ``outside_95``/``outside_998`` say where the point lies against the drawn limits; ``outlier`` is the
    flag a reader is told about: the unit differs from the target with the false discovery rate kept at 5 %
    across the shown siblings (Benjamini–Hochberg, docs/statistics.md).
    """

    unit_code: str
    unit_name: str
    estimate: float | None
    n: int | None
    suppressed: bool
    is_focus: bool
    outside_95: bool
    outside_998: bool
    shrunk_estimate: float | None = None
    shrunk_ci_low: float | None = None
    shrunk_ci_high: float | None = None
    outlier: bool = False


@dataclass(frozen=True)
class FunnelLimit:
    """Control limits at a given n."""

    n: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


@dataclass(frozen=True)
class Funnel:
    """Funnel plot of the main index against the sibling units (docs/methods.md §8.1).

    ``pooled_mean`` and ``between_unit_variance`` are the fitted prior of the shrunk estimates (μ_w and τ²
    of docs/methods.md §8.2); None when no shrinkage could be fitted.
    """

    index_key: str
    target: float
    points: tuple[FunnelPoint, ...]
    limits: tuple[FunnelLimit, ...]
    method: str
    pooled_mean: float | None = None
    between_unit_variance: float | None = None

    @property
    def focus(self) -> FunnelPoint | None:
        """The point of the unit the report is about (None when it is not among the siblings)."""
        return next((p for p in self.points if p.is_focus), None)


#: The priority-matrix quadrant of high effect and low score: the areas to improve first.
PRIORITISE = "Prioritera"


@dataclass(frozen=True)
class DriverRow:
    """One driver area: its score (index) and effect (effektmått: NKI points per +5 on the area)."""

    key: str
    label: str
    score: float
    effect: float
    quadrant: str


@dataclass(frozen=True)
class DriverReport:
    """Priority matrix of the driver model (SCB prioriteringsmatris)."""

    outcome: str
    rows: tuple[DriverRow, ...]
    score_cut: float
    effect_cut: float
    n: int
    r_squared: float
    scope_code: str
    scope_name: str
    method: str
    window_start: str = ""
    window_end: str = ""

    @property
    def window(self) -> str:
        """The months the matrix stands on, ``2025-07–2026-06``."""
        return f"{self.window_start}–{self.window_end}"

    def improve_first(self) -> tuple[DriverRow, ...]:
        """The areas the matrix says to improve ("Prioritera"), the largest effect first (then lowest score).

        Empty when no area is in "Prioritera": then no area both matters much and scores low, and the other
        quadrants ("Bevara", "Lägre prioritet", "Förbättra om möjligt") are not advice to improve first.
        """
        chosen = [r for r in self.rows if r.quadrant == PRIORITISE]
        return tuple(sorted(chosen, key=lambda r: (-r.effect, r.score)))


@dataclass(frozen=True)
class CommentTheme:
    """A comment theme: how many comments raised it (``share`` of the unit's comments, 0–1; ``complaints``
    and ``praise`` of them by the polarity of the sentences that raise it) and a few example comments
    (already redacted)."""

    key: str
    label: str
    count: int
    share: float
    examples: tuple[str, ...]
    complaints: int = 0
    praise: int = 0


@dataclass(frozen=True)
class CommentSummary:
    """Comment themes of the unit and period, or only the reason they are hidden."""

    suppressed: bool
    respondents: int | None
    comments: int
    themes: tuple[CommentTheme, ...]
    threshold: int


@dataclass(frozen=True)
class GapRow:
    """Staff–customer gap on a mirrored index: staff's view minus the customers' (index points)."""

    key: str
    label: str
    staff: IndexResult
    customer: IndexResult
    gap: float | None
    year: str = ""  # the year both sides are of (the newest with enough answers on both)


@dataclass(frozen=True)
class KanoFeatureRow:
    """Kano result of one feature (docs/methods.md §4); a hidden feature (n under the threshold): no numbers.

    ``shares`` are the category shares A, O, M, I, R, Q (0–1) of the ``n`` respondents with both answers;
    ``category`` the most frequent one (ties M > O > A > I); ``better`` = (A + O)/(A + O + M + I),
    ``worse`` = −(O + M)/(A + O + M + I); ``low_base`` when n < 30.
    """

    key: str
    label: str
    n: int | None
    shares: tuple[tuple[str, float], ...]
    category: str | None
    strength: float | None
    better: float | None
    worse: float | None
    functional_mean: float | None
    dysfunctional_mean: float | None
    suppressed: bool
    low_base: bool = False

    @classmethod
    def hidden(cls, key: str, label: str) -> KanoFeatureRow:
        """A suppressed feature: no numbers."""
        return cls(key, label, None, (), None, None, None, None, None, None, True)

    def share(self, category: str) -> float | None:
        """The share of ``category`` (None when hidden)."""
        return dict(self.shares).get(category) if not self.suppressed else None


@dataclass(frozen=True)
class KanoSection:
    """The Kano features of the survey for the unit and period (hidden as a whole under the threshold)."""

    respondents: int | None
    suppressed: bool
    features: tuple[KanoFeatureRow, ...]
    threshold: int
    method: str = ""


@dataclass(frozen=True)
class PricePoint:
    """The Van Westendorp curves at one price (shares 0–1 of the valid respondents)."""

    price: float
    too_cheap: float | None
    cheap: float
    expensive: float
    too_expensive: float
    not_cheap: float
    not_expensive: float
    trial: float | None = None


@dataclass(frozen=True)
class PriceSection:
    """Van Westendorp price sensitivity of one price module (docs/methods.md §5); hidden: no numbers.

    ``pmc``/``pme`` bound the acceptable range, ``opp`` is the optimal and ``idp`` the indifference price;
    with the purchase-intent questions ``trial_price``/``revenue_price`` are the Newton–Miller–Smith optima.
    """

    key: str
    label: str
    currency: str
    n: int | None
    n_invalid: int | None
    suppressed: bool
    curves: tuple[PricePoint, ...] = ()
    pmc: float | None = None
    opp: float | None = None
    idp: float | None = None
    pme: float | None = None
    trial_price: float | None = None
    trial_max: float | None = None
    revenue_price: float | None = None
    revenue_max: float | None = None
    low_base: bool = False
    method: str = ""

    @classmethod
    def hidden(cls, key: str, label: str, currency: str) -> PriceSection:
        """A suppressed module: no numbers."""
        return cls(key, label, currency, None, None, True)


@dataclass(frozen=True)
class UnitReport:
    """Everything the unit page and the unit PDF show."""

    survey_key: str
    survey_title: str
    unit_code: str
    unit_name: str
    period: str
    period_kind: str
    periods: tuple[str, ...]
    segment: str | None
    segment_value: str | None
    threshold: int
    main_index: str | None
    headlines: tuple[Headline, ...]
    trend: tuple[TrendPoint, ...]
    comparison: tuple[ComparisonRow, ...]
    funnel: Funnel | None
    drivers: DriverReport | None
    comments: CommentSummary | None
    gaps: tuple[GapRow, ...] = ()
    notes: tuple[str, ...] = field(default=())
    kano: KanoSection | None = None
    prices: tuple[PriceSection, ...] = ()

    @property
    def headline(self) -> Headline | None:
        """The main index headline (the first headline)."""
        return self.headlines[0] if self.headlines else None


@dataclass(frozen=True)
class PriceRange:
    """A price module in brief: the range of acceptable prices (PMC to PME) and the optimal price point."""

    key: str
    label: str
    currency: str
    n: int | None
    low: float | None
    optimal: float | None
    high: float | None
    suppressed: bool


@dataclass(frozen=True)
class NeedsHeadline:
    """A unit's Kano and price results in brief: the overview's headline of a survey without an index.

    ``kano_categories`` counts the shown features per Kano category (``M``, ``O``, ``A``, ``I``, ``R``,
    ``Q``; categories without a feature left out), over ``kano_respondents`` respondents; ``suppressed`` is
    True when nothing is shown.
    """

    kano_respondents: int | None
    kano_categories: tuple[tuple[str, int], ...]
    prices: tuple[PriceRange, ...]
    suppressed: bool


@dataclass(frozen=True)
class OverviewRow:
    """One unit on the organisation overview.

    ``measured`` is False for a unit with no responses to the survey in any period (the survey is not run
    there), as against a unit whose value is hidden because too few answered this period. ``outlier`` is
    ``"above"`` or ``"below"`` when the unit differs clearly from its siblings on the main index (the unit
    page's funnel flag, :func:`kundpuls.reports.unit_report.period_outliers`); None otherwise and for
    another index.
    """

    unit_code: str
    unit_name: str
    depth: int
    parent_code: str | None
    value: IndexResult
    change: Change | None
    measured: bool = True
    needs: NeedsHeadline | None = None
    outlier: str | None = None


@dataclass(frozen=True)
class Overview:
    """One index (the main one unless another was asked for) of every visible unit in one period.

    ``indices`` lists every index the survey reports as ``(key, label)``, the main one first: the choices
    for ``index_key``. ``index_kind`` is ``"index"`` (0–100), ``"share"`` (percent positive) or ``"nps"``;
    ``"needs"`` for a survey of Kano or price modules only, whose rows carry a :class:`NeedsHeadline` each.
    """

    survey_key: str
    period: str
    period_kind: str
    periods: tuple[str, ...]
    index_key: str
    index_label: str
    threshold: int
    rows: tuple[OverviewRow, ...]
    index_kind: str = "index"
    indices: tuple[tuple[str, str], ...] = ()
