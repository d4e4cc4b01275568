"""The unit report as PDF: the dashboard's charts and tables compiled by Typst (no ``@preview`` imports)."""

from __future__ import annotations

from typing import Any

from kundpuls.render.advice import advice_intro, improvement_sentences
from kundpuls.render.charts import RenderedChart, omitted_charts, report_charts
from kundpuls.render.labels import SUPPRESSED_MARK, number, text
from kundpuls.render.method_notes import technical_notes
from kundpuls.render.needs_charts import needs_notes, pdf_table
from kundpuls.render.summary import unit_summary
from kundpuls.render.tables import Table, headline_table
from kundpuls.render.typst_pdf import compile_pdf
from kundpuls.reports.contracts import UnitReport

_HEADING_NAMES = ("headline", "improve", "comments", "method")


def _cells(table: Table, language: str) -> dict[str, Any]:
    rows = [
        [
            SUPPRESSED_MARK if c is None else (number(c, language) if isinstance(c, float) else str(c))
            for c in row
        ]
        for row in table.rows
    ]
    return {"caption": table.caption, "columns": list(table.columns), "rows": rows}


def unit_report_pdf(
    report: UnitReport,
    *,
    language: str = "sv",
    charts: list[RenderedChart] | None = None,
    group: str | None = None,
) -> bytes:
    """Compile the PDF of ``report`` (pass ``charts`` to reuse already rendered SVG). ``group`` names the
    respondents a filtered report is about ("Vilket kön har du?: Annat"), in its subtitle and footer, so
    that a reader never takes a group's figures for the whole unit's."""
    charts = charts if charts is not None else report_charts(report, language)
    files = {f"chart-{c.key}.svg": c.svg.encode("utf-8") for c in charts}
    comments = report.comments
    hidden = comments is None or comments.suppressed
    if language == "en":
        comments_note = (
            f"Comments are shown only for groups with at least {comments.threshold} respondents."
            if comments is not None
            else "Comments are not included."
        )
        no_drivers = "Too few responses for a driver analysis."
    else:
        comments_note = (
            f"Kommentarer visas bara för grupper med minst {comments.threshold} svarande."
            if comments is not None
            else "Kommentarer ingår inte."
        )
        no_drivers = "För få svar för en drivkraftsanalys."
    subtitle = f"{report.survey_title} · {report.period}"  # the title is the unit's name, never its code
    footer = f"Kundpuls · {report.unit_name} · {report.period}"
    if group:
        subtitle = f"{subtitle} · {text('group_only', language, group=group)}"
        footer = f"{footer} · {group}"
    notes = list(report.notes)
    notes.extend(technical_notes(report, language))
    notes.extend(needs_notes(report, language))
    notes.append(text("suppressed_note", language, threshold=report.threshold))
    notes.extend(omitted_charts(report, language))
    notes.append(text("clear_change_note", language))
    data = {
        "language": language,
        "title": report.unit_name,
        "subtitle": subtitle,
        "summary": unit_summary(report, language),
        "footer": footer,
        "headings": {name: text(f"heading_{name}", language) for name in _HEADING_NAMES},
        "has_index": bool(report.headlines),  # a survey of Kano or price modules only has none
        "headline_table": _cells(headline_table(report, language), language),
        "improvements": improvement_sentences(report, language),
        "improve_window": advice_intro(report, language),
        "no_drivers": no_drivers,
        "charts": [
            {
                "file": f"chart-{c.key}.svg",
                "title": c.title,
                "description": c.description,
                "table": _cells(pdf_table(c, report, language), language),
            }
            for c in charts
        ],
        "comments_hidden": hidden,
        "comments_note": comments_note,
        "themes": []
        if hidden or comments is None
        else [
            {"label": t.label, "count": t.count, "examples": [e[:160] for e in t.examples[:2]]}
            for t in comments.themes[:6]
        ],
        "notes": notes,
    }
    return compile_pdf("unit_report", data, files)
