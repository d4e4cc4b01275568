"""The one way Kundpuls reads an uploaded table (CSV or Excel): bounded, streaming, errors that name the row.

Recipient lists, unit files and cost files all pass through :func:`read_table`. It gives the cells of the
file as stripped strings, header row first, and refuses before it spends time or memory:

* a file larger than ``max_bytes`` (default 10 MB);
* more than ``max_rows`` rows after the header (default 50,000), more than ``max_columns`` columns
  (default 100) or more than ``max_cells`` cells in all (default 1,000,000) — reading stops at the first
  row over a limit, so a file of a million rows costs what the first 50,001 cost;
* a cell longer than ``max_cell_chars`` characters (default 4,096; ``wide_columns`` raises it for named
  columns);
* **CSV** (comma, semicolon or tab, whichever the header has most of) that is not UTF-8 (with or without a
  byte-order mark) or UTF-16 with a byte-order mark (Excel's "Unicode text"); a NUL character; a quote
  that is never closed or a stray character after a closing quote (``csv`` in strict mode), so an unclosed
  quote can never silently swallow the following rows into one cell;
* **Excel** other than ``.xlsx``/``.xlsm`` (``.xls`` and ``.ods``: save as ``.xlsx`` or CSV); a workbook
  whose zip members expand to more than ``max_unzipped_bytes`` (default 50 MB) — checked from the zip
  directory before anything is decompressed, so a zip bomb costs microseconds; the first sheet is then
  read in streaming mode (openpyxl ``read_only``) row by row under the limits above;
* **SPSS** (``.sav``/``.zsav``, only through :func:`read_labelled_table`, which also gives the variable and
  value labels): a file whose header declares more rows or columns than allowed, or whose rows would take
  more than ``max_unzipped_bytes`` once decompressed (rows × the variables' storage widths) — all read
  from the header before any row is; then at most ``max_rows + 1`` rows are read. User-missing codes (a
  "vet ej" coded 99) are kept as their codes, so a label can still say what they mean.

A problem with the file as a whole is a :class:`TableInputError` (``field="file"``, ``limit`` names the
limit); problems with cells are :class:`~kundpuls.errors.RowError` s in one
:class:`~kundpuls.errors.ImportRowsError` (row numbers count the header as row 1). Nothing else escapes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from kundpuls.errors import ImportRowsError, RowError, ValidationError, clip

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
OLD_SPREADSHEET_SUFFIXES = frozenset({".xls", ".ods", ".xlsb", ".numbers"})
SPSS_SUFFIXES = frozenset({".sav", ".zsav"})
Table = list[list[str]]


@dataclass(frozen=True)
class TableLimits:
    """The bounds of one upload; the defaults suit a recipient list, a unit tree or a cost file."""

    max_bytes: int = 10_000_000
    max_unzipped_bytes: int = 50_000_000
    max_rows: int = 50_000
    max_columns: int = 100
    max_cells: int = 1_000_000
    max_cell_chars: int = 4_096
    wide_columns: Mapping[str, int] = field(default_factory=dict)


DEFAULT_LIMITS = TableLimits()


class TableInputError(ValidationError):
    """The file as a whole cannot be read within the limits; ``limit`` names the limit (or the problem)."""

    def __init__(self, message: str, *, limit: str, value: object = None) -> None:
        super().__init__(f"file: {message}", field="file", value=value)
        self.limit = limit


def read_table(name: str, content: bytes, *, limits: TableLimits = DEFAULT_LIMITS) -> Table:
    """The cells of ``content`` (a file called ``name``) as stripped strings, the header row first.

    Raises
    ------
    TableInputError
        The file is too large, of an unknown kind, not UTF-8/UTF-16 text, not a readable workbook, or has
        more rows, columns or cells than ``limits`` allow.
    kundpuls.errors.ImportRowsError
        Cells longer than allowed, an unclosed quote or a stray quote (the row where the problem starts).
    """
    suffix = Path(name).suffix.lower()
    if len(content) > limits.max_bytes:
        raise _too_large(len(content), limits)
    if suffix in EXCEL_SUFFIXES:
        rows: Iterator[list[str]] = _excel_rows(content, limits)
    elif suffix in CSV_SUFFIXES:
        rows = _csv_rows(_decode(content), limits)
    elif suffix in OLD_SPREADSHEET_SUFFIXES:
        raise TableInputError(
            f"spara {suffix}-filen som .xlsx eller CSV / save the {suffix} file as .xlsx or CSV",
            limit="file_kind",
            value=name,
        )
    else:
        raise TableInputError(
            f"väntade .csv eller .xlsx, fick {clip(name)!r} / expected .csv or .xlsx",
            limit="file_kind",
            value=name,
        )
    return _bounded(rows, limits)


def read_csv_text(text: str, *, limits: TableLimits = DEFAULT_LIMITS) -> Table:
    """:func:`read_table` for CSV text already decoded (a leading byte-order mark is dropped)."""
    if len(text) > limits.max_bytes:
        raise _too_large(len(text), limits)
    return _bounded(_csv_rows(_without_nul(text.removeprefix("\ufeff")), limits), limits)


def read_table_file(path: Path, *, limits: TableLimits = DEFAULT_LIMITS) -> Table:
    """:func:`read_table` for a file on disk."""
    return read_table(path.name, file_bytes(path, limits=limits), limits=limits)


def file_bytes(path: Path, *, limits: TableLimits = DEFAULT_LIMITS) -> bytes:
    """The bytes of ``path``, its size checked against ``limits.max_bytes`` before it is read."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _too_large(size, limits)
        with path.open("rb") as handle:
            content = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise TableInputError(
            f"kan inte läsa {clip(str(path))!r} / cannot read the file ({type(exc).__name__})",
            limit="unreadable",
            value=clip(str(path)),
        ) from exc
    if len(content) > limits.max_bytes:  # a pipe or a file that grew while it was read
        raise _too_large(len(content), limits)
    return content


