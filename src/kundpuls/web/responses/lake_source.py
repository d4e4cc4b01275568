"""The seam between stored responses and the analytics lake: batches in the lake's layout, read in id order.

:func:`fetch_responses` is the ``fetch`` function :func:`kundpuls.analytics.lake.sync.sync_lake` calls; it
reads the transactional tables (responses, units, survey versions) and never contact details. A survey is
known in the lake by its ``lake_key`` (unique across organisations; :class:`~kundpuls.web.surveys.models.
Survey`). Each stored
item goes where analysis wants it (:mod:`kundpuls.analytics.lake.answer_columns`, a column per item and
batch): numeric items (ratings, matrix rows, prices, yes/no as 1/0) to ``item_`` columns, categorical items
(background questions, single choices, Kano answers) to ``bg_`` columns, open text (already redacted when it
was stored) to ``comment_`` columns. A survey whose codebook has positive-share
dimensions (the patient survey) also gets each dimension's respondent score and each of its questions'
positive indicator as numbers (:mod:`kundpuls.analytics.positive_shares`), scored with the codebook of the
version the response was given on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from kundpuls.analytics.item_metadata import lake_item_metadata
from kundpuls.analytics.lake.answer_columns import AnswerGroup, batch_answer_columns
from kundpuls.analytics.lake.layout import submission_key
from kundpuls.analytics.positive_shares import ShareDimension, share_dimensions
from kundpuls.analytics.unit_paths import path_from_segments, path_segments
from kundpuls.instruments import stored_items
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Survey, SurveyVersion
from kundpuls.web.surveys.queries import definition_of

#: item key -> kind (``numeric``, ``boolean``, ``choice``, ``text``, …) of one survey version.
ItemKinds = dict[str, str]


def _layout(version: SurveyVersion) -> tuple[ItemKinds, tuple[ShareDimension, ...]]:
    definition = definition_of(version)
    kinds: ItemKinds = {item.key: item.kind for item in stored_items(definition)}
    return kinds, share_dimensions(definition)


@lru_cache(maxsize=256)
def _cached_layout(version_pk: int, published_at: str) -> tuple[ItemKinds, tuple[ShareDimension, ...]]:
    return _layout(SurveyVersion.objects.get(pk=version_pk))


def _version_layout(version: SurveyVersion) -> tuple[ItemKinds, tuple[ShareDimension, ...]]:
    """item key -> kind, and the positive-share dimensions, of one version (cached while it is published,
    hence frozen)."""
    if version.published_at is None:
        return _layout(version)
    return _cached_layout(version.pk, version.published_at.isoformat())


def _code_paths() -> tuple[dict[int, str], dict[int, str]]:
    """unit id -> materialised path of unit codes (``/EXK/VOF/VOF-HT/VOF-HT-N/``), and unit id -> code."""
    units = dict(Unit.objects.values_list("pk", "code"))
    paths = {}
    for pk, path in Unit.objects.values_list("pk", "path"):
        paths[pk] = path_from_segments(units[int(part)] for part in path_segments(path))
    return paths, units


# The columns a sync reads, by id: plain values, no model instances (a response's version row carries the
# whole survey definition, which select_related would decode once per response: 1 ms each, found at 10⁵
# rows). The survey's lake key, the version's number and the unit's code and path are looked up once per
# batch.
_COLUMNS = (
    "pk",
    "submission_id",
    "survey_id",
    "version_id",
    "unit_id",
    "submitted_at",
    "channel",
    "language",
    "answers",
    "stored_at",
)
_UTC = pa.timestamp("us", tz="UTC")


def response_fetcher(*, settle_seconds: float = 5.0) -> Callable[[int | None, int], pa.Table]:
    """A ``fetch`` for :func:`kundpuls.analytics.lake.sync.sync_lake` that leaves the newest rows for later.

    Ids are handed out when a row is inserted, but become visible when its transaction commits, so a
    row with a lower id can appear after one with a higher id. Rows stored during the last
    ``settle_seconds`` are left for the next sync; every transaction that stores responses is far shorter,
    so no row can be passed over by the high-water mark. A single-process load (the demo, an import that
    has returned) may use 0.
    """

    def fetch(after: int | None, limit: int) -> pa.Table:
        cutoff = timezone.now() - timedelta(seconds=settle_seconds)
        return fetch_responses(after, limit, stored_before=cutoff if settle_seconds > 0 else None)

    return fetch


def fetch_responses(after: int | None, limit: int, *, stored_before: datetime | None = None) -> pa.Table:
    """Up to ``limit`` responses with an id above ``after``, in id order, as a flat table in the lake's
    layout (:mod:`kundpuls.analytics.lake.records`); with ``stored_before``, only those up to the first one
    stored at or after it."""
    query = Response.objects.order_by("pk")
    if after is not None:
        query = query.filter(pk__gt=after)
    rows = _plain_rows(query.values_list(*_COLUMNS)[:limit])
    if stored_before is not None and rows:
        # Stop at the first row not yet settled, never skip it: with concurrent writers a row with a lower id
        # can carry a later stored_at than the next one, and a filter on stored_at would let the high-water
        # mark pass it for good (found with 20 concurrent respondents on PostgreSQL).
        stored = _timestamps([row[9] for row in rows])
        unsettled = pc.index(pc.greater_equal(stored, pa.scalar(stored_before, _UTC)), True).as_py()
        rows = rows if unsettled < 0 else rows[:unsettled]
    if not rows:
        return pa.table({})
    pks, submissions, surveys, version_ids, unit_ids, submitted, channels, languages, texts, _ = zip(
        *rows, strict=True
    )
    paths, codes = _code_paths()
    lake_keys = dict(Survey.objects.filter(pk__in=set(surveys)).values_list("pk", "lake_key"))
    versions = {v.pk: v for v in SurveyVersion.objects.filter(pk__in=set(version_ids))}
    groups = []
    for version_id, positions in _positions(version_ids).items():
        kinds, dimensions = _version_layout(versions[version_id])
        groups.append(AnswerGroup(positions, kinds, dimensions))
    return pa.table(
        {
            "response_id": pa.array(pks, pa.int64()),
            "submission_id": pa.array([submission_key(s) for s in submissions], pa.string()),
            "survey_key": pa.array([lake_keys[s] for s in surveys], pa.string()),
            "survey_version": pa.array([versions[v].number for v in version_ids], pa.int32()),
            "unit_code": pa.array([codes[u] for u in unit_ids], pa.string()),
            "unit_path": pa.array([paths[u] for u in unit_ids], pa.string()),
            "submitted_at": _timestamps(submitted),
            "channel": pa.array(channels, pa.string()),
            "language": pa.array(languages, pa.string()),
            **batch_answer_columns(texts, groups),
        }
    )


def _plain_rows(query: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the database driver returns them, without Django's
    conversions per value (a stored answer set stays JSON text, a time is read by the driver's own loader:
    Django's loader of PostgreSQL times took 5 of a sync's 25 seconds at 10⁵ responses)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        driver = getattr(cursor, "cursor", cursor)
        if connection.vendor == "postgresql":
            from psycopg.types.datetime import TimestamptzLoader

            driver.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _timestamps(values: Sequence[Any]) -> pa.Array:
    """Stored times as UTC timestamps: the driver's datetimes (PostgreSQL) or SQLite's UTC text."""
    return pa.array(
        [datetime.fromisoformat(v).replace(tzinfo=UTC) if isinstance(v, str) else v for v in values], _UTC
    )


def _positions(version_ids: Sequence[int]) -> dict[int, list[int]]:
    """Row positions by survey version, in order of first appearance."""
    positions: dict[int, list[int]] = {}
    if len(set(version_ids)) == 1:
        return {version_ids[0]: list(range(len(version_ids)))}
    for position, version_id in enumerate(version_ids):
        positions.setdefault(version_id, []).append(position)
    return positions


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
