"""Theme discovery for a survey and unit subtree: proposals from the comments a person may read.

Comments come from :func:`kundpuls.analytics.comments.unit_comments` one quarter at a time, so the
comment anonymity threshold applies exactly as on the unit dashboard: a quarter of the subtree with fewer
respondents than the survey's comment threshold, or hidden there by the linked rule, contributes nothing.
A seeded sample of at most ``max_comments`` comments is then given to
:func:`kundpuls.text.discovery.discover_themes` (NMF over TF-IDF of the comments the taxonomy leaves
without a theme).

The sample bounds the cost: on two cores, building the corpus and factorising 20,000 comments takes about
one second, and 50,000 about 1.5 s (``docs/comments.md``), so discovery runs while the person waits.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kundpuls.analytics.comments import unit_comments
from kundpuls.analytics.periods import period_table
from kundpuls.analytics.rollup import open_lake
from kundpuls.errors import InsufficientData, InvalidArgument
from kundpuls.instruments import SurveyDefinition
from kundpuls.reports.anonymity import survey_thresholds
from kundpuls.reports.disclosure import respondent_cells
from kundpuls.reports.unit_report import survey_plan
from kundpuls.text.discovery import ThemeProposal, discover_themes
from kundpuls.text.taxonomy import Taxonomy

PERIOD_KIND = "quarter"
MAX_COMMENTS = 20_000
N_THEMES = 6


@dataclass(frozen=True)
class DiscoveryResult:
    """Proposals and what they were computed from.

    Attributes
    ----------
    proposals : tuple of ThemeProposal
        Largest first; empty when too few comments remained (``reason`` says why).
    comments : int
        Comments that could be shown (quarters at or above the comment threshold).
    analysed : int
        Comments in the seeded sample given to the factorisation.
    hidden_periods : int
        Quarters left out because the subtree had fewer respondents than the comment threshold.
    threshold : int
        The survey's comment threshold.
    """

    proposals: tuple[ThemeProposal, ...]
    comments: int
    analysed: int
    hidden_periods: int
    threshold: int
    reason: str = ""


def discovery_periods(lake: str | os.PathLike[str], survey_key: str) -> list[str]:
    """The quarters with responses of ``survey_key`` in the lake, oldest first."""
    _, manifest = open_lake(lake)
    table = period_table(manifest.months(survey_key), PERIOD_KIND)
    return sorted(set(table.column("period").to_pylist()))


def releasable_comments(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    unit: str,
    periods: list[str],
    *,
    threshold_setting: int,
) -> tuple[list[str], int, int]:
    """``(texts, hidden quarters, threshold)``: the comments of ``unit``'s subtree that may be shown.

    A quarter counts under the rule of the results pages' comments: at least the comment threshold of
    respondents, and released in the grid of every respondent
    (:func:`kundpuls.reports.disclosure.respondent_cells`), so the page's count of comments read cannot be
    differenced against the results pages."""
    threshold = survey_thresholds(definition, setting=threshold_setting).comments
    everyone = respondent_cells(lake, survey_plan(lake, definition, threshold_setting=threshold_setting))
    texts: list[str] = []
    hidden = 0
    for period in periods:
        found = unit_comments(lake, definition.key, unit, period, kind=PERIOD_KIND, threshold=threshold)
        if found.suppressed or not everyone.released(unit, period):
            hidden += 1
            continue
        texts.extend(str(t) for t in found.comments["text"].tolist() if str(t).strip())
    return texts, hidden, threshold


def propose_themes(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    unit: str,
    *,
    taxonomy: Taxonomy,
    threshold_setting: int,
    period: str | None = None,
    n_themes: int = N_THEMES,
    max_comments: int = MAX_COMMENTS,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> DiscoveryResult:
    """Propose up to ``n_themes`` themes that ``taxonomy`` misses in the comments of ``unit``'s subtree.

    Parameters
    ----------
    period : str, optional
        One quarter (``2026-Q2``); default every quarter with responses.
    threshold_setting : int
        ``KUNDPULS_ANONYMITY_THRESHOLD``; quarters under the survey's resolved comment threshold are left out.
    max_comments : int
        Size of the seeded random sample factorised (bounds the time).
    progress : callable, optional
        Called with a stage name (``reading``, ``discovering``).
    """
    if max_comments < 1:
        raise InvalidArgument(f"max_comments: {max_comments} must be positive", field="max_comments")
    periods = discovery_periods(lake, definition.key)
    if period is not None:
        if period not in periods:
            raise InvalidArgument(
                f"period: {period!r} has no responses; periods: {', '.join(periods)}",
                field="period",
                value=period,
            )
        periods = [period]
    if progress:
        progress("reading")
    texts, hidden, threshold = releasable_comments(
        lake, definition, unit, periods, threshold_setting=threshold_setting
    )
    total = len(texts)
    if total > max_comments:
        chosen = np.sort(np.random.default_rng(seed).choice(total, size=max_comments, replace=False))
        texts = [texts[i] for i in chosen]
    if progress:
        progress("discovering")
    min_df = 5 if len(texts) >= 1000 else 3
    try:
        proposals = discover_themes(texts, taxonomy=taxonomy, n_themes=n_themes, min_df=min_df, seed=seed)
    except InsufficientData as exc:
        return DiscoveryResult((), total, len(texts), hidden, threshold, reason=str(exc))
    return DiscoveryResult(tuple(proposals), total, len(texts), hidden, threshold)
