"""How many comments each theme of a taxonomy catches: the numbers beside the taxonomy editor.

Every survey's comments of its last twelve months with responses (the ``rolling12`` period ending in its
newest month), given themes by the taxonomy, counted per theme — in all, as complaints and as praise
(:func:`kundpuls.text.reading.read_comments`) — with the comments that got none. Only
counts over the whole organisation leave this module, never a text. Cached per lake generation and
taxonomy, like every report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from kundpuls.analytics.comments import period_comments
from kundpuls.analytics.rollup import open_lake
from kundpuls.reports import cache
from kundpuls.text.reading import read_comments
from kundpuls.text.taxonomy import Taxonomy


@dataclass(frozen=True)
class ThemeCounts:
    """``counts[key]`` comments raised theme ``key`` (``complaints[key]`` of them as a complaint,
    ``praise[key]`` as praise); ``without_theme`` raised none (of ``comments``)."""

    periods: dict[str, str]  # survey -> "R12 YYYY-MM"
    comments: int
    counts: dict[str, int]
    without_theme: int
    complaints: dict[str, int] = field(default_factory=dict)
    praise: dict[str, int] = field(default_factory=dict)

    def share(self, key: str) -> float | None:
        """Percent of all comments that raised theme ``key`` (None without comments)."""
        return 100.0 * self.counts.get(key, 0) / self.comments if self.comments else None

    @property
    def without_theme_share(self) -> float | None:
        return 100.0 * self.without_theme / self.comments if self.comments else None


def theme_counts(lake: str | os.PathLike[str], taxonomy: Taxonomy, *, organisation: str) -> ThemeCounts:
    """Comments per theme of ``taxonomy`` in each survey's last twelve months with responses, in the units
    of ``organisation`` (a root unit code) only: each organisation counts its own comments."""
    key = (*cache.lake_key(lake), "theme-counts", taxonomy.fingerprint, organisation)

    def compute() -> ThemeCounts:
        _, manifest = open_lake(lake)
        texts: list[str] = []
        languages: list[str] = []
        periods: dict[str, str] = {}
        for survey in manifest.survey_keys():
            months = manifest.months(survey)
            if not months:
                continue
            periods[survey] = f"R12 {max(months)}"
            found = period_comments(lake, survey, periods[survey], kind="rolling12")
            own = found.comments[found.comments["unit_code"].isin(found.members.get(organisation, ()))]
            texts += [str(text) for text in own["text"].tolist()]
            languages += [str(lang) for lang in own["language"].tolist()]
        counts = dict.fromkeys(taxonomy.keys, 0)
        if not texts:
            return ThemeCounts(periods, 0, counts, 0)
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
        )

    return cache.cached(key, compute)
