"""Exports leave an audit event: who downloaded which unit's results, in which format."""

from __future__ import annotations

from typing import Any

from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.models import Unit


def record_export(user: Any, unit: Unit | None, *, survey: str, kind: str, period: str) -> None:
    """Audit a download (PDF, XLSX, CSV) of results."""
    record_audit(
        user, f"dashboards.export.{kind}", unit.code if unit is not None else "", survey=survey, period=period
    )
