"""Turn a response batch from the caller (dicts or an Arrow table) into the lake's two tables.

A batch is either a sequence of mappings (one per response) or a ``pyarrow.Table`` already in the flat
layout. A mapping looks like this (``survey`` may be spelt ``survey_key``; optional keys may be absent)::

    {
        "response_id": 1234,                # int, strictly increasing: the sync's high-water mark key
        "submission_id": "7f1c…",           # unique per response
        "survey": "medborgare",
        "survey_version": 3,                # optional
        "unit_code": "17",
        "unit_path": "/1/4/17/",            # materialised path of unit codes, root first, ends in unit_code
        "submitted_at": datetime(2024, 3, 5, 12, 0, tzinfo=UTC),   # naive datetimes are taken as UTC
        "channel": "link", "language": "sv",  # optional
        "weight": 1.0,                      # optional survey weight (> 0), null = 1
        "answers": {"q1": 8, "nps": 9},     # numeric answers; None / absent = missing ("vet ej")
        "background": {"age_group": "35-64"},
        "comments": {"q_open": "Bra bemötande"},   # open text, already redacted
    }

The flat layout uses the column names of :mod:`kundpuls.analytics.lake.layout`: the fixed columns,
``item_<key>``, ``bg_<name>`` and ``comment_<key>`` (the writer moves comments to their own table).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from kundpuls.analytics.lake.layout import (
    BACKGROUND_PREFIX,
    COMMENT_COLUMNS,
    COMMENT_PREFIX,
    ITEM_PREFIX,
    REQUIRED_FIELDS,
    RESPONSE_COLUMNS,
    check_key,
    check_survey_key,
    split_unit_path,
)
from kundpuls.errors import ValidationError

ResponseBatch: TypeAlias = Sequence[Mapping[str, Any]] | pa.Table

_NESTED = {"answers": ITEM_PREFIX, "background": BACKGROUND_PREFIX, "comments": COMMENT_PREFIX}


def flatten_records(records: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Flatten mapping records (nested ``answers``/``background``/``comments``) into a flat Arrow table."""
    columns: dict[str, list[Any]] = {}
    names: dict[tuple[str, str], str] = {}  # (nested field, key) -> checked column name, once per batch
    for row_number, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise ValidationError(
                f"batch[{row_number}]: a response must be a mapping, got {type(record).__name__}",
                field="batch",
                value=row_number,
            )
        flat: dict[str, Any] = {}
        for key, value in record.items():
            if key in _NESTED:
                if value is None:
                    continue
                if not isinstance(value, Mapping):
                    raise ValidationError(
                        f"batch[{row_number}].{key}: must be a mapping, got {type(value).__name__}",
                        field=key,
                        value=value,
                    )
                for inner, inner_value in value.items():
                    name = names.get((key, inner))
                    if name is None:
                        name = names[(key, inner)] = _NESTED[key] + check_key(str(inner), field=key)
                    flat[name] = inner_value
            elif key == "survey":
                flat["survey_key"] = value
            else:
                flat[key] = value
        for key in flat.keys() - columns.keys():
            columns[key] = [None] * row_number
        for key, values in columns.items():
            values.append(flat.get(key))
    return pa.table(columns) if columns else pa.table({})


def normalise_batch(batch: ResponseBatch, *, timezone: str) -> tuple[pa.Table, pa.Table]:
    """Validate a batch and return ``(responses, comments)`` in the lake layout, sorted by response id.

    Raises
    ------
    ValidationError
        A required field is missing or null, a value has the wrong type, a unit path does not end in
        its unit code, a submission id or response id repeats within the batch.
    """
    if isinstance(batch, pa.RecordBatch):
        batch = pa.Table.from_batches([batch])
    table = batch if isinstance(batch, pa.Table) else flatten_records(batch)
    if "survey" in table.column_names and "survey_key" not in table.column_names:
        table = table.rename_columns(["survey_key" if c == "survey" else c for c in table.column_names])
    for name in REQUIRED_FIELDS:
        if name not in table.column_names:
            raise ValidationError(f"batch: the field {name!r} is missing", field=name, value=None)
        if table.column(name).null_count:
            raise ValidationError(f"batch: the field {name!r} has empty values", field=name, value=None)
    columns: dict[str, pa.ChunkedArray] = {}
    for name, dtype in RESPONSE_COLUMNS.items():
        if name.startswith("period_"):
            continue
        if name == "submitted_at":
            columns[name] = _timestamps(table.column(name))
        elif name in table.column_names:
            columns[name] = _cast(table.column(name), dtype, name)
        else:
            columns[name] = pa.chunked_array([pa.nulls(table.num_rows, dtype)])
    extra = sorted(c for c in table.column_names if c not in RESPONSE_COLUMNS and c != "survey")
    items = [c for c in extra if c.startswith(ITEM_PREFIX)]
    background = [c for c in extra if c.startswith(BACKGROUND_PREFIX)]
    comment_columns = [c for c in extra if c.startswith(COMMENT_PREFIX)]
    unknown = sorted(set(extra) - set(items) - set(background) - set(comment_columns))
    if unknown:
        raise ValidationError(f"batch: unknown fields {unknown}", field="batch", value=unknown)
    for name in items:
        check_key(name[len(ITEM_PREFIX) :], field="item")
        values = _cast(table.column(name), pa.float64(), name)
        columns[name] = (
            pc.if_else(pc.is_nan(values), None, values) if values.null_count < len(values) else values
        )
    for name in background:
        check_key(name[len(BACKGROUND_PREFIX) :], field="background")
        columns[name] = _cast(table.column(name), pa.string(), name)
    _validate(columns)
    local = pc.cast(columns["submitted_at"], pa.timestamp("us", tz=timezone))
    month = pc.strftime(local, format="%Y-%m")
    year = pc.cast(pc.year(local), pa.int32())
    quarter = pc.binary_join_element_wise(
        pc.cast(year, pa.string()), pc.cast(pc.quarter(local), pa.string()), "-Q"
    )
    columns["period_month"] = month
    columns["period_quarter"] = quarter
    columns["period_year"] = year
    ordered = [*RESPONSE_COLUMNS, *items, *background]
    responses = pa.table({name: columns[name] for name in ordered})
    order = pc.sort_indices(responses, sort_keys=[("response_id", "ascending")])
    responses = responses.take(order)
    comments = _comments(table.take(order), responses, comment_columns)
    return responses, comments


