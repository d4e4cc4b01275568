"""The one sentence a unit's results start with, on the page and in the PDF.

"Nöjd-Kund-Index 75,6 (71,4–79,8, n = 120), en tydlig ökning med 4,2 sedan 2026-Q1; förbättra
Tillgänglighet först." — the main index with its interval and n, whether it changed clearly since the
previous period (the report's own change flag), and the first area the priority matrix says to improve.
Only what the report holds: a hidden index is said to be hidden, nothing is said of its change.
"""

from __future__ import annotations

from kundpuls.render.advice import borrowed
from kundpuls.render.labels import number, text
from kundpuls.render.tables import kano_categories_text
from kundpuls.reports.contracts import UnitReport
from kundpuls.reports.needs import needs_headline


def unit_summary(report: UnitReport, language: str = "sv") -> str:
    """The opening sentence of ``report`` in ``language``."""
    if not report.headlines:
        return _needs_summary(report, language)
    main = report.headlines[0]
    value = main.value
    if value.suppressed:
        return text("summary_hidden", language, label=value.label, period=report.period, t=report.threshold)
    shown = number(value.estimate, language)
    if value.kind == "share":
        shown += " %"
    sentence = text(
        "summary_value",
        language,
        label=value.label,
        value=shown,
        low=number(value.ci_low, language),
        high=number(value.ci_high, language),
        n=value.n,
    )
    change = main.change
    if change is not None and change.difference is not None:
        if change.significant:
            key = "summary_rise" if change.difference > 0 else "summary_fall"
            sentence += text(
                key, language, d=number(abs(change.difference), language), p=change.previous_period
            )
        else:
            sentence += text("summary_steady", language, p=change.previous_period)
    first = report.drivers.improve_first() if report.drivers is not None else ()
    if first and report.drivers is not None and borrowed(report):
        sentence += text(
            "summary_improve_above", language, area=first[0].label, scope=report.drivers.scope_name
        )
    elif first:
        sentence += text("summary_improve", language, area=first[0].label)
    return sentence + "."


def _needs_summary(report: UnitReport, language: str) -> str:
    """A survey of Kano or price modules only: the features per Kano category and each acceptable price
    range, with n (:func:`kundpuls.reports.needs.needs_headline`)."""
    if report.kano is None and not report.prices:
        return ""
    headline = needs_headline(report.kano, report.prices)
    if headline.suppressed:
        return text("summary_needs_hidden", language, t=report.threshold, period=report.period) + "."
    parts = []
    categories = kano_categories_text(headline, language)
    if categories is not None:
        parts.append(text("summary_kano", language, n=headline.kano_respondents, categories=categories))
    for p in headline.prices:
        if not p.suppressed:
            parts.append(
                text(
                    "summary_price",
                    language,
                    label=p.label,
                    low=number(p.low, language, digits=0),
                    high=number(p.high, language, digits=0),
                    optimal=number(p.optimal, language, digits=0),
                    currency=p.currency,
                    n=p.n,
                )
            )
    return "; ".join(parts) + "."