def _too_large(size: int, limits: TableLimits) -> TableInputError:
    return TableInputError(
        f"filen är större än {limits.max_bytes:,} byte ({size:,}) / "
        f"the file is larger than {limits.max_bytes:,} bytes",
        limit="max_bytes",
        value=size,
    )


def _decode(content: bytes) -> str:
    encoding = "utf-16" if content.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise TableInputError(
            f"texten är inte UTF-8 (byte {exc.start}); spara CSV-filen som UTF-8 / "
            "the text is not UTF-8; save the CSV as UTF-8",
            limit="encoding",
            value=exc.start,
        ) from exc
    return _without_nul(text)


def _without_nul(text: str) -> str:
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise TableInputError(
            f"tecknet NUL på rad {line}: är det en binärfil? / a NUL character on line {line}: "
            "is this a binary file?",
            limit="nul",
            value=line,
        )
    return text


def _delimiter(text: str) -> str:
    """The separator the header row has most of: ';' (Swedish Excel), ',' or a tab (Unicode text)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str, limits: TableLimits) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    row = 1
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem = str(exc)
            if "field larger than field limit" in problem:
                message = (
                    f"en cell är längre än {limits.max_cell_chars:,} tecken / "
                    f"a cell is longer than {limits.max_cell_chars:,} characters"
                )
            else:
                message = (
                    f"felaktig citering från rad {line} i filen (ett citattecken som aldrig stängs eller "
                    f"tecken efter ett avslutande citattecken) / malformed quoting from line {line} "
                    f"({problem})"
                )
            raise _RowProblem(RowError(row, "", "", message)) from exc
        yield [c.strip() for c in cells]
        row += 1


def _excel_rows(content: bytes, limits: TableLimits) -> Iterator[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as exc:  # unsupported zip version
        raise _not_a_workbook(exc) from exc
    if unzipped > limits.max_unzipped_bytes:
        raise TableInputError(
            f"arbetsboken packas upp till mer än {limits.max_unzipped_bytes:,} byte ({unzipped:,}) / "
            f"the workbook unpacks to more than {limits.max_unzipped_bytes:,} bytes",
            limit="max_unzipped_bytes",
            value=unzipped,
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (
        Exception
    ) as exc:  # openpyxl raises KeyError, ValueError, XML errors … for damaged or foreign files
        raise _not_a_workbook(exc) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return
        declared = getattr(sheet, "max_row", None)  # the sheet's <dimension>: refuse a large file at once
        if isinstance(declared, int) and declared > limits.max_rows + 1:
            raise _too_many_rows(limits)
        # no row past the limit and no column past the limit is built (openpyxl pads rows to max_col)
        rows = sheet.iter_rows(max_row=limits.max_rows + 2, max_col=limits.max_columns + 1, values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet part: bad XML, a bad cell reference …
                raise _not_a_workbook(exc) from exc
            cells = [_excel_cell(v) for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            yield cells
    finally:
        workbook.close()


def _too_many_rows(limits: TableLimits) -> TableInputError:
    return TableInputError(
        f"fler än {limits.max_rows:,} rader efter rubrikraden / "
        f"more than {limits.max_rows:,} rows after the header",
        limit="max_rows",
        value=limits.max_rows,
    )


def _not_a_workbook(exc: BaseException) -> TableInputError:
    return TableInputError(
        f"inte en läsbar Excel-arbetsbok (.xlsx) ({type(exc).__name__}) / "
        "not a readable Excel workbook (.xlsx)",
        limit="unreadable",
    )


def _excel_cell(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


class _RowProblem(Exception):
    """A row problem after which the rest of the file cannot be read (malformed quoting)."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


