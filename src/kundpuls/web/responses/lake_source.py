"""The seam between stored responses and the analytics lake: records in the lake's layout, read in id order.

:func:`fetch_responses` is the ``fetch`` function :func:`kundpuls.analytics.lake.sync.sync_lake` calls; it
reads the transactional tables (responses, units, survey versions) and never contact details. A survey is
known in the lake by its ``lake_key`` (unique across organisations; :class:`~kundpuls.web.surveys.models.
Survey`). Each stored
item goes where analysis wants it: numeric items (ratings, matrix rows, prices, yes/no as 1/0) to
``answers``, categorical items (background questions, single choices, Kano answers) to ``background``, open
text (already redacted when it was stored) to ``comments``. A survey whose codebook has positive-share
dimensions (the patient survey) also gets each dimension's respondent score and each of its questions'
positive indicator as numbers (:mod:`kundpuls.analytics.positive_shares`), scored with the codebook of the
version the response was given on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.utils import timezone

from kundpuls.analytics.item_metadata import lake_item_metadata
from kundpuls.analytics.lake.layout import submission_key
from kundpuls.analytics.positive_shares import ShareDimension, derived_answers, share_dimensions
from kundpuls.analytics.unit_paths import path_from_segments, path_segments
from kundpuls.instruments import stored_items
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import SurveyVersion
from kundpuls.web.surveys.queries import definition_of

ItemKinds = dict[str, tuple[str, str | None]]


def _layout(version: SurveyVersion) -> tuple[ItemKinds, tuple[ShareDimension, ...]]:
    definition = definition_of(version)
    kinds: ItemKinds = {item.key: (item.kind, item.question_type) for item in stored_items(definition)}
    return kinds, share_dimensions(definition)


@lru_cache(maxsize=256)
def _cached_layout(version_pk: int, published_at: str) -> tuple[ItemKinds, tuple[ShareDimension, ...]]:
    return _layout(SurveyVersion.objects.get(pk=version_pk))


def _version_layout(version: SurveyVersion) -> tuple[ItemKinds, tuple[ShareDimension, ...]]:
    """item key -> (kind, question type), and the positive-share dimensions, of one version (cached while
    it is published, hence frozen)."""
    if version.published_at is None:
        return _layout(version)
    return _cached_layout(version.pk, version.published_at.isoformat())


def _code_paths() -> dict[int, str]:
    """unit id -> materialised path of unit codes (``/EXK/VOF/VOF-HT/VOF-HT-N/``)."""
    units = dict(Unit.objects.values_list("pk", "code"))
    paths = {}
    for pk, path in Unit.objects.values_list("pk", "path"):
        paths[pk] = path_from_segments(units[int(part)] for part in path_segments(path))
    return paths


# The columns a sync reads: plain values, no model instances (a response's version row carries the whole
# survey definition, which select_related would decode once per response: 1 ms each, found at 10⁵ rows).
_COLUMNS = (
    "pk",
    "submission_id",
    "survey__lake_key",
    "version_id",
    "version__number",
    "unit_id",
    "unit__code",
    "submitted_at",
    "channel",
    "language",
    "answers",
    "stored_at",
)


def lake_record(row: tuple[Any, ...], kinds: ItemKinds, unit_path: str) -> dict[str, Any]:
    """The lake record of one row of :data:`_COLUMNS`."""
    pk, submission_id, survey, _, number, _, unit_code, submitted_at, channel, language, stored, _ = row
    answers: dict[str, float | None] = {}
    background: dict[str, str | None] = {}
    comments: dict[str, str] = {}
    for key, value in stored.items():
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
        "response_id": pk,
        "submission_id": submission_key(submission_id),
        "survey": survey,
        "survey_version": number,
        "unit_code": unit_code,
        "unit_path": unit_path,
        "submitted_at": submitted_at,
        "channel": channel,
        "language": language,
        "answers": answers,
        "background": background,
        "comments": comments,
    }


def response_fetcher(*, settle_seconds: float = 5.0) -> Callable[[int | None, int], list[dict[str, Any]]]:
    """A ``fetch`` for :func:`kundpuls.analytics.lake.sync.sync_lake` that leaves the newest rows for later.

    Ids are handed out when a row is inserted, but become visible when its transaction commits, so a
    row with a lower id can appear after one with a higher id. Rows stored during the last
    ``settle_seconds`` are left for the next sync; every transaction that stores responses is far shorter,
    so no row can be passed over by the high-water mark. A single-process load (the demo, an import that
    has returned) may use 0.
    """

    def fetch(after: int | None, limit: int) -> list[dict[str, Any]]:
        cutoff = timezone.now() - timedelta(seconds=settle_seconds)
        return fetch_responses(after, limit, stored_before=cutoff if settle_seconds > 0 else None)

    return fetch


def fetch_responses(
    after: int | None, limit: int, *, stored_before: datetime | None = None
) -> list[dict[str, Any]]:
    """Up to ``limit`` responses with an id above ``after``, in id order, as lake records; with
    ``stored_before``, only those up to the first one stored at or after it."""
    query = Response.objects.order_by("pk")
    if after is not None:
        query = query.filter(pk__gt=after)
    rows = list(query.values_list(*_COLUMNS)[:limit])
    if stored_before is not None:
        # Stop at the first row not yet settled, never skip it: with concurrent writers a row with a lower id
        # can carry a later stored_at than the next one, and a filter on stored_at would let the high-water
        # mark pass it for good (found with 20 concurrent respondents on PostgreSQL).
        settled = next((i for i, r in enumerate(rows) if r[-1] >= stored_before), len(rows))
        rows = rows[:settled]
    if not rows:
        return []
    paths = _code_paths()
    versions = {v.pk: v for v in SurveyVersion.objects.filter(pk__in={r[3] for r in rows})}
    layouts = {pk: _version_layout(version) for pk, version in versions.items()}
    records = [lake_record(r, layouts[r[3]][0], paths[r[5]]) for r in rows]
    for version_id, (_, dimensions) in layouts.items():
        if not dimensions:
            continue
        positions = [i for i, r in enumerate(rows) if r[3] == version_id]
        derived = derived_answers(dimensions, [rows[i][10] for i in positions])
        for position, values in zip(positions, derived, strict=True):
            records[position]["answers"].update(values)
    return records


def published_item_metadata() -> dict[str, dict[str, dict[str, Any]]]:
    """The lake manifest's item metadata of every survey, by its lake key, from its published versions
    (newest last wins)."""
    metadata: dict[str, dict[str, dict[str, Any]]] = {}
    for version in (
        SurveyVersion.objects.filter(published_at__isnull=False)
        .select_related("survey")
        .order_by("survey__lake_key", "number")
    ):
        metadata.setdefault(version.survey.lake_key, {}).update(lake_item_metadata(definition_of(version)))
    return metadata