def _timestamps(column: pa.ChunkedArray) -> pa.ChunkedArray:
    dtype = column.type
    if pa.types.is_timestamp(dtype):
        if dtype.tz is None:
            return pc.cast(pc.assume_timezone(column, "UTC"), pa.timestamp("us", tz="UTC"))
        return pc.cast(column, pa.timestamp("us", tz="UTC"))
    values = []
    for value in column.to_pylist():
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError as exc:
                raise ValidationError(
                    f"submitted_at: {value!r} is not an ISO date-time", field="submitted_at", value=value
                ) from exc
        if not isinstance(value, datetime):
            raise ValidationError(
                f"submitted_at: {value!r} is not a date-time", field="submitted_at", value=value
            )
        values.append(value if value.tzinfo else value.replace(tzinfo=UTC))
    return pa.chunked_array([pa.array(values, pa.timestamp("us", tz="UTC"))])


def _cast(column: pa.ChunkedArray, dtype: pa.DataType, name: str) -> pa.ChunkedArray:
    if column.type == dtype:
        return column
    if pa.types.is_null(column.type):
        return pa.chunked_array([pa.nulls(len(column), dtype)])
    text_like = (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer, pa.types.is_dictionary)
    if pa.types.is_string(dtype) and not any(check(column.type) for check in text_like):
        raise ValidationError(
            f"{name}: expected text, got values of type {column.type}", field=name, value=str(column.type)
        )
    try:
        return pc.cast(column, dtype)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        raise ValidationError(
            f"{name}: values of type {column.type} cannot be read as {dtype}: {exc}", field=name, value=None
        ) from exc


def _validate(columns: Mapping[str, pa.ChunkedArray]) -> None:
    for survey in pc.unique(columns["survey_key"]).to_pylist():
        check_survey_key(survey)
    pairs = pa.table({"code": columns["unit_code"], "path": columns["unit_path"]}).group_by(["code", "path"])
    for code, path in zip(*pairs.aggregate([]).to_pydict().values(), strict=True):
        split_unit_path(path)
        if not path.endswith(f"/{code}/"):
            raise ValidationError(
                f"unit_path: {path!r} does not end in its unit_code {code!r}", field="unit_path", value=path
            )
    for name in ("response_id", "submission_id"):
        if pc.count_distinct(columns[name]).as_py() != len(columns[name]):
            raise ValidationError(f"batch: {name} values repeat within the batch", field=name, value=None)
    weights = columns["weight"]
    if weights.null_count < len(weights) and pc.min(weights).as_py() <= 0:
        raise ValidationError(
            "weight: survey weights must be positive", field="weight", value=pc.min(weights).as_py()
        )


def _comments(table: pa.Table, responses: pa.Table, comment_columns: list[str]) -> pa.Table:
    pieces = []
    for name in comment_columns:
        texts = _cast(table.column(name), pa.string(), name)
        keep = pc.and_(pc.is_valid(texts), pc.not_equal(pc.utf8_trim_whitespace(texts), ""))
        if not pc.any(keep).as_py():
            continue
        rows = responses.filter(keep)
        question = pa.chunked_array(
            [pa.array([check_key(name[len(COMMENT_PREFIX) :], field="comment")] * rows.num_rows)]
        )
        pieces.append(
            pa.table(
                {
                    **{c: rows.column(c) for c in COMMENT_COLUMNS if c in rows.column_names},
                    "question": question,
                    "text": texts.filter(keep),
                }
            ).select(list(COMMENT_COLUMNS))
        )
    if not pieces:
        return pa.table({name: pa.array([], dtype) for name, dtype in COMMENT_COLUMNS.items()})
    return pa.concat_tables(pieces)
