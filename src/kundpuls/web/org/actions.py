"""Changes to the organisation: importing, moving and merging units, granting roles. Each leaves history."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from kundpuls.errors import ValidationError
from kundpuls.web.org.models import AuditEvent, Role, Unit, UnitEvent
from kundpuls.web.org.tree import materialise_paths
from kundpuls.web.org.unit_import import COLUMNS, read_unit_rows


def record_audit(actor: Any, action: str, target: str = "", **details: Any) -> AuditEvent:
    """Store who did what to what; ``actor`` is a user or a label such as ``"cli"``."""
    user = actor if getattr(actor, "pk", None) is not None else None
    label = "" if user is not None else str(actor or "system")
    return AuditEvent.objects.create(
        actor=user, actor_label=label, action=action, target=target, details=details
    )


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    moved: int
    unchanged: int

    def to_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "moved": self.moved,
            "unchanged": self.unchanged,
        }


def _refresh_paths(units: Iterable[Unit]) -> list[Unit]:
    """Recompute path and depth of every unit in ``units`` (the whole tree); return those that changed."""
    by_id = {u.pk: u for u in units}
    paths = materialise_paths({pk: u.parent_id for pk, u in by_id.items()})
    changed = []
    for pk, (path, depth) in paths.items():
        unit = by_id[pk]
        if unit.path != path or unit.depth != depth:
            unit.path, unit.depth = path, depth
            changed.append(unit)
    return changed


@transaction.atomic
def import_units(text: str, *, actor: Any = "cli") -> ImportSummary:
    """Create or update units from a unit file; all rows or none (see :mod:`kundpuls.web.org.unit_import`)."""
    existing = {u.code: u for u in Unit.objects.select_for_update(of=("self",)).select_related("parent")}
    existing_parents = {code: (u.parent.code if u.parent else None) for code, u in existing.items()}
    rows = read_unit_rows(text, existing_parents)

    new_units = [
        Unit(code=r.code, name=r.name, kind=r.kind, valid_from=r.valid_from, valid_to=r.valid_to, path="")
        for r in rows
        if r.code not in existing
    ]
    Unit.objects.bulk_create(new_units, batch_size=2000)
    if any(u.pk is None for u in new_units):  # databases that do not return keys from bulk inserts
        ids = dict(Unit.objects.filter(code__in=[u.code for u in new_units]).values_list("code", "pk"))
        for u in new_units:
            u.pk = ids[u.code]
    units = {**existing, **{u.code: u for u in new_units}}

    updated, moved, unchanged = 0, 0, 0
    events: list[UnitEvent] = []
    touched: set[int] = set()
    for r in rows:
        unit = units[r.code]
        parent_id = units[r.parent_code].pk if r.parent_code else None
        if r.code not in existing:
            unit.parent_id = parent_id
            events.append(
                UnitEvent(
                    unit=unit, kind=UnitEvent.Kind.CREATED, to_parent_id=parent_id, effective=r.valid_from
                )
            )
            touched.add(unit.pk)
            continue
        fields_changed = (unit.name, unit.kind, unit.valid_from, unit.valid_to) != (
            r.name,
            r.kind,
            r.valid_from,
            r.valid_to,
        )
        if unit.parent_id != parent_id:
            events.append(
                UnitEvent(
                    unit=unit,
                    kind=UnitEvent.Kind.MOVED,
                    from_parent_id=unit.parent_id,
                    to_parent_id=parent_id,
                    effective=r.valid_from,
                )
            )
            unit.parent_id = parent_id
            moved += 1
            touched.add(unit.pk)
        elif fields_changed:
            updated += 1
        else:
            unchanged += 1
        if fields_changed:
            unit.name, unit.kind, unit.valid_from, unit.valid_to = r.name, r.kind, r.valid_from, r.valid_to
            events.append(UnitEvent(unit=unit, kind=UnitEvent.Kind.CHANGED, effective=r.valid_from))
            touched.add(unit.pk)

    path_changed = {u.pk for u in _refresh_paths(units.values())}
    to_save = [u for u in units.values() if u.pk in touched or u.pk in path_changed]
    Unit.objects.bulk_update(
        to_save, ["name", "kind", "parent", "path", "depth", "valid_from", "valid_to"], batch_size=2000
    )
    UnitEvent.objects.bulk_create(events, batch_size=2000)
    summary = ImportSummary(created=len(new_units), updated=updated, moved=moved, unchanged=unchanged)
    record_audit(actor, "units.import", "", **summary.to_dict())
    return summary


def export_units() -> list[dict[str, str]]:
    """Every unit as a row of the unit file format (parents before children)."""
    rows = []
    for unit in Unit.objects.select_related("parent").order_by("depth", "path"):
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "kind": unit.kind,
                "parent_code": unit.parent.code if unit.parent else "",
                "valid_from": unit.valid_from.isoformat() if unit.valid_from else "",
                "valid_to": unit.valid_to.isoformat() if unit.valid_to else "",
            }
        )
    return rows


def units_to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@transaction.atomic
def move_unit(
    unit: Unit, new_parent: Unit | None, *, effective: date | None = None, actor: Any = "cli"
) -> Unit:
    """Move ``unit`` (and its subtree) under ``new_parent``; responses keep the unit they were given to."""
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ValidationError(
            f"parent: {new_parent.code!r} lies inside {unit.code!r}; the move would make a cycle",
            field="parent",
            value=new_parent.code,
        )
    old_parent_id = unit.parent_id
    unit.parent = new_parent
    unit.save(update_fields=["parent"])
    changed = _refresh_paths(Unit.objects.all())
    Unit.objects.bulk_update(changed, ["path", "depth"], batch_size=2000)
    UnitEvent.objects.create(
        unit=unit,
        kind=UnitEvent.Kind.MOVED,
        from_parent_id=old_parent_id,
        to_parent=new_parent,
        effective=effective,
    )
    record_audit(actor, "units.move", unit.code, to=new_parent.code if new_parent else None)
    unit.refresh_from_db()
    return unit


@transaction.atomic
def merge_units(source: Unit, target: Unit, *, effective: date, actor: Any = "cli") -> Unit:
    """Close ``source`` on ``effective`` and let ``target`` take over its children.

    ``source`` is kept (closed, pointing to ``target``) so that its responses and history stay theirs.
    """
    if source.pk == target.pk:
        raise ValidationError(
            "target: a unit cannot be merged into itself", field="target", value=target.code
        )
    if target.path.startswith(source.path):
        raise ValidationError(
            f"target: {target.code!r} lies inside {source.code!r}", field="target", value=target.code
        )
    for child in list(source.children.all()):
        move_unit(child, target, effective=effective, actor=actor)
    source.valid_to = effective
    source.merged_into = target
    source.save(update_fields=["valid_to", "merged_into"])
    UnitEvent.objects.create(unit=source, kind=UnitEvent.Kind.MERGED, merged_into=target, effective=effective)
    record_audit(actor, "units.merge", source.code, into=target.code, effective=effective.isoformat())
    return source


@transaction.atomic
def grant_role(user: Any, unit: Unit, role: str, *, actor: Any = "cli") -> Role:
    """Give ``user`` ``role`` on ``unit`` (and its subtree); granting twice is harmless."""
    obj, created = Role.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        record_audit(actor, "roles.grant", unit.code, user=user.email, role=role)
    return obj
