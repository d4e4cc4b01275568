"""Reads of surveys: parsed definitions (cached per published version), open links, response counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from kundpuls.errors import NotFound
from kundpuls.instruments import SurveyDefinition, parse_definition
from kundpuls.web.org.tenancy import ambiguous, organisation_ids_of, split_reference
from kundpuls.web.surveys.models import Distribution, Survey, SurveyStatus, SurveyVersion


@lru_cache(maxsize=256)
def _published_definition(version_pk: int, published_at: str) -> SurveyDefinition:
    version = SurveyVersion.objects.get(pk=version_pk)
    return parse_definition(version.definition, stored=True)


def definition_of(version: SurveyVersion) -> SurveyDefinition:
    """The parsed definition of ``version``; published (frozen) versions are parsed once per process.

    The cache key includes the publication time, so a key can never be served for another version even
    where a database reuses a primary key (a rolled-back test transaction on SQLite does).
    """
    if version.published_at is not None:
        return _published_definition(version.pk, version.published_at.isoformat())
    return parse_definition(version.definition, stored=True)


def survey_by_key(reference: str, *, actor: object) -> Survey:
    """The survey ``reference`` (``KEY`` or ``ORG:KEY``) names among ``actor``'s organisations.

    A person finds only their own organisations' surveys (another organisation's is "not found", the same
    answer as a key nobody uses); operators and superusers find every organisation's. A key that more than
    one of those organisations uses is refused with a message naming the ``ORG:KEY`` forms
    (:mod:`kundpuls.web.org.tenancy`).
    """
    organisation, key = split_reference(reference)
    found = Survey.objects.select_related("owner", "organisation").filter(key=key)
    if organisation is not None:
        found = found.filter(organisation__code=organisation)
    allowed = organisation_ids_of(actor)
    if allowed is not None:
        found = found.filter(organisation_id__in=allowed)
    surveys = list(found[:10])
    if not surveys:
        raise NotFound(_("survey: no survey with key %(key)r") % {"key": reference})
    if len(surveys) > 1:
        raise ambiguous("survey", key, [s.organisation.code for s in surveys])
    return surveys[0]


def surveys_of(actor: object) -> QuerySet[Survey]:
    """The surveys of ``actor``'s organisations (every organisation's for operators and superusers)."""
    found = Survey.objects.select_related("owner", "organisation")
    allowed = organisation_ids_of(actor)
    return found if allowed is None else found.filter(organisation_id__in=allowed)


def results_definition(survey: Survey, version: SurveyVersion) -> SurveyDefinition:
    """``version``'s definition as the results read it: keyed by the survey's lake key.

    The lake, its manifest and the results cache know a survey by :attr:`Survey.lake_key` (unique across
    organisations), and the results path reads the survey's key from the definition it is given; so every
    read of results starts here, never from :func:`definition_of`, and two organisations' ``nki`` never
    share a partition or a cached frame. Everything a person sees still names the survey by its key or
    title (the pages and the API put ``survey.key`` back where a key is shown).
    """
    definition = definition_of(version)
    return definition if definition.key == survey.lake_key else replace(definition, key=survey.lake_key)


def current_version(survey: Survey) -> SurveyVersion | None:
    """The newest published version (what respondents get), or None before the first publication."""
    return survey.versions.filter(published_at__isnull=False).order_by("-number").first()


def _status(closed: bool, published: bool) -> SurveyStatus:
    if closed:
        return SurveyStatus.CLOSED
    return SurveyStatus.PUBLISHED if published else SurveyStatus.DRAFT


def survey_rows() -> list[dict[str, Any]]:
    """Every survey with its versions, open distributions and response count (for ``surveys list``)."""
    rows = []
    surveys = Survey.objects.select_related("owner", "organisation").annotate(
        n_responses=Count("responses", distinct=True),
    )
    for survey in surveys.order_by("key"):
        versions = list(survey.versions.order_by("number").values("number", "published_at"))
        published = [v["number"] for v in versions if v["published_at"] is not None]
        rows.append(
            {
                "key": survey.key,
                "organisation": survey.organisation.code,
                "url_key": survey.url_key,
                "title": survey.title,
                "owner": survey.owner.code,
                "owner_name": survey.owner.name,
                "versions": len(versions),
                "published_version": max(published) if published else None,
                "status": _status(survey.closed_at is not None, bool(published)),
                "open_distributions": survey.distributions.filter(closed_at__isnull=True).count(),
                "responses": survey.n_responses,
            }
        )
    return rows


def counts_per_unit(surveys: list[tuple[str, str]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Per survey, named ``(organisation code, key)`` (two organisations may both have ``nki``): each unit
    with an open link or responses, with its open links and responses.

    Units in tree order; two grouped queries, whatever the number of surveys and units.
    """
    wanted = set(surveys)
    keys = sorted({key for _, key in wanted})
    organisations = sorted({organisation for organisation, _ in wanted})
    rows: dict[tuple[str, str, int], dict[str, Any]] = {}
    links = (
        Distribution.objects.filter(
            survey__key__in=keys, survey__organisation__code__in=organisations, closed_at__isnull=True
        )
        .values("survey__organisation__code", "survey__key", "unit_id", "unit__name", "unit__path")
        .annotate(n=Count("pk"))
    )
    for r in links:
        rows[(r["survey__organisation__code"], r["survey__key"], r["unit_id"])] = {
            "unit": r["unit__name"],
            "path": r["unit__path"],
            "open_links": r["n"],
            "responses": 0,
        }
    answered = (
        Survey.objects.filter(key__in=keys, organisation__code__in=organisations, responses__isnull=False)
        .values(
            "organisation__code",
            "key",
            "responses__unit_id",
            "responses__unit__name",
            "responses__unit__path",
        )
        .annotate(n=Count("responses"))
    )
    for a in answered:
        row = rows.setdefault(
            (a["organisation__code"], a["key"], a["responses__unit_id"]),
            {"unit": a["responses__unit__name"], "path": a["responses__unit__path"], "open_links": 0},
        )
        row["responses"] = a["n"]
    result: dict[tuple[str, str], list[dict[str, Any]]] = {survey: [] for survey in surveys}
    for (organisation, key, _unit), row in sorted(rows.items(), key=lambda kv: (kv[0][:2], kv[1]["path"])):
        if (organisation, key) in wanted:  # not another organisation's survey of a wanted key
            result[(organisation, key)].append(row)
    return result


