"""Names, paths and the column layout of the response lake (schema version 1).

The lake is a folder (or a prefix on any filesystem pyarrow supports) holding::

    _kundpuls_lake.json                                   the manifest (the only source of truth)
    responses/survey=KEY/month=YYYY-MM/part-GGGGGG-NNNN.parquet
    comments/survey=KEY/month=YYYY-MM/part-GGGGGG-NNNN.parquet

One row of ``responses`` is one submitted response. Fixed columns are listed in :data:`RESPONSE_COLUMNS`;
each numeric item is a column ``item_<key>`` (float64, null = missing / "vet ej"), each background variable
a column ``bg_<name>`` (string). Open answers live in ``comments`` (one row per response and question).
The partition folders are hive-style for other tools; Kundpuls itself reads only the files the manifest
lists, and every file also carries ``survey_key`` and ``period_month`` as ordinary columns.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

import pyarrow as pa

from kundpuls.errors import ValidationError

SCHEMA_VERSION = 1
MANIFEST_NAME = "_kundpuls_lake.json"
RESPONSES = "responses"
COMMENTS = "comments"
TABLES = (RESPONSES, COMMENTS)

ITEM_PREFIX = "item_"
BACKGROUND_PREFIX = "bg_"
COMMENT_PREFIX = "comment_"

#: Fixed columns of the responses table, in file order (items and background variables follow).
RESPONSE_COLUMNS: dict[str, pa.DataType] = {
    "response_id": pa.int64(),
    "submission_id": pa.string(),
    "survey_key": pa.string(),
    "survey_version": pa.int32(),
    "unit_code": pa.string(),
    "unit_path": pa.string(),
    "submitted_at": pa.timestamp("us", tz="UTC"),
    "period_month": pa.string(),
    "period_quarter": pa.string(),
    "period_year": pa.int32(),
    "channel": pa.string(),
    "language": pa.string(),
    "weight": pa.float64(),
}

COMMENT_COLUMNS: dict[str, pa.DataType] = {
    "response_id": pa.int64(),
    "submission_id": pa.string(),
    "survey_key": pa.string(),
    "unit_code": pa.string(),
    "unit_path": pa.string(),
    "submitted_at": pa.timestamp("us", tz="UTC"),
    "period_month": pa.string(),
    "language": pa.string(),
    "question": pa.string(),
    "text": pa.string(),
}

REQUIRED_FIELDS = ("response_id", "submission_id", "survey_key", "unit_code", "unit_path", "submitted_at")

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_SURVEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_UNIT = re.compile(r"^[^/\s]{1,100}$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_key(key: str, *, field: str) -> str:
    """Return ``key`` if it can name a column on every engine (lower-case ``[a-z][a-z0-9_]*``)."""
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValidationError(
            f"{field}: {key!r} must be lower-case letters, digits and '_' starting with a letter "
            "(at most 63 characters)",
            field=field,
            value=key,
        )
    return key


def check_survey_key(survey: str) -> str:
    """Return ``survey`` if it is a valid survey key (used in partition folder names)."""
    if not isinstance(survey, str) or not _SURVEY.match(survey):
        raise ValidationError(
            f"survey: {survey!r} must be letters, digits, '_', '.' or '-' (at most 100 characters)",
            field="survey",
            value=survey,
        )
    return survey


def check_unit_code(code: str) -> str:
    """Return ``code`` if it is a valid unit code (no '/', no white space)."""
    if not isinstance(code, str) or not _UNIT.match(code):
        raise ValidationError(
            f"unit_code: {code!r} must be 1-100 characters without '/' or white space",
            field="unit_code",
            value=code,
        )
    return code


def check_month(month: str) -> str:
    """Return ``month`` if it has the form ``YYYY-MM``."""
    if not isinstance(month, str) or not _MONTH.match(month):
        raise ValidationError(f"month: {month!r} must have the form YYYY-MM", field="month", value=month)
    return month


def split_unit_path(path: str) -> list[str]:
    """The unit codes of a materialised path, root first: ``"/1/4/17/"`` -> ``["1", "4", "17"]``."""
    if not isinstance(path, str) or not path.startswith("/") or not path.endswith("/") or len(path) < 3:
        raise ValidationError(
            f"unit_path: {path!r} must look like '/root/child/unit/'", field="unit_path", value=path
        )
    codes = path[1:-1].split("/")
    for code in codes:
        check_unit_code(code)
    return codes


def item_column(key: str) -> str:
    """Column name of item ``key``."""
    return ITEM_PREFIX + check_key(key, field="item")


def background_column(name: str) -> str:
    """Column name of background variable ``name``."""
    return BACKGROUND_PREFIX + check_key(name, field="background")


#: The segment name that splits by the fixed ``channel`` column (how the answer came in: web link, paper,
#: phone, kiosk, ...) rather than by a background variable ``bg_<name>``.
CHANNEL_SEGMENT = "channel"


def segment_column(name: str) -> str:
    """Column a segment ``name`` groups by: ``channel`` for :data:`CHANNEL_SEGMENT`, else ``bg_<name>``."""
    return CHANNEL_SEGMENT if name == CHANNEL_SEGMENT else background_column(name)


def segment_names(background: list[str]) -> list[str]:
    """Every segment a survey can be split by: its background variables and the channel."""
    return sorted({*background, CHANNEL_SEGMENT})


def partition_dir(table: str, survey: str, month: str) -> str:
    """Relative folder of one partition, e.g. ``responses/survey=demo/month=2024-03``."""
    return f"{table}/survey={check_survey_key(survey)}/month={check_month(month)}"


def part_file_name(generation: int, index: int) -> str:
    """Deterministic name of the ``index``-th file written by commit ``generation``."""
    return f"part-{generation:06d}-{index:04d}.parquet"


def quarter_of(month: str) -> str:
    """``"2024-05"`` -> ``"2024-Q2"``."""
    year, mon = month.split("-")
    return f"{year}-Q{(int(mon) - 1) // 3 + 1}"


def month_index(month: str) -> int:
    """Months since year 0, so that consecutive months differ by one."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_from_index(index: int) -> str:
    """Inverse of :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def submission_key(value: object) -> str:
    """The lake's spelling of a submission id: a UUID in any form (with or without dashes, braces, upper
    case) becomes its 32 lower-case hex digits, as the database sync writes it; any other id (an imported
    lake's own ids) is kept as given, without surrounding blanks. Erasure and sync both spell ids this way."""
    if isinstance(value, uuid.UUID):
        return value.hex
    text = str(value).strip()
    try:
        return uuid.UUID(text).hex
    except ValueError:
        return text


def submission_keys(values: Iterable[object]) -> list[str]:
    """:func:`submission_key` of each value, without repeats or empty ones, sorted."""
    return sorted({key for key in map(submission_key, values) if key})
