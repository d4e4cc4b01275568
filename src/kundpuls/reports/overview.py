"""The organisation overview: one index (the main one unless another is asked for) of every visible unit
in one period, with its flagged change.

The flags are those of :func:`kundpuls.reports.unit_report.period_changes` and
:func:`~kundpuls.reports.unit_report.period_outliers` (one family per period each), so a unit shows the
same flags here as on its own page."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from kundpuls.analytics.unit_paths import path_segments
from kundpuls.errors import InvalidArgument
from kundpuls.instruments import SurveyDefinition
from kundpuls.reports.contracts import Overview, OverviewRow
from kundpuls.reports.index_frames import IndexPlan, frame_result
from kundpuls.reports.needs import module_items, needs_headline, needs_lookup, needs_sections
from kundpuls.reports.unit_report import (
    headline_keys,
    period_changes,
    period_outliers,
    survey_frame,
    survey_plan,
)
from kundpuls.stats.results import IndexResult

SORT_KEYS = ("tree", "name", "estimate", "n", "change")


def organisation_overview(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    units: Iterable[str],
    *,
    threshold_setting: int,
    names: Mapping[str, str] | None = None,
    period: str | None = None,
    period_kind: str = "quarter",
    sort: str = "tree",
    descending: bool = False,
    language: str = "sv",
    index: str | None = None,
) -> Overview:
    """One index of each of ``units`` (codes the reader may see) in ``period`` (default: the newest).

    ``index`` is a key of the survey's indices (``"NPS"`` for NPS; default: the main index); an unknown key
    raises :class:`~kundpuls.errors.InvalidArgument` naming the keys there are.

    Units without responses are listed with a hidden value. ``sort`` is one of :data:`SORT_KEYS`; hidden
    values sort last whatever the direction. ``threshold_setting`` is ``KUNDPULS_ANONYMITY_THRESHOLD``: units
    under the larger of it and the codebook's threshold are hidden (:mod:`kundpuls.reports.anonymity`).
    """
    names = dict(names or {})
    plan = survey_plan(lake, definition, threshold_setting=threshold_setting)
    if not headline_keys(plan) and any(module_items(definition)):
        return _needs_overview(
            lake, definition, plan, list(units), names, period, period_kind, sort, descending, language
        )
    frame = survey_frame(lake, plan, period_kind=period_kind)
    periods = tuple(sorted(frame["period"].unique()))
    if period is None or period not in periods:
        period = periods[-1] if periods else ""
    previous = [p for p in periods if p < period]
    keys = [*plan.indices, *(["NPS"] if plan.nps_item else [])]
    if index is not None and index not in keys:
        raise InvalidArgument(
            f"index: {index[:40]!r} is not an index of survey {plan.survey_key!r}; "
            f"indices: {', '.join(keys) or 'none'}",
            field="index",
            value=index[:40],
        )
    index = index or plan.main_index or ""
    label = plan.label(index, language)
    main = frame[(frame["index"] == index) & (frame["segment"] == "")]
    paths = dict(zip(main["unit"], main["unit_path"], strict=False))
    wanted = {period, previous[-1]} if previous else {period}
    by_unit = {
        (str(r["unit"]), str(r["period"])): r for _, r in main[main["period"].isin(wanted)].iterrows()
    }  # one pass over the period's rows instead of one filter per unit
    changes = period_changes(lake, plan, period, period_kind=period_kind) if period else {}
    outliers = (
        period_outliers(lake, plan, period, period_kind=period_kind)
        if period and index == plan.main_index
        else {}
    )
    rows = []
    for code in units:
        row = by_unit.get((code, period))
        change = changes.get((code, index))
        path = paths.get(code, "")
        parts = path_segments(path)
        rows.append(
            OverviewRow(
                unit_code=code,
                unit_name=names.get(code, code),
                depth=max(len(parts) - 1, 0),
                parent_code=parts[-2] if len(parts) > 1 else None,
                value=frame_result(row, index, label, plan.kind(index)),
                change=change,
                measured=code in paths,
                outlier=outliers.get(code),
            )
        )
    rows = _sorted(rows, sort, descending, paths)
    return Overview(
        plan.survey_key,
        period,
        period_kind,
        periods,
        index,
        label,
        plan.threshold,
        tuple(rows),
        index_kind=plan.kind(index),
        indices=tuple((key, plan.label(key, language)) for key in keys),
    )


#: The overview's heading of a survey of Kano or price modules only.
NEEDS_LABEL = {"sv": "Kano-kategorier och prisintervall", "en": "Kano categories and price range"}


def _needs_overview(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    plan: IndexPlan,
    units: list[str],
    names: Mapping[str, str],
    period: str | None,
    period_kind: str,
    sort: str,
    descending: bool,
    language: str,
) -> Overview:
    """The overview of a survey whose results are its Kano and price modules: each unit's sections in
    brief (:func:`kundpuls.reports.needs.needs_headline`), under the same linked rule as its unit page."""
    found = needs_lookup(lake, definition, period_kind=period_kind)
    periods = found.periods
    if period is None or period not in periods:
        period = periods[-1] if periods else ""
    label = NEEDS_LABEL.get(language, NEEDS_LABEL["sv"])
    rows = []
    for code in units:
        path = found.paths.get(code, "")
        parts = path_segments(path)
        measured = code in found.paths
        headline = None
        if measured and period in found.unit_periods.get(code, ()):
            kano, prices = needs_sections(
                lake,
                definition,
                code,
                period,
                period_kind=period_kind,
                segment=None,
                segment_value=None,
                plan=plan,
                language=language,
            )
            headline = needs_headline(kano, prices)
        rows.append(
            OverviewRow(
                unit_code=code,
                unit_name=names.get(code, code),
                depth=max(len(parts) - 1, 0),
                parent_code=parts[-2] if len(parts) > 1 else None,
                value=IndexResult.hidden("", label, kind="needs"),
                change=None,
                measured=measured,
                needs=headline,
            )
        )
    if sort not in ("name",):  # no estimate to sort by: the tree order (or the names)
        sort = "tree"
    rows = _sorted(rows, sort, descending, found.paths)
    return Overview(
        plan.survey_key,
        period,
        period_kind,
        periods,
        "",
        label,
        plan.threshold,
        tuple(rows),
        index_kind="needs",
        indices=(),
    )


def _sorted(
    rows: list[OverviewRow], sort: str, descending: bool, paths: Mapping[str, str]
) -> list[OverviewRow]:
    if sort == "name":
        return sorted(rows, key=lambda r: r.unit_name.casefold(), reverse=descending)
    if sort in ("estimate", "n", "change"):

        def value(r: OverviewRow) -> float | None:
            if sort == "estimate":
                return r.value.estimate
            if sort == "n":
                return None if r.value.n is None else float(r.value.n)
            return None if r.change is None else r.change.difference

        known = [r for r in rows if value(r) is not None]
        unknown = [r for r in rows if value(r) is None]
        return sorted(known, key=lambda r: value(r) or 0.0, reverse=descending) + unknown
    return sorted(rows, key=lambda r: paths.get(r.unit_code, "~" + r.unit_code), reverse=descending)
