"""Reads for the dashboards: unit reports and the overview (never a write: the lake is kept up to date
in the background by :mod:`kundpuls.web.responses.refresher`; never a drawing: the views hand what
these return to :mod:`kundpuls.render`).

Nothing here computes a statistic: :mod:`kundpuls.reports` does, from the lake. Results are cached in
process per (lake generation, survey, unit, period, segment, language) by :mod:`kundpuls.reports.cache`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from kundpuls.analytics.lake.layout import CHANNEL_SEGMENT
from kundpuls.analytics.lake.manifest import lake_location, manifest_exists
from kundpuls.analytics.manifest_memo import parsed_manifest
from kundpuls.errors import NotFound
from kundpuls.instruments import SurveyDefinition, stored_items
from kundpuls.reports import cache
from kundpuls.reports.contracts import CommentSummary, Overview, UnitReport
from kundpuls.reports.overview import organisation_overview
from kundpuls.reports.unit_report import survey_frame, survey_plan, unit_comment_summary, unit_report
from kundpuls.text.taxonomy import Taxonomy
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.org.tenancy import organisation_id, organisation_ids_of
from kundpuls.web.surveys.models import Channel, Survey
from kundpuls.web.surveys.queries import current_version, results_definition, survey_by_key
from kundpuls.web.themes.queries import taxonomy_in_force


def lake_dir() -> str:
    return str(settings.KUNDPULS_LAKE_DIR)


def threshold_setting() -> int:
    """``KUNDPULS_ANONYMITY_THRESHOLD``; :mod:`kundpuls.reports.anonymity` resolves it with each survey's."""
    return int(settings.KUNDPULS_ANONYMITY_THRESHOLD)


def surveys_with_results() -> list[tuple[Survey, SurveyDefinition]]:
    """Published surveys whose responses are in the lake (key order), each with its definition as the
    results read it (keyed by the survey's lake key: :func:`~kundpuls.web.surveys.queries.
    results_definition`)."""
    location = lake_location(lake_dir())
    if not manifest_exists(location):
        return []
    in_lake = set(parsed_manifest(location).survey_keys())
    found = []
    stored = Survey.objects.filter(lake_key__in=in_lake).select_related("owner", "organisation")
    for survey in stored.order_by("key", "organisation_id"):
        version = current_version(survey)
        if version is not None:
            found.append((survey, results_definition(survey, version)))
    return found


def surveys_for(
    user: Any, available: list[tuple[Survey, SurveyDefinition]]
) -> list[tuple[Survey, SurveyDefinition]]:
    """``available`` limited to the surveys of ``user``'s organisations (:mod:`kundpuls.web.org.tenancy`).

    A survey belongs to the organisation (root unit) of its owner unit; a person whose roles lie in the
    region never sees, nor is offered, the municipality's surveys (superusers see every organisation's).
    """
    allowed = organisation_ids_of(user)
    if allowed is None:
        return list(available)
    return [entry for entry in available if entry[0].organisation_id in allowed]


def results_survey(user: Any, reference: str) -> tuple[Survey, SurveyDefinition]:
    """The survey with results that ``reference`` (``KEY`` or ``ORG:KEY``) names among ``user``'s
    organisations: :func:`~kundpuls.web.surveys.queries.survey_by_key` decides (not found, ambiguous)."""
    survey = survey_by_key(reference, actor=user)
    for entry in surveys_with_results():
        if entry[0].pk == survey.pk:
            return entry
    raise NotFound(gettext("survey: no results for survey %(key)r") % {"key": reference})


def staff_survey_for(definition: SurveyDefinition) -> SurveyDefinition | None:
    """A staff survey of the same organisation, in the lake, whose codebook mirrors items of
    ``definition`` (demo: staff on nki). ``definition`` is keyed by its lake key; a mirror names the
    customer survey by its key within the organisation."""
    available = surveys_with_results()
    customer = next((survey for survey, found in available if found.key == definition.key), None)
    if customer is None:
        return None
    for survey, other in available:
        if survey.organisation_id != customer.organisation_id or other.key == definition.key:
            continue
        if any((m.customer_survey or customer.key) == customer.key for m in other.codebook.mirrors):
            return other
    return None


def segment_choices(definition: SurveyDefinition) -> list[str]:
    """Background variables of ``definition`` that can split the results, and the channel."""
    keys = [i.key for i in stored_items(definition) if i.kind == "choice" and i.question_type == "background"]
    return keys + ([CHANNEL_SEGMENT] if CHANNEL_SEGMENT not in keys else [])


