"""Reading a file of old responses into a survey: which column is which item, and what each value means.

Pure: it gets a definition, the header of a table, the labels a statistics file carries (SPSS variable and
value labels; none for CSV and Excel) and an optional mapping (``MAP.yaml``), and gives

* :func:`plan_columns` — the role of every column: an item (by key, by the item's text as header or SPSS
  variable label, or by the mapping), one option of a multiple choice (``KEY_OPTION``, 0/1, as the
  export writes them), the response id, the unit, the submission time, the language or the channel, or
  ignored (``null`` in the mapping). Every column must find a role: a column that matches nothing is a
  problem (row 1), never silently dropped;
* :func:`raw_answers` — one row's raw answers (item key → value in the form the respondent pages post),
  each value recoded first through the mapping's ``values``, then through the file's value label
  (an SPSS ``1 = "Kvinna"`` becomes the option whose value or text is "Kvinna"; a label "Vet ej" becomes
  "vet ej"), else kept as it is for :func:`kundpuls.instruments.validate_answers` to judge.

The consent question and contact fields are never imported: old responses open no follow-up cases.

The mapping (every key optional)::

    id: Löpnr                  # the column that identifies a response (idempotence)
    unit: Enhet                # the column of unit codes …
    submitted: Datum           # … of submission dates or times
    language: Språk
    channel: Kanal
    defaults: {unit: VOF-HT-N, channel: paper, language: sv}   # when the file has no such column
    columns: {F1: nki_helhet, Kommentar2: null}                # file column → item key (null: ignore)
    values: {F1: {99: dont_know}, Kön: {1: woman, 2: man}}     # file column → {file value → value}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from kundpuls.errors import RowError, ValidationError, brief
from kundpuls.instruments.items import StoredItem, contact_fields, iter_items
from kundpuls.instruments.model import SurveyDefinition
from kundpuls.instruments.presets import DEFAULT_DONT_KNOW_TEXT, DONT_KNOW

#: The columns that are not items, and the headers that name them when no mapping does.
SPECIAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "submission_id",
        "respondent_id",
        "response_id",
        "svars_id",
        "svarsid",
        "löpnummer",
        "löpnr",
        "lopnr",
    ),
    "unit": ("unit", "enhet", "unit_code", "enhetskod"),
    "submitted": ("submitted", "submitted_at", "inskickad", "datum", "date", "svarsdatum"),
    "language": ("language", "språk", "sprak"),
    "channel": ("channel",),
}
MAPPING_KEYS = frozenset({*SPECIAL_COLUMNS, "defaults", "columns", "values"})
MAX_MAPPED_COLUMNS = 2_000
MAX_VALUE_PAIRS = 200
MULTIPLE_SEPARATORS = re.compile(r"\s*[;|]\s*")
_DONT_KNOW_WORDS = frozenset(
    {
        DONT_KNOW,
        "vet ej",
        "vet inte",
        "ej aktuellt",
        "don't know",
        "dont know",
        "not applicable",
        DEFAULT_DONT_KNOW_TEXT.sv.casefold(),
        (DEFAULT_DONT_KNOW_TEXT.en or "").casefold(),
    }
)
_CHOSEN = frozenset({"1", "ja", "yes", "true", "vald", "chosen", "selected", "x"})
_NOT_CHOSEN = frozenset({"0", "nej", "no", "false", "ej vald", "not chosen", "not selected"})

Role = Literal["item", "option", "special", "ignore"]
How = Literal["mapping", "key", "label", "name"]


class MappingError(ValidationError):
    """A mapping (``MAP.yaml``) that does not have the shape above; ``field`` is the path of the node."""


@dataclass(frozen=True)
class HistoryMapping:
    """A parsed mapping (see the module docstring); empty means "match everything automatically"."""

    special: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str | None] = field(default_factory=dict)
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)


def parse_mapping(data: object) -> HistoryMapping:
    """A :class:`HistoryMapping` from loaded YAML; :class:`MappingError` names the key and the value."""
    if data is None:
        return HistoryMapping()
    if not isinstance(data, dict):
        raise MappingError(
            f"mapping: expected a mapping of keys, got {brief(data)}", field="mapping", value=data
        )
    unknown = [k for k in data if k not in MAPPING_KEYS]
    if unknown:
        raise MappingError(
            f"mapping: unknown key {brief(unknown[0])}; allowed: {', '.join(sorted(MAPPING_KEYS))}",
            field="mapping",
            value=unknown[0],
        )
    special = {name: _text(data[name], name) for name in SPECIAL_COLUMNS if data.get(name) is not None}
    defaults_raw = data.get("defaults") or {}
    if not isinstance(defaults_raw, dict) or any(
        k not in ("unit", "language", "channel") for k in defaults_raw
    ):
        raise MappingError(
            "defaults: a mapping with the keys unit, language and channel",
            field="defaults",
            value=defaults_raw,
        )
    defaults = {str(k): _text(v, f"defaults.{k}") for k, v in defaults_raw.items() if v is not None}
    columns_raw = data.get("columns") or {}
    if not isinstance(columns_raw, dict) or len(columns_raw) > MAX_MAPPED_COLUMNS:
        raise MappingError(
            f"columns: a mapping of at most {MAX_MAPPED_COLUMNS} file columns to item keys (or null)",
            field="columns",
            value=brief(columns_raw),
        )
    columns = {
        _text(k, "columns"): None if v is None else _text(v, f"columns.{k}") for k, v in columns_raw.items()
    }
    values_raw = data.get("values") or {}
    if not isinstance(values_raw, dict) or len(values_raw) > MAX_MAPPED_COLUMNS:
        raise MappingError(
            "values: a mapping of file columns to {file value: survey value}",
            field="values",
            value=brief(values_raw),
        )
    values: dict[str, dict[str, str | None]] = {}
    for column, pairs in values_raw.items():
        where = f"values.{column}"
        if not isinstance(pairs, dict) or len(pairs) > MAX_VALUE_PAIRS:
            raise MappingError(
                f"{where}: a mapping of at most {MAX_VALUE_PAIRS} file values to survey values",
                field=where,
                value=brief(pairs),
            )
        values[_text(column, "values")] = {
            _cell(k): None if v is None else _cell(v) for k, v in pairs.items()
        }
    return HistoryMapping(special, defaults, columns, values)


def _text(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
        raise MappingError(
            f"{where}: expected a column name or a value, got {brief(value)}", field=where, value=value
        )
    text = _cell(value)
    if len(text) > 200:
        raise MappingError(f"{where}: longer than 200 characters", field=where, value=brief(text))
    return text


def _cell(value: object) -> str:
    """A YAML scalar spelt as a table cell is: ``1`` and ``1.0`` as "1", ``true`` as "1"."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalised(text: str) -> str:
    """A header or a text as compared: case folded, spaces collapsed, without a trailing colon or '?'."""
    return " ".join(text.casefold().split()).rstrip(" :?")


