"""Stored answer sets into the lake's item, background and comment columns, a whole batch at a time.

The lake sync reads responses by the ten thousand; building one record per response and flattening the
records again cost more than everything else in the sync (docs/operations.md, "The lake sync at scale").
Here each stored item becomes one Arrow column of a batch directly, by the item's kind in the survey
version the responses were given on:

========  ==============================  ============================================================
kind      column                          value
========  ==============================  ============================================================
numeric   ``item_<key>`` (float64)        the number (``float(value)``); ``None`` stays missing
boolean   ``item_<key>`` (float64)        1.0 / 0.0 (``float(bool(value))``), a *share*
choice    ``bg_<key>`` (string)           the answer as text (``str(value)``), a segment
text      ``comment_<key>`` (string)      the text when it is not empty (already redacted when stored)
========  ==============================  ============================================================

Any other kind (a multiple choice, a key the version does not know) is left out. A column exists when
at least one response of the batch holds its key (a comment column: a non-empty text).

The answer sets arrive as JSON text, one object per response. Arrow's JSON reader parses the whole batch
into typed columns at once; a column whose values have one plain type (whole numbers, decimals,
true/false, text) is converted by Arrow, and every other column value by value in Python, so each value
becomes exactly what ``float``, ``bool`` and ``str`` make of the value ``json.loads`` reads. Each survey
version's rows are parsed on their own (another survey may give a key another type), and a key is a column
of the parse when a row of the version holds it. Where Arrow cannot tell what ``json.loads`` would have read
(text that is not one object per line, a key whose values change type, whole numbers among decimals in a
text column, nested values) and for a version with positive-share dimensions, the version's answer sets are
read with ``json.loads`` and converted in Python. ``tests/analytics/lake/test_answer_columns.py`` checks both
ways value by value against the record path.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from kundpuls.analytics.lake.layout import BACKGROUND_PREFIX, COMMENT_PREFIX, ITEM_PREFIX, check_key
from kundpuls.analytics.positive_shares import ShareDimension, derived_answers
from kundpuls.errors import ValidationError

#: Where each kind of stored item goes: (column prefix, the nested field a record would name it by).
_PLACES = {
    "numeric": (ITEM_PREFIX, "answers"),
    "boolean": (ITEM_PREFIX, "answers"),
    "choice": (BACKGROUND_PREFIX, "background"),
    "text": (COMMENT_PREFIX, "comments"),
}


@dataclass(frozen=True)
class AnswerGroup:
    """The rows of a batch given on one survey version, with that version's stored items.

    ``positions`` are the rows' places in the batch; ``kinds`` maps item key -> kind (``numeric``,
    ``boolean``, ``choice``, ``text``, …); ``dimensions`` are the version's positive-share dimensions, whose
    indicator and score columns are added as numbers
    (:func:`kundpuls.analytics.positive_shares.derived_answers`).
    """

    positions: Sequence[int]
    kinds: Mapping[str, str]
    dimensions: Sequence[ShareDimension] = ()


def batch_answer_columns(texts: Sequence[str], groups: Sequence[AnswerGroup]) -> dict[str, pa.Array]:
    """The item, background and comment columns of a batch of stored answer sets, in batch order.

    Parameters
    ----------
    texts : sequence of str
        Each response's stored answers as JSON text (an object ``{item key: value}``).
    groups : sequence of AnswerGroup
        The batch's rows by survey version; together they hold every row once.

    Raises
    ------
    ValidationError
        An answer set is not a JSON object, or a stored key cannot name a lake column.
    """
    pieces = []
    for group in groups:
        mine = texts if len(group.positions) == len(texts) else [texts[i] for i in group.positions]
        parsed = None if group.dimensions else _parsed(mine)
        columns = None if parsed is None else _arrow_columns(parsed, group.kinds)
        if columns is None:
            answers = [_loads(text, position) for text, position in zip(mine, group.positions, strict=True)]
            columns = _python_columns(answers, group.kinds, group.dimensions)
        pieces.append((group.positions, columns))
    return _combine(pieces, len(texts))


def _parsed(texts: Sequence[str]) -> pa.Table | None:
    """The batch as Arrow columns, one row per text; None unless every text is one JSON object on a line
    (the reader is only handed what it reads row for row: a bare ``null`` line crashes pyarrow 26)."""
    if not texts or not all(isinstance(t, str) and t[:1] == "{" and t[-1:] == "}" for t in texts):
        return None
    try:
        payload = "\n".join(texts).encode("utf-8")
    except UnicodeEncodeError:
        return None
    if payload.count(b"\n") != len(texts) - 1:
        return None
    options = pa_json.ReadOptions(use_threads=False, block_size=len(payload) + 1)
    try:
        table = pa_json.read_json(io.BytesIO(payload), read_options=options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    return table if table.num_rows == len(texts) else None


def _loads(text: Any, position: int) -> Any:
    answers = json.loads(text) if isinstance(text, str | bytes) else text
    if not isinstance(answers, Mapping):
        raise ValidationError(
            f"answers[{position}]: a response's answers must be a JSON object, got {type(answers).__name__}",
            field="answers",
            value=position,
        )
    return answers


#: Arrow types whose values convert exactly, per kind, without going back to Python.
_PLAIN = {
    "numeric": (pa.types.is_integer, pa.types.is_floating, pa.types.is_null),
    "boolean": (pa.types.is_boolean, pa.types.is_null),
    "choice": (pa.types.is_string, pa.types.is_null),
    "text": (pa.types.is_string, pa.types.is_null),
}
#: Arrow types whose Python values are the ones ``json.loads`` reads (a decimal column may hold whole
#: numbers Arrow widened, which ``str`` spells otherwise; a nested value gains keys other rows have).
_FAITHFUL = (pa.types.is_integer, pa.types.is_boolean, pa.types.is_string, pa.types.is_null)


def _arrow_columns(rows: pa.Table, kinds: Mapping[str, str]) -> dict[str, pa.Array] | None:
    """One group's columns from Arrow's parse; None when only ``json.loads`` can tell (see the module)."""
    columns: dict[str, pa.Array] = {}
    for key in sorted(rows.column_names):
        kind = kinds.get(key)
        if kind not in _PLACES:
            continue
        parsed = rows.column(key).combine_chunks()
        if any(check(parsed.type) for check in _PLAIN[kind]):
            column = _ARROW[kind](parsed)
        elif any(check(parsed.type) for check in _FAITHFUL) or (
            kind in ("numeric", "boolean") and pa.types.is_floating(parsed.type)  # float(1) == float(1.0)
        ):
            column = _CONVERT[kind](parsed.to_pylist())
        else:
            return None
        if column is not None:
            prefix, field = _PLACES[kind]
            columns[prefix + check_key(str(key), field=field)] = column
    return columns


def _arrow_texts(array: pa.Array) -> pa.Array | None:
    if pa.types.is_null(array.type):
        return None
    array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    return None if array.null_count == len(array) else array


_ARROW = {
    "numeric": lambda array: pc.cast(array, pa.float64(), safe=False),
    "boolean": lambda array: pc.cast(array, pa.float64()),
    "choice": lambda array: pc.cast(array, pa.string()),
    "text": _arrow_texts,
}


def _python_columns(
    answers: Sequence[Mapping[str, Any]],
    kinds: Mapping[str, str],
    dimensions: Sequence[ShareDimension] = (),
) -> dict[str, pa.Array]:
    """One group's columns from its answer sets as ``json.loads`` reads them."""
    columns: dict[str, pa.Array] = {}
    present: set[str] = set().union(*answers) if answers else set()
    for key in sorted(present):
        kind = kinds.get(key)
        if kind not in _PLACES:
            continue
        column = _CONVERT[kind]([stored.get(key) for stored in answers])
        if column is not None:
            prefix, field = _PLACES[kind]
            columns[prefix + check_key(str(key), field=field)] = column
    if dimensions and answers:
        _add_derived(columns, derived_answers(dimensions, answers))
    return columns