def _bounded(rows: Iterator[list[str]], limits: TableLimits) -> Table:
    table: Table = []
    errors: list[RowError] = []
    header: list[str] = []
    cells = 0
    try:
        for number, row in enumerate(rows, start=1):
            if number > limits.max_rows + 1:
                raise _too_many_rows(limits)
            if len(row) > limits.max_columns:
                raise TableInputError(
                    f"rad {number} har {len(row):,} kolumner, högst {limits.max_columns:,} går / "
                    f"row {number} has more than {limits.max_columns:,} columns",
                    limit="max_columns",
                    value=len(row),
                )
            cells += len(row)
            if cells > limits.max_cells:
                raise TableInputError(
                    f"fler än {limits.max_cells:,} celler / more than {limits.max_cells:,} cells",
                    limit="max_cells",
                    value=cells,
                )
            if number == 1:
                header = [h.lower() for h in row]
            for index, value in enumerate(row):
                column = header[index] if index < len(header) else f"#{index + 1}"
                allowed = limits.wide_columns.get(column, limits.max_cell_chars)
                if len(value) > allowed:  # at most max_bytes / max_cell_chars of them
                    errors.append(
                        RowError(
                            number,
                            column,
                            value,
                            f"längre än {allowed:,} tecken ({len(value):,}) / "
                            f"longer than {allowed:,} characters",
                        )
                    )
            table.append(row)
    except _RowProblem as problem:
        errors.append(problem.error)
    if errors:
        raise ImportRowsError(errors)
    return table


# ----------------------------------------------------------------------------- tables with labels (SPSS)


@dataclass(frozen=True)
class LabelledTable:
    """A table with what a statistics file says about its columns (empty for CSV and Excel).

    ``variable_labels``: column → its label (an SPSS variable label, "Hur nöjd är du …");
    ``value_labels``: column → {cell as :attr:`rows` spell it ("1") → its label ("Mycket nöjd")}.
    """

    rows: Table
    variable_labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)


def read_labelled_table(name: str, content: bytes, *, limits: TableLimits = DEFAULT_LIMITS) -> LabelledTable:
    """:func:`read_table` that also reads SPSS ``.sav`` files, with their variable and value labels.

    Raises
    ------
    TableInputError, kundpuls.errors.ImportRowsError
        As :func:`read_table`; for ``.sav`` also a file that is not a readable SPSS file.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in SPSS_SUFFIXES:
        if suffix not in CSV_SUFFIXES | EXCEL_SUFFIXES | OLD_SPREADSHEET_SUFFIXES:
            raise TableInputError(
                f"väntade .csv, .xlsx eller .sav, fick {clip(name)!r} / expected .csv, .xlsx or .sav",
                limit="file_kind",
                value=name,
            )
        return LabelledTable(read_table(name, content, limits=limits))
    if len(content) > limits.max_bytes:
        raise _too_large(len(content), limits)
    return _spss_table(content, suffix, limits)


def _spss_table(content: bytes, suffix: str, limits: TableLimits) -> LabelledTable:
    import tempfile

    import pyreadstat

    with tempfile.TemporaryDirectory(prefix="kundpuls-sav-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        except Exception as exc:  # pyreadstat raises its own errors (and others) for damaged or foreign files
            raise _not_spss(exc) from exc
        declared_rows = int(meta.number_rows) if meta.number_rows is not None else -1
        if declared_rows > limits.max_rows:
            raise _too_many_rows(limits)
        if len(meta.column_names) > limits.max_columns:
            raise TableInputError(
                f"filen har {len(meta.column_names):,} variabler, högst {limits.max_columns:,} går / "
                f"the file has more than {limits.max_columns:,} variables",
                limit="max_columns",
                value=len(meta.column_names),
            )
        width = sum(int(w or 8) for w in (meta.variable_storage_width or {}).values()) or 8
        if max(declared_rows, 0) * width > limits.max_unzipped_bytes:
            raise TableInputError(
                f"raderna tar mer än {limits.max_unzipped_bytes:,} byte uppackade / "
                f"the rows take more than {limits.max_unzipped_bytes:,} bytes decompressed",
                limit="max_unzipped_bytes",
                value=declared_rows * width,
            )
        try:
            frame, meta = pyreadstat.read_sav(str(path), user_missing=True, row_limit=limits.max_rows + 1)
        except Exception as exc:
            raise _not_spss(exc) from exc
    columns = [str(c) for c in frame.columns]
    records = frame.itertuples(index=False, name=None)
    rows: Iterator[list[str]] = iter([columns, *([_spss_cell(v) for v in r] for r in records)])
    table = _bounded(rows, limits)
    variable_labels = {str(k): str(v) for k, v in (meta.column_names_to_labels or {}).items() if v}
    value_labels = {
        str(column): {_spss_cell(code): str(label) for code, label in labels.items()}
        for column, labels in (meta.variable_value_labels or {}).items()
    }
    return LabelledTable(table, variable_labels, value_labels)


def _not_spss(exc: BaseException) -> TableInputError:
    return TableInputError(
        f"inte en läsbar SPSS-fil (.sav) ({type(exc).__name__}) / not a readable SPSS file (.sav)",
        limit="unreadable",
    )


def _spss_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN: system-missing
        return ""
    to_datetime = getattr(value, "to_pydatetime", None)  # a pandas Timestamp (NaT is "missing")
    if to_datetime is not None:
        if str(value) == "NaT":
            return ""
        value = to_datetime()
    return _excel_cell(value)
