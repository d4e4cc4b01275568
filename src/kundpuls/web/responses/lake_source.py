"""The seam between stored responses and the analytics lake: records in the lake's layout, read in id order.

:func:`fetch_responses` is the ``fetch`` function :func:`kundpuls.analytics.lake_sync.sync_lake` calls; it
reads the transactional tables (responses, units, survey versions) and never contact details. Each stored
item goes where analysis wants it: numeric items (ratings, matrix rows, prices, yes/no as 1/0) to
``answers``, categorical items (background questions, single choices, Kano answers) to ``background``, open
text (already redacted when it was stored) to ``comments``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kundpuls.instruments import stored_items
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import SurveyVersion
from kundpuls.web.surveys.queries import definition_of


@lru_cache(maxsize=256)
def _cached_item_kinds(version_pk: int, published_at: str) -> dict[str, tuple[str, str | None]]:
    version = SurveyVersion.objects.get(pk=version_pk)
    return {item.key: (item.kind, item.question_type) for item in stored_items(definition_of(version))}


def _item_kinds(version: SurveyVersion) -> dict[str, tuple[str, str | None]]:
    """item key -> (kind, question type) for one version (cached while it is published, hence frozen)."""
    if version.published_at is None:
        return {item.key: (item.kind, item.question_type) for item in stored_items(definition_of(version))}
    return _cached_item_kinds(version.pk, version.published_at.isoformat())


def _code_paths() -> dict[int, str]:
    """unit id -> materialised path of unit codes (``/EXK/VOF/VOF-HT/VOF-HT-N/``)."""
    units = dict(Unit.objects.values_list("pk", "code"))
    paths = {}
    for pk, path in Unit.objects.values_list("pk", "path"):
        codes = [units[int(part)] for part in path.strip("/").split("/") if part]
        paths[pk] = "/" + "/".join(codes) + "/"
    return paths


def lake_record(
    response: Response, kinds: dict[str, tuple[str, str | None]], unit_path: str
) -> dict[str, Any]:
    answers: dict[str, float | None] = {}
    background: dict[str, str | None] = {}
    comments: dict[str, str] = {}
    for key, value in response.answers.items():
        kind = kinds.get(key, ("unknown", None))[0]
        if kind == "numeric":
            answers[key] = None if value is None else float(value)
        elif kind == "boolean":
            answers[key] = None if value is None else float(bool(value))
        elif kind == "choice":
            background[key] = None if value is None else str(value)
        elif kind == "text" and value:
            comments[key] = str(value)
    return {
        "response_id": response.pk,
        "submission_id": response.submission_id.hex,
        "survey": response.survey.key,
        "survey_version": response.version.number,
        "unit_code": response.unit.code,
        "unit_path": unit_path,
        "submitted_at": response.submitted_at,
        "channel": response.channel,
        "language": response.language,
        "answers": answers,
        "background": background,
        "comments": comments,
    }


def fetch_responses(after: int | None, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` responses with an id above ``after``, in id order, as lake records."""
    query = Response.objects.select_related("survey", "version", "unit").order_by("pk")
    if after is not None:
        query = query.filter(pk__gt=after)
    rows = list(query[:limit])
    if not rows:
        return []
    paths = _code_paths()
    return [lake_record(r, _item_kinds(r.version), paths[r.unit_id]) for r in rows]


def survey_item_metadata() -> dict[str, dict[str, dict[str, Any]]]:
    """Scales of the numeric items of every survey (newest published version), for the lake manifest."""
    metadata: dict[str, dict[str, dict[str, Any]]] = {}
    for version in (
        SurveyVersion.objects.filter(published_at__isnull=False)
        .select_related("survey")
        .order_by("survey__key", "number")
    ):
        definition = definition_of(version)
        nps_item = definition.codebook.nps
        items = metadata.setdefault(version.survey.key, {})
        for item in stored_items(definition):
            if item.kind == "numeric" and item.scale_min is not None and item.scale_max is not None:
                kind = "nps" if item.key == nps_item else "rating"
                items[item.key] = {"min": item.scale_min, "max": item.scale_max, "kind": kind}
    return metadata
