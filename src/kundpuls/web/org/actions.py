"""Changes to the organisation: importing, moving and merging units, granting roles. Each leaves history."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat, Substr
from django.utils.translation import gettext as _

from kundpuls.errors import ValidationError
from kundpuls.render.formula_guard import csv_record
from kundpuls.table_input import Table
from kundpuls.web.accounts.models import User
from kundpuls.web.org.actors import Actor, actor_label, user_of
from kundpuls.web.org.models import AuditEvent, Role, Unit, UnitEvent
from kundpuls.web.org.permissions import Capability, forget_cached_roles, require
from kundpuls.web.org.unit_import import COLUMNS, UnitRow, read_unit_rows


def record_audit(actor: Actor, action: str, target: str = "", **details: Any) -> AuditEvent:
    """Store who did what to what: a user as the event's ``actor``, a system actor by name."""
    user = user_of(actor)  # refuses anything that is not an actor
    label = "" if user is not None else actor_label(actor)
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


def _levels(rows: list[UnitRow], existing: set[str]) -> list[list[UnitRow]]:
    """New units grouped so that each group's parents exist before it is inserted (parents first)."""
    pending = [r for r in rows if r.code not in existing]
    placed = set(existing)
    levels: list[list[UnitRow]] = []
    while pending:
        level = [r for r in pending if r.parent_code is None or r.parent_code in placed]
        levels.append(level)
        placed.update(r.code for r in level)
        pending = [r for r in pending if r.code not in placed]
    return levels


def _assign_new_paths() -> None:
    """Give every unit without a path (just inserted) its path and depth: one statement per tree level."""
    parent = Unit.objects.filter(pk=OuterRef("parent_id"))
    Unit.objects.filter(path="", parent__isnull=True).update(
        path=Concat(Value("/"), Cast("pk", CharField()), Value("/")), depth=0
    )
    while (
        Unit.objects.filter(path="")
        .exclude(parent__path="")
        .update(
            path=Concat(Subquery(parent.values("path")[:1]), Cast("pk", CharField()), Value("/")),
            depth=Subquery(parent.values("depth")[:1]) + 1,
        )
    ):
        pass


def _move_subtree(unit: Unit, new_parent: Unit | None) -> None:
    """Rewrite the paths of ``unit``'s whole subtree after it moved under ``new_parent`` (one statement)."""
    unit.refresh_from_db(fields=["path", "depth"])
    old_path = unit.path
    if new_parent is not None:
        new_parent.refresh_from_db(fields=["path", "depth"])
    new_path = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
    shift = (new_parent.depth + 1 if new_parent else 0) - unit.depth
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + shift
    )


@transaction.atomic
def import_units(source: str | Table, *, actor: Actor) -> ImportSummary:
    """Create or update units from a unit file; all rows or none (see :mod:`kundpuls.web.org.unit_import`).

    ``source`` is the CSV text or a table read by :func:`kundpuls.table_input.read_table`.

    The file may touch any unit, so it needs ``administer`` everywhere (a superuser or an operator).

    New units are inserted level by level and get their paths from one SQL statement per level; a moved
    unit's subtree is rewritten with one prefix replacement, so 10,000 units import in seconds.
    """
    require(actor, Capability.ADMINISTER, None)
    existing = {u.code: u for u in Unit.objects.select_for_update(of=("self",)).select_related("parent")}
    existing_parents = {code: (u.parent.code if u.parent else None) for code, u in existing.items()}
    rows = read_unit_rows(source, existing_parents)

    units: dict[str, Unit] = dict(existing)
    events: list[UnitEvent] = []
    created = 0
    for level in _levels(rows, set(existing)):
        new_units = [
            Unit(
                code=r.code,
                name=r.name,
                kind=r.kind,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                path="",
                parent_id=units[r.parent_code].pk if r.parent_code else None,
            )
            for r in level
        ]
        Unit.objects.bulk_create(new_units, batch_size=2000)
        if any(u.pk is None for u in new_units):  # databases that do not return keys from bulk inserts
            ids = dict(Unit.objects.filter(code__in=[u.code for u in new_units]).values_list("code", "pk"))
            for u in new_units:
                u.pk = ids[u.code]
        units.update({u.code: u for u in new_units})
        events += [
            UnitEvent(unit=u, kind=UnitEvent.Kind.CREATED, to_parent_id=u.parent_id, effective=u.valid_from)
            for u in new_units
        ]
        created += len(new_units)
    _assign_new_paths()

    updated, unchanged = 0, 0
    changed: list[Unit] = []
    moves: list[tuple[Unit, Unit | None]] = []
    for r in rows:
        if r.code not in existing:
            continue
        unit = units[r.code]
        parent = units[r.parent_code] if r.parent_code else None
        fields_changed = (unit.name, unit.kind, unit.valid_from, unit.valid_to) != (
            r.name,
            r.kind,
            r.valid_from,
            r.valid_to,
        )
        if unit.parent_id != (parent.pk if parent else None):
            events.append(
                UnitEvent(
                    unit=unit,
                    kind=UnitEvent.Kind.MOVED,
                    from_parent_id=unit.parent_id,
                    to_parent_id=parent.pk if parent else None,
                    effective=r.valid_from,
                )
            )
            unit.parent_id = parent.pk if parent else None
            moves.append((unit, parent))
            changed.append(unit)
        elif not fields_changed:
            unchanged += 1
            continue
        else:
            updated += 1
        if fields_changed:
            unit.name, unit.kind, unit.valid_from, unit.valid_to = r.name, r.kind, r.valid_from, r.valid_to
            events.append(UnitEvent(unit=unit, kind=UnitEvent.Kind.CHANGED, effective=r.valid_from))
            changed.append(unit)
    Unit.objects.bulk_update(
        list({u.pk: u for u in changed}.values()),
        ["name", "kind", "parent", "valid_from", "valid_to"],
        batch_size=200,
    )
    for unit, parent in moves:
        _move_subtree(unit, parent)
    UnitEvent.objects.bulk_create(events, batch_size=2000)
    summary = ImportSummary(created=created, updated=updated, moved=len(moves), unchanged=unchanged)
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
    writer.writerows(csv_record(row) for row in rows)  # a unit name is never a live formula
    return out.getvalue()


