"""Every table of a unit report as plain rows: the single source for HTML, XLSX, CSV and chart data tables.

A cell is a number, a string or ``None``. ``None`` is a hidden (suppressed) value and every renderer
writes it as ``–`` — a suppressed group never reaches a renderer with a number, because the contracts
carry none (see :mod:`kundpuls.reports.contracts`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kundpuls.render.labels import number, text
from kundpuls.reports.contracts import NeedsHeadline, Overview, PriceSection, UnitReport
from kundpuls.reports.funnel import MIN_COMPARED
from kundpuls.stats.results import IndexResult

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """A titled table: ``columns`` are the header texts, ``rows`` the cells (``None`` = hidden)."""

    key: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def _whole(value: float | None) -> int | None:
    """A price in whole currency units, shown without decimals ("1330", not "1330,0")."""
    return None if value is None else round(float(value))


def _p_text(p_value: float, language: str) -> str:
    """A p value as text with three decimals (``< 0,001`` below)."""
    if p_value < 0.001:
        return "< " + number(0.001, language, digits=3)
    return number(p_value, language, digits=3)


def _value_cells(value: IndexResult) -> tuple[Cell, ...]:
    if value.suppressed:
        return (None, None, None, None)
    return (_round(value.estimate), _round(value.ci_low), _round(value.ci_high), value.n)


def headline_table(report: UnitReport, language: str = "sv") -> Table:
    """Indices of the period with interval, n and the change against the up to four periods before it."""
    t = lambda k: text(k, language)  # noqa: E731 - short local alias
    rows = []
    for h in report.headlines:
        change = h.change
        rows.append(
            (
                h.value.label,
                *_value_cells(h.value),
                None if change is None else _round(change.difference),
                None if change is None or change.p_value is None else _p_text(change.p_value, language),
                None if change is None else (t("yes") if change.significant else t("no")),
            )
        )
    return Table(
        "headlines",
        f"{t('headlines')} {report.unit_name} {report.period}",
        (
            t("index"),
            t("estimate"),
            t("ci_low"),
            t("ci_high"),
            t("n"),
            t("change"),
            t("p_value"),
            t("significant"),
        ),
        tuple(rows),
    )


def trend_table(report: UnitReport, language: str = "sv") -> Table:
    """The main index per period."""
    t = lambda k: text(k, language)  # noqa: E731
    label = report.trend[0].value.label if report.trend else ""
    return Table(
        "trend",
        f"{t('trend')}: {label}",
        (t("period"), t("estimate"), t("ci_low"), t("ci_high"), t("n")),
        tuple((p.period, *_value_cells(p.value)) for p in report.trend),
    )


def comparison_table(report: UnitReport, language: str = "sv") -> Table:
    """Unit, parent and organisation on every index."""
    t = lambda k: text(k, language)  # noqa: E731
    return Table(
        "comparison",
        f"{t('comparison')} {report.period}",
        (t("role"), t("unit"), t("index"), t("estimate"), t("ci_low"), t("ci_high"), t("n")),
        tuple(
            (t(f"role_{r.role}"), r.unit_name, r.value.label, *_value_cells(r.value))
            for r in report.comparison
        ),
    )


def funnel_table(report: UnitReport, language: str = "sv") -> Table | None:
    """Sibling units with n and estimate, and whether they lie outside the limits; none where the page
    draws no funnel (fewer than :data:`~kundpuls.reports.funnel.MIN_COMPARED` units with a value), so a
    file never lists siblings' results the page does not show."""
    if report.funnel is None or sum(not p.suppressed for p in report.funnel.points) < MIN_COMPARED:
        return None
    t = lambda k: text(k, language)  # noqa: E731
    rows = []
    for p in report.funnel.points:
        outside = None if p.suppressed else (t("yes") if p.outlier else t("no"))
        rows.append((p.unit_name, None if p.suppressed else _round(p.estimate), p.n, outside))
    return Table("funnel", t("funnel"), (t("unit"), t("estimate"), t("n"), t("outside")), tuple(rows))


