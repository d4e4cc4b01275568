"""Organisations are tenants: the root of a unit's tree is its organisation (issue 17).

Everything Kundpuls stores belongs to one organisation: a survey through ``Survey.organisation`` (the root
of its owner unit, where survey keys are unique), the comment-theme taxonomy through
``TaxonomyRevision.organisation``, and everything held on a unit (goals, costs, webhooks, cases,
distributions) through that unit. A person belongs to the organisations in which they hold a role; an API
token acts for its person. What a person names by a key (a survey ``nki``) is looked up among their own
organisations' objects only, so another organisation's object with the same key is not found (404), never
shown. ``ORG:KEY`` (the organisation's root unit code, a colon, the key) names one organisation's object
where a person of several organisations, or an operator at the terminal, would otherwise be ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from kundpuls.analytics.unit_paths import path_segments
from kundpuls.errors import Ambiguous, NotFound, ValidationError
from kundpuls.web.accounts.models import User
from kundpuls.web.org.actors import SystemActor
from kundpuls.web.org.models import Role, Unit


def organisation_id(unit: Unit) -> int:
    """The primary key of the root of ``unit``'s tree: its organisation."""
    return int(path_segments(unit.path)[0])


def organisation_ids_of(actor: Any) -> set[int] | None:
    """The organisations in which ``actor`` holds a role; ``None`` means every organisation (a superuser,
    or an operator system actor: the terminal, the worker, the demo loader). Anyone else: none."""
    if isinstance(actor, SystemActor):
        return None if actor.is_operator else set()
    if not isinstance(actor, User) or not actor.is_authenticated or not actor.is_active:
        return set()
    if actor.is_superuser:
        return None
    paths = Role.objects.filter(user=actor).values_list("unit__path", flat=True)
    return {int(path_segments(path)[0]) for path in paths}


def outside_organisations(actor: Any, unit: Unit) -> bool:
    """Whether ``unit`` lies in an organisation in which ``actor`` holds no role. A page or action asked
    for such a unit answers as if it did not exist: a refusal would tell her that it does."""
    ids = organisation_ids_of(actor)
    return ids is not None and organisation_id(unit) not in ids


def within_organisations(path_field: str, organisations: Iterable[int] | None) -> Q:
    """A filter for rows whose unit's path (``path_field``, e.g. ``"unit__path"``) lies in one of
    ``organisations`` (root unit primary keys); ``None`` is every organisation, an empty set none."""
    if organisations is None:
        return Q()
    found = Q(pk__in=[])
    for organisation in organisations:
        found |= Q(**{f"{path_field}__startswith": f"/{int(organisation)}/"})
    return found


def may_use(actor: Any, organisation: int, *, unit: Unit | None = None) -> bool:
    """Whether ``actor`` may use an object of the organisation with primary key ``organisation`` that an
    action is handed besides the unit it checks (a survey for a goal, a link, an import or an export): the
    actor belongs to that organisation (:func:`organisation_ids_of`: operators and superusers to every
    one) and, with ``unit``, so does ``unit``. The refusal is
    :func:`kundpuls.web.org.permissions.require_organisation`."""
    ids = organisation_ids_of(actor)
    if ids is not None and organisation not in ids:
        return False
    return unit is None or organisation_id(unit) == organisation


def split_reference(reference: str) -> tuple[str | None, str]:
    """``"EXK:nki"`` → ``("EXK", "nki")``; ``"nki"`` → ``(None, "nki")``."""
    organisation, colon, key = reference.rpartition(":")
    if not colon:
        return None, reference
    if not organisation or not key:
        raise ValidationError(
            _("key: %(key)r is neither KEY nor ORGANISATION:KEY") % {"key": reference},
            field="key",
            value=reference,
        )
    return organisation, key


def ambiguous(kind: str, key: str, organisations: list[str]) -> Ambiguous:
    """The error for a key that more than one of the actor's organisations uses (with their names, for a page
    that offers each ``ORG:KEY`` form as a link: :mod:`kundpuls.web.refusals`)."""
    names = dict(Unit.objects.filter(parent__isnull=True, code__in=organisations).values_list("code", "name"))
    choices = ", ".join(f"{code}:{key}" for code in sorted(organisations))
    return Ambiguous(
        _(
            "%(kind)s: the key %(key)r is used by several organisations (%(organisations)s); "
            "name one as ORGANISATION:KEY (%(choices)s)"
        )
        % {"kind": kind, "key": key, "organisations": ", ".join(sorted(organisations)), "choices": choices},
        field=kind,
        value=key,
        key=key,
        organisations=tuple((code, names.get(code, code)) for code in sorted(organisations)),
    )


def organisation_by_code(code: str | None) -> Unit:
    """The organisation (root unit) with ``code``; without a code the only one there is, and an error that
    names the choices when there are several (the CLI's ``--organisation``)."""
    roots = Unit.objects.filter(parent__isnull=True).order_by("code")
    if code:
        found = roots.filter(code=code).first()
        if found is None:
            raise NotFound(_("organisation: no organisation (root unit) with code %(code)r") % {"code": code})
        return found
    every = list(roots[:50])
    if len(every) == 1:
        return every[0]
    if not every:
        raise NotFound(_("organisation: there is no organisation yet (import units first)"))
    raise Ambiguous(
        _("organisation: there are several organisations (%(codes)s); name one with --organisation CODE")
        % {"codes": ", ".join(u.code for u in every)},
        field="organisation",
        value=None,
    )
