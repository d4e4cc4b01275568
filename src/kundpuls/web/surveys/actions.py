"""Creating, versioning, publishing, opening and closing surveys. Every change leaves an audit event."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kundpuls.errors import ValidationError
from kundpuls.instruments import (
    SurveyDefinition,
    check_new_version,
    definition_to_dict,
    load_template,
)
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor, user_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.surveys.key_owner import check_key_owner
from kundpuls.web.surveys.models import Channel, Distribution, Survey, SurveyVersion
from kundpuls.web.surveys.queries import definition_of


@transaction.atomic
def save_definition(definition: SurveyDefinition, *, owner: Unit, actor: Actor) -> SurveyVersion:
    """Store ``definition`` as a new draft version of the survey with its key (created when new).

    A change that would alter the scale, type or meaning of an existing item is refused (use a new key), so
    results stay comparable across versions. Needs ``manage_surveys`` on ``owner`` (and on the stored
    survey's owner when the key exists). Saving the same definition as the newest version again
    returns that version instead of adding a copy.
    """
    require(actor, Capability.MANAGE_SURVEYS, owner)
    survey, created = Survey.objects.select_for_update().get_or_create(
        key=definition.key,
        defaults={"title": definition.title.sv, "owner": owner, "created_by": user_of(actor)},
    )
    check_key_owner(survey, owner, actor)
    if not created:
        require(actor, Capability.MANAGE_SURVEYS, survey.owner)
    as_dict = definition_to_dict(definition)
    latest = survey.versions.order_by("-number").first()
    if latest is not None and latest.definition == as_dict:
        return latest
    published = [
        definition_of(v) for v in survey.versions.filter(published_at__isnull=False).order_by("number")
    ]
    if published:
        check_new_version(published, definition).raise_if_incompatible()
    if latest is not None and latest.published_at is None:  # replace an unpublished draft
        latest.definition = as_dict
        latest.save(update_fields=["definition"])
        version = latest
    else:
        version = SurveyVersion.objects.create(
            survey=survey,
            number=(latest.number + 1) if latest else 1,
            definition=as_dict,
            created_by=user_of(actor),
        )
    if survey.title != definition.title.sv:
        survey.title = definition.title.sv
        survey.save(update_fields=["title"])
    record_audit(actor, "surveys.save_version", survey.key, version=version.number, new_survey=created)
    return version


def create_from_template(template_key: str, *, owner: Unit, actor: Actor) -> SurveyVersion:
    """A draft survey from the template library (key as in the template)."""
    return save_definition(load_template(template_key), owner=owner, actor=actor)


@transaction.atomic
def publish(version: SurveyVersion, *, actor: Actor, at: datetime | None = None) -> SurveyVersion:
    """Freeze ``version`` and make it what respondents get; publishing twice is harmless."""
    version = SurveyVersion.objects.select_for_update().select_related("survey__owner").get(pk=version.pk)
    require(actor, Capability.MANAGE_SURVEYS, version.survey.owner)
    if version.published_at is None:
        definition_of(version)  # must still parse
        version.published_at = at or timezone.now()
        version.save(update_fields=["published_at"])
        record_audit(actor, "surveys.publish", version.survey.key, version=version.number)
    return version


@transaction.atomic
def open_distribution(
    survey: Survey,
    unit: Unit,
    *,
    channel: str = Channel.LINK,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    actor: Actor,
) -> Distribution:
    """Open ``survey`` for ``unit`` on ``channel``; an already open distribution is returned as it is.

    Needs ``manage_surveys`` on ``unit``, which must lie in the survey owner's organisation.
    """
    require(actor, Capability.MANAGE_SURVEYS, unit)
    if not survey.owner.path or not unit.path.startswith(survey.owner.path):
        raise ValidationError(
            f"unit: {unit.code!r} is outside the survey owner's organisation ({survey.owner.code})",
            field="unit",
            value=unit.code,
        )
    if not survey.versions.filter(published_at__isnull=False).exists():
        raise ValidationError(
            f"survey: {survey.key!r} has no published version yet", field="survey", value=survey.key
        )
    existing = Distribution.objects.filter(
        survey=survey, unit=unit, channel=channel, closed_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    distribution = Distribution.objects.create(
        survey=survey, unit=unit, channel=channel, opens_at=opens_at, closes_at=closes_at
    )
    record_audit(actor, "surveys.open", survey.key, unit=unit.code, channel=channel)
    return distribution


@transaction.atomic
def close_distribution(distribution: Distribution, *, actor: Actor) -> Distribution:
    require(actor, Capability.MANAGE_SURVEYS, distribution.unit)
    if distribution.closed_at is None:
        distribution.closed_at = timezone.now()
        distribution.save(update_fields=["closed_at"])
        record_audit(
            actor, "surveys.close_distribution", distribution.survey.key, unit=distribution.unit.code
        )
    return distribution


@transaction.atomic
def close_survey(survey: Survey, *, actor: Actor) -> Survey:
    """Close the survey and every distribution of it; later visitors get the 'closed' page."""
    require(actor, Capability.MANAGE_SURVEYS, survey.owner)
    now = timezone.now()
    if survey.closed_at is None:
        survey.closed_at = now
        survey.save(update_fields=["closed_at"])
        survey.distributions.filter(closed_at__isnull=True).update(closed_at=now)
        record_audit(actor, "surveys.close", survey.key)
    return survey
