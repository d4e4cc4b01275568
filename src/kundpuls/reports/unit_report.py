"""The unit report: how a unit is doing, whether a change is real, what matters most, what customers wrote.

One function, :func:`unit_report`, turns the lake into a frozen
:class:`~kundpuls.reports.contracts.UnitReport`
that the dashboard, the PDF, the XLSX and the CSV all render. Every statistic comes from
:mod:`kundpuls.stats` (intervals, change tests, funnel limits, priority matrix) and
:mod:`kundpuls.text` (comment themes); nothing here reads files of its own.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from kundpuls.analytics.comments import PeriodComments, period_comments
from kundpuls.analytics.unit_paths import path_segments
from kundpuls.errors import InsufficientData, InvalidArgument, NotFound
from kundpuls.instruments import SurveyDefinition
from kundpuls.reports import cache
from kundpuls.reports.change_flags import (
    baseline_label,
    baseline_periods,
    effective_n,
    flag_changes,
    pooled_row,
)
from kundpuls.reports.contracts import (
    Change,
    CommentSummary,
    CommentTheme,
    ComparisonRow,
    Headline,
    TrendPoint,
    UnitReport,
)
from kundpuls.reports.disclosure import respondent_cells
from kundpuls.reports.driver_window import driver_window, drivers_in_window
from kundpuls.reports.frame_lookup import FrameLookup, frame_lookup
from kundpuls.reports.funnel import outlier_family, unit_funnel
from kundpuls.reports.index_frames import IndexPlan, frame_result, index_frame, plan_for_lake
from kundpuls.reports.needs import module_items, needs_lookup, needs_sections
from kundpuls.reports.staff_gap import staff_customer_gaps
from kundpuls.stats import change_in_mean, change_in_nps
from kundpuls.text.reading import CommentReading, read_comments
from kundpuls.text.taxonomy import Taxonomy, default_taxonomy

SIGNIFICANCE = 0.05

FrameRow: TypeAlias = Mapping[str, Any] | pd.Series
"""One row of an index frame: a dictionary from :class:`FrameLookup` or a pandas row."""


def survey_plan(
    lake: str | os.PathLike[str], definition: SurveyDefinition, *, threshold_setting: int
) -> IndexPlan:
    """The survey's index plan for this lake (cached per lake generation and threshold setting).

    ``threshold_setting`` is ``KUNDPULS_ANONYMITY_THRESHOLD`` as the caller reads it (the web's settings, the
    command line's configuration); :mod:`kundpuls.reports.anonymity` resolves it with the codebook's.
    """
    key = (*cache.lake_key(lake), "plan", definition.key, threshold_setting)
    return cache.cached(key, lambda: plan_for_lake(lake, definition, threshold_setting=threshold_setting))


def survey_frame(
    lake: str | os.PathLike[str], plan: IndexPlan, *, period_kind: str, segment: str | None = None
) -> pd.DataFrame:
    """Every unit and period (:func:`index_frame`), cached per lake generation, survey, period and segment."""
    key = (*cache.lake_key(lake), "frame", plan.survey_key, plan.threshold, period_kind, segment)
    return cache.cached(key, lambda: index_frame(lake, plan, period_kind=period_kind, segment=segment))


def survey_lookup(
    lake: str | os.PathLike[str], plan: IndexPlan, *, period_kind: str, segment: str | None = None
) -> FrameLookup:
    """:func:`survey_frame` indexed for constant-time lookups (cached beside it)."""
    key = (*cache.lake_key(lake), "lookup", plan.survey_key, plan.threshold, period_kind, segment)
    return cache.cached(
        key, lambda: frame_lookup(survey_frame(lake, plan, period_kind=period_kind, segment=segment))
    )


def change_between(before: FrameRow | None, after: FrameRow | None, key: str, previous: str) -> Change | None:
    """Welch t test (indices) or z test (NPS) of after − before; None when either side is hidden."""
    if before is None or after is None or bool(before["suppressed"]) or bool(after["suppressed"]):
        return None
    try:
        if after["kind"] == "nps":
            counts: list[tuple[int, int, int]] = []
            for row in (before, after):
                p, d, n = int(row["promoters"]), int(row["detractors"]), int(row["n"])
                counts.append((p, n - p - d, d))
            result = change_in_nps(counts[0], counts[1])
        else:
            result = change_in_mean(
                float(before["estimate"]),
                float(before["sd"]),
                int(before["n"]),
                float(after["estimate"]),
                float(after["sd"]),
                int(after["n"]),
            )
    except (InsufficientData, InvalidArgument, ValueError):
        return None
    if result.difference is None:
        return None
    p_value = float(result.p_value) if result.p_value is not None else math.nan
    return Change(
        key=key,
        previous_period=previous,
        difference=float(result.difference),
        ci_low=None if result.ci_low is None else float(result.ci_low),
        ci_high=None if result.ci_high is None else float(result.ci_high),
        p_value=p_value,
        significant=bool(p_value < SIGNIFICANCE),
        method=result.method,
    )


def headline_keys(plan: IndexPlan) -> list[str]:
    """The indices a unit report shows as headlines, in order (NPS second): also the change flags' family."""
    keys = list(plan.indices)
    if plan.nps_item:
        keys.insert(1 if keys else 0, "NPS")
    return keys


def period_changes(
    lake: str | os.PathLike[str],
    plan: IndexPlan,
    period: str,
    *,
    period_kind: str,
    segment: str | None = None,
    segment_value: str | None = None,
) -> dict[tuple[str, str], Change | None]:
    """Every unit's change of every index in ``period``, flagged as one family.

    The change is against the up to four periods before ``period`` pooled
    (:mod:`kundpuls.reports.change_flags`: consecutive shown periods of the unit; ``previous_period`` names
    them, ``2025-Q1–2025-Q3``). ``{(unit, index key): Change | None}``; the flags come from
    :func:`kundpuls.reports.change_flags.flag_changes` (Benjamini–Hochberg across all of them), so the
    unit page, the overview, the PDF, the tables and the API show the same flags (cached per lake
    generation, survey, period and segment value).
    """
    segment_value = segment_value if segment else None
    key = (
        *cache.lake_key(lake),
        "changes",
        plan.survey_key,
        plan.threshold,
        period_kind,
        segment,
        segment_value,
        period,
    )

    def compute() -> dict[tuple[str, str], Change | None]:
        found = survey_lookup(lake, plan, period_kind=period_kind, segment=segment)
        previous = [p for p in found.periods if p < period]
        if not previous:
            return {}
        keys = headline_keys(plan)
        tests: dict[tuple[str, str], Change | None] = {}
        n_eff: dict[tuple[str, str], float] = {}
        for unit in found.unit_periods:
            for k in keys:
                rows = [found.row(unit, k, p, segment_value) for p in previous]
                count = baseline_periods(rows)
                base = [r for r in rows[len(rows) - count :] if r is not None]
                before = pooled_row(base) if base else None
                after = found.row(unit, k, period, segment_value)
                label = baseline_label(previous[len(previous) - count :] if count else previous[-1:])
                tests[(unit, k)] = change_between(before, after, k, label)
                if tests[(unit, k)] is not None:
                    n_eff[(unit, k)] = effective_n(before, after)
        return flag_changes(tests, n_eff=n_eff)

    return cache.cached(key, compute)


def period_outliers(
    lake: str | os.PathLike[str], plan: IndexPlan, period: str, *, period_kind: str
) -> dict[str, str]:
    """Every unit of the survey that differs clearly from its siblings on the main index in ``period``
    (``{unit: "above" | "below"}``), flagged as one family (:func:`kundpuls.reports.funnel.outlier_family`),
    so the unit page, the overview, the start page and the API show the same outliers (cached per lake
    generation, survey and period)."""
    key = (*cache.lake_key(lake), "outliers", plan.survey_key, plan.threshold, period_kind, period)
    return cache.cached(
        key, lambda: outlier_family(survey_lookup(lake, plan, period_kind=period_kind), plan, period)
    )


@dataclass(frozen=True)
class _PeriodThemes:
    """A period's comments of every unit (:class:`PeriodComments`) and the themes of each comment."""

    comments: PeriodComments
    texts: tuple[str, ...]
    reading: CommentReading


def _period_themes(
    lake: str | os.PathLike[str], plan: IndexPlan, period: str, period_kind: str, taxonomy: Taxonomy
) -> _PeriodThemes:
    """Comments of the period with their themes, read and assigned once for every unit (cached)."""
    key = (
        *cache.lake_key(lake),
        "period-comments",
        plan.survey_key,
        period,
        period_kind,
        plan.comment_threshold,
        taxonomy.fingerprint,
    )

    def compute() -> _PeriodThemes:
        found = period_comments(
            lake, plan.survey_key, period, kind=period_kind, threshold=plan.comment_threshold
        )
        texts = tuple(str(t) for t in found.comments["text"].tolist())
        languages = [str(lang) for lang in found.comments["language"].tolist()]
        known = all(lang in ("sv", "en") for lang in languages)  # else detected per comment
        return _PeriodThemes(
            found, texts, read_comments(texts, taxonomy, languages=languages if known else None)
        )

    return cache.cached(key, compute)


def _comments(
    lake: str | os.PathLike[str],
    plan: IndexPlan,
    unit: str,
    period: str,
    period_kind: str,
    language: str,
    taxonomy: Taxonomy,
) -> CommentSummary:
    """The unit's comments of the period by theme (newest examples first), or hidden below the threshold."""
    period_themes = _period_themes(lake, plan, period, period_kind, taxonomy)
    found = period_themes.comments
    respondents = int(found.respondents.get(unit, 0))
    # the counts of respondents, comments and themes are released under the linked rule too: a grid of
    # every respondent over units, months, quarters, years and background values (docs/methods.md)
    everyone = respondent_cells(lake, plan)
    if respondents < found.threshold or not everyone.released(unit, period):
        return CommentSummary(True, None, 0, (), plan.comment_threshold)
    rows = found.rows_of(unit)[::-1]  # newest first
    if rows.size == 0:
        return CommentSummary(False, respondents, 0, (), plan.comment_threshold)
    reading = period_themes.reading
    matrix = reading.assignment.matrix[rows]
    counts = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    polarity = reading.theme_polarity[rows]
    keys = reading.assignment.keys
    themes = []
    for j in np.argsort(-counts, kind="stable"):
        if counts[j] == 0:
            continue
        docs = matrix[:, j].nonzero()[0][:3]
        themes.append(
            CommentTheme(
                keys[j],
                taxonomy.theme(keys[j]).label_in(language),
                int(counts[j]),
                float(counts[j] / rows.size),
                tuple(period_themes.texts[rows[d]] for d in docs),
                complaints=int((polarity[:, j] == 2).sum()),
                praise=int((polarity[:, j] == 1).sum()),
            )
        )
    return CommentSummary(False, respondents, int(rows.size), tuple(themes), plan.comment_threshold)


def unit_comment_summary(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    unit: str,
    *,
    threshold_setting: int,
    period: str,
    period_kind: str = "quarter",
    language: str = "sv",
    taxonomy: Taxonomy | None = None,
) -> CommentSummary:
    """The unit's comment themes of one period exactly as its report shows them, without the rest of the
    report (the start page's themes of this period and the one before)."""
    plan = survey_plan(lake, definition, threshold_setting=threshold_setting)
    return _comments(lake, plan, unit, period, period_kind, language, taxonomy or default_taxonomy())


def _notes(threshold: int, comment_threshold: int, language: str) -> tuple[str, ...]:
    """What a reader needs to know to read the numbers, in plain words of ``language``."""
    if language == "en":
        return (
            f"Anonymity threshold: groups with fewer than {threshold} respondents are not shown "
            f"(comments: {comment_threshold}).",
            "Intervals are 95 % confidence intervals. A change compares the period with the up to four "
            "periods before it, taken together. A clear change is one that remains when the false "
            "discovery rate is kept at 5 % across every unit and index of the period (Benjamini–Hochberg): "
            "of all changes marked, about one in twenty may be chance.",
        )
    return (
        f"Anonymitetsgräns: grupper med färre än {threshold} svarande visas inte (kommentarer: "
        f"{comment_threshold}).",
        "Intervallen är 95 %-konfidensintervall. En förändring jämför perioden med de upp till fyra "
        "perioderna före den, tillsammans. En tydlig förändring är en som står sig när högst 5 % av "
        "alla förändringar som markeras för perioden, i alla enheter och index, får vara slump "
        "(Benjamini–Hochberg): ungefär en av tjugo markeringar kan vara slumpen.",
    )


def unit_report(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    unit: str,
    *,
    threshold_setting: int,
    names: Mapping[str, str] | None = None,
    period: str | None = None,
    period_kind: str = "quarter",
    segment: str | None = None,
    segment_value: str | None = None,
    language: str = "sv",
    include_comments: bool = True,
    staff_definition: SurveyDefinition | None = None,
    taxonomy: Taxonomy | None = None,
) -> UnitReport:
    """Build the :class:`UnitReport` of ``unit`` (its whole subtree) from the lake.

    Parameters
    ----------
    lake : path
        The response lake.
    definition : SurveyDefinition
        The survey; its codebook names the indices, the main index, NPS and the driver model.
    unit : str
        Unit code.
    threshold_setting : int
        ``KUNDPULS_ANONYMITY_THRESHOLD``; the report hides groups under the larger of it and the codebook's
        threshold (:func:`kundpuls.reports.anonymity.survey_thresholds`), comments likewise.
    names : mapping, optional
        ``{unit code: display name}``.
    period : str, optional
        Period label (``2026-Q2``); default the newest period with data.
    period_kind : {"month", "quarter", "year"}
    segment, segment_value : str, optional
        A background variable and one of its values: every number is then for that segment only.
    language : {"sv", "en"}
    include_comments : bool
        False when the reader may not see comments.
    staff_definition : SurveyDefinition, optional
        A staff survey whose codebook mirrors items of this survey: adds the staff–customer gap.
    taxonomy : Taxonomy, optional
        The comment themes (the web passes the organisation's taxonomy in force; default: the shipped one).

    The Kano section and one Van Westendorp section per price module are added when the survey has those
    modules (:mod:`kundpuls.reports.needs`), for the same unit subtree, period and segment.

    Raises
    ------
    NotFound
        When the lake has no responses for the unit.
    """
    names = dict(names or {})
    plan = survey_plan(lake, definition, threshold_setting=threshold_setting)
    if segment and segment_value is None:
        segment = None
    found = survey_lookup(lake, plan, period_kind=period_kind, segment=segment)
    if not headline_keys(plan) and any(module_items(definition)):
        found = needs_lookup(lake, definition, period_kind=period_kind)  # Kano and price modules only
    value_of_segment = segment_value if segment else None
    if unit not in found.unit_periods:
        raise NotFound(f"unit: no responses for unit {unit!r} in survey {plan.survey_key!r}")
    periods = found.periods
    if period is None:
        period = found.unit_periods[unit][-1]
    elif period not in periods:
        raise InvalidArgument(
            f"period: {period!r} has no data; periods: {', '.join(periods)}", field="period", value=period
        )
    keys = headline_keys(plan)
    changes = period_changes(
        lake, plan, period, period_kind=period_kind, segment=segment, segment_value=value_of_segment
    )
    headlines = []
    for key in keys:
        kind = plan.kind(key)
        row = found.row(unit, key, period, value_of_segment)
        change = changes.get((unit, key))
        headlines.append(Headline(frame_result(row, key, plan.label(key, language), kind), change))
    main = plan.main_index or (keys[0] if keys else None)
    trend: tuple[TrendPoint, ...] = ()
    comparison: tuple[ComparisonRow, ...] = ()
    path = found.paths[unit]
    if main:
        label = plan.label(main, language)
        main_kind = plan.kind(main)
        trend = tuple(
            TrendPoint(p, frame_result(found.row(unit, main, p, value_of_segment), main, label, main_kind))
            for p in periods
        )
        chain = path_segments(path)
        roles = [("unit", unit)]
        if len(chain) >= 2:
            roles.append(("parent", chain[-2]))
        if len(chain) >= 3:
            roles.append(("organisation", chain[0]))
        rows: list[ComparisonRow] = []
        for role, code in roles:
            rows.extend(
                ComparisonRow(
                    role,
                    code,
                    names.get(code, code),
                    frame_result(
                        found.row(code, k, period, value_of_segment),
                        k,
                        plan.label(k, language),
                        plan.kind(k),
                    ),
                )
                for k in keys
            )
        comparison = tuple(rows)
    outliers = {} if segment else period_outliers(lake, plan, period, period_kind=period_kind)
    funnel = None if segment else unit_funnel(found, plan, unit, path, period, names, outliers)
    window = driver_window(lake, plan.survey_key, period, period_kind)
    drivers = drivers_in_window(lake, definition, plan, path, window, names, language)
    comments = (
        _comments(lake, plan, unit, period, period_kind, language, taxonomy or default_taxonomy())
        if include_comments and not segment
        else None
    )
    gaps = (
        staff_customer_gaps(
            lake, definition, staff_definition, unit, threshold_setting=threshold_setting, language=language
        )
        if staff_definition is not None and not segment
        else ()
    )
    kano, prices = needs_sections(
        lake,
        definition,
        unit,
        period,
        period_kind=period_kind,
        segment=segment,
        segment_value=segment_value if segment else None,
        plan=plan,
        language=language,
    )
    title = definition.title.in_language(language) if definition.title else plan.survey_key
    notes = _notes(plan.threshold, plan.comment_threshold, language)
    return UnitReport(
        survey_key=plan.survey_key,
        survey_title=title,
        unit_code=unit,
        unit_name=names.get(unit, unit),
        period=period,
        period_kind=period_kind,
        periods=periods,
        segment=segment,
        segment_value=segment_value if segment else None,
        threshold=plan.threshold,
        main_index=main,
        headlines=tuple(headlines),
        trend=trend,
        comparison=comparison,
        funnel=funnel,
        drivers=drivers,
        comments=comments,
        gaps=gaps,
        notes=notes,
        kano=kano,
        prices=prices,
    )
