"""Who makes a change: a person (the staff :class:`~kundpuls.web.accounts.models.User`) or a system actor.

Every action (a public function of an app's ``actions.py``) takes a required, keyword-only ``actor:
Actor``. A view passes ``request.user``, the API the token's user, a CLI command :data:`CLI`, the
``kundpuls worker`` :data:`WORKER`, the demo loader :data:`DEMO`. Whether the actor may do it is decided
inside the action by :func:`kundpuls.web.org.permissions.require`; the audit log names the actor
(:func:`actor_label`).

System actors are a closed set: ``SystemActor("anything")`` raises, so a typo cannot invent an actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from kundpuls.errors import InvalidArgument, PermissionDenied

if TYPE_CHECKING:  # the model is imported where it is used: this module loads before Django is set up
    from django.http import HttpRequest

    from kundpuls.web.accounts.models import User

OPERATORS: dict[str, str] = {
    "cli": "an operator at the terminal (kundpuls commands)",
    "worker": "the background worker (kundpuls worker: sending, retries)",
    "demo": "the demo loader (synthetic organisation and responses)",
    "system": "a consequence Kundpuls draws itself (a case opened by an alert rule, an overdue case)",
    "bounces": "the reading of returned mail (kundpuls invitations bounces)",
}
"""System actors that run with an operator's authority: every capability on every unit."""

WITHOUT_CAPABILITIES: dict[str, str] = {
    "respondent": "a respondent with a personal or public survey link: audited, holds no capability",
}
"""System actors that are named in the audit log but may not do anything that needs a capability."""


@dataclass(frozen=True)
class SystemActor:
    """An actor that is not a person: ``name`` is in :data:`OPERATORS` or :data:`WITHOUT_CAPABILITIES`."""

    name: str

    def __post_init__(self) -> None:
        if self.name not in OPERATORS and self.name not in WITHOUT_CAPABILITIES:
            known = ", ".join(sorted(OPERATORS | WITHOUT_CAPABILITIES))
            raise InvalidArgument(
                f"actor: {self.name!r} is not a system actor (known: {known})", field="actor", value=self.name
            )

    @property
    def is_operator(self) -> bool:
        return self.name in OPERATORS

    def __str__(self) -> str:
        return self.name


Actor: TypeAlias = "User | SystemActor"

CLI = SystemActor("cli")
WORKER = SystemActor("worker")
DEMO = SystemActor("demo")
SYSTEM = SystemActor("system")
BOUNCES = SystemActor("bounces")
RESPONDENT = SystemActor("respondent")


def actor_label(actor: object) -> str:
    """How the audit log names ``actor``: a user's e-mail, a system actor's name (anything else raises)."""
    from kundpuls.web.accounts.models import User

    if isinstance(actor, User):
        return str(actor.email)
    if isinstance(actor, SystemActor):
        return actor.name
    raise InvalidArgument(
        f"actor: {type(actor).__name__} is neither a user nor a system actor",
        field="actor",
        value=repr(actor),
    )


def user_of(actor: object) -> User | None:
    """The user behind ``actor`` (for ``created_by``-style columns), None for a system actor."""
    from kundpuls.web.accounts.models import User

    actor_label(actor)  # refuses anything that is not an actor
    return actor if isinstance(actor, User) else None


def actor_of(request: HttpRequest) -> Actor:
    """The person behind a staff request; an anonymous request is refused (views pass this as ``actor``)."""
    from kundpuls.web.accounts.models import User

    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        return user
    raise PermissionDenied("actor: an anonymous request cannot change anything")