@dataclass(frozen=True)
class ColumnRole:
    """What one column of the file holds, and how that was decided (``how``)."""

    column: str
    role: Role
    how: How | None = None
    item: str | None = None  # item key ("item", "option")
    option: str | None = None  # option value ("option")
    special: str | None = None  # id, unit, submitted, language, channel ("special")


@dataclass(frozen=True)
class ColumnPlan:
    """The role of every column (in file order) and the problems found (row 1 = the header)."""

    roles: tuple[ColumnRole, ...]
    problems: tuple[RowError, ...]
    defaults: dict[str, str]

    def special_index(self, name: str) -> int | None:
        """The position of the column holding ``name`` (id, unit …), or None."""
        for index, role in enumerate(self.roles):
            if role.role == "special" and role.special == name:
                return index
        return None

    def describe(self, definition: SurveyDefinition, *, language: str = "sv") -> list[dict[str, Any]]:
        """The plan as rows for a page or JSON: column, role, item, its text, option and how matched."""
        items = {item.key: item for item in iter_items(definition)}
        rows = []
        for role in self.roles:
            item = items.get(role.item or "")
            rows.append(
                {
                    "column": role.column,
                    "role": role.role,
                    "item": role.item,
                    "item_text": item.text.in_language(language) if item else None,
                    "option": role.option,
                    "special": role.special,
                    "how": role.how,
                }
            )
        return rows


def importable_items(definition: SurveyDefinition) -> dict[str, StoredItem]:
    """The items a file may fill: every stored item but the consent question's."""
    consent = definition.consent_question
    return {item.key: item for item in iter_items(definition) if consent is None or item.key != consent.key}


