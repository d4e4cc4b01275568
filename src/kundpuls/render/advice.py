"""What to improve first, in words: the same sentences on the unit page and in its PDF.

The areas in the priority matrix's "Prioritera" quadrant, the most important first. The matrix may be of
the unit itself or, when the unit has no driver analysis of its own (fewer than 50 complete answers, or a
month of the window not shown), of its nearest unit above with enough
(:func:`kundpuls.reports.driver_window.drivers_in_window`); the words then name that unit at every area,
so that its index is never read as the unit's own.
"""

from __future__ import annotations

from kundpuls.render.labels import number, text
from kundpuls.reports.contracts import UnitReport
from kundpuls.reports.driver_window import DRIVER_MIN_N


def borrowed(report: UnitReport) -> bool:
    """Whether the report's driver analysis is of a unit above the report's unit."""
    return report.drivers is not None and report.drivers.scope_code != report.unit_code


def advice_intro(report: UnitReport, language: str = "sv") -> str:
    """Whose matrix, over which months, and what the list means ("" without a driver analysis)."""
    drivers = report.drivers
    if drivers is None:
        return ""
    if borrowed(report):
        return text(
            "improve_window_above",
            language,
            unit=report.unit_name,
            scope=drivers.scope_name,
            window=drivers.window,
            n=drivers.n,
            least=DRIVER_MIN_N,
        )
    return text("improve_window", language, scope=drivers.scope_name, window=drivers.window, n=drivers.n)


def improvement_sentences(report: UnitReport, language: str = "sv") -> list[str]:
    """The areas in the matrix's "Prioritera" quadrant in plain words, the most important first.

    When no area is there, one sentence says so (other quadrants are not advice to improve first).
    """
    drivers = report.drivers
    if drivers is None:
        return []
    window = drivers.window
    areas = drivers.improve_first()
    if not areas:
        return [text("improve_none", language, window=window, outcome=drivers.outcome)]
    return [
        text(
            "improve_area",
            language,
            area=row.label,
            score=number(row.score, language),
            scope=drivers.scope_name,
            window=window,
            outcome=drivers.outcome,
            effect=number(row.effect, language, digits=1),
        )
        for row in areas
    ]
