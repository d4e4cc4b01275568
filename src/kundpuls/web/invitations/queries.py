"""Reads of the invitations app: invitation by token, response rates per unit and over time."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from kundpuls.stats.intervals import WILSON_METHOD, wilson_interval
from kundpuls.web.invitations.models import Delivery, DeliveryState, Invitation
from kundpuls.web.invitations.tokens import hash_token, looks_like_token
from kundpuls.web.surveys.models import Survey

CONFIDENCE = 0.95


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose hashed token matches ``token`` (None for forged or unknown tokens)."""
    if not looks_like_token(token):
        return None
    return (
        Invitation.objects.select_related("survey", "distribution", "distribution__unit", "unit")
        .filter(token_hash=hash_token(token))
        .first()
    )


@dataclass(frozen=True)
class UnitRate:
    """Response rate of one unit: ``estimate`` = answered / invited in percent, Wilson 95 % interval."""

    unit_code: str
    unit_name: str
    invited: int
    reached: int
    answered: int
    bounced: int
    opted_out: int
    uncertain: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    method: str = WILSON_METHOD

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def unit_rates(survey: Survey) -> list[UnitRate]:
    """Per unit: invited, reached (a mail was sent and did not bounce), answered, and the response rate."""
    sent = Delivery.objects.filter(invitation=OuterRef("pk"), state=DeliveryState.SENT)
    uncertain = Delivery.objects.filter(invitation=OuterRef("pk"), state=DeliveryState.UNCERTAIN)
    rows = list(
        Invitation.objects.filter(survey=survey)
        .annotate(was_sent=Exists(sent), was_uncertain=Exists(uncertain))
        .values("unit__code", "unit__name")
        .annotate(
            invited=Count("pk"),
            reached=Count("pk", filter=Q(was_sent=True, bounced_at__isnull=True)),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            bounced=Count("pk", filter=Q(bounced_at__isnull=False)),
            opted_out=Count("pk", filter=Q(opted_out_at__isnull=False)),
            uncertain=Count("pk", filter=Q(was_uncertain=True)),
        )
        .order_by("unit__code")
    )
    if not rows:
        return []
    answered = np.array([r["answered"] for r in rows], dtype=float)
    invited = np.array([r["invited"] for r in rows], dtype=float)
    interval = wilson_interval(answered, invited, confidence=CONFIDENCE)
    return [
        UnitRate(
            unit_code=r["unit__code"],
            unit_name=r["unit__name"],
            invited=r["invited"],
            reached=r["reached"],
            answered=r["answered"],
            bounced=r["bounced"],
            opted_out=r["opted_out"],
            uncertain=r["uncertain"],
            estimate=round(float(interval.estimate[i]), 1),
            ci_low=round(float(interval.ci_low[i]), 1),
            ci_high=round(float(interval.ci_high[i]), 1),
            n=r["invited"],
        )
        for i, r in enumerate(rows)
    ]


def rate_over_time(survey: Survey) -> list[dict[str, Any]]:
    """Cumulative response rate per day, overall and per unit, from the first mail to the last answer.

    Each row: ``day``, ``answered`` (so far), ``rate`` (answered so far / invited, percent) and ``units``
    (unit code -> that unit's cumulative rate), days in the current time zone.
    """
    invited = dict(
        Invitation.objects.filter(survey=survey)
        .values("unit__code")
        .annotate(n=Count("pk"))
        .values_list("unit__code", "n")
    )
    if not invited:
        return []
    per_day: dict[date, dict[str, int]] = {}
    for day, code, n in (
        Invitation.objects.filter(survey=survey, answered_at__isnull=False)
        .annotate(day=TruncDate("answered_at"))
        .values("day", "unit__code")
        .annotate(n=Count("pk"))
        .values_list("day", "unit__code", "n")
    ):
        per_day.setdefault(day, {})[code] = n
    first_sent = (
        Delivery.objects.filter(invitation__survey=survey, sent_at__isnull=False)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    days = sorted(per_day)
    start: date | None = timezone.localdate(first_sent) if first_sent else (days[0] if days else None)
    if start is None:
        return []
    end = max([start, *days])
    total_invited = sum(invited.values())
    so_far = dict.fromkeys(invited, 0)
    rows, day = [], start
    while day <= end:
        for code, n in per_day.get(day, {}).items():
            so_far[code] += n
        answered = sum(so_far.values())
        rows.append(
            {
                "day": day,
                "answered": answered,
                "rate": round(100.0 * answered / total_invited, 1),
                "units": {code: round(100.0 * so_far[code] / invited[code], 1) for code in sorted(invited)},
            }
        )
        day += timedelta(days=1)
    return rows


def delivery_counts(survey: Survey) -> dict[str, int]:
    """How many deliveries are in each state (all steps)."""
    counts = dict(
        Delivery.objects.filter(invitation__survey=survey)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {state: counts.get(state, 0) for state in DeliveryState.values}


def contact_rows(user: Any, survey: Survey) -> list[dict[str, Any]]:
    """Who was invited, with address and outcome: only for those who manage the survey (its owner).

    Raises
    ------
    kundpuls.errors.PermissionDenied
        Unless :func:`~kundpuls.web.org.permissions.can` grants ``manage_surveys`` on the survey's owner.
    """
    from kundpuls.web.org.permissions import Capability, require

    require(user, Capability.MANAGE_SURVEYS, survey.owner)
    return [
        dict(row)
        for row in Invitation.objects.filter(survey=survey, contact__isnull=False)
        .order_by("unit__code", "contact__email")
        .values(
            "contact__email",
            "contact__name",
            "unit__code",
            "language",
            "answered_at",
            "bounced_at",
            "opted_out_at",
        )
    ]
