"""Publishes the demo surveys and opens them for the demo units (idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kundpuls.web.org.actors import DEMO
from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish
from kundpuls.web.surveys.models import Distribution

# template key -> (owner unit code, the units it is opened for: every leaf unit below the owner)
DEMO_SURVEYS: dict[str, str] = {"nki": "EXK", "patient": "RGX", "staff": "EXK", "tjanstebehov": "SBF"}
DEMO_HISTORY_DAYS = 2 * 365 + 30


def demo_start(now: datetime | None = None) -> datetime:
    """When the demo surveys were published: a little over two years back, at midnight."""
    now = now or timezone.now()
    return (now - timedelta(days=DEMO_HISTORY_DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)


def leaf_units(owner: Unit) -> list[Unit]:
    return list(
        Unit.objects.filter(
            path__startswith=owner.path, valid_to__isnull=True, children__isnull=True
        ).order_by("path")
    )


@transaction.atomic
def load_demo_surveys() -> dict[str, int]:
    """Publish each demo template and open it on an open link for every leaf unit of its owner."""
    opened = 0
    for template, owner_code in DEMO_SURVEYS.items():
        owner = Unit.objects.get(code=owner_code)
        version = create_from_template(template, owner=owner, actor=DEMO)
        version = publish(version, actor=DEMO, at=demo_start())
        for unit in leaf_units(owner):
            open_distribution(version.survey, unit, actor=DEMO)
            opened += 1
    return {
        "surveys": len(DEMO_SURVEYS),
        "distributions": Distribution.objects.filter(closed_at__isnull=True).count(),
    }