def plan_columns(
    definition: SurveyDefinition,
    header: Sequence[str],
    *,
    variable_labels: Mapping[str, str] | None = None,
    mapping: HistoryMapping | None = None,
) -> ColumnPlan:
    """The role of every column of ``header`` (see the module docstring) and every problem with them."""
    mapping = mapping or HistoryMapping()
    labels = variable_labels or {}
    items = importable_items(definition)
    by_key = {key.casefold(): key for key in items}
    by_text: dict[str, set[str]] = {}
    for item in items.values():
        for text in (item.text.sv, item.text.en):
            if text:
                by_text.setdefault(normalised(text), set()).add(item.key)
    options = {
        f"{item.question_key}_{option}".casefold(): (item.key, option)
        for item in items.values()
        if item.kind == "choices"
        for option in item.options or ()
    }
    not_importable = {definition.consent_question.key.casefold()} if definition.consent_question else set()
    not_importable |= {c.key.casefold() for c in contact_fields(definition)}
    special_by_column = {column.casefold(): name for name, column in mapping.special.items()}
    auto_special = {alias: name for name, aliases in SPECIAL_COLUMNS.items() for alias in aliases}
    mapped_columns = {column.casefold(): target for column, target in mapping.columns.items()}

    roles: list[ColumnRole] = []
    problems: list[RowError] = []
    for column in header:
        folded = column.strip().casefold()
        role: ColumnRole | None = None
        if not folded:
            problems.append(RowError(1, column, column, "kolumnen saknar rubrik / the column has no header"))
            roles.append(ColumnRole(column, "ignore"))
            continue
        if folded in special_by_column:
            role = ColumnRole(column, "special", "mapping", special=special_by_column[folded])
        elif folded in mapped_columns:
            target = mapped_columns[folded]
            if target is None:
                role = ColumnRole(column, "ignore", "mapping")
            elif target in items:
                role = ColumnRole(column, "item", "mapping", item=target)
            elif target.casefold() in options:
                key, option = options[target.casefold()]
                role = ColumnRole(column, "option", "mapping", item=key, option=option)
            else:
                problems.append(
                    RowError(
                        1,
                        column,
                        target,
                        f"mappningen pekar på {target!r}, som inte är en fråga i enkäten / "
                        "the mapping names no item of the survey",
                    )
                )
                role = ColumnRole(column, "ignore")
        elif folded in not_importable:
            problems.append(
                RowError(
                    1,
                    column,
                    column,
                    "samtycke och kontaktuppgifter importeras inte (gamla svar öppnar inga "
                    "uppföljningsärenden); sätt kolumnen till null i mappningen / consent and contact data "
                    "are not imported; map the column to null",
                )
            )
            role = ColumnRole(column, "ignore")
        elif folded in by_key:
            role = ColumnRole(column, "item", "key", item=by_key[folded])
        elif folded in options:
            key, option = options[folded]
            role = ColumnRole(column, "option", "key", item=key, option=option)
        elif folded in auto_special:
            role = ColumnRole(column, "special", "name", special=auto_special[folded])
        else:
            role = _by_label(column, [column, labels.get(column, "")], by_text, problems)
        roles.append(role)
    problems += _duplicates(roles)
    problems += _missing(roles, mapping)
    return ColumnPlan(tuple(roles), tuple(problems), dict(mapping.defaults))


def _by_label(
    column: str, texts: list[str], by_text: dict[str, set[str]], problems: list[RowError]
) -> ColumnRole:
    for text in texts:
        found = by_text.get(normalised(text)) if text else None
        if found and len(found) == 1:
            return ColumnRole(column, "item", "label", item=next(iter(found)))
        if found:
            problems.append(
                RowError(
                    1,
                    column,
                    text,
                    f"texten passar flera frågor ({', '.join(sorted(found))}); ange frågan i "
                    "mappningen / the text fits several items; name the item in the mapping",
                )
            )
            return ColumnRole(column, "ignore")
    problems.append(
        RowError(
            1,
            column,
            column,
            "kolumnen passar ingen fråga (nyckel eller frågetext); ange den i mappningen "
            "eller sätt den till null / the column matches no item; map it or set it to null",
        )
    )
    return ColumnRole(column, "ignore")


def _duplicates(roles: list[ColumnRole]) -> list[RowError]:
    seen: dict[tuple[str | None, str | None, str | None], str] = {}
    problems = []
    for role in roles:
        if role.role == "ignore":
            continue
        target = (role.special, role.item, role.option)
        if target in seen:
            what = role.special or role.item or ""
            problems.append(
                RowError(
                    1,
                    role.column,
                    what,
                    f"{what!r} finns redan i kolumnen {seen[target]!r} / "
                    f"{what!r} is already read from column {seen[target]!r}",
                )
            )
        else:
            seen[target] = role.column
    items_whole = {r.item for r in roles if r.role == "item"}
    for role in roles:
        if role.role == "option" and role.item in items_whole:
            problems.append(
                RowError(
                    1,
                    role.column,
                    role.item or "",
                    f"{role.item!r} läses redan som en kolumn / "
                    f"{role.item!r} is already read from one column",
                )
            )
    return problems


