"""Exports leave an audit event: who downloaded which unit's results, in which format."""

from __future__ import annotations

from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require, require_some_unit


def record_export(unit: Unit | None, *, actor: Actor, survey: str, kind: str, period: str) -> None:
    """Audit a download (PDF, XLSX, CSV) of results: ``export`` on ``unit`` (None: the overview of the
    units the actor may export)."""
    if unit is None:
        require_some_unit(actor, Capability.EXPORT)
    else:
        require(actor, Capability.EXPORT, unit)
    record_audit(
        actor,
        f"dashboards.export.{kind}",
        unit.code if unit is not None else "",
        survey=survey,
        period=period,
    )
