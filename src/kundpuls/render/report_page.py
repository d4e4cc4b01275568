"""What a results page shows of a unit report: its charts and tables, drawn once per report.

The web views read a :class:`~kundpuls.reports.contracts.UnitReport` (cached per lake generation by
:mod:`kundpuls.reports.cache`) and hand it here. Drawing the charts costs more than serving the report from
the cache, so the drawn page is cached too, keyed by the report object itself: a cached report is the same
object on every hit, and while the page's entry holds its report no other object can take its ``id``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kundpuls.render.advice import advice_intro, improvement_sentences
from kundpuls.render.charts import (
    RenderedChart,
    funnel_drawn,
    omitted_charts,
    report_charts,
    with_phone_svg,
)
from kundpuls.render.method_notes import technical_notes
from kundpuls.render.summary import unit_summary
from kundpuls.render.tables import Table, report_tables
from kundpuls.reports import cache
from kundpuls.reports.contracts import UnitReport


@dataclass(frozen=True)
class ReportPage:
    """A unit report with every chart (for a wide screen and for a phone) and table drawn for one language."""

    report: UnitReport
    charts: tuple[RenderedChart, ...]
    tables: tuple[Table, ...]
    summary: str = ""
    omitted: tuple[str, ...] = ()
    funnel_drawn: bool = False
    advice_intro: str = ""  # whose priority matrix, over which months
    advice: tuple[str, ...] = ()  # what to improve first, or one sentence that nothing is
    technical: tuple[str, ...] = ()  # the methods in technical terms, in the page's language


def report_page(report: UnitReport, language: str = "sv") -> ReportPage:
    """The charts and tables of ``report`` in ``language`` (drawn on the first call for this report)."""

    def draw() -> ReportPage:
        return ReportPage(
            report,
            tuple(with_phone_svg(chart) for chart in report_charts(report, language)),
            tuple(report_tables(report, language)),
            unit_summary(report, language),
            tuple(omitted_charts(report, language)),
            funnel_drawn(report),
            advice_intro(report, language),
            tuple(improvement_sentences(report, language)),
            technical_notes(report, language),
        )

    return cache.cached(("report_page", id(report), language), draw, shared=False)  # id: this process only