def _add_derived(columns: dict[str, pa.Array], derived: Sequence[Mapping[str, float | None]]) -> None:
    """Indicator and dimension columns; where a stored item has the same name, a derived value wins."""
    for key in sorted(set().union(*derived)):
        name = ITEM_PREFIX + check_key(str(key), field="answers")
        column = pa.array([values.get(key) for values in derived], pa.float64())
        stored = columns.get(name)
        if stored is not None:
            given = pa.array([key in values for values in derived], pa.bool_())
            column = pc.if_else(given, column, pc.cast(stored, pa.float64()))
        columns[name] = column


def _inferred(values: list[Any]) -> pa.Array | None:
    """The values as one Arrow array of the type they share, or None when they share none."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError, TypeError):
        return None


def _numbers(values: list[Any]) -> pa.Array:
    array = _inferred(values)
    if array is not None and (
        pa.types.is_integer(array.type) or pa.types.is_floating(array.type) or pa.types.is_null(array.type)
    ):
        return pc.cast(array, pa.float64(), safe=False)
    return pa.array([None if value is None else float(value) for value in values], pa.float64())


def _yes_no(values: list[Any]) -> pa.Array:
    array = _inferred(values)
    if array is not None and (pa.types.is_boolean(array.type) or pa.types.is_null(array.type)):
        return pc.cast(array, pa.float64())
    return pa.array([None if value is None else float(bool(value)) for value in values], pa.float64())


def _categories(values: list[Any]) -> pa.Array:
    array = _inferred(values)
    if array is not None and (pa.types.is_string(array.type) or pa.types.is_null(array.type)):
        return pc.cast(array, pa.string())
    return pa.array([None if value is None else str(value) for value in values], pa.string())


def _texts(values: list[Any]) -> pa.Array | None:
    """Non-empty texts (an empty answer is no comment); None when no response has one."""
    array = _inferred(values)
    if array is not None and pa.types.is_string(array.type):
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    elif array is None or not pa.types.is_null(array.type):
        array = pa.array([str(value) if value else None for value in values], pa.string())
    return None if array.null_count == len(array) else pc.cast(array, pa.string())


_CONVERT = {"numeric": _numbers, "boolean": _yes_no, "choice": _categories, "text": _texts}


def _combine(
    groups: Sequence[tuple[Sequence[int], Mapping[str, pa.Array]]], rows: int
) -> dict[str, pa.Array]:
    """One batch's columns from its groups' (row positions, columns); a column a group lacks is empty for
    its rows."""
    if len(groups) == 1 and len(groups[0][0]) == rows:
        return dict(groups[0][1])
    names = sorted({name for _, columns in groups for name in columns})
    types = {name: columns[name].type for _, columns in groups for name in columns}
    order = pa.array([position for positions, _ in groups for position in positions], pa.int64())
    inverse = pc.sort_indices(order)
    combined = {}
    for name in names:
        pieces = [
            columns[name] if name in columns else pa.nulls(len(positions), types[name])
            for positions, columns in groups
        ]
        combined[name] = pa.concat_arrays(pieces).take(inverse)
    return combined