def _missing(roles: list[ColumnRole], mapping: HistoryMapping) -> list[RowError]:
    present = {role.special for role in roles if role.role == "special"}
    problems = []
    for name, what in (
        (
            "id",
            "svarets id (gör importen möjlig att köra igen) / the response id (makes the import repeatable)",
        ),
        ("unit", "enhetskod / unit code"),
        ("submitted", "inskickat datum / submission date"),
    ):
        if name not in present and name not in mapping.defaults:
            problems.append(
                RowError(
                    1,
                    name,
                    "",
                    f"ingen kolumn för {what}; ange den i mappningen ({name}: KOLUMN) / "
                    f"no {name} column; name it in the mapping",
                )
            )
    for name, column in mapping.special.items():
        if name not in present:
            problems.append(
                RowError(
                    1,
                    column,
                    column,
                    f"mappningens kolumn för {name} finns inte i filen / "
                    f"the mapping's {name} column is not in the file",
                )
            )
    return problems


# ----------------------------------------------------------------------------------------- values


def is_dont_know(text: str) -> bool:
    """Whether a cell or a label says "vet ej / ej aktuellt"."""
    return normalised(text) in _DONT_KNOW_WORDS


def raw_answers(
    plan: ColumnPlan,
    definition: SurveyDefinition,
    cells: Sequence[str],
    *,
    value_labels: Mapping[str, Mapping[str, str]] | None = None,
    mapping: HistoryMapping | None = None,
) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """One row's raw answers (item key → value for :func:`~kundpuls.instruments.validate_answers`) and,
    per item key, the column and the cell it came from (to name them in a problem)."""
    items = importable_items(definition)
    labels_of = value_labels or {}
    overrides_of = (mapping or HistoryMapping()).values
    answers: dict[str, Any] = {}
    sources: dict[str, tuple[str, str]] = {}
    for index, role in enumerate(plan.roles):
        if role.role not in ("item", "option") or role.item is None:
            continue
        cell = cells[index] if index < len(cells) else ""
        if not cell:
            continue
        item = items[role.item]
        overrides = overrides_of.get(role.column, {})
        labels = labels_of.get(role.column, {})
        if role.role == "option":
            sources.setdefault(item.key, (role.column, cell))
            chosen = answers.setdefault(item.key, [])
            word = _yes_no_word(overrides.get(cell), cell, labels.get(cell))
            if word in _CHOSEN:
                chosen.append(role.option)
            elif word not in _NOT_CHOSEN:
                chosen.append(cell)  # neither chosen nor not: validation names the value
            continue
        sources[item.key] = (role.column, cell)
        if cell in overrides:
            value = overrides[cell]
            if value is not None:
                answers[item.key] = value
            continue
        answers[item.key] = recode(cell, item, labels.get(cell))
    return answers, sources


def recode(cell: str, item: StoredItem, label: str | None = None) -> Any:
    """The raw answer a file's cell stands for (see the module docstring); ``label`` is its value label."""
    if item.kind == "text":
        return cell
    if item.kind == "choices":
        return [_choice(part, item, None) for part in MULTIPLE_SEPARATORS.split(cell) if part]
    if is_dont_know(cell) or (label is not None and is_dont_know(label)):
        return DONT_KNOW
    if item.kind == "choice":
        return _choice(cell, item, label)
    if item.kind == "boolean":
        return _yes_no_word(None, cell, label)
    return cell


def _yes_no_word(*candidates: str | None) -> str:
    """The first candidate that says yes or no (a cell "1", a label "Ja"), else the first one given."""
    given = [c for c in candidates if c is not None]
    for candidate in given:
        if normalised(candidate) in _CHOSEN | _NOT_CHOSEN:
            return normalised(candidate)
    return given[0] if given else ""


def _choice(cell: str, item: StoredItem, label: str | None) -> str:
    options = item.options or ()
    texts = item.option_texts or ()
    for candidate in (label, cell) if label is not None else (cell,):
        if candidate in options:
            return candidate
        wanted = normalised(candidate)
        for value, text in zip(options, texts, strict=False):
            if wanted in (value.casefold(), normalised(text.sv), normalised(text.en or text.sv)):
                return value
    return cell