def driver_table(report: UnitReport, language: str = "sv") -> Table | None:
    """Areas with score, effect and quadrant."""
    if report.drivers is None:
        return None
    t = lambda k: text(k, language)  # noqa: E731
    return Table(
        "drivers",
        f"{t('drivers')} {report.drivers.window} (n = {report.drivers.n}, {report.drivers.scope_name})",
        (t("area"), t("score"), t("effect"), t("quadrant")),
        tuple((r.label, _round(r.score), _round(r.effect, 2), t(r.quadrant)) for r in report.drivers.rows),
    )


def theme_table(report: UnitReport, language: str = "sv") -> Table | None:
    """Comment themes with counts, the share of the unit's comments in percent, complaints and praise (only
    when the comments are shown)."""
    if report.comments is None or report.comments.suppressed:
        return None
    t = lambda k: text(k, language)  # noqa: E731
    return Table(
        "themes",
        t("themes"),
        (t("theme"), t("comments"), f"{t('share')} (%)", t("complaints"), t("praise")),
        tuple(
            (th.label, th.count, _percent(th.share), th.complaints, th.praise)
            for th in report.comments.themes
        ),
    )


def gaps_title(report: UnitReport, language: str = "sv") -> str:
    """The heading of the staff–customer section, with the year both sides are of."""
    year = next((g.year for g in report.gaps if g.year), "")
    return text("gaps_in", language, year=year) if year else text("gaps", language)


def gap_table(report: UnitReport, language: str = "sv") -> Table | None:
    """Staff's view against the customers' ratings per mirrored item."""
    if not report.gaps:
        return None
    t = lambda k: text(k, language)  # noqa: E731
    rows = tuple(
        (
            g.label,
            None if g.staff.suppressed else _round(g.staff.estimate),
            g.staff.n,
            None if g.customer.suppressed else _round(g.customer.estimate),
            g.customer.n,
            _round(g.gap),
        )
        for g in report.gaps
    )
    columns = (t("area"), t("staff"), "n", t("customers"), "n", t("gap"))
    return Table("gaps", gaps_title(report, language), columns, rows)


KANO_CATEGORIES = ("A", "O", "M", "I", "R", "Q")


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100.0 * share, 1)


def kano_table(report: UnitReport, language: str = "sv") -> Table | None:
    """Per Kano feature: the category shares (%), the dominant category, Better, Worse and n."""
    if report.kano is None:
        return None
    t = lambda k: text(k, language)  # noqa: E731
    rows = []
    for f in report.kano.features:
        shares = tuple(_percent(f.share(c)) for c in KANO_CATEGORIES)
        category = None if f.category is None else t(f"kano_{f.category}")
        if category is not None and f.low_base:
            category += f" ({t('low_base').lower()})"
        rows.append((f.label, category, *shares, _round(f.better, 2), _round(f.worse, 2), f.n))
    return Table(
        "kano",
        f"{t('kano')} {report.period}",
        (
            t("feature"),
            t("category"),
            *(f"{t(f'kano_{c}')} (%)" for c in KANO_CATEGORIES),
            t("better"),
            t("worse"),
            "n",
        ),
        tuple(rows),
    )


def price_points_table(section: PriceSection, language: str = "sv") -> Table:
    """The Van Westendorp price points (and NMS optima) of one price module, with n."""
    t = lambda k: text(k, language)  # noqa: E731
    points = [("pmc", section.pmc), ("opp", section.opp), ("idp", section.idp), ("pme", section.pme)]
    if section.trial_price is not None or section.suppressed:
        points += [("trial", section.trial_price), ("revenue", section.revenue_price)]
    return Table(
        f"price-points-{section.key}",
        f"{t('price_points')}: {section.label}",
        (t("price_point"), f"{t('price_value')} ({section.currency})", "n"),
        tuple((t(f"price_{name}"), _whole(value), section.n) for name, value in points),
    )


def price_curve_table(section: PriceSection, language: str = "sv") -> Table:
    """The four cumulative curves (%) per price of one price module (empty when hidden)."""
    t = lambda k: text(k, language)  # noqa: E731
    names = ("too_cheap", "cheap", "expensive", "too_expensive")
    return Table(
        f"price-{section.key}",
        f"{t('price_curves')}: {section.label} (n = {number(section.n, language)})",
        (f"{t('price_value')} ({section.currency})", *(f"{t('price_' + n)} (%)" for n in names)),
        tuple((_whole(p.price), *(_percent(getattr(p, n)) for n in names)) for p in section.curves),
    )


