"""The methods of a unit report in technical terms, in the reader's language (page and PDF).

The report carries each method as the English sentence the statistics layer states (the API returns it as
it is). For people it is said again here in Swedish or English: the driver analysis from the report's own
fields, the other methods from the fixed parts the statistics layer builds its sentence of (parts joined by
``"; "``), each part a named message of :data:`kundpuls.render.labels.MESSAGES`. A part this module does not
know is kept in English rather than dropped; ``tests/render/test_method_notes.py`` builds every sentence the
statistics layer can state and fails on any part left untranslated.
"""

from __future__ import annotations

import re

from kundpuls.render.charts import funnel_drawn
from kundpuls.render.labels import number, text
from kundpuls.reports.contracts import DriverReport, UnitReport

#: The parts the statistics layer builds its method sentences of, by the message that says them.
PARTS: dict[str, str] = {
    "exact binomial limits around the pooled share": "tech_funnel_exact_share",
    "normal approximation limits around the pooled share": "tech_funnel_normal_share",
    "normal limits around the n-weighted mean with the pooled within-unit SD": "tech_funnel_mean",
    "overdispersion: arcsine scale, winsorised z (10%/90%), additive tau2": "tech_overdispersion_arcsine",
    "overdispersion: winsorised z (10%/90%), additive tau2": "tech_overdispersion",
    "Kano evaluation table (Berger et al. 1993)": "tech_kano_table",
    "category = most frequent (ties M > O > A > I)": "tech_kano_category",
    "Better = (A + O)/(A + O + M + I), Worse = −(O + M)/(A + O + M + I)": "tech_kano_coefficients",
    "Van Westendorp, count-based first crossings (pricesensitivitymeter conventions: PMC = not cheap x too "
    "cheap, PME = too expensive x not expensive)": "tech_price_crossings",
    "NMS trial/revenue": "tech_price_nms",
}
#: Parts with a number in them: the pattern and the message that says them with ``{n}``.
COUNTED_PARTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"a feature with fewer than (\d+) answer pairs is not shown"), "tech_kano_hidden"),
    (re.compile(r"fewer than (\d+) consistent respondents are not shown"), "tech_price_hidden"),
)


def method_in(method: str, language: str = "sv") -> str:
    """A method sentence of the statistics layer in ``language``, part by part."""
    said = []
    for part in method.split("; "):
        name = PARTS.get(part)
        if name is not None:
            said.append(text(name, language))
            continue
        for pattern, counted in COUNTED_PARTS:
            found = pattern.fullmatch(part)
            if found:
                said.append(text(counted, language, n=found.group(1)))
                break
        else:
            said.append(part)
    return "; ".join(said)


def driver_method(drivers: DriverReport, language: str = "sv") -> str:
    """The driver analysis in technical terms, with its window, n and R²."""
    return text(
        "tech_drivers",
        language,
        outcome=drivers.outcome,
        window=drivers.window,
        n=drivers.n,
        r2=number(drivers.r_squared, language, digits=2),
    )


def technical_notes(report: UnitReport, language: str = "sv") -> tuple[str, ...]:
    """Every method the report shows a result of, in technical terms: drivers, the funnel (where drawn),
    Kano and each price module that is not hidden."""
    notes = []
    if report.drivers is not None:
        notes.append(driver_method(report.drivers, language))
    if report.funnel is not None and funnel_drawn(report):
        notes.append(text("funnel_method", language, method=method_in(report.funnel.method, language)))
    if report.kano is not None and not report.kano.suppressed:
        notes.append(text("tech_kano", language, method=method_in(report.kano.method, language)))
    for section in report.prices:
        if not section.suppressed:
            notes.append(
                text(
                    "tech_price",
                    language,
                    label=section.label,
                    method=method_in(section.method, language),
                    n=section.n,
                    invalid=section.n_invalid,
                )
            )
    return tuple(notes)
