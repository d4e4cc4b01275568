"""A temporary response lake built from a plain table of answers (an export from any survey tool).

The standalone report (``kundpuls report responses.csv --survey survey.yaml``) has no server and no
database: the table is written to a lake in a temporary folder through the lake's own sync
(:func:`kundpuls.analytics.lake.sync.sync_lake`), so its numbers come from exactly the same code path as
the web's.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from kundpuls.analytics.item_metadata import lake_item_metadata
from kundpuls.analytics.lake.manifest import lake_location, manifest_exists, read_manifest
from kundpuls.analytics.lake.sync import SyncReport, sync_lake
from kundpuls.analytics.positive_shares import derived_answers, is_derived_column, share_dimensions
from kundpuls.analytics.unit_paths import path_from_segments
from kundpuls.errors import ValidationError
from kundpuls.instruments import SurveyDefinition, kano_pairs, stored_items

ROOT_CODE = "ALL"
_CODE = re.compile(r"[^A-Za-z0-9ÅÄÖåäö_.-]+")


def unit_code_for(name: str) -> str:
    """A lake-safe unit code for a unit name from a file (no ``/`` or white space)."""
    code = _CODE.sub("-", str(name).strip()).strip("-")
    return code or "UNIT"


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _missing_as_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _timestamp(value: Any, row: int, column: str) -> datetime:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValidationError(
            f"row {row}: {column} {value!r} is not a date", field=column, value=value
        ) from None
    if pd.isna(stamp):
        raise ValidationError(f"row {row}: {column} is empty", field=column, value=value)
    moment = stamp.to_pydatetime()
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def lake_from_frame(
    frame: pd.DataFrame,
    definition: SurveyDefinition,
    lake_dir: str | os.PathLike[str],
    *,
    unit_column: str = "unit",
    time_column: str = "submitted_at",
    parents: Mapping[str, str] | None = None,
) -> tuple[SyncReport, dict[str, str]]:
    """Write ``frame`` (one row per response, one column per item key) to the lake at ``lake_dir``.

    A new lake is created when there is none; otherwise the rows are appended after its watermark (e.g. a
    second survey into the same lake).

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns named by the survey's item keys, plus ``unit_column`` (unit name or code; missing: one
        unit) and ``time_column`` (submission time; missing: now, so everything is one period).
    definition : SurveyDefinition
        The survey (its codebook says what the indices are).
    parents : mapping, optional
        ``{unit: parent unit}`` for a deeper tree; by default every unit hangs under one root ``ALL``.

    Returns
    -------
    (SyncReport, dict)
        The sync report and ``{unit code: unit name}``.
    """
    items = lake_item_metadata(definition)
    numeric = [k for k in items if k in frame.columns and not is_derived_column(k)]
    dimensions = share_dimensions(definition)
    scored = {item for dimension in dimensions for item in dimension.items if item in frame.columns}
    kano_items = {
        item
        for _, functional, dysfunctional in kano_pairs(definition)
        for item in (functional, dysfunctional)
    }
    if not numeric and not scored and not kano_items & set(frame.columns):
        raise ValidationError(
            f"responses: no column is a numeric item or Kano answer of survey {definition.key!r}",
            field="columns",
            value=list(frame.columns)[:10],
        )
    texts = [i.key for i in stored_items(definition) if i.kind == "text" and i.key in frame.columns]
    choices = [i.key for i in stored_items(definition) if i.kind == "choice" and i.key in frame.columns]
    names: dict[str, str] = {ROOT_CODE: definition.title.in_language("sv") if definition.title else ROOT_CODE}
    unit_values = (
        frame[unit_column].astype(str) if unit_column in frame.columns else pd.Series(["Enhet"] * len(frame))
    )
    codes = unit_values.map(unit_code_for)
    for name, code in zip(unit_values, codes, strict=True):
        names.setdefault(code, name)
    parent_codes = {unit_code_for(k): unit_code_for(v) for k, v in (parents or {}).items()}

    def path_of(code: str) -> str:
        chain = [code]
        while chain[-1] in parent_codes and len(chain) < 32:
            chain.append(parent_codes[chain[-1]])
        if chain[-1] != ROOT_CODE:
            chain.append(ROOT_CODE)
        return path_from_segments(reversed(chain))

    now = datetime.now(UTC)
    location = lake_location(lake_dir)
    offset = (read_manifest(location).watermark or 0) if manifest_exists(location) else 0
    records: list[dict[str, Any]] = []
    rows = frame.to_dict("records")
    derived = derived_answers(
        dimensions, [{k: _missing_as_none(row[k]) for k in scored if k in row} for row in rows]
    )
    for position, (row, code) in enumerate(zip(rows, codes, strict=True), start=1):
        when = _timestamp(row[time_column], position, time_column) if time_column in frame.columns else now
        records.append(
            {
                "response_id": offset + position,
                "submission_id": f"{definition.key}-row-{position}",
                "survey": definition.key,
                "survey_version": 1,
                "unit_code": code,
                "unit_path": path_of(code),
                "submitted_at": when,
                "channel": "import",
                "language": str(row.get("language") or "sv"),
                "answers": {k: _number(row.get(k)) for k in numeric} | derived[position - 1],
                "background": {k: (None if pd.isna(row.get(k)) else str(row.get(k))) for k in choices},
                "comments": {k: str(row[k]) for k in texts if isinstance(row.get(k), str) and row[k].strip()},
            }
        )

    def fetch(after: int | None, limit: int) -> list[dict[str, Any]]:
        start = max((after or offset) - offset, 0)
        return records[start : start + limit]

    report = sync_lake(lake_dir, fetch, survey_items={definition.key: items})
    return report, names
