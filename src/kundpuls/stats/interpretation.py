"""Reading an index: published grade bands and SKR Insikt's ranking rules (docs/methods.md §1.2, §1.9–1.10).

These are labels and eligibility rules, not statistics; they live next to the indices so that every output
path applies the same cut-offs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kundpuls.errors import InvalidArgument
from kundpuls.stats.results import IndexResult

#: SCB NKI bands: < 40 "not approved" and ≥ 75 "very satisfied" are published (RMV 2010); 55 is [U].
SCB_BANDS: tuple[tuple[float, str], ...] = (
    (0.0, "Inte godkänt"),
    (40.0, "Godkänt"),
    (55.0, "Nöjd"),
    (75.0, "Mycket nöjd"),
)
#: Insikt bands seen in municipal write-ups (Upplands Väsby 2016): < 60, 60–70, > 70 [P, secondary].
INSIKT_BANDS: tuple[tuple[float, str], ...] = (
    (0.0, "Underkänt"),
    (60.0, "Godkänt"),
    (math.nextafter(70.0, math.inf), "Väl godkänt"),  # strictly above 70
)

#: SKR Insikt minimum answers: shown ≥ 7, ranked per area ≥ 10, total NKI ranking ≥ 20 (2021 FAQ).
INSIKT_SHOW = 7
INSIKT_RANK_AREA = 10
INSIKT_RANK_TOTAL = 20
#: Response rates for the official ranking: ≥ 40 % on average over mandatory areas, ≥ 30 % per area.
INSIKT_RATE_OVERALL = 0.40
INSIKT_RATE_AREA = 0.30


def grade(
    estimate: float | IndexResult | None, *, bands: Sequence[tuple[float, str]] = SCB_BANDS
) -> str | None:
    """The band label of an index: the last band whose lower bound the value reaches.

    Parameters
    ----------
    estimate : float, IndexResult or None
        A 0–100 index; a suppressed result or None gives None.
    bands : sequence of (lower bound, label), ascending
        Default :data:`SCB_BANDS`; :data:`INSIKT_BANDS` for SKR Insikt.

    Examples
    --------
    >>> grade(85), grade(72), grade(39.9), grade(72, bands=INSIKT_BANDS), grade(70, bands=INSIKT_BANDS)
    ('Mycket nöjd', 'Nöjd', 'Inte godkänt', 'Väl godkänt', 'Godkänt')
    """
    if isinstance(estimate, IndexResult):
        estimate = estimate.estimate
    if estimate is None or not math.isfinite(estimate):
        return None
    bounds = [float(b) for b, _label in bands]
    if not bands or bounds != sorted(bounds):
        raise InvalidArgument(
            f"bands: {list(bands)!r} must be ascending (lower bound, label) pairs", field="bands"
        )
    label = None
    for bound, name in bands:
        if estimate >= bound:
            label = name
    return label


@dataclass(frozen=True)
class InsiktEligibility:
    """Which SKR Insikt uses an area's or a municipality's result qualifies for."""

    shown: bool
    ranked_area: bool
    ranked_total: bool
    reasons: tuple[str, ...]


def insikt_eligibility(
    answers_per_area: Mapping[str, int],
    *,
    response_rate_per_area: Mapping[str, float] | None = None,
) -> dict[str, InsiktEligibility]:
    """SKR Insikt rules (docs/methods.md §1.10): an area is shown with ≥ 7 answers and ranked with ≥ 10; the
    total NKI is ranked with ≥ 20 answers over the areas. With response rates, the official ranking also needs
    ≥ 30 % in every area and ≥ 40 % on average.

    Returns
    -------
    dict
        One :class:`InsiktEligibility` per area plus the key ``"total"``.

    Examples
    --------
    >>> r = insikt_eligibility({"bygglov": 12, "miljö": 8})
    >>> r["bygglov"].ranked_area, r["miljö"].shown, r["miljö"].ranked_area, r["total"].ranked_total
    (True, True, False, True)
    """
    rates = dict(response_rate_per_area or {})
    for area, rate in rates.items():
        if not 0.0 <= float(rate) <= 1.0:
            raise InvalidArgument(
                f"response_rate_per_area: {area!r} has rate {rate!r} outside 0–1",
                field="response_rate_per_area",
                value=rate,
            )
    mean_rate = sum(rates.values()) / len(rates) if rates else None
    out: dict[str, InsiktEligibility] = {}
    for area, n in answers_per_area.items():
        if int(n) != n or n < 0:
            raise InvalidArgument(f"answers_per_area: {area!r} has {n!r} answers", field="answers_per_area")
        reasons = []
        if n < INSIKT_SHOW:
            reasons.append(f"{n} < {INSIKT_SHOW} answers: not shown")
        if n < INSIKT_RANK_AREA:
            reasons.append(f"{n} < {INSIKT_RANK_AREA} answers: not ranked")
        rate_ok = True
        if area in rates and rates[area] < INSIKT_RATE_AREA:
            rate_ok = False
            reasons.append(f"response rate {rates[area]:.0%} < {INSIKT_RATE_AREA:.0%}")
        if mean_rate is not None and mean_rate < INSIKT_RATE_OVERALL:
            rate_ok = False
            reasons.append(f"mean response rate {mean_rate:.0%} < {INSIKT_RATE_OVERALL:.0%}")
        out[area] = InsiktEligibility(
            shown=n >= INSIKT_SHOW,
            ranked_area=n >= INSIKT_RANK_AREA and rate_ok,
            ranked_total=False,
            reasons=tuple(reasons),
        )
    total = int(sum(answers_per_area.values()))
    reasons = []
    if total < INSIKT_RANK_TOTAL:
        reasons.append(f"{total} < {INSIKT_RANK_TOTAL} answers in total")
    if mean_rate is not None and mean_rate < INSIKT_RATE_OVERALL:
        reasons.append(f"mean response rate {mean_rate:.0%} < {INSIKT_RATE_OVERALL:.0%}")
    low_areas = sorted(area for area, rate in rates.items() if rate < INSIKT_RATE_AREA)
    if low_areas:
        reasons.append(f"response rate < {INSIKT_RATE_AREA:.0%} in {', '.join(low_areas)}")
    out["total"] = InsiktEligibility(
        shown=total >= INSIKT_SHOW,
        ranked_area=False,
        ranked_total=not reasons,
        reasons=tuple(reasons),
    )
    return out