def segment_labels(definition: SurveyDefinition, language: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Each background variable's label (its question) and its values' labels, from the codebook."""
    labels: dict[str, tuple[str, dict[str, str]]] = {}
    for item in stored_items(definition):
        if item.key not in segment_choices(definition):
            continue
        values = {
            value: text.in_language(language)
            for value, text in zip(item.options or (), item.option_texts or (), strict=False)
        }
        labels[item.key] = (item.text.in_language(language), values)
    if CHANNEL_SEGMENT not in labels:
        with translation.override(language):
            labels[CHANNEL_SEGMENT] = (gettext("Channel"), {str(c.value): str(c.label) for c in Channel})
    return labels


def unit_names() -> dict[str, str]:
    return dict(Unit.objects.values_list("code", "name"))


def unit_results(
    user: Any,
    unit: Unit,
    definition: SurveyDefinition,
    *,
    period_kind: str,
    period: str | None,
    segment: str | None,
    segment_value: str | None,
    language: str,
) -> UnitReport:
    """The unit's report (cached per lake generation); comments only for readers who may see them."""
    return unit_report_of(
        unit,
        definition,
        period_kind=period_kind,
        period=period,
        segment=segment,
        segment_value=segment_value,
        language=language,
        comments=can(user, Capability.VIEW_COMMENTS, unit),
    )


def unit_report_of(
    unit: Unit,
    definition: SurveyDefinition,
    *,
    period_kind: str,
    period: str | None,
    segment: str | None,
    segment_value: str | None,
    language: str,
    comments: bool,
) -> UnitReport:
    """The unit's report with or without its comments, cached per lake generation (the same entry for every
    person it is shown to: :func:`unit_results` decides ``comments``, the warming computes it beforehand)."""
    lake = lake_dir()
    taxonomy = taxonomy_in_force(organisation_id(unit))
    setting = threshold_setting()
    key = unit_report_key(
        unit,
        definition,
        period_kind=period_kind,
        period=period,
        segment=segment,
        segment_value=segment_value,
        language=language,
        comments=comments,
        taxonomy=taxonomy,
    )

    def compute() -> UnitReport:
        return unit_report(
            lake,
            definition,
            unit.code,
            threshold_setting=setting,
            names=unit_names(),
            period=period,
            period_kind=period_kind,
            segment=segment,
            segment_value=segment_value,
            language=language,
            include_comments=comments,
            staff_definition=staff_survey_for(definition),
            taxonomy=taxonomy,
        )

    return cache.cached(key, compute)


def unit_report_key(
    unit: Unit,
    definition: SurveyDefinition,
    *,
    period_kind: str,
    period: str | None,
    segment: str | None,
    segment_value: str | None,
    language: str,
    comments: bool,
    taxonomy: Taxonomy,
) -> tuple[Any, ...]:
    """The results cache's key of :func:`unit_report_of`'s report for the lake as it is now."""
    return (
        *cache.lake_key(lake_dir()),
        "unit_report",
        definition.key,
        threshold_setting(),
        unit.code,
        period_kind,
        period,
        segment,
        segment_value,
        language,
        comments,
        taxonomy.fingerprint,
    )


def unit_comment_themes(
    user: Any, unit: Unit, definition: SurveyDefinition, *, period_kind: str, period: str, language: str
) -> CommentSummary | None:
    """The unit's comment themes of one period as its results page shows them; None for a reader whose
    role does not include comments."""
    if not can(user, Capability.VIEW_COMMENTS, unit):
        return None
    return unit_comment_summary(
        lake_dir(),
        definition,
        unit.code,
        threshold_setting=threshold_setting(),
        period=period,
        period_kind=period_kind,
        language=language,
        taxonomy=taxonomy_in_force(organisation_id(unit)),
    )


def overview(
    user: Any,
    definition: SurveyDefinition,
    *,
    organisation: int,
    period_kind: str,
    period: str | None,
    sort: str,
    descending: bool,
    language: str,
    capability: Capability = Capability.VIEW_RESULTS,
    index: str | None = None,
) -> Overview:
    """The overview of every unit of the survey's ``organisation`` (its root unit's primary key) on which
    ``user`` has ``capability`` (seeing results by default): a person of several organisations never gets
    another organisation's units under a survey with the same key."""
    own = units_where(user, capability).filter(path__startswith=f"/{organisation}/")
    units = list(own.order_by("path").values_list("code", flat=True))
    return organisation_overview(
        lake_dir(),
        definition,
        units,
        threshold_setting=threshold_setting(),
        names=unit_names(),
        period=period,
        period_kind=period_kind,
        sort=sort,
        descending=descending,
        language=language,
        index=index,
    )


def segment_values(definition: SurveyDefinition, period_kind: str, segment: str) -> list[str]:
    """Values of background variable ``segment`` present in the lake (a skipped question is NaN: left out)."""
    if segment not in segment_choices(definition):
        return []
    plan = survey_plan(lake_dir(), definition, threshold_setting=threshold_setting())
    frame = survey_frame(lake_dir(), plan, period_kind=period_kind, segment=segment)
    return sorted(v for v in frame["segment"].unique() if isinstance(v, str) and v and v != "None")
