"""The reads of the respondent pages: one hand-written statement per request, read fresh every time.

Every respondent request needs the distribution behind its token (is it open?), its survey (closed?), its
unit (named on the page) and the survey version to show. Through the ORM that was two or three queries, and
compiling each cost far more CPU than running it (about 0.6 ms against 0.03 ms on SQLite; see
docs/benchmarks.md, "Collect CPU"). Here each read is one statement built once from the models' own table
and column names; its rows become ordinary model instances through the database backend's converters (so a
date is a date on SQLite and PostgreSQL alike). Fields that are not read are deferred: touching one loads
it, as with ``QuerySet.only()``.

Nothing here is cached between requests: a distribution closed, a survey closed or a version published a
moment ago is seen by the very next request, in every worker process.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.db import connection
from django.db.models import Field, Model

from kundpuls.web.org.models import Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution, Survey, SurveyVersion

# What the respondent pages read of each model (attribute names); the rest stays deferred.
_READ: tuple[tuple[type[Model], str, tuple[str, ...]], ...] = (
    (
        Distribution,
        "d",
        ("id", "survey_id", "unit_id", "channel", "token", "opens_at", "closes_at", "closed_at"),
    ),
    (Survey, "s", ("id", "key", "closed_at")),
    (Unit, "u", ("id", "name")),
    (SurveyVersion, "v", ("id", "survey_id", "number", "published_at")),
)
_RECEIPT_READ: tuple[tuple[type[Model], str, tuple[str, ...]], ...] = (
    (Response, "r", ("id", "submission_id", "language", "channel")),  # channel: a kiosk restarts
    (SurveyVersion, "v", ("id", "survey_id", "number", "published_at")),
)


@dataclass(frozen=True)
class Target:
    """A distribution (with its survey and unit loaded) and the published version respondents get."""

    distribution: Distribution
    version: SurveyVersion | None


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _fields(model: type[Model], names: tuple[str, ...]) -> tuple[Field[Any, Any], ...]:
    """The fields named (attribute names), in the model's order, as ``Model.from_db`` expects them."""
    return tuple(f for f in model._meta.concrete_fields if f.attname in names)


def _column(model: type[Model], alias: str, attname: str) -> str:
    (field,) = _fields(model, (attname,))
    return f"{alias}.{connection.ops.quote_name(str(field.column))}"


def _select(read: Sequence[tuple[type[Model], str, tuple[str, ...]]]) -> str:
    return ", ".join(
        f"{alias}.{connection.ops.quote_name(str(field.column))}"
        for model, alias, names in read
        for field in _fields(model, names)
    )


@cache
def _target_sql(vendor: str, *, named_version: bool) -> str:
    """The distribution of a token joined to its survey, unit and version (``vendor`` keys the cache)."""
    d, s, u, v = (_table(m) for m, _, _ in _READ)
    pk = connection.ops.quote_name("id")
    d_survey, d_unit, d_token = (_column(Distribution, "d", n) for n in ("survey_id", "unit_id", "token"))
    if named_version:  # a form in progress continues its own version, if it is a published one of this survey
        v_survey, v_published = (_column(SurveyVersion, "v", n) for n in ("survey_id", "published_at"))
        version_join = f"v.{pk} = %s AND {v_survey} = {d_survey} AND {v_published} IS NOT NULL"
    else:  # a new respondent gets the newest published version
        c_survey, c_published, c_number = (
            _column(SurveyVersion, "c", n) for n in ("survey_id", "published_at", "number")
        )
        version_join = (
            f"v.{pk} = (SELECT c.{pk} FROM {v} c WHERE {c_survey} = {d_survey}"
            f" AND {c_published} IS NOT NULL ORDER BY {c_number} DESC LIMIT 1)"
        )
    return (
        f"SELECT {_select(_READ)} FROM {d} d INNER JOIN {s} s ON s.{pk} = {d_survey}"
        f" INNER JOIN {u} u ON u.{pk} = {d_unit} LEFT OUTER JOIN {v} v ON {version_join}"
        f" WHERE {d_token} = %s"
    )


