"""The one permission function of Kundpuls.

Pages ask :func:`can` (or :func:`units_where` for lists) to decide what to show; every action checks
:func:`require` itself, whoever calls it (see :mod:`kundpuls.web.org.actors`). A role held on a unit holds
for the unit's whole subtree.

========================  =====  =======  =======  ======
capability                admin  analyst  manager  viewer
========================  =====  =======  =======  ======
view_results                x       x        x       x
view_comments               x       x        x
view_cases                  x       x        x
handle_cases                x                x
manage_surveys              x       x
export                      x       x        x
administer                  x
========================  =====  =======  =======  ======

Superusers may do everything everywhere. ``view_cases`` reads follow-up cases (the list, a case page
with the answers that opened it); every change to a case needs ``handle_cases``, so an analyst (the
quality strategist) reads the cases of their subtree but changes none.

Each organisation's comment-theme taxonomy (:mod:`kundpuls.web.themes`) is shared by all its units, so it
is edited with ``manage_surveys`` held on its *root* unit (administrators and analysts of the whole
organisation): see :func:`kundpuls.web.themes.queries.may_edit_taxonomy`. What belongs to which
organisation, and how keys are resolved: :mod:`kundpuls.web.org.tenancy`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet

from kundpuls.errors import PermissionDenied
from kundpuls.web.accounts.models import User
from kundpuls.web.org.actors import SystemActor, actor_label
from kundpuls.web.org.models import Role, RoleKind, Unit
from kundpuls.web.org.tenancy import may_use


class Capability(StrEnum):
    VIEW_RESULTS = "view_results"
    VIEW_COMMENTS = "view_comments"
    VIEW_CASES = "view_cases"
    HANDLE_CASES = "handle_cases"
    MANAGE_SURVEYS = "manage_surveys"
    EXPORT = "export"
    ADMINISTER = "administer"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    RoleKind.ADMIN: frozenset(Capability),
    RoleKind.ANALYST: frozenset(
        {
            Capability.VIEW_RESULTS,
            Capability.VIEW_COMMENTS,
            Capability.VIEW_CASES,
            Capability.MANAGE_SURVEYS,
            Capability.EXPORT,
        }
    ),
    RoleKind.MANAGER: frozenset(
        {
            Capability.VIEW_RESULTS,
            Capability.VIEW_COMMENTS,
            Capability.VIEW_CASES,
            Capability.HANDLE_CASES,
            Capability.EXPORT,
        }
    ),
    RoleKind.VIEWER: frozenset({Capability.VIEW_RESULTS}),
}

_CACHE_ATTR = "_kundpuls_role_paths"


def _role_paths(user: Any) -> list[tuple[str, frozenset[Capability]]]:
    """(unit path, capabilities) for each role of ``user``, cached on the user object for the request."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        rows = Role.objects.filter(user=user).values_list("unit__path", "role")
        cached = [(path, ROLE_CAPABILITIES[role]) for path, role in rows]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _is_anonymous(user: Any) -> bool:
    return user is None or not getattr(user, "is_authenticated", False) or not user.is_active


def can(user: Any, capability: Capability | str, unit: Unit | None = None) -> bool:
    """Whether ``user`` may exercise ``capability`` on ``unit`` (``None``: on at least one unit)."""
    if _is_anonymous(user):
        return False
    if user.is_superuser:
        return True
    capability = Capability(capability)
    for path, capabilities in _role_paths(user):
        if capability in capabilities and (unit is None or unit.path.startswith(path)):
            return True
    return False


def allows(actor: object, capability: Capability | str, unit: Unit | None) -> bool:
    """Whether ``actor`` may take an action needing ``capability`` on ``unit`` (``None``: on every unit).

    The one decision every action makes (through :func:`require`):

    * a user: :func:`can` on ``unit``; ``None`` (the whole installation: creating administrators, a
      unit import, retention) only for a superuser — unlike ``can(user, capability, None)``, which asks
      for *some* unit and serves menus;
    * a system actor: allowed when it is an operator (:data:`~kundpuls.web.org.actors.OPERATORS`: the
      terminal, the worker, the demo loader), refused otherwise (a respondent holds no capability);
    * anything else (an anonymous user, a string, None): refused.
    """
    if isinstance(actor, SystemActor):
        return actor.is_operator
    if not isinstance(actor, User) or _is_anonymous(actor):
        return False
    if unit is None:
        return bool(actor.is_superuser)
    return can(actor, capability, unit)


def require(actor: object, capability: Capability | str, unit: Unit | None) -> None:
    """Raise :class:`~kundpuls.errors.PermissionDenied` unless :func:`allows` it (``None``: every unit)."""
    if not allows(actor, capability, unit):
        target = unit.code if unit is not None else "every unit"
        who = actor_label(actor) if isinstance(actor, (User, SystemActor)) else type(actor).__name__
        raise PermissionDenied(f"{who} may not {Capability(capability)} on {target}")


def require_organisation(actor: object, organisation: int, *, what: str, unit: Unit | None = None) -> None:
    """Raise :class:`~kundpuls.errors.PermissionDenied` unless ``actor`` may use ``what``, an object of the
    organisation with primary key ``organisation`` handed to an action besides the unit it checks
    (:func:`kundpuls.web.org.tenancy.may_use`: the actor's organisation and, with ``unit``, ``unit``'s).

    :func:`require` on the action's unit does not see the other objects the action is given: without
    this, a person of one organisation could set a goal, open a link or import responses for their own
    unit on another organisation's survey (``tests/web/org/test_action_tenancy.py`` found them). The
    message names neither the other organisation nor anything of it beyond ``what``, which the caller
    named itself.
    """
    if not may_use(actor, organisation, unit=unit):
        who = actor_label(actor) if isinstance(actor, (User, SystemActor)) else type(actor).__name__
        where = f" on {unit.code}" if unit is not None else ""
        raise PermissionDenied(f"{who} may not use {what} of another organisation{where}")


def require_some_unit(actor: object, capability: Capability | str) -> None:
    """Like :func:`require` for an action over "the units the actor may" (an overview export): the actor
    must hold ``capability`` on at least one unit (operators always do)."""
    if isinstance(actor, SystemActor) and actor.is_operator:
        return
    if not (isinstance(actor, User) and can(actor, capability, None)):
        who = actor_label(actor) if isinstance(actor, (User, SystemActor)) else type(actor).__name__
        raise PermissionDenied(f"{who} may not {Capability(capability)} on any unit")


def units_where(user: Any, capability: Capability | str) -> QuerySet[Unit]:
    """Every unit on which ``user`` may exercise ``capability``."""
    if _is_anonymous(user):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    capability = Capability(capability)
    roots = sorted({path for path, caps in _role_paths(user) if capability in caps})
    minimal: list[str] = []
    for path in roots:  # drop paths inside another granted subtree
        if not any(path.startswith(kept) for kept in minimal):
            minimal.append(path)
    if not minimal:
        return Unit.objects.none()
    condition = Q()
    for path in minimal:
        condition |= Q(path__startswith=path)
    return Unit.objects.filter(condition)


def forget_cached_roles(user: Any) -> None:
    """Drop the per-request role cache (after roles of ``user`` changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
