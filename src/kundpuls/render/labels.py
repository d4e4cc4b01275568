"""Words of the charts, tables, spreadsheets and the PDF, in Swedish and English (no Django needed)."""

from __future__ import annotations

SUPPRESSED_MARK = "–"

_TEXTS: dict[str, tuple[str, str]] = {
    # The opening sentence of a unit's results (render/summary.py)
    "summary_value": ("{label} {value} ({low}–{high}, n = {n})", "{label} {value} ({low}–{high}, n = {n})"),
    "summary_hidden": (
        "{label}: färre än {t} svar under {period}, så inget värde visas",
        "{label}: fewer than {t} responses in {period}, so no value is shown",
    ),
    "summary_rise": (", en tydlig ökning med {d} sedan {p}", ", a clear rise of {d} since {p}"),
    "summary_fall": (", en tydlig minskning med {d} sedan {p}", ", a clear fall of {d} since {p}"),
    "summary_steady": (", ingen tydlig förändring sedan {p}", ", no clear change since {p}"),
    "summary_improve": ("; förbättra {area} först", "; improve {area} first"),
    "no_trend": (
        "Ingen utveckling över tid visas: bara en period har tillräckligt många svar.",
        "No trend is shown: only one period has enough responses.",
    ),
    "no_funnel": (
        "Inget trattdiagram: färre än {k} jämförbara enheter har tillräckligt många svar, så en jämförelse "
        "säger inget.",
        "No funnel plot: fewer than {k} comparable units have enough responses for a comparison to say "
        "anything.",
    ),
    "note_sheet": ("Om tabellerna", "About the tables"),
    "index": ("Index", "Index"),
    "estimate": ("Värde", "Value"),
    "ci_low": ("KI nedre", "CI low"),
    "ci_high": ("KI övre", "CI high"),
    "n": ("Antal svar (n)", "Responses (n)"),
    "period": ("Period", "Period"),
    "unit": ("Enhet", "Unit"),
    "role": ("Jämförelse", "Comparison"),
    "change": ("Förändring", "Change"),
    "p_value": ("p-värde", "p value"),
    "significant": ("Tydlig förändring", "Clear change"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "role_unit": ("Enheten", "This unit"),
    "funnel_focus": ("Den här enheten", "This unit"),
    "funnel_other": ("Jämförbar enhet", "Comparable unit"),
    "role_parent": ("Överordnad enhet", "Parent unit"),
    "role_organisation": ("Hela organisationen", "Whole organisation"),
    "headlines": ("Index", "Indices"),
    "trend": ("Utveckling över tid", "Trend over time"),
    "comparison": ("Jämförelse", "Comparison"),
    "funnel": ("Trattdiagram mot jämförbara enheter", "Funnel plot against sibling units"),
    "drivers": ("Prioriteringsmatris", "Priority matrix"),
    "themes": ("Kommentarer per tema", "Comments by theme"),
    "area": ("Område", "Area"),
    "score": ("Betygsindex", "Score"),
    "effect": ("Effekt", "Effect"),
    "quadrant": ("Kvadrant", "Quadrant"),
    "theme": ("Tema", "Theme"),
    "comments": ("Kommentarer", "Comments"),
    "share": ("Andel", "Share"),
    "complaints": ("Klagomål", "Complaints"),
    "praise": ("Beröm", "Praise"),
    "target": ("Medelvärde", "Average"),
    "limit_95": ("95 %-gräns", "95 % limit"),
    "limit_998": ("99,8 %-gräns", "99.8 % limit"),
    "outside": ("Avviker tydligt", "Clearly different"),
    "suppressed": ("Dolt (för få svar)", "Hidden (too few responses)"),
    "clear_change_note": (
        "Tydlig förändring: en förändring som står sig när högst 5 % av alla förändringar som markeras för "
        "perioden, i alla enheter och index, får vara slump.",
        "Clear change: a change that remains when at most 5 % of all changes marked for the period, across "
        "every unit and index, may be chance.",
    ),
    "suppressed_note": (
        "– betyder att gruppen har färre än {threshold} svar och därför inte visas.",
        "– means the group has fewer than {threshold} responses and is not shown.",
    ),
    "trend_desc": (
        "{index} per {kind} för {unit}, med 95 % konfidensintervall som band. Senaste: {last}.",
        "{index} per {kind} for {unit}, with 95 % confidence intervals as a band. Latest: {last}.",
    ),
    "comparison_desc": (
        "{index} {period} för enheten, den överordnade enheten och hela organisationen, "
        "med 95 % konfidensintervall.",
        "{index} {period} for the unit, its parent and the whole organisation, "
        "with 95 % confidence intervals.",
    ),
    "funnel_desc": (
        "{index} {period} för {count} jämförbara enheter mot antal svar. Linjerna är kontrollgränser runt "
        "medelvärdet {target}. En enhet avviker tydligt när skillnaden består även när högst 5 % av alla "
        "markeringar får vara slump. {outside}",
        "{index} {period} for {count} sibling units against the number of responses. The lines are control "
        "limits around the average {target}. A unit differs clearly when the difference remains with at "
        "most 5 % of all marks allowed to be chance. {outside}",
    ),
    "funnel_none_outside": (
        "Ingen enhet avviker tydligt från medelvärdet.",
        "No unit differs clearly from the average.",
    ),
    "funnel_some_outside": ("Avviker tydligt: {units}.", "Differ clearly: {units}."),
    "drivers_window": ("Prioriteringsmatris {window}", "Priority matrix {window}"),
    "drivers_desc": (
        "Områdenas index {window} (lodrätt) mot effekten på {outcome} av +5 indexenheter (vågrätt), "
        "n = {n}, 12 månader till och med rapportens period. Prioritera: {priority}.",
        "Index of each area {window} (vertical) against the effect on {outcome} of +5 index points "
        "(horizontal), n = {n}, the 12 months up to the report's period. Priority: {priority}.",
    ),
    "improve_window": (
        "Enligt prioriteringsmatrisen för {window} (12 månader till och med rapportens period): områden "
        "som betyder mycket för helheten men har lågt betyg, viktigast först.",
        "From the priority matrix for {window} (the 12 months up to the report's period): areas that "
        "matter much for the whole but score low, most important first.",
    ),
    "improve_area": (
        "{area}: index {score} av 100 ({window}); höjs det 5 enheter väntas {outcome} öka {effect} enheter.",
        "{area}: index {score} of 100 ({window}); raising it by 5 points is expected to raise {outcome} "
        "by {effect} points.",
    ),
    "improve_none": (
        "Inget område behöver förbättras först för {window}: inget område har både stor effekt på "
        "{outcome} och lågt betyg. Håll nivån på de områden som betyder mest.",
        "No area needs improving first for {window}: no area both has a large effect on {outcome} and "
        "scores low. Keep up the areas that matter most.",
    ),
    "themes_desc": (
        "Antal kommentarer per tema, {count} kommentarer totalt. Vanligast: {top}.",
        "Number of comments per theme, {count} comments in all. Most frequent: {top}.",
    ),
    "none": ("inget", "none"),
    "gaps": ("Personalens bild och kundernas svar", "Staff's view and customers' answers"),
    "staff": ("Personalen tror", "Staff believe"),
    "customers": ("Kunderna svarar", "Customers answer"),
    "gap": ("Skillnad", "Gap"),
    "gaps_desc": (
        "Per fråga: vad personalen tror att kunderna svarar och vad kunderna svarar (index 0–100). "
        "Störst skillnad: {top}.",
        "Per question: what staff believe customers answer and what customers answer (index 0–100). "
        "Largest gap: {top}.",
    ),
    "kano": ("Funktioner enligt Kanomodellen", "Features by the Kano model"),
    "kano_respondents": ("Svarande, Kano (n)", "Respondents, Kano (n)"),
    "kano_categories": ("Funktioner per Kanokategori", "Features per Kano category"),
    "price_range": ("Acceptabelt prisintervall", "Range of acceptable prices"),
    "summary_kano": (
        "Kanomodellen, {n} svarande: {categories}",
        "Kano model, {n} respondents: {categories}",
    ),
    "summary_price": (
        "{label}: acceptabelt pris {low}–{high} {currency}, optimalt {optimal} (n = {n})",
        "{label}: acceptable price {low}–{high} {currency}, optimal {optimal} (n = {n})",
    ),
    "summary_needs_hidden": (
        "Färre än {t} svar under {period}, så inget resultat visas",
        "Fewer than {t} responses in {period}, so no result is shown",
    ),
    "feature": ("Funktion", "Feature"),
    "category": ("Kategori", "Category"),
    "better": ("Nöjdhet om den finns (better)", "Satisfaction if present (better)"),
    "worse": ("Missnöje om den saknas (worse)", "Dissatisfaction if absent (worse)"),
    "kano_A": ("A: attraktiv", "A: attractive"),
    "kano_O": ("O: endimensionell", "O: one-dimensional"),
    "kano_M": ("M: självklar", "M: must-be"),
    "kano_I": ("I: likgiltig", "I: indifferent"),
    "kano_R": ("R: omvänd", "R: reverse"),
    "kano_Q": ("Q: tveksam", "Q: questionable"),
    "kano_desc": (
        "Andel svarande per Kanokategori för {count} funktioner (n = {n}). Vanligaste kategori: {top}.",
        "Share of respondents per Kano category for {count} features (n = {n}). "
        "Most frequent category: {top}.",
    ),
    "kano_hidden": (
        "Kanoresultaten visas inte: färre än {threshold} har svarat på funktionsfrågorna i perioden.",
        "The Kano results are not shown: fewer than {threshold} answered the feature questions "
        "in the period.",
    ),
    "low_base": ("Lågt underlag (n < 30)", "Low base (n < 30)"),
    "price": ("Priskänslighet (Van Westendorp)", "Price sensitivity (Van Westendorp)"),
    "price_points": ("Prispunkter", "Price points"),
    "price_point": ("Prispunkt", "Price point"),
    "price_value": ("Pris", "Price"),
    "price_too_cheap": ("För billigt", "Too cheap"),
    "price_cheap": ("Billigt", "Cheap"),
    "price_expensive": ("Dyrt", "Expensive"),
    "price_too_expensive": ("För dyrt", "Too expensive"),
    "price_pmc": ("Lägsta acceptabla pris (PMC)", "Point of marginal cheapness (PMC)"),
    "price_opp": ("Optimalt pris (OPP)", "Optimal price point (OPP)"),
    "price_idp": ("Indifferenspris (IDP)", "Indifference price point (IDP)"),
    "price_pme": ("Högsta acceptabla pris (PME)", "Point of marginal expensiveness (PME)"),
    "price_trial": ("Pris med flest tänkta köpare (NMS)", "Price with the most likely buyers (NMS)"),
    "price_revenue": ("Pris med störst tänkt intäkt (NMS)", "Price with the largest expected revenue (NMS)"),
    "price_curves": ("Kumulativa andelar per pris", "Cumulative shares per price"),
    "price_desc": (
        "Andel svarande som tycker att priset är för billigt, billigt, dyrt eller för dyrt, per pris i "
        "{currency} (n = {n}). Acceptabelt prisintervall {pmc}–{pme}; optimalt pris {opp}; indifferenspris "
        "{idp}.",
        "Share of respondents who find the price too cheap, cheap, expensive or too expensive, per price in "
        "{currency} (n = {n}). Acceptable range {pmc}–{pme}; optimal price {opp}; indifference price {idp}.",
    ),
    "price_hidden": (
        "Priskänsligheten för {label} visas inte: färre än {threshold} har svarat konsekvent i perioden.",
        "Price sensitivity for {label} is not shown: fewer than {threshold} answered consistently in the "
        "period.",
    ),
    "month": ("månad", "month"),
    "quarter": ("kvartal", "quarter"),
    "year": ("år", "year"),
    "Prioritera": ("Prioritera", "Priority"),
    "Bevara": ("Bevara", "Maintain"),
    "Förbättra om möjligt": ("Förbättra om möjligt", "Improve if possible"),
    "Lägre prioritet": ("Lägre prioritet", "Lower priority"),
    "productivity": (
        "Kostnad per betjänad kund och måluppfyllelse",
        "Cost per served customer and goal fulfilment",
    ),
    "productivity_desc": (
        "{count} enheter med kostnader och skattning. Lägst kostnad per betjänad kund: {low}; högst: {high}.",
        "{count} units with costs and an estimate. Lowest cost per served customer: {low}; highest: {high}.",
    ),
    "cost_per_customer": ("Kostnad per betjänad kund (kr)", "Cost per served customer (SEK)"),
    "goal_metric": ("Målmått", "Goal metric"),
    "goal_status": ("Måluppfyllelse", "Goal status"),
    "rate_over_time": ("Ackumulerad svarsfrekvens per dag", "Cumulative response rate per day"),
    "rate_over_time_desc": (
        "Från {first} till {last} steg svarsfrekvensen till {final} %. Tabellen nedan har varje värde.",
        "From {first} to {last} the response rate rose to {final} %. The table below holds every value.",
    ),
    "day": ("Dag", "Day"),
    "answered_so_far": ("Svarat hittills", "Answered so far"),
    "response_rate_pct": ("Svarsfrekvens (%)", "Response rate (%)"),
}


def text(key: str, language: str = "sv", **values: object) -> str:
    """The text ``key`` in ``language`` (Swedish unless ``"en"``), formatted with ``values``."""
    sv, en = _TEXTS.get(key, (key, key))
    template = en if language == "en" else sv
    return template.format(**values) if values else template


def number(value: float | int | None, language: str = "sv", *, digits: int = 1) -> str:
    """A number for people: decimal comma in Swedish; ``–`` for a hidden value."""
    if value is None:
        return SUPPRESSED_MARK
    formatted = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    return formatted.replace(".", ",").replace("-", "−") if language != "en" else formatted
