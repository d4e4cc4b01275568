"""Reading a file of old responses (CSV, Excel, SPSS) into rows ready to store: the checks before any write.

:func:`read_history` reads the file through the one bounded table reader
(:func:`kundpuls.table_input.read_labelled_table`), gives every column its role
(:mod:`kundpuls.instruments.history_mapping`) and checks every row the way the respondent pages check a
response (:func:`kundpuls.web.responses.actions.prepare_answers`), plus what a file adds: the id (unique in
the file; the same id always gives the same submission id, so an import run twice stores nothing new), the
unit (a unit code of the survey owner's organisation), the submission time (kept: trends go back in time)
and language and channel. Every problem is collected and named by row, column and value; the import
itself (:func:`kundpuls.web.responses.actions.import_history`) writes all of the rows or none.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.errors import ImportRowsError, RowError
from kundpuls.instruments import AnswerErrors, SurveyDefinition
from kundpuls.instruments.history_mapping import (
    ColumnPlan,
    HistoryMapping,
    parse_mapping,
    plan_columns,
    raw_answers,
)
from kundpuls.render.formula_guard import restore_csv_cell
from kundpuls.table_input import CSV_SUFFIXES, LabelledTable, TableLimits, read_labelled_table
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.actions import prepare_answers
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Channel, Survey, SurveyVersion
from kundpuls.web.surveys.queries import current_version, definition_of
from kundpuls.yaml_input import load_yaml

#: The bounds of a file of old responses: larger than a recipient list (years of a survey, in SPSS).
HISTORY_LIMITS = TableLimits(
    max_bytes=50_000_000,
    max_unzipped_bytes=200_000_000,
    max_rows=100_000,
    max_columns=500,
    max_cells=3_000_000,
    max_cell_chars=4_096,
)
MAX_MAPPING_CHARS = 100_000
#: The channels an imported response may have (default ``import``; an export names each response's own).
IMPORT_CHANNELS: tuple[str, ...] = tuple(Channel.values)
#: A namespace of its own, so an id from a file never collides with a submission id made elsewhere.
HISTORY_NAMESPACE = uuid.UUID("6f1d5a52-3c1e-4f8e-9a55-6b8f3a0e2d71")
EARLIEST = date(1990, 1, 1)


def submission_id_for(survey_key: str, response_id: str) -> uuid.UUID:
    """The submission id of the file's response ``response_id`` in the survey with lake key ``survey_key``
    (the same every run; the lake key, unique across organisations, so that two organisations importing
    files with the same ids into their own ``nki`` never take each other's responses for their own)."""
    return uuid.uuid5(HISTORY_NAMESPACE, f"{survey_key}\n{response_id}")


def _own_responses(survey: Survey, plan: ColumnPlan, body: list[list[str]]) -> set[str]:
    """The ids of the file that are submission ids of this survey's own responses (its own export read
    back): those rows are the responses they name, so importing an export into its survey adds nothing."""
    index = plan.special_index("id")
    if index is None:
        return set()
    ids = set()
    for cells in body:
        try:
            ids.add(uuid.UUID(cells[index]))
        except (ValueError, IndexError):
            continue
    found = set()
    for start in range(0, len(ids), 5000):
        chunk = list(ids)[start : start + 5000]
        found |= {
            str(sid)
            for sid in Response.objects.filter(survey=survey, submission_id__in=chunk).values_list(
                "submission_id", flat=True
            )
        }
    return found


def read_mapping(text: str | None) -> HistoryMapping:
    """A mapping (``MAP.yaml``) through the one bounded YAML loader; empty text: match automatically."""
    if not text or not text.strip():
        return HistoryMapping()
    return parse_mapping(load_yaml(text, field="mapping", max_chars=MAX_MAPPING_CHARS))


@dataclass(frozen=True)
class HistoryRow:
    """One row of the file, checked: where it goes and the answers as the file gave them."""

    row: int
    submission_id: uuid.UUID
    unit: Unit
    channel: str
    language: str
    submitted_at: datetime
    answers: dict[str, Any]


@dataclass(frozen=True)
class History:
    """A checked file: the survey version it goes into, the column plan and its rows."""

    survey: Survey
    version: SurveyVersion
    definition: SurveyDefinition
    plan: ColumnPlan
    rows: tuple[HistoryRow, ...]

    def columns(self, *, language: str = "sv") -> list[dict[str, Any]]:
        return self.plan.describe(self.definition, language=language)

    def per_unit(self) -> dict[str, int]:
        return dict(sorted(Counter(row.unit.code for row in self.rows).items()))


def plan_file(
    survey: Survey, name: str, content: bytes, mapping: HistoryMapping
) -> tuple[SurveyVersion, SurveyDefinition, LabelledTable, ColumnPlan]:
    """The file read and its columns planned (the page shows the plan before anything is checked)."""
    version = current_version(survey)
    if version is None:
        raise ImportRowsError([RowError(0, "survey", survey.key, _("the survey has no published version"))])
    definition = definition_of(version)
    table = read_labelled_table(name, content, limits=HISTORY_LIMITS)
    if Path(name).suffix.lower() in CSV_SUFFIXES:  # a cell our own CSV export guarded comes back as typed
        table = replace(table, rows=[[restore_csv_cell(cell) for cell in row] for row in table.rows])
    if not table.rows:
        raise ImportRowsError([RowError(1, "", "", _("the file is empty"))])
    plan = plan_columns(definition, table.rows[0], variable_labels=table.variable_labels, mapping=mapping)
    return version, definition, table, plan


def read_history(survey: Survey, name: str, content: bytes, mapping: HistoryMapping) -> History:
    """Read and check every row of the file ``name``; :class:`ImportRowsError` names every problem."""
    version, definition, table, plan = plan_file(survey, name, content, mapping)
    if plan.problems:
        raise ImportRowsError(plan.problems)
    header = table.rows[0]
    body = table.rows[1:]
    units = _units(survey, plan, body, table)
    checker = _RowChecker(survey, definition, plan, header, table, mapping, units)
    checker.own = _own_responses(survey, plan, body)
    rows = [checker.check(number, cells) for number, cells in enumerate(body, start=2)]
    checker.duplicate_ids()
    if checker.problems:
        raise ImportRowsError(checker.problems)
    return History(survey, version, definition, plan, tuple(row for row in rows if row is not None))


def _units(survey: Survey, plan: ColumnPlan, body: list[list[str]], table: LabelledTable) -> dict[str, Unit]:
    """Every unit the file names (by code, or by a value label that is a code or a unit's name)."""
    index = plan.special_index("unit")
    wanted = {plan.defaults["unit"]} if "unit" in plan.defaults else set()
    labels: dict[str, str] = {}
    if index is not None:
        labels = table.value_labels.get(plan.roles[index].column, {})
        wanted |= {cells[index] for cells in body if index < len(cells) and cells[index]}
        wanted |= {labels[code] for code in wanted & set(labels)}
    found = Unit.objects.filter(path__startswith=survey.owner.path)
    by_code = {u.code: u for u in found.filter(code__in=wanted)}
    by_name = {u.name: u for u in found.filter(name__in=wanted - set(by_code))}
    result = {**by_name, **by_code}
    for code, label in labels.items():
        if code not in result and label in result:
            result[code] = result[label]
    return result


class _RowChecker:
    def __init__(
        self,
        survey: Survey,
        definition: SurveyDefinition,
        plan: ColumnPlan,
        header: list[str],
        table: LabelledTable,
        mapping: HistoryMapping,
        units: dict[str, Unit],
    ) -> None:
        self.survey = survey
        self.definition = definition
        self.plan = plan
        self.header = header
        self.table = table
        self.mapping = mapping
        self.units = units
        self.problems: list[RowError] = []
        self.ids: dict[str, list[int]] = {}
        self.now = timezone.now()
        self.own: set[str] = set()

    def _special(self, name: str, cells: list[str]) -> tuple[str, str]:
        """(column, cell) of the special column ``name``, or ("", the mapping's default)."""
        index = self.plan.special_index(name)
        if index is None:
            return name, self.plan.defaults.get(name, "")
        return self.plan.roles[index].column, cells[index] if index < len(cells) else ""

    def problem(self, row: int, column: str, value: str, message: str) -> None:
        self.problems.append(RowError(row, column, value, message))

    def check(self, number: int, cells: list[str]) -> HistoryRow | None:
        if not any(cells):
            return None  # an empty line (Excel leaves them) is no response
        before = len(self.problems)
        column, response_id = self._special("id", cells)
        if not response_id:
            self.problem(number, column, "", "svarets id saknas / the response id is missing")
        else:
            self.ids.setdefault(response_id, []).append(number)
        unit = self._unit(number, cells)
        submitted = self._submitted(number, cells)
        language = self._choice(number, cells, "language", self.definition.languages, "sv")
        channel = self._choice(number, cells, "channel", IMPORT_CHANNELS, Channel.IMPORT)
        answers, sources = raw_answers(
            self.plan, self.definition, cells, value_labels=self.table.value_labels, mapping=self.mapping
        )
        try:
            prepare_answers(self.definition, answers, language=language)
        except AnswerErrors as exc:
            for error in exc.errors:
                source_column, cell = sources.get(error.field or "", (error.field or "", ""))
                shown = cell if cell else ("" if error.value is None else str(error.value))
                self.problem(number, source_column, shown, f"{error.message('sv')} / {error.message('en')}")
        if len(self.problems) > before or unit is None or submitted is None:
            return None
        return HistoryRow(
            row=number,
            submission_id=uuid.UUID(response_id)
            if response_id in self.own
            else submission_id_for(self.survey.lake_key, response_id),
            unit=unit,
            channel=channel,
            language=language,
            submitted_at=submitted,
            answers=answers,
        )

    def _unit(self, number: int, cells: list[str]) -> Unit | None:
        column, code = self._special("unit", cells)
        unit = self.units.get(code)
        if unit is None:
            self.problem(
                number, column, code,
                f"ingen enhet med koden {code!r} i {self.survey.owner.name} / "
                "no unit with this code in the survey owner's organisation",
            )  # fmt: skip
        return unit

    def _submitted(self, number: int, cells: list[str]) -> datetime | None:
        column, text = self._special("submitted", cells)
        moment = parse_moment(text)
        if moment is None:
            self.problem(
                number, column, text,
                "inget datum (ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM-DD TT:MM eller ÅÅÅÅ-MM) / "
                "not a date (YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM)",
            )  # fmt: skip
            return None
        if moment > self.now or moment.date() < EARLIEST:
            self.problem(
                number, column, text,
                f"datumet ligger i framtiden eller före {EARLIEST.year} / the date is in the future or "
                f"before {EARLIEST.year}",
            )  # fmt: skip
            return None
        return moment

    def _choice(
        self, number: int, cells: list[str], name: str, allowed: tuple[str, ...], default: str
    ) -> str:
        column, value = self._special(name, cells)
        if not value:
            return default
        if value.casefold() in allowed:
            return value.casefold()
        self.problem(number, column, value, f"väntade ett av / expected one of: {', '.join(allowed)}")
        return default

    def duplicate_ids(self) -> None:
        column = self._special("id", [])[0]
        for response_id, rows in self.ids.items():
            for row in rows[1:]:
                self.problem(
                    row, column, response_id,
                    f"samma id som rad {rows[0]}: varje svar har ett eget id / the same id as row {rows[0]}",
                )  # fmt: skip


def parse_moment(text: str) -> datetime | None:
    """A submission time from a file: ISO date, date and time (with or without a zone) or a month.

    A time without a zone is the installation's local time; a date alone is noon of that day (so a time
    zone never moves it to another day); a month alone is noon of its first day.
    """
    text = text.strip()
    if not text or len(text) > 40:
        return None
    try:
        if len(text) == 7 and text[4] == "-":
            day = date.fromisoformat(text + "-01")
            return timezone.make_aware(datetime.combine(day, time(12)))
        if len(text) == 10:
            return timezone.make_aware(datetime.combine(date.fromisoformat(text), time(12)))
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