@cache
def _receipt_sql(vendor: str) -> str:
    """A response by its receipt's range of submission ids, if it came through the distribution of a token.

    ``CROSS JOIN`` makes SQLite (which keeps no statistics) read the responses first, by the range of the
    unique submission-id index, instead of every response of the distribution; PostgreSQL plans it as any
    inner join.
    """
    r, v, d = _table(Response), _table(SurveyVersion), _table(Distribution)
    pk = connection.ops.quote_name("id")
    submission = _column(Response, "r", "submission_id")
    return (
        f"SELECT {_select(_RECEIPT_READ)} FROM {r} r CROSS JOIN {d} d"
        f" INNER JOIN {v} v ON v.{pk} = {_column(Response, 'r', 'version_id')}"
        f" WHERE {submission} >= %s AND {submission} <= %s"
        f" AND d.{pk} = {_column(Response, 'r', 'distribution_id')}"
        f" AND {_column(Distribution, 'd', 'token')} = %s"
    )


@cache
def _needs_conversion(vendor: str, field: Field[Any, Any]) -> bool:
    """Whether ``vendor``'s values of ``field`` go through converters (dates, UUIDs on SQLite; JSON …)."""
    column = field.cached_col
    return bool(connection.ops.get_db_converters(column) or column.get_db_converters(connection))


def _converted(field: Field[Any, Any], value: Any) -> Any:
    """A value as the ORM would have returned it (the backend's and the field's converters)."""
    if value is None or not _needs_conversion(connection.vendor, field):  # NULL is None on every backend
        return value
    column = field.cached_col
    for converter in [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]:
        value = converter(value, column, connection)
    return value


def _instances(
    read: Sequence[tuple[type[Model], str, tuple[str, ...]]], row: Sequence[Any]
) -> list[Model | None]:
    """One model instance per model read (None for a LEFT JOIN that found nothing)."""
    instances: list[Model | None] = []
    position = 0
    for model, _, names in read:
        fields = _fields(model, names)
        values = row[position : position + len(fields)]
        position += len(fields)
        if values[0] is None:
            instances.append(None)
            continue
        converted = [_converted(field, value) for field, value in zip(fields, values, strict=True)]
        instances.append(model.from_db(connection.alias, [f.attname for f in fields], converted))
    return instances


def _fetch_one(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def respondent_target(token: str, *, version_id: int | None = None) -> Target | None:
    """The distribution behind a public ``token`` and the version its respondent gets, in one query.

    Without ``version_id``: the survey's newest published version (a new respondent). With it: that
    version, if it is a published version of the distribution's survey (a form in progress), else None.
    Returns None for an unknown token.
    """
    named = version_id is not None
    sql = _target_sql(connection.vendor, named_version=named)
    row = _fetch_one(sql, [version_id, token] if named else [token])
    if row is None:
        return None
    distribution, survey, unit, version = _instances(_READ, row)
    distribution = cast(Distribution, distribution)  # inner joins: never None
    distribution.survey = cast(Survey, survey)
    distribution.unit = cast(Unit, unit)
    return Target(distribution, cast(SurveyVersion | None, version))


def response_by_receipt(token: str, receipt: str) -> Response | None:
    """The response stored through the distribution ``token`` whose receipt (8 hex digits) is ``receipt``.

    The receipt is the first block of the submission id, so the stored ids that start with it form one
    range of the unique index: both databases find them without a scan. The version is loaded with it.
    """
    if len(receipt) != 8 or any(c not in "0123456789abcdefABCDEF" for c in receipt):
        return None
    field = Response._meta.get_field("submission_id")
    low, high = (uuid.UUID(receipt.lower() + fill * 24) for fill in "0f")
    bounds = [field.get_db_prep_value(b, connection) for b in (low, high)]
    row = _fetch_one(_receipt_sql(connection.vendor), [*bounds, token])
    if row is None:
        return None
    response, version = _instances(_RECEIPT_READ, row)
    response = cast(Response, response)  # inner joins: never None
    response.version = cast(SurveyVersion, version)
    return response
