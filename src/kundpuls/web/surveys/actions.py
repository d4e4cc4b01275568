"""Creating, versioning, publishing, opening and closing surveys. Every change leaves an audit event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.errors import ValidationError
from kundpuls.instruments import (
    SurveyDefinition,
    check_new_version,
    definition_to_dict,
    language_errors,
    load_template,
    parse_definition,
    stored_items,
)
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor, user_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require, require_organisation
from kundpuls.web.org.tenancy import organisation_id
from kundpuls.web.surveys.models import Channel, Distribution, Survey, SurveyVersion
from kundpuls.web.surveys.queries import definition_of


@transaction.atomic
def save_definition(definition: SurveyDefinition, *, owner: Unit, actor: Actor) -> SurveyVersion:
    """Store ``definition`` as a new draft version of the survey with its key (created when new).

    A change that would alter the scale, type or meaning of an existing item is refused (use a new key), so
    results stay comparable across versions. The key is looked up within ``owner``'s organisation only
    (another organisation's survey with the same key is another survey). Needs ``manage_surveys`` on
    ``owner`` (and on the stored survey's owner when the key exists). Saving the same definition as the
    newest version again returns that version instead of adding a copy.
    """
    require(actor, Capability.MANAGE_SURVEYS, owner)
    survey, created = Survey.objects.select_for_update().get_or_create(
        key=definition.key,
        organisation_id=organisation_id(owner),
        defaults={"title": definition.title.sv, "owner": owner, "created_by": user_of(actor)},
    )
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
    """Freeze ``version`` and make it what respondents get; publishing twice is harmless.

    A survey offered in English is published only with every text in English (a draft may lack some)."""
    version = SurveyVersion.objects.select_for_update().select_related("survey__owner").get(pk=version.pk)
    require(actor, Capability.MANAGE_SURVEYS, version.survey.owner)
    if version.published_at is None:
        untranslated = language_errors(definition_of(version))  # a draft may lack English; respondents not
        if untranslated:
            raise ValidationError(
                _(
                    "publish: %(n)d texts lack English, and the survey is offered in English: write them "
                    "(the editor flags them) or offer the survey in Swedish only"
                )
                % {"n": len(untranslated)},
                field="publish",
                value=len(untranslated),
            )
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
    require_organisation(actor, survey.organisation_id, what=f"survey {survey.key!r}")
    if not survey.owner.path or not unit.path.startswith(survey.owner.path):
        raise ValidationError(
            _("unit: %(unit)r is outside the survey owner's organisation (%(owner)s)")
            % {"unit": unit.code, "owner": survey.owner.code},
            field="unit",
            value=unit.code,
        )
    if not survey.versions.filter(published_at__isnull=False).exists():
        raise ValidationError(
            _("survey: %(key)r has no published version yet") % {"key": survey.key},
            field="survey",
            value=survey.key,
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


def _keys_with_responses(survey: Survey) -> set[str]:
    """Stored item keys of every version of ``survey`` that has responses (their keys are frozen)."""
    keys: set[str] = set()
    for version in survey.versions.filter(responses__isnull=False).distinct():
        keys.update(item.key for item in stored_items(definition_of(version)))
    return keys


@transaction.atomic
def save_draft(
    survey: Survey, data: dict[str, Any], *, renamed: tuple[str, str] | None = None, actor: Actor
) -> SurveyVersion:
    """Validate the edited stored form ``data`` as an uploaded definition and save it as the draft; only
    English texts may still be missing in a survey offered in English (publishing requires them).

    The draft is the newest unpublished version (a new one after a publication: ``save_definition``).
    ``renamed`` (old key, new key) is refused when responses already use the old key. Raises
    :class:`~kundpuls.instruments.DefinitionErrors` (every problem, with its path) or ``ValidationError``.
    """
    require(actor, Capability.MANAGE_SURVEYS, survey.owner)
    if data.get("key") != survey.key:
        raise ValidationError(
            _("key: the survey key %(value)r must stay %(key)r")
            % {"value": data.get("key"), "key": survey.key},
            field="key",
            value=data.get("key"),
        )
    if renamed is not None and renamed[0] != renamed[1] and renamed[0] in _keys_with_responses(survey):
        raise ValidationError(
            _("key: responses already use the key %(key)r; it cannot change (add a new question instead)")
            % {"key": renamed[0]},
            field="key",
            value=renamed[1],
        )
    definition = parse_definition(data, draft=True)
    return save_definition(definition, owner=survey.owner, actor=actor)


def _refuse_existing_key(key: str, owner: Unit) -> None:
    if Survey.objects.filter(key=key, organisation_id=organisation_id(owner)).exists():
        raise ValidationError(
            _("key: a survey with the key %(key)r already exists; choose another key") % {"key": key},
            field="key",
            value=key,
        )


@transaction.atomic
def create_survey(data: dict[str, Any], *, owner: Unit, actor: Actor) -> SurveyVersion:
    """A new survey (blank, from a template or copied) from the stored form ``data`` under a new key."""
    require(actor, Capability.MANAGE_SURVEYS, owner)
    _refuse_existing_key(str(data.get("key")), owner)
    return save_definition(parse_definition(data, draft=True), owner=owner, actor=actor)


@transaction.atomic
def copy_survey(source: Survey, *, key: str, owner: Unit, actor: Actor) -> SurveyVersion:
    """A new survey under ``key`` for ``owner`` with the newest version of ``source`` as its first draft."""
    require(actor, Capability.MANAGE_SURVEYS, source.owner)
    latest = source.versions.order_by("-number").first()
    if latest is None:
        raise ValidationError(
            _("survey: %(key)r has no version to copy") % {"key": source.key},
            field="survey",
            value=source.key,
        )
    data = dict(latest.definition) | {"key": key}
    version = create_survey(data, owner=owner, actor=actor)
    record_audit(actor, "surveys.copy", key, source=source.key)
    return version


@transaction.atomic
def close_distributions(survey: Survey, distributions: list[Distribution], *, actor: Actor) -> int:
    """Close the given open distributions of ``survey`` (each needs ``manage_surveys`` on its unit)."""
    closed = 0
    for distribution in distributions:
        if distribution.survey_id != survey.pk:
            raise ValidationError(
                _("distribution: %(distribution)s is not a distribution of %(key)r")
                % {"distribution": distribution.pk, "key": survey.key},
                field="distribution",
                value=distribution.pk,
            )
        if distribution.closed_at is None:
            close_distribution(distribution, actor=actor)
            closed += 1
    return closed


@transaction.atomic
def reopen_distribution(distribution: Distribution, *, actor: Actor) -> Distribution:
    """Open a closed distribution again under its old link (and the survey, if it was closed)."""
    distribution = (
        Distribution.objects.select_for_update().select_related("survey", "unit").get(pk=distribution.pk)
    )
    require(actor, Capability.MANAGE_SURVEYS, distribution.unit)
    if distribution.closed_at is None:
        return distribution
    if Distribution.objects.filter(
        survey=distribution.survey,
        unit=distribution.unit,
        channel=distribution.channel,
        closed_at__isnull=True,
    ).exists():
        raise ValidationError(
            _("distribution: %(unit)s already has an open link on this channel")
            % {"unit": distribution.unit.name},
            field="distribution",
            value=distribution.pk,
        )
    survey = distribution.survey
    if survey.closed_at is not None:
        require(actor, Capability.MANAGE_SURVEYS, survey.owner)
        survey.closed_at = None
        survey.save(update_fields=["closed_at"])
        record_audit(actor, "surveys.reopen", survey.key)
    distribution.closed_at = None
    distribution.save(update_fields=["closed_at"])
    record_audit(actor, "surveys.reopen_distribution", survey.key, unit=distribution.unit.code)
    return distribution
