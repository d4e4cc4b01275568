"""Who may save a definition under a survey key that already exists (issue 17).

Survey keys are unique across the whole installation (``Survey.key``), and saving a definition looks the
survey up by its key. Without this check the region's analyst could upload a definition with the key
``nki`` and add version 2 to the *municipality's* NKI. Now a key that belongs to a survey of another
organisation (another root of the unit tree) may only be saved by someone who may manage surveys on that
survey's owner unit; anyone else is refused with a message that asks for another key.

The CLI and the demo loader act for the operator (no person), who holds every right.

Later: keys unique per organisation (a model change), so two organisations can each have their ``nki``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kundpuls.analytics.unit_paths import path_from_segments, path_segments
from kundpuls.errors import ValidationError
from kundpuls.web.org.actors import Actor
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, allows
from kundpuls.web.surveys.models import Survey


def organisation_path(unit: Unit) -> str:
    """The path of the root of ``unit``'s tree (``/1/`` for ``/1/4/17/``): its organisation."""
    return path_from_segments(path_segments(unit.path)[:1])


def check_key_owner(survey: Survey, owner: Unit, actor: Actor) -> None:
    """Refuse saving under ``survey``'s key for ``owner`` when the survey is another organisation's and
    ``actor`` may not manage surveys on its owner (operators may: they hold every right)."""
    if organisation_path(survey.owner) == organisation_path(owner):
        return
    if allows(actor, Capability.MANAGE_SURVEYS, survey.owner):
        return
    raise ValidationError(
        _("key: the survey key %(key)r is already used by another organisation; choose another key")
        % {"key": survey.key},
        field="key",
        value=survey.key,
    )
