"""Needs, not only satisfaction: the Kano and Van Westendorp sections of the unit report.

The respondents' answers come from :func:`kundpuls.analytics.respondent_answers.respondent_answers` (no row
leaves the engine for a group under the threshold); :func:`kundpuls.stats.kano` and
:func:`kundpuls.stats.price_sensitivity` compute the statistics; the result is a frozen
:class:`~kundpuls.reports.contracts.KanoSection` / :class:`~kundpuls.reports.contracts.PriceSection` that
carries no number for a hidden group or feature.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kundpuls.analytics.respondent_answers import RespondentAnswers, respondent_answers, respondent_counts
from kundpuls.analytics.rollup import lake_unit_tree, open_lake
from kundpuls.errors import InsufficientData, NotFound, SmallSampleWarning
from kundpuls.instruments import SurveyDefinition, kano_pairs, price_modules
from kundpuls.reports import cache
from kundpuls.reports.contracts import (
    KanoFeatureRow,
    KanoSection,
    NeedsHeadline,
    PricePoint,
    PriceRange,
    PriceSection,
)
from kundpuls.reports.disclosure import Answered, released_cells
from kundpuls.reports.frame_lookup import FrameLookup
from kundpuls.stats.kano import CATEGORIES, TIE_ORDER, kano
from kundpuls.stats.price import price_sensitivity

if TYPE_CHECKING:
    from kundpuls.reports.index_frames import IndexPlan

#: A model-based result (Kano category, price points) under this n carries a "low base" warning.
LOW_BASE = 30
PRICE_PARTS = ("too_cheap", "cheap", "expensive", "too_expensive")
INTENT_PARTS = ("intent_cheap", "intent_expensive")


def _labels(definition: SurveyDefinition, language: str) -> dict[str, str]:
    return {q.key: q.text.in_language(language) if q.text else q.key for q in definition.questions()}


def _answers(
    lake: str | os.PathLike[str],
    survey: str,
    unit: str,
    period: str,
    period_kind: str,
    *,
    numeric: tuple[str, ...] = (),
    categorical: tuple[str, ...] = (),
    segment: str | None,
    segment_value: str | None,
    threshold: int,
) -> RespondentAnswers | None:
    try:
        return respondent_answers(
            lake,
            survey,
            unit,
            period,
            numeric=numeric,
            categorical=categorical,
            kind=period_kind,
            segment=segment if segment_value is not None else None,
            segment_value=segment_value if segment else None,
            threshold=threshold,
        )
    except NotFound:
        return None


def _released(
    lake: str | os.PathLike[str],
    plan: IndexPlan,
    name: str,
    answered: Answered,
    unit: str,
    period: str,
    segment: str | None,
    segment_value: str | None,
) -> bool:
    """Whether the module's cell for the group is released by the linked rule (docs/methods.md, conventions).

    The cells are the respondents who answered any of the module's items, over every unit, month,
    quarter, year and background value, so that no group under the threshold follows from the sections
    a reader can ask for by differencing (:func:`kundpuls.reports.disclosure.released_cells`).
    """
    cells = released_cells(lake, plan, name, items=(), answered=answered)
    if segment and segment_value is not None:
        return cells.released(unit, period, segment, segment_value)
    return cells.released(unit, period)


def kano_method(threshold: int) -> str:
    """The Kano section's method, as the API states it (said in the reader's language by
    :mod:`kundpuls.render.method_notes`)."""
    return (
        "Kano evaluation table (Berger et al. 1993); category = most frequent (ties M > O > A > I); "
        "Better = (A + O)/(A + O + M + I), Worse = −(O + M)/(A + O + M + I); "
        f"a feature with fewer than {threshold} answer pairs is not shown"
    )


def kano_section(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    unit: str,
    period: str,
    *,
    period_kind: str = "quarter",
    segment: str | None = None,
    segment_value: str | None = None,
    plan: IndexPlan,
    language: str = "sv",
) -> KanoSection | None:
    """The Kano section of ``unit`` (and subtree) in ``period``; None when the survey has no Kano pair.

    Hidden unless the group's cell of the Kano module's disclosure grid is released (:func:`_released`).
    """
    pairs = kano_pairs(definition)
    if not pairs:
        return None
    threshold = plan.threshold
    labels = _labels(definition, language)
    columns = tuple(k for _, functional, dysfunctional in pairs for k in (functional, dysfunctional))
    released = _released(lake, plan, "kano", ((), columns), unit, period, segment, segment_value)
    found = _answers(
        lake,
        definition.key,
        unit,
        period,
        period_kind,
        categorical=columns,
        segment=segment,
        segment_value=segment_value,
        threshold=threshold,
    )
    method = kano_method(threshold)
    if found is None or found.suppressed or not released:
        hidden = tuple(KanoFeatureRow.hidden(key, labels.get(key, key)) for key, _, _ in pairs)
        return KanoSection(None, True, hidden, threshold, method)
    frame = found.answers
    functional = frame[[f for _, f, _ in pairs]].to_numpy(dtype=object)
    dysfunctional = frame[[d for _, _, d in pairs]].to_numpy(dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)  # shown as low_base instead
        result = kano(functional, dysfunctional, features=[k for k, _, _ in pairs], threshold=threshold)
    rows = []
    for feature in result.features:
        label = labels.get(feature.name, feature.name)
        if feature.suppressed or feature.category is None:
            rows.append(KanoFeatureRow.hidden(feature.name, label))
            continue
        rows.append(
            KanoFeatureRow(
                key=feature.name,
                label=label,
                n=feature.n,
                shares=tuple((c, feature.counts[c] / feature.n) for c in CATEGORIES),
                category=feature.category,
                strength=feature.strength,
                better=feature.better,
                worse=feature.worse,
                functional_mean=feature.functional_mean,
                dysfunctional_mean=feature.dysfunctional_mean,
                suppressed=False,
                low_base=feature.n < LOW_BASE,
            )
        )
    return KanoSection(found.respondents, False, tuple(rows), threshold, method)


def _price_module(
    module: dict[str, str],
    found: RespondentAnswers | None,
    label: str,
    threshold: int,
) -> PriceSection:
    key, currency = module["key"], module["currency"]
    if found is None or found.suppressed:
        return PriceSection.hidden(key, label, currency)
    frame = found.answers
    column = lambda part: frame[module[part]].to_numpy(dtype=np.float64)  # noqa: E731
    intent = all(part in module for part in INTENT_PARTS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallSampleWarning)  # shown as low_base instead
            result = price_sensitivity(
                column("too_cheap"),
                column("cheap"),
                column("expensive"),
                column("too_expensive"),
                intent_cheap=column("intent_cheap") if intent else None,
                intent_expensive=column("intent_expensive") if intent else None,
                threshold=threshold,
            )
    except InsufficientData:
        return PriceSection.hidden(key, label, currency)
    if result.suppressed:
        return PriceSection.hidden(key, label, currency)
    curves = result.curves()
    has_too_cheap = not bool(pd.isna(curves["too_cheap"]).all())
    points = tuple(
        PricePoint(
            price=float(row.price),
            too_cheap=float(row.too_cheap) if has_too_cheap else None,
            cheap=float(row.cheap),
            expensive=float(row.expensive),
            too_expensive=float(row.too_expensive),
            not_cheap=float(row.not_cheap),
            not_expensive=float(row.not_expensive),
            trial=float(row.trial) if "trial" in curves.columns else None,
        )
        for row in curves.itertuples(index=False)
    )
    return PriceSection(
        key=key,
        label=label,
        currency=currency,
        n=result.n,
        n_invalid=result.n_invalid,
        suppressed=False,
        curves=points,
        pmc=result.pmc,
        opp=result.opp,
        idp=result.idp,
        pme=result.pme,
        trial_price=result.trial_price,
        trial_max=result.trial_max,
        revenue_price=result.revenue_price,
        revenue_max=result.revenue_max,
        low_base=result.n < LOW_BASE,
        method=result.method + f"; fewer than {threshold} consistent respondents are not shown",
    )


def price_sections(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    unit: str,
    period: str,
    *,
    period_kind: str = "quarter",
    segment: str | None = None,
    segment_value: str | None = None,
    plan: IndexPlan,
    language: str = "sv",
) -> tuple[PriceSection, ...]:
    """One Van Westendorp section per price module of the survey (empty when it has none).

    A module is hidden unless the group's cell of its disclosure grid is released (:func:`_released`).
    """
    labels = _labels(definition, language)
    threshold = plan.threshold
    sections = []
    for module in price_modules(definition):
        parts = tuple(module[p] for p in (*PRICE_PARTS, *INTENT_PARTS) if p in module)
        found = _answers(
            lake,
            definition.key,
            unit,
            period,
            period_kind,
            numeric=parts,
            segment=segment,
            segment_value=segment_value,
            threshold=threshold,
        )
        if not _released(
            lake, plan, f"price:{module['key']}", (parts, ()), unit, period, segment, segment_value
        ):
            found = None
        sections.append(_price_module(module, found, labels.get(module["key"], module["key"]), threshold))
    return tuple(sections)


def module_items(definition: SurveyDefinition) -> Answered:
    """The stored items of every Kano and price module of ``definition``: ``(numeric, categorical)``."""
    numeric = tuple(
        module[part]
        for module in price_modules(definition)
        for part in (*PRICE_PARTS, *INTENT_PARTS)
        if part in module
    )
    categorical = tuple(item for _, f, d in kano_pairs(definition) for item in (f, d))
    return numeric, categorical


def needs_lookup(
    lake: str | os.PathLike[str], definition: SurveyDefinition, *, period_kind: str
) -> FrameLookup:
    """Which units have respondents to the survey's Kano and price modules in which periods.

    For a survey whose only results are those modules (the ``kano`` and ``price`` templates): its unit
    report has no index frame to learn its periods from. The lookup holds no row and no count, only the
    periods and the units' paths (cached per lake generation).
    """
    key = (*cache.lake_key(lake), "needs-lookup", definition.key, period_kind)

    def compute() -> FrameLookup:
        numeric, categorical = module_items(definition)
        counts = respondent_counts(
            lake, definition.key, numeric=numeric, categorical=categorical, period=period_kind
        )
        _, manifest = open_lake(lake)
        tree = lake_unit_tree(manifest)
        unit_periods: dict[str, set[str]] = {}
        for unit, period in zip(counts["unit"], counts["period"], strict=True):
            unit_periods.setdefault(str(unit), set()).add(str(period))
        return FrameLookup(
            rows={},
            periods=tuple(sorted({str(p) for p in counts["period"]})),
            unit_periods={u: tuple(sorted(p)) for u, p in unit_periods.items()},
            paths={u: tree.path(u) for u in unit_periods},
            siblings={},
        )

    return cache.cached(key, compute)


def needs_sections(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    unit: str,
    period: str,
    *,
    period_kind: str,
    segment: str | None,
    segment_value: str | None,
    plan: IndexPlan,
    language: str,
) -> tuple[KanoSection | None, tuple[PriceSection, ...]]:
    """The Kano section and the price sections, cached per lake generation and filter."""
    if not kano_pairs(definition) and not price_modules(definition):
        return None, ()
    key = (
        *cache.lake_key(lake),
        "needs",
        definition.key,
        unit,
        period,
        period_kind,
        segment,
        segment_value,
        plan.threshold,
        language,
    )

    def compute() -> tuple[KanoSection | None, tuple[PriceSection, ...]]:
        kano_part = kano_section(
            lake,
            definition,
            unit,
            period,
            period_kind=period_kind,
            segment=segment,
            segment_value=segment_value,
            plan=plan,
            language=language,
        )
        price_part = price_sections(
            lake,
            definition,
            unit,
            period,
            period_kind=period_kind,
            segment=segment,
            segment_value=segment_value,
            plan=plan,
            language=language,
        )
        return kano_part, price_part

    return cache.cached(key, compute)


def needs_headline(kano: KanoSection | None, prices: tuple[PriceSection, ...]) -> NeedsHeadline:
    """The sections in brief (the overview's headline of a survey without an index): how many features
    fall in each Kano category, and each price module's acceptable range (PMC–PME) and optimal price."""
    shown = [f.category for f in kano.features if not f.suppressed and f.category] if kano else []
    categories = tuple((c, shown.count(c)) for c in TIE_ORDER if shown.count(c))
    ranges = tuple(
        PriceRange(p.key, p.label, p.currency, p.n, p.pmc, p.opp, p.pme, p.suppressed) for p in prices
    )
    kano_shown = kano is not None and not kano.suppressed and bool(categories)
    return NeedsHeadline(
        kano_respondents=kano.respondents if kano_shown and kano is not None else None,
        kano_categories=categories,
        prices=ranges,
        suppressed=not kano_shown and all(p.suppressed for p in ranges),
    )
