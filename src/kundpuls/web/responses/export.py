"""Respondent data out: one row per response, its codebook, and the files an analyst opens.

:func:`export_table` builds the rows and the codebook of a selection (a survey, optionally a unit's subtree
and a range of months); the writers turn them into CSV, Excel, SPSS ``.sav`` (variable labels from the
items' texts, value labels from the options and scales, "vet ej" as a declared missing code) or Parquet.
What leaves is what the results already rest on, never more:

* no contact data, and not the consent question (it belongs to contact data);
* comments as they are stored: with personal data already replaced by placeholders;
* the unit's code, the language, the channel, and the submission time only as the first day of its
  quarter (or, when asked, its month): the anonymity rule counts respondents per unit × quarter (or
  month), so the file never tells a finer time that would split such a group; rows are ordered by
  period, unit and id, never by the time they came in.

The columns are the import's (:mod:`kundpuls.web.responses.history`): ``id``, ``unit``, ``submitted``,
``language``, ``channel``, then one column per stored item (a multiple choice as ``KEY_OPTION`` 0/1
columns), so a file exported from one survey imports into another with the same questions. The checks of
permission and anonymity, and the audit event, are in :func:`kundpuls.web.responses.actions.export_responses`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.errors import InvalidArgument, ValidationError
from kundpuls.instruments import DONT_KNOW, StoredItem, SurveyDefinition
from kundpuls.instruments.history_mapping import importable_items
from kundpuls.render.formula_guard import csv_row, xlsx_strings
from kundpuls.web.responses.models import Response

FORMATS = ("csv", "xlsx", "sav", "parquet")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "parquet": "application/vnd.apache.parquet",
}
FIXED_COLUMNS = ("id", "unit", "submitted", "language", "channel")
FIXED_LABELS = {
    "id": "Svarets id / response id",
    "unit": "Enhet (kod) / unit code",
    "language": "Språk / language",
    "channel": "Kanal / channel",
}
PRECISIONS = ("quarter", "month")  # the finest time an export tells, and the groups the rule counts
SUBMITTED_LABELS = {
    "quarter": "Inskickad: kvartalets första dag / submitted: the first day of its quarter",
    "month": "Inskickad: månadens första dag / submitted: the first day of its month",
}
CHOSEN_LABELS = {0: "Ej vald / not chosen", 1: "Vald / chosen"}
YES_NO_LABELS = {0: "Nej / no", 1: "Ja / yes"}
DONT_KNOW_LABEL = "Vet ej / ej aktuellt"


@dataclass(frozen=True)
class Variable:
    """One column of the export: its name, label, kind and (for SPSS) its codes and their labels."""

    name: str
    label: str
    kind: str  # text, number, date, or the item kind
    item: StoredItem | None = None
    option: str | None = None
    codes: dict[str, int] | None = None  # stored value -> SPSS code (choices)
    value_labels: dict[int, str] | None = None
    missing_code: int | None = None  # the code of "vet ej" (declared missing in SPSS)


def variables(definition: SurveyDefinition, precision: str = "quarter") -> list[Variable]:
    """The columns of an export of ``definition``, in order (``submitted`` labelled by ``precision``)."""
    result = [
        Variable(name, SUBMITTED_LABELS[precision], "date")
        if name == "submitted"
        else Variable(name, FIXED_LABELS[name], "text")
        for name in FIXED_COLUMNS
    ]
    for item in importable_items(definition).values():
        label = item.text.sv
        if item.kind == "choices":
            for value, text in zip(item.options or (), item.option_texts or (), strict=False):
                result.append(
                    Variable(
                        f"{item.question_key}_{value}",
                        f"{label}: {text.sv}",
                        "chosen",
                        item=item,
                        option=value,
                        value_labels=dict(CHOSEN_LABELS),
                    )
                )
        elif item.kind == "choice":
            options = item.options or ()
            numeric = all(o.lstrip("-").isdigit() and len(o) < 9 for o in options)
            codes = {o: int(o) if numeric else i for i, o in enumerate(options, start=1)}
            labels = {codes[o]: t.sv for o, t in zip(options, item.option_texts or (), strict=False)}
            missing = _missing_code(set(codes.values()), 0, max(codes.values(), default=0))
            if item.allows_dont_know:
                labels[missing] = DONT_KNOW_LABEL
            result.append(Variable(item.key, label, "choice", item, None, codes, labels, missing))
        elif item.kind == "numeric":
            low, high = int(item.scale_min or 0), int(item.scale_max or 0)
            labels = {}
            if item.min_label is not None and item.integer:
                labels[low] = item.min_label.sv
            if item.max_label is not None and item.integer:
                labels[high] = item.max_label.sv
            missing = _missing_code(set(), low, high)
            if item.allows_dont_know:
                labels[missing] = DONT_KNOW_LABEL
            result.append(Variable(item.key, label, "numeric", item, None, None, labels, missing))
        elif item.kind == "boolean":
            result.append(Variable(item.key, label, "boolean", item, value_labels=dict(YES_NO_LABELS)))
        else:
            result.append(Variable(item.key, label, "text", item))
    return result


def _missing_code(used: set[int], low: int, high: int) -> int:
    """The code of "vet ej": 99 when it is outside the scale and unused, else one below the scale."""
    return 99 if high < 99 and low <= 99 and 99 not in used and not low <= 99 <= high else min(low, 0) - 1


@dataclass(frozen=True)
class ExportTable:
    """The selection as rows of stored values (``None``: unanswered, :data:`DONT_KNOW`: "vet ej")."""

    variables: list[Variable]
    rows: list[list[Any]]
    units: dict[int, str]  # unit pk -> code, every unit with a row


def export_table(
    definition: SurveyDefinition, responses: Iterable[Response], precision: str = "quarter"
) -> ExportTable:
    """One row per response in ``responses`` (with ``unit`` loaded), in the columns of :func:`variables`,
    ordered by period, unit and id: the order they came in would tell the time the file leaves out."""
    columns = variables(definition, precision)
    rows: list[list[Any]] = []
    units: dict[int, str] = {}
    ordered = sorted(
        responses,
        key=lambda r: (period_start(r.submitted_at, precision), r.unit.code, str(r.submission_id)),
    )
    for response in ordered:
        units[response.unit_id] = response.unit.code
        answers = response.answers
        row: list[Any] = [
            str(response.submission_id),
            response.unit.code,
            period_start(response.submitted_at, precision),
            response.language,
            response.channel,
        ]
        for variable in columns[len(FIXED_COLUMNS) :]:
            item = variable.item
            assert item is not None
            if item.key not in answers:
                row.append(None)
                continue
            value = answers[item.key]
            if variable.kind == "chosen":
                row.append(None if value is None else int(variable.option in (value or [])))
            elif value is None:
                row.append(DONT_KNOW if item.kind != "text" else None)
            elif variable.kind == "boolean":
                row.append(int(bool(value)))
            else:
                row.append(value)
        rows.append(row)
    return ExportTable(columns, rows, units)


EARLIEST_YEAR, LATEST_YEAR = 1990, 2100  # the import's earliest date; no month a time zone cannot hold


def parse_month(text: str | None, *, field: str) -> date | None:
    """``YYYY-MM`` as the first day of that month (years 1990–2100); :class:`InvalidArgument` names
    ``field`` and the value."""
    if text is None or not str(text).strip():
        return None
    try:
        year, month = str(text).strip().split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(text)
        found = date(int(year), int(month), 1)
        if not EARLIEST_YEAR <= found.year <= LATEST_YEAR:
            raise ValueError(text)
        return found
    except ValueError:
        raise InvalidArgument(
            _("%(field)s: %(value)r is not a month (YYYY-MM, 1990–2100)")
            % {"field": field, "value": str(text)[:40]},
            field=field,
            value=str(text)[:40],
        ) from None


def month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def check_precision(precision: str) -> str:
    if precision not in PRECISIONS:
        raise InvalidArgument(
            _("precision: %(value)r; one of %(choices)s")
            % {"value": str(precision)[:40], "choices": ", ".join(PRECISIONS)},
            field="precision",
            value=str(precision)[:40],
        )
    return precision


def period_start(moment: datetime, precision: str) -> date:
    """The first day of the quarter (or month) of a stored time, as the results count it (local time)."""
    local = timezone.localtime(moment)
    month = local.month if precision == "month" else (local.month - 1) // 3 * 3 + 1
    return date(local.year, month, 1)


def period_of(moment: datetime, precision: str) -> str:
    """The quarter (``"2024-Q1"``) or month (``"2024-01"``) of a stored time, in local time."""
    start = period_start(moment, precision)
    if precision == "month":
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class ExportResult:
    """A file of respondent data and its codebook (CSV), with what it holds."""

    content: bytes
    codebook: bytes
    file_format: str
    file_name: str
    rows: int
    units: tuple[str, ...]

    def summary(self) -> dict[str, Any]:
        return {
            "format": self.file_format,
            "file": self.file_name,
            "rows": self.rows,
            "units": list(self.units),
        }


class SelectionTooSmall(ValidationError):
    """An export refused because it would reveal a group below the anonymity threshold."""

    def __init__(self, groups: list[dict[str, Any]], threshold: int) -> None:
        listed = "; ".join(
            f"{g['unit']} {g['period']} ({'i urvalet' if g['group'] == 'selected' else 'utanför urvalet'})"
            for g in groups[:10]
        )
        super().__init__(
            f"selection: urvalet skulle visa grupper under anonymitetsgränsen {threshold} ({listed}); "
            "välj hela perioder, kvartal i stället för månader eller en större enhet / the selection "
            f"would reveal groups below the threshold {threshold}; choose whole periods, quarters instead "
            "of months or a larger unit",
            field="selection",
            value=[g["unit"] for g in groups[:10]],
        )
        self.groups = groups
        self.threshold = threshold


# ------------------------------------------------------------------------------------------ writers


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def write_csv(table: ExportTable) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens it right), formula-like text behind a quote."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([v.name for v in table.variables])
    for row in table.rows:
        writer.writerow(csv_row(_plain(value) for value in row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(table: ExportTable) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Svar"
    sheet.append([v.name for v in table.variables])
    for row in table.rows:
        sheet.append(row)
    labels = book.create_sheet("Kodbok")
    for line in codebook_rows(table):
        labels.append(line)
    xlsx_strings(book.worksheets)  # a comment that begins with "=" stays text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _spss_value(variable: Variable, value: Any) -> Any:
    if value is None:
        return None
    if value == DONT_KNOW and variable.missing_code is not None:
        return variable.missing_code
    if variable.kind == "choice" and variable.codes is not None:
        return variable.codes.get(str(value))
    return value


def write_sav(table: ExportTable, path: str) -> None:
    """An SPSS file: variable labels, value labels and "vet ej" as a declared missing code."""
    import pandas as pd
    import pyreadstat

    data: dict[str, Any] = {}
    for index, variable in enumerate(table.variables):
        cells = [_spss_value(variable, row[index]) for row in table.rows]
        if variable.kind in ("text",):
            data[variable.name] = pd.Series([None if c is None else str(c) for c in cells], dtype="object")
        elif variable.kind == "date":
            data[variable.name] = pd.Series(cells, dtype="object")  # datetime.date: an SPSS DATE
        else:
            data[variable.name] = pd.Series(
                [float("nan") if c is None else float(c) for c in cells], dtype="float64"
            )
    frame = pd.DataFrame(data)
    pyreadstat.write_sav(
        frame,
        path,
        column_labels={v.name: v.label[:250] for v in table.variables},
        variable_value_labels={
            v.name: {float(code): text[:120] for code, text in v.value_labels.items()}
            for v in table.variables
            if v.value_labels
        },
        missing_ranges={
            v.name: [float(v.missing_code)]
            for v in table.variables
            if v.missing_code is not None and v.value_labels and v.missing_code in v.value_labels
        },
    )


def write_parquet(table: ExportTable) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, Any] = {}
    for index, variable in enumerate(table.variables):
        cells = [row[index] for row in table.rows]
        if (
            variable.kind in ("numeric", "choice", "text")
            or variable.kind == "chosen"
            or variable.kind == "boolean"
        ):
            if variable.kind in ("chosen", "boolean"):
                columns[variable.name] = pa.array(cells, type=pa.int8())
            elif variable.kind == "numeric":
                columns[variable.name] = pa.array([_number_or_text(c) for c in cells], type=pa.string())
            else:
                columns[variable.name] = pa.array(
                    [None if c is None else str(c) for c in cells], type=pa.string()
                )
        elif variable.kind == "date":
            columns[variable.name] = pa.array(cells, type=pa.date32())
        else:
            columns[variable.name] = pa.array(
                [None if c is None else str(c) for c in cells], type=pa.string()
            )
    out = io.BytesIO()
    pq.write_table(pa.table(columns), out)
    return out.getvalue()


def _number_or_text(value: Any) -> str | None:
    return None if value is None else str(value)


def codebook_rows(table: ExportTable) -> list[list[Any]]:
    """The codebook: a row per variable (name, label, kind, scale) and a row per labelled value."""
    rows: list[list[Any]] = [["variable", "label", "kind", "value", "value_label"]]
    for variable in table.variables:
        kind = variable.item.question_type if variable.item is not None else variable.kind
        rows.append([variable.name, variable.label, kind, "", ""])
        item = variable.item
        if variable.kind == "choice" and item is not None:
            for option, text in zip(item.options or (), item.option_texts or (), strict=False):
                code = (variable.codes or {}).get(option)
                rows.append([variable.name, "", "", option, f"{text.sv} (SPSS {code})"])
        elif variable.value_labels:
            for number, label in sorted(variable.value_labels.items()):
                if number != variable.missing_code:
                    rows.append([variable.name, "", "", number, label])
        if (
            variable.missing_code is not None
            and variable.value_labels
            and variable.missing_code in variable.value_labels
        ):
            rows.append(
                [variable.name, "", "", DONT_KNOW, f"{DONT_KNOW_LABEL} (SPSS {variable.missing_code})"]
            )
    return rows


def write_codebook(table: ExportTable) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in codebook_rows(table):
        writer.writerow(csv_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write(table: ExportTable, file_format: str) -> bytes:
    """The export in ``file_format`` (one of :data:`FORMATS`) as bytes."""
    if file_format == "csv":
        return write_csv(table)
    if file_format == "xlsx":
        return write_xlsx(table)
    if file_format == "parquet":
        return write_parquet(table)
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="kundpuls-export-") as folder:
        path = Path(folder) / "export.sav"
        write_sav(table, str(path))
        return path.read_bytes()
