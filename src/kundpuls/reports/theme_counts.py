"""How many comments each theme of a taxonomy catches: the numbers beside the taxonomy editor.

Every survey's comments of its last twelve months with responses (the ``rolling12`` period ending in its
newest month), given themes by the taxonomy, counted per theme — in all, as complaints and as praise
(:func:`kundpuls.text.reading.read_comments`) — with the comments that got none. Only
counts over the whole organisation leave this module, never a text. Cached per lake generation and
taxonomy, like every report.

The counts pass the rule the comment counts of the results pages pass (docs/architecture.md, privacy
defaults): a survey's twelve months are counted only when the organisation had at least the survey's
comment threshold of respondents in them and every month of them with respondents is released in the
grid of every respondent (:func:`kundpuls.reports.disclosure.respondent_cells`,
:meth:`~kundpuls.reports.disclosure.ReleasedCells.released_window`). Otherwise the window minus the
months a results page shows would give the comments of a month hidden there. A survey left out is named
in ``hidden``; a survey without a plan (no published definition in the organisation) is not counted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from kundpuls.analytics.comments import period_comments
from kundpuls.analytics.periods import period_table
from kundpuls.analytics.rollup import open_lake
from kundpuls.reports import cache
from kundpuls.reports.disclosure import respondent_cells
from kundpuls.reports.index_frames import IndexPlan
from kundpuls.text.reading import read_comments
from kundpuls.text.taxonomy import Taxonomy


@dataclass(frozen=True)
class ThemeCounts:
    """``counts[key]`` comments raised theme ``key`` (``complaints[key]`` of them as a complaint,
    ``praise[key]`` as praise); ``without_theme`` raised none (of ``comments``).

    ``periods`` names the window of each survey counted; ``hidden`` the surveys whose window is not
    counted (too few respondents, or a month of it hidden on the results pages)."""

    periods: dict[str, str]  # survey -> "R12 YYYY-MM"
    comments: int
    counts: dict[str, int]
    without_theme: int
    complaints: dict[str, int] = field(default_factory=dict)
    praise: dict[str, int] = field(default_factory=dict)
    hidden: tuple[str, ...] = ()

    def share(self, key: str) -> float | None:
        """Percent of all comments that raised theme ``key`` (None without comments)."""
        return 100.0 * self.counts.get(key, 0) / self.comments if self.comments else None

    @property
    def without_theme_share(self) -> float | None:
        return 100.0 * self.without_theme / self.comments if self.comments else None


def window_months(months: list[str], label: str) -> list[str]:
    """The months of the lake's ``months`` inside the twelve-month window ``label`` (``R12 YYYY-MM``)."""
    table = period_table(months, "rolling12")
    return [
        m
        for m, p in zip(
            table.column("period_month").to_pylist(), table.column("period").to_pylist(), strict=True
        )
        if p == label
    ]


def theme_counts(
    lake: str | os.PathLike[str],
    taxonomy: Taxonomy,
    *,
    organisation: str,
    plans: Mapping[str, IndexPlan],
) -> ThemeCounts:
    """Comments per theme of ``taxonomy`` in each survey's last twelve months with responses, in the units
    of ``organisation`` (a root unit code) only: each organisation counts its own comments.

    ``plans`` gives the organisation's surveys (key -> index plan, with its thresholds); only their
    windows that pass the rule of the results pages are counted (module docstring).
    """
    thresholds = tuple(sorted((k, p.threshold, p.comment_threshold) for k, p in plans.items()))
    key = (*cache.lake_key(lake), "theme-counts", taxonomy.fingerprint, organisation, thresholds)

    def compute() -> ThemeCounts:
        _, manifest = open_lake(lake)
        texts: list[str] = []
        languages: list[str] = []
        periods: dict[str, str] = {}
        hidden: list[str] = []
        for survey in manifest.survey_keys():
            months = manifest.months(survey)
            plan = plans.get(survey)
            if not months or plan is None:
                continue
            label = f"R12 {max(months)}"
            found = period_comments(lake, survey, label, kind="rolling12", threshold=plan.comment_threshold)
            respondents = found.respondents.get(organisation, 0)
            if respondents == 0:
                continue
            everyone = respondent_cells(lake, plan)
            if respondents < plan.comment_threshold or not everyone.released_window(
                organisation, window_months(months, label)
            ):
                hidden.append(survey)
                continue
            periods[survey] = label
            own = found.comments[found.comments["unit_code"].isin(found.members.get(organisation, ()))]
            texts += [str(text) for text in own["text"].tolist()]
            languages += [str(lang) for lang in own["language"].tolist()]
        counts = dict.fromkeys(taxonomy.keys, 0)
        if not texts:
            return ThemeCounts(periods, 0, counts, 0, hidden=tuple(hidden))
        # the language each comment was written in where it is known, else detected
        known = all(lang in ("sv", "en") for lang in languages)
        reading = read_comments(texts, taxonomy, languages=languages if known else None)
        assignment = reading.assignment
        counts.update(zip(assignment.keys, (int(n) for n in assignment.counts()), strict=True))
        by_polarity = reading.theme_counts()
        return ThemeCounts(
            periods,
            len(texts),
            counts,
            int(assignment.unassigned().sum()),
            complaints={key: by_polarity[key]["complaint"] for key in assignment.keys},
            praise={key: by_polarity[key]["praise"] for key in assignment.keys},
            hidden=tuple(hidden),
        )

    return cache.cached(key, compute)
