"""Words of the charts, tables, spreadsheets and the PDF (no Django needed).

:data:`MESSAGES` names every text and holds its English wording, the gettext message id; the Swedish
translation is in the catalogue ``src/kundpuls/locale/sv/LC_MESSAGES/kundpuls.po`` (see :mod:`kundpuls.i18n`).
A new text is added in both places; ``tests/test_code_catalogue.py`` fails when one lacks the other.
"""

from __future__ import annotations

from kundpuls.i18n import translate

SUPPRESSED_MARK = "–"

MESSAGES: dict[str, str] = {
    "paper_form_id": "Form id",
    "paper_page": "Page",
    "paper_one_box": "Tick one box.",
    "paper_many_boxes": "Tick every box that applies.",
    "paper_each_row": "Tick one box on each row.",
    "paper_conditional": "Answer only if the question applies to you.",
    "paper_write": "Write in your own words:",
    "paper_yes": "Yes",
    "paper_no": "No",
    "paper_functional": "If the service has this:",
    "paper_dysfunctional": "If the service does not have this:",
    "paper_amount": "Amount",
    "paper_contact_intro": "If you answered yes: write how we can reach you.",
    "paper_unit": "About",
    "paper_thanks": "Hand the form in where you received it, or send it in the reply envelope.",
    "heading_headline": "Indices and change",
    "heading_improve": "Most important to improve",
    "heading_comments": "What customers wrote",
    "heading_method": "Method notes",
    "summary_value": "{label} {value} ({low}–{high}, n = {n})",
    "summary_hidden": "{label}: fewer than {t} responses in {period}, so no value is shown",
    "summary_rise": ", a clear rise of {d} compared with {p}",
    "summary_fall": ", a clear fall of {d} compared with {p}",
    "summary_steady": ", no clear change compared with {p}",
    "summary_improve": "; improve {area} first",
    "summary_improve_above": "; improve {area} first (the drivers of {scope})",
    "no_trend": "No trend is shown: only one period has enough responses.",
    "no_funnel": (
        "No funnel plot: fewer than {k} comparable units have enough responses for a comparison to "
        "say anything."
    ),
    "note_sheet": "About the tables",
    "index": "Index",
    "estimate": "Value",
    "ci_low": "CI low",
    "ci_high": "CI high",
    "n": "Responses (n)",
    "period": "Period",
    "unit": "Unit",
    "role": "Comparison",
    "change": "Change",
    "p_value": "p value",
    "significant": "Clear change",
    "outlier": "Differs clearly from similar units",
    "outlier_above": "above",
    "outlier_below": "below",
    "yes": "yes",
    "no": "no",
    "role_unit": "This unit",
    "funnel_focus": "This unit",
    "funnel_other": "Comparable unit",
    "role_parent": "Parent unit",
    "role_organisation": "Whole organisation",
    "headlines": "Indices",
    "trend": "Trend over time",
    "comparison": "Comparison",
    "funnel": "Funnel plot against sibling units",
    "funnel_method": "Funnel plot: {method}.",
    "tech_drivers": (
        "Drivers: PLS path model of {outcome} (standardised, path scheme) on the covariances of the "
        "respondents who answered every item of the model in {window} (the 12 months up to the report's "
        "period), n = {n}, R² = {r2}; an area's score is the codebook index of the same respondents; "
        "effect = 5 × total effect × the ratio of the standard deviations (points of {outcome} per 5 points "
        "of the area); the priority matrix (SCB) is cut at the means."
    ),
    "tech_funnel_exact_share": "exact binomial limits around the pooled share",
    "tech_funnel_normal_share": "normal-approximation limits around the pooled share",
    "tech_funnel_mean": (
        "normal limits around the n-weighted mean with the pooled standard deviation within units"
    ),
    "tech_overdispersion_arcsine": (
        "overdispersion: arcsine scale, z-scores winsorised at 10 % and 90 %, an additive variance between "
        "units (τ²)"
    ),
    "tech_overdispersion": (
        "overdispersion: z-scores winsorised at 10 % and 90 %, an additive variance between units (τ²)"
    ),
    "tech_kano": "Kano: {method}.",
    "tech_kano_table": "Kano evaluation table (Berger et al. 1993)",
    "tech_kano_category": "category = the most frequent answer pattern (ties: M > O > A > I)",
    "tech_kano_coefficients": (
        "satisfaction if present = (A + O)/(A + O + M + I), dissatisfaction if absent = "
        "−(O + M)/(A + O + M + I)"
    ),
    "tech_kano_hidden": "a feature with fewer than {n} answer pairs is not shown",
    "tech_price": (
        "{label}: {method}; n = {n} ({invalid} answers with the prices in the wrong order left out)."
    ),
    "tech_price_crossings": (
        "Van Westendorp, first crossings of the counted curves (as in pricesensitivitymeter: PMC = not cheap "
        "× too cheap, PME = too expensive × not expensive)"
    ),
    "tech_price_nms": "Newton–Miller–Smith trial and revenue",
    "tech_price_hidden": "fewer than {n} respondents with the prices in order are not shown",
    "drivers": "Priority matrix",
    "themes": "Comments by theme",
    "area": "Area",
    "score": "Score",
    "effect": "Effect",
    "quadrant": "Quadrant",
    "theme": "Theme",
    "comments": "Comments",
    "share": "Share",
    "complaints": "Complaints",
    "praise": "Praise",
    "target": "Average",
    "limit_95": "95 % limit",
    "limit_998": "99.8 % limit",
    "outside": "Clearly different",
    "suppressed": "Hidden (too few responses)",
    "clear_change_note": (
        "Change: the period compared with the up to four periods before it, taken together. Clear "
        "change: a change that remains when at most 5 % of all changes marked for the period, "
        "across every unit and index, may be chance."
    ),
    "suppressed_note": (
        "– means the value is not shown: the group has fewer than {threshold} responses, or showing it "
        "would let a smaller group be worked out from other figures."
    ),
    "group_only": "Only respondents in the group {group}.",
    "trend_desc": "{index} per {kind} for {unit}, with 95 % confidence intervals as a band. Latest: {last}.",
    "comparison_desc": (
        "{index} {period} for the unit, its parent and the whole organisation, with 95 % confidence"
        " intervals."
    ),
    "funnel_desc": (
        "{index} {period} for {count} sibling units against the number of responses. The lines are "
        "control limits around the average {target}. A unit differs clearly when the difference "
        "remains with at most 5 % of all marks allowed to be chance. {outside}"
    ),
    "funnel_none_outside": "No unit differs clearly from the average.",
    "funnel_some_outside": "Differ clearly: {units}.",
    "drivers_window": "Priority matrix {window}",
    "drivers_desc": (
        "Index of each area {window} (vertical) against the effect on {outcome} of +5 index points "
        "(horizontal), n = {n}, the 12 months up to the report's period. Priority: {priority}."
    ),
    "improve_window": (
        "From the priority matrix of {scope} for {window} (the 12 months up to the report's period, "
        "n = {n}): areas that matter much for the whole but score low, most important first."
    ),
    "improve_window_above": (
        "{unit} has no driver analysis of its own for these months (it needs at least {least} complete "
        "answers and every month shown), so the priority matrix is that of {scope} for {window} (n = {n}): "
        "areas that matter much there but score low, most important first."
    ),
    "improve_area": (
        "{area}: index {score} of 100 for {scope} ({window}); raising it by 5 points is expected to raise "
        "{outcome} by {effect} points."
    ),
    "improve_none": (
        "No area needs improving first for {window}: no area both has a large effect on {outcome} "
        "and scores low. Keep up the areas that matter most."
    ),
    "themes_desc": "Number of comments per theme, {count} comments in all. Most frequent: {top}.",
    "none": "none",
    "gaps": "Staff's view and customers' answers",
    "gaps_in": "Staff's view and customers' answers, {year}",
    "sheet_gaps": "Staff and customers",
    "sheet_funnel": "Funnel plot",
    "staff": "Staff believe",
    "customers": "Customers answer",
    "gap": "Gap",
    "gaps_desc": (
        "Per question: what staff believe customers answer and what customers answer (index 0–100)."
        " Largest gap: {top}."
    ),
    "kano": "Features by the Kano model",
    "feature": "Feature",
    "category": "Category",
    "better": "Satisfaction if present (better)",
    "worse": "Dissatisfaction if absent (worse)",
    "kano_A": "Attractive",
    "kano_O": "One-dimensional",
    "kano_M": "Must-be",
    "kano_I": "Indifferent",
    "kano_R": "Reverse",
    "kano_Q": "Questionable",
    "kano_desc": (
        "Share of respondents per Kano category for {count} features (n = {n}). Most frequent "
        "category: {top}."
    ),
    "kano_hidden": (
        "The Kano results are not shown: fewer than {threshold} answered the feature questions in the period."
    ),
    "low_base": "Low base (n < 30)",
    "price": "Price sensitivity (Van Westendorp)",
    "price_points": "Price points",
    "price_point": "Price point",
    "price_value": "Price",
    "price_too_cheap": "Too cheap",
    "price_cheap": "Cheap",
    "price_expensive": "Expensive",
    "price_too_expensive": "Too expensive",
    "price_pmc": "Lowest acceptable price",
    "price_opp": "Optimal price",
    "price_idp": "Indifference price",
    "price_pme": "Highest acceptable price",
    "price_mark_pmc": "lowest acceptable",
    "price_mark_opp": "optimal",
    "price_mark_idp": "indifference",
    "price_mark_pme": "highest acceptable",
    "price_trial": "Price with the most would-be buyers",
    "price_revenue": "Price with the largest expected revenue",
    "price_curves": "Cumulative shares per price",
    "price_desc": (
        "Share of respondents who find the price too cheap, cheap, expensive or too expensive, per "
        "price in {currency} (n = {n}). Acceptable range {pmc}–{pme}; optimal price {opp}; "
        "indifference price {idp}."
    ),
    "price_hidden": (
        "Price sensitivity for {label} is not shown: fewer than {threshold} answered consistently "
        "in the period."
    ),
    "month": "month",
    "quarter": "quarter",
    "year": "year",
    "Prioritera": "Priority",
    "Bevara": "Maintain",
    "F\u00f6rb\u00e4ttra om m\u00f6jligt": "Improve if possible",
    "L\u00e4gre prioritet": "Lower priority",
    "productivity": "Cost per served customer and goal fulfilment",
    "productivity_desc": (
        "{count} units with costs and an estimate. Lowest cost per served customer: {low}; highest: {high}."
    ),
    "productivity_none": "No unit has both cost data and an estimate in this period.",
    "productivity_alone": (
        "No chart: only one unit has both cost data and an estimate in this period, so there is nothing to "
        "compare it with. Its figures are in the table below."
    ),
    "cost_per_customer": "Cost per served customer (SEK)",
    "goal_metric": "Goal metric",
    "goal_status": "Goal status",
    "rate_over_time": "Cumulative response rate per day",
    "rate_over_time_desc": (
        "From {first} to {last} the response rate rose to {final} %. The table below holds every value."
    ),
    "day": "Day",
    "answered_so_far": "Answered so far",
    "response_rate_pct": "Response rate (%)",
    "kano_respondents": "Respondents, Kano (n)",
    "kano_categories": "Features per Kano category",
    "price_range": "Range of acceptable prices",
    "summary_kano": "Kano model, {n} respondents: {categories}",
    "summary_price": "{label}: acceptable price {low}–{high} {currency}, optimal {optimal} (n = {n})",
    "summary_needs_hidden": "Fewer than {t} responses in {period}, so no result is shown",
}


def text(key: str, language: str = "sv", **values: object) -> str:
    """The message ``key`` in ``language`` (Swedish unless ``"en"``), formatted with ``values``.

    Raises ``KeyError`` for a name that is not in :data:`MESSAGES`: a missing text is a programming error,
    never a raw key on a page.
    """
    template = translate(key, MESSAGES[key], language)
    return template.format(**values) if values else template


#: Decimals of an index, an interval or a target wherever people read one (pages, PDF, files).
DIGITS = 1


def number(value: float | int | None, language: str = "sv", *, digits: int = DIGITS) -> str:
    """A number for people: decimal comma in Swedish; ``–`` for a hidden value."""
    if value is None:
        return SUPPRESSED_MARK
    formatted = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    return formatted.replace(".", ",").replace("-", "−") if language != "en" else formatted