def open_links(base_url: str, *, survey_key: str | None = None) -> list[dict[str, Any]]:
    """Every open distribution with its unit and public URL (for ``surveys links``)."""
    query = Distribution.objects.select_related("survey", "unit").filter(closed_at__isnull=True)
    if survey_key:
        query = query.filter(survey__key=survey_key)
    return [
        {
            "survey": d.survey.key,
            "unit": d.unit.code,
            "unit_name": d.unit.name,
            "channel": d.channel,
            "state": d.state(),
            "url": f"{base_url}{d.public_path}",
        }
        for d in query.order_by("survey__key", "unit__path", "channel")
        if d.state() != "closed"
    ]


def responses_per_unit_and_day(survey: Survey, *, since: date | None = None) -> list[dict[str, Any]]:
    """Response counts per unit and calendar day (server time zone)."""
    query = survey.responses.all()
    if since is not None:
        query = query.filter(submitted_at__date__gte=since)
    rows = (
        query.annotate(day=TruncDate("submitted_at"))
        .values("unit__code", "day")
        .annotate(n=Count("pk"))
        .order_by("day", "unit__code")
    )
    return [{"unit": r["unit__code"], "day": r["day"], "responses": r["n"]} for r in rows]


def open_distributions_for_unit(unit_pk: int) -> list[Distribution]:
    """The open distributions of one unit (for its unit page)."""
    return [
        d
        for d in Distribution.objects.select_related("survey").filter(unit_id=unit_pk, closed_at__isnull=True)
        if d.state() == "open"
    ]


def responses_per_distribution(survey: Survey) -> list[tuple[int, int]]:
    """(distribution pk, number of responses) for every distribution of ``survey`` with responses."""
    rows = survey.responses.filter(distribution__isnull=False).values("distribution").annotate(n=Count("pk"))
    return [(r["distribution"], r["n"]) for r in rows]


def closed_distributions(survey: Survey) -> list[Distribution]:
    """The closed links of ``survey`` whose unit and channel have no open link now (they may reopen)."""
    open_now = set(survey.distributions.filter(closed_at__isnull=True).values_list("unit_id", "channel"))
    latest: dict[tuple[int, str], Distribution] = {}
    for d in (
        survey.distributions.filter(closed_at__isnull=False).select_related("unit").order_by("closed_at")
    ):
        if (d.unit_id, d.channel) not in open_now:
            latest[(d.unit_id, d.channel)] = d
    return sorted(latest.values(), key=lambda d: d.unit.path)