@transaction.atomic
def move_unit(unit: Unit, new_parent: Unit | None, *, actor: Actor, effective: date | None = None) -> Unit:
    """Move ``unit`` (and its subtree) under ``new_parent``; responses keep the unit they were given to.

    Needs ``administer`` on ``unit`` and on ``new_parent`` (everywhere when it becomes a root).
    """
    require(actor, Capability.ADMINISTER, unit)
    require(actor, Capability.ADMINISTER, new_parent)
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ValidationError(
            _("parent: %(parent)r lies inside %(unit)r; the move would make a cycle")
            % {"parent": new_parent.code, "unit": unit.code},
            field="parent",
            value=new_parent.code,
        )
    old_parent_id = unit.parent_id
    unit.parent = new_parent
    unit.save(update_fields=["parent"])
    _move_subtree(unit, new_parent)
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
def merge_units(source: Unit, target: Unit, *, effective: date, actor: Actor) -> Unit:
    """Close ``source`` on ``effective`` and let ``target`` take over its children.

    ``source`` is kept (closed, pointing to ``target``) so that its responses and history stay theirs.
    Needs ``administer`` on both units.
    """
    require(actor, Capability.ADMINISTER, source)
    require(actor, Capability.ADMINISTER, target)
    if source.pk == target.pk:
        raise ValidationError(
            _("target: a unit cannot be merged into itself"), field="target", value=target.code
        )
    if target.path.startswith(source.path):
        raise ValidationError(
            _("target: %(target)r lies inside %(source)r") % {"target": target.code, "source": source.code},
            field="target",
            value=target.code,
        )
    if source.ancestor_ids()[:1] != target.ancestor_ids()[:1]:
        raise ValidationError(
            _("target: %(target)r belongs to another organisation than %(source)r")
            % {"target": target.code, "source": source.code},
            field="target",
            value=target.code,
        )
    if source.valid_to is not None:
        raise ValidationError(
            _("source: %(source)r is already closed (%(day)s)")
            % {"source": source.code, "day": source.valid_to.isoformat()},
            field="source",
            value=source.code,
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
def grant_role(user: Any, unit: Unit, role: str, *, actor: Actor) -> Role:
    """Give ``user`` ``role`` on ``unit`` (and its subtree); granting twice is harmless (``administer``)."""
    require(actor, Capability.ADMINISTER, unit)
    obj, created = Role.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        record_audit(actor, "roles.grant", unit.code, user=user.email, role=role)
        forget_cached_roles(user)  # the new role counts at once, also for this user object
    return obj


@transaction.atomic
def create_admin(email: str, password: str, *, actor: Actor, name: str = "") -> User:
    """Create (or promote and reset) a superuser with ``email``; the password must pass the validators.

    Only a superuser or an operator (``administer`` everywhere) may. It lives with the roles (not in
    ``accounts``, which sits below ``org`` and so cannot check a permission).
    """
    require(actor, Capability.ADMINISTER, None)
    email = email.strip().lower()
    candidate = User(email=email)
    try:
        validate_password(password, candidate)
    except DjangoValidationError as exc:
        raise ValidationError(
            _("password: %(problems)s") % {"problems": " ".join(str(m) for m in exc.messages)},
            field="password",
            value="***",
        ) from exc
    user, _created = User.objects.get_or_create(email=email)
    user.first_name, _sep, user.last_name = name.partition(" ")
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.is_demo = False
    user.set_password(password)
    user.save()
    return user