def report_tables(report: UnitReport, language: str = "sv") -> list[Table]:
    """Every table of the unit report, in page order."""
    tables = (
        [headline_table(report, language), trend_table(report, language), comparison_table(report, language)]
        if report.headlines  # a survey of Kano or price modules only has no index tables
        else []
    )
    for extra in (
        funnel_table(report, language),
        driver_table(report, language),
        kano_table(report, language),
        *(price_points_table(p, language) for p in report.prices),
        *(price_curve_table(p, language) for p in report.prices if not p.suppressed),
        gap_table(report, language),
        theme_table(report, language),
    ):
        if extra is not None:
            tables.append(extra)
    return tables


def kano_categories_text(headline: NeedsHeadline, language: str = "sv") -> str | None:
    """``"M: självklar 2 · I: likgiltig 3"``: the shown features per Kano category (None when none)."""
    if not headline.kano_categories:
        return None
    return " · ".join(f"{text(f'kano_{c}', language)} {k}" for c, k in headline.kano_categories)


def needs_overview_table(overview: Overview, language: str = "sv") -> Table:
    """The overview of a survey without an index: Kano categories and each price module's range per unit."""
    t = lambda k: text(k, language)  # noqa: E731
    modules: list[tuple[str, str, str]] = []
    for r in overview.rows:
        for p in r.needs.prices if r.needs else ():
            if p.key not in [m[0] for m in modules]:
                modules.append((p.key, p.label, p.currency))
    kano = any(r.needs and r.needs.kano_categories for r in overview.rows)
    columns = ["Kod" if language != "en" else "Code", t("unit")]
    if kano:
        columns += [t("kano_categories"), t("kano_respondents")]
    for _, label, currency in modules:
        columns += [
            f"{label}: {t('price_pmc')} ({currency})",
            f"{label}: {t('price_opp')} ({currency})",
            f"{label}: {t('price_pme')} ({currency})",
            f"{label}: n",
        ]
    rows = []
    for r in overview.rows:
        cells: list[Cell] = [r.unit_code, r.unit_name]
        if kano:
            cells += (
                [kano_categories_text(r.needs, language), r.needs.kano_respondents]
                if r.needs
                else [None, None]
            )
        prices = {p.key: p for p in r.needs.prices} if r.needs else {}
        for key, _, _ in modules:
            brief = prices.get(key)
            if brief is None or brief.suppressed:
                cells += [None, None, None, None]
            else:
                cells += [_whole(brief.low), _whole(brief.optimal), _whole(brief.high), brief.n]
        rows.append(tuple(cells))
    return Table("overview", f"{overview.index_label} {overview.period}", tuple(columns), tuple(rows))


def overview_table(overview: Overview, language: str = "sv") -> Table:
    """The overview: every unit's main index, interval, n and significant change."""
    if overview.index_kind == "needs":
        return needs_overview_table(overview, language)
    t = lambda k: text(k, language)  # noqa: E731
    # the funnel outliers are of the main index (the first of the survey's indices) only
    funnel = bool(overview.indices) and overview.index_key == overview.indices[0][0]
    rows = []
    for r in overview.rows:
        change = r.change
        rows.append(
            (
                r.unit_code,
                r.unit_name,
                *_value_cells(r.value),
                None if change is None else _round(change.difference),
                None if change is None else (t("yes") if change.significant else t("no")),
                *([t(f"outlier_{r.outlier}") if r.outlier else None] if funnel else []),
            )
        )
    return Table(
        "overview",
        f"{overview.index_label} {overview.period}",
        (
            "Kod" if language != "en" else "Code",
            t("unit"),
            t("estimate"),
            t("ci_low"),
            t("ci_high"),
            t("n"),
            t("change"),
            t("significant"),
            *([t("outlier")] if funnel else []),
        ),
        tuple(rows),
    )
