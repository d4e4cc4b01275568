"""Synthetic survey responses from a known structural model (seeded, pure, vectorised).

:func:`generate_responses` fills a survey version with responses for a set of units over a period. Behind
the answers is a true latent model derived from the survey's codebook (:mod:`.model`): driver
constructs with known standardised paths into the outcome (NKI, the patient survey's overall impression),
items with known loadings. Units shift constructs (a level per unit), dated changes shift them from a day
on, and shifts of a driver pass on to the outcome through the paths (``Δη = δ (I − B)⁻¹``). Answers are
the discretised items (:mod:`.answers`) with "vet ej", skipped optional questions, background
answers, consent with fake contact data (:mod:`.contact`) and comments written by
:mod:`kundpuls.demo.comments` from the same true scores (:mod:`.comments`). Arrival times follow
seasons, weekdays and office hours (:mod:`.time`).

Every answer set validates with :func:`kundpuls.instruments.validate_answers`; the same arguments give
the same responses, down to the submission ids (``uuid5`` of seed, survey key and position), so loading
them twice stores them once. The truth (:class:`GenerationTruth`) lets tests check that the analysis finds
what was put in. See ``docs/demo-data.md``.

Example
-------
>>> from datetime import datetime, timezone
>>> from kundpuls.instruments import load_template
>>> nki = load_template("nki")
>>> units = [UnitProfile(code="A", volume=40), UnitProfile(code="B", volume=40, shifts={"BEMOTANDE": 0.5})]
>>> data = generate_responses(nki, units, start=datetime(2025, 1, 1, tzinfo=timezone.utc),
...                           end=datetime(2025, 7, 1, tzinfo=timezone.utc), seed=1, comments=None)
>>> data.truth.strongest_driver
'BEMOTANDE'
"""

from __future__ import annotations

import hashlib
import uuid
import zlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np

from kundpuls.demo.responses.answers import (
    ABSENT,
    blank_out,
    categorical_values,
    indicator_values,
    other_values,
    question_options,
)
from kundpuls.demo.responses.comments import (
    CommentSource,
    commenters,
    default_comment_source,
    driver_scores,
    write_comments,
)
from kundpuls.demo.responses.contact import consent_answers, fake_contacts
from kundpuls.demo.responses.model import LatentModel, latent_model
from kundpuls.demo.responses.needs import (
    NeedsTruth,
    check_kano_categories,
    expected_kano_shares,
    kano_answer_pairs,
    true_price_points,
)
from kundpuls.demo.responses.results import (
    GeneratedResponse,
    GeneratedResponses,
    GenerationTruth,
    UnitProfile,
)
from kundpuls.demo.responses.time import submission_times
from kundpuls.errors import InvalidArgument
from kundpuls.instruments import (
    DONT_KNOW,
    StoredItem,
    SurveyDefinition,
    contact_fields,
    stored_items,
)
from kundpuls.instruments.expressions import evaluate
from kundpuls.instruments.items import question_items
from kundpuls.instruments.model import Condition

STOCKHOLM = ZoneInfo("Europe/Stockholm")
#: Namespace of the demo submission ids: ``uuid5(SUBMISSION_NAMESPACE, f"{seed}:{survey_key}:{index}")``.
SUBMISSION_NAMESPACE = uuid.UUID("30fa9d51-40e3-5a54-a169-2acbfd48faa0")


_NAMESPACE_BYTES = SUBMISSION_NAMESPACE.bytes


def submission_id(seed: int, survey_key: str, index: int) -> uuid.UUID:
    """The deterministic submission id of the ``index``-th generated response.

    Equal to ``uuid.uuid5(SUBMISSION_NAMESPACE, f"{seed}:{survey_key}:{index}")`` (RFC 4122 §4.3),
    computed without re-reading the namespace's bytes on every call.
    """
    digest = hashlib.sha1(_NAMESPACE_BYTES + f"{seed}:{survey_key}:{index}".encode(), usedforsecurity=False)
    return uuid.UUID(bytes=digest.digest()[:16], version=5)


def _rate(name: str, value: float) -> float:
    if not 0 <= value <= 1:
        raise InvalidArgument(f"{name}: must lie in [0, 1], not {value!r}", field=name, value=value)
    return float(value)


def _check_units(units: Sequence[UnitProfile], model: LatentModel) -> None:
    if not units:
        raise InvalidArgument("units: at least one unit is needed", field="units", value=units)
    codes = [u.code for u in units]
    if len(set(codes)) != len(codes):
        raise InvalidArgument("units: unit codes must be unique", field="units", value=codes)
    for unit in units:
        if not unit.volume >= 0:
            raise InvalidArgument(
                f"units.{unit.code}.volume: must be ≥ 0, not {unit.volume!r}",
                field=f"units.{unit.code}.volume",
                value=unit.volume,
            )
        for name in [*unit.shifts, *(c.construct for c in unit.changes)]:
            if name not in model.constructs:
                raise InvalidArgument(
                    f"units.{unit.code}: unknown construct {name!r} (known: {', '.join(model.names)})",
                    field=f"units.{unit.code}",
                    value=name,
                )


def generate_responses(
    definition: SurveyDefinition,
    units: Sequence[UnitProfile],
    *,
    start: datetime,
    end: datetime,
    seed: int,
    paths: Mapping[str, float] | None = None,
    levels: Mapping[str, float] | None = None,
    driver_correlation: float = 0.45,
    dont_know_rate: float = 0.04,
    dont_know_rates: Mapping[str, float] | None = None,
    skip_rate: float = 0.03,
    comment_rate: float = 0.25,
    personal_data_rate: float = 0.03,
    consent_rate: float = 0.06,
    english_share: float = 0.07,
    open_periods: Sequence[tuple[date, date]] | None = None,
    zone: tzinfo = STOCKHOLM,
    comments: CommentSource | Literal["default"] | None = "default",
    kano_categories: Mapping[str, str] | None = None,
    kano_purity: float = 0.55,
    price_reference: float = 500.0,
    price_spread: float = 0.3,
) -> GeneratedResponses:
    """Generate the responses of ``units`` to ``definition`` between ``start`` and ``end``.

    Parameters
    ----------
    definition
        The survey version answered.
    units
        The units and their profiles (volume, shifts, dated changes, background weights).
    start, end
        Timezone-aware bounds (``end`` exclusive).
    seed
        Same seed and arguments, same responses (and submission ids).
    paths, levels, driver_correlation
        The true model (see :func:`kundpuls.demo.responses.model.latent_model`).
    dont_know_rate
        Mean rate of "vet ej" on items that allow it; each item's rate is this times a factor drawn
        uniformly in [0.5, 1.5] (recorded in the truth); ``dont_know_rates`` sets items' rates exactly.
    skip_rate
        Rate of leaving an optional item unanswered (the consent question: five times this).
    comment_rate
        Share of respondents answering a text question (:mod:`.comments`).
    personal_data_rate
        Share of comments the comment generator plants personal data in.
    consent_rate
        Share of respondents saying yes to being contacted (more among the dissatisfied).
    english_share
        Share of responses in English (when the survey is offered in English).
    open_periods
        Inclusive ``(first, last)`` days the survey is answered (``None``: throughout).
    zone
        Local time zone of the weekday/hour pattern and the timestamps.
    comments
        The comment generator: ``"default"`` (:mod:`kundpuls.demo.comments`), a
        :class:`~kundpuls.demo.responses.comments.CommentSource`, or ``None`` for no comments.
    kano_categories, kano_purity
        True category (A, O, M, I) of Kano questions by key, and the share of respondents who share it
        (:mod:`.responses_needs`); Kano questions not named are answered uniformly at random.
    price_reference, price_spread
        Median and log-scale spread of the respondents' reference prices for the price modules; the true
        price points follow (:func:`kundpuls.demo.responses.needs.true_price_points`).

    Returns
    -------
    GeneratedResponses
        Responses sorted by time, the truth and the true latent scores.

    Raises
    ------
    InvalidArgument
        A rate outside [0, 1], naive or reversed bounds, duplicate units, unknown constructs.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InvalidArgument(f"seed: must be a non-negative integer, not {seed!r}", field="seed", value=seed)
    for name, value in (
        ("dont_know_rate", dont_know_rate),
        ("skip_rate", skip_rate),
        ("comment_rate", comment_rate),
        ("personal_data_rate", personal_data_rate),
        ("consent_rate", consent_rate),
        ("english_share", english_share),
    ):
        _rate(name, value)
    if dont_know_rate * 1.5 + skip_rate > 1:
        raise InvalidArgument(
            "dont_know_rate, skip_rate: 1.5 · dont_know_rate + skip_rate must not exceed 1",
            field="dont_know_rate",
            value=(dont_know_rate, skip_rate),
        )
    model = latent_model(definition, paths=paths, levels=levels, driver_correlation=driver_correlation)
    _check_units(units, model)
    source = default_comment_source() if comments == "default" else comments
    rng = np.random.default_rng([int(seed), zlib.crc32(definition.key.encode())])

    unit_index, times = submission_times(
        rng,
        np.array([u.volume for u in units], dtype=float),
        start=start,
        end=end,
        zone=zone,
        open_periods=open_periods,
    )
    n = unit_index.size
    days = np.array([moment.date() for moment in times], dtype="datetime64[D]")
    scores = _true_scores(rng, model, units, unit_index, days)
    names = model.names
    with_levels = scores + np.array([model.levels[name] for name in names])
    if model.outcome is not None:
        outcome = scores[:, names.index(model.outcome)]
    elif names and n:
        mean = scores.mean(axis=1)
        outcome = mean / max(float(mean.std()), 1e-9)
    else:
        outcome = rng.standard_normal(n)

    items = stored_items(definition)
    item_rates = _dont_know_rates(rng, items, dont_know_rate, dont_know_rates)
    english = rng.random(n) < english_share if "en" in definition.languages else np.zeros(n, dtype=bool)
    columns, planted = _answer_columns(
        rng,
        definition,
        model,
        items,
        with_levels,
        outcome,
        unit_index,
        units,
        english,
        item_rates=item_rates,
        kano_categories=dict(kano_categories or {}),
        kano_purity=kano_purity,
        price_reference=price_reference,
        price_spread=price_spread,
        skip_rate=skip_rate,
        comment_rate=comment_rate,
        consent_rate=consent_rate,
        personal_data_rate=personal_data_rate,
        source=source,
        seed=int(seed),
    )
    keys = [item.key for item in items]
    rows = (
        [
            {key: value for key, value in zip(keys, values, strict=True) if value is not ABSENT}
            for values in zip(*(columns[key] for key in keys), strict=True)
        ]
        if n
        else []
    )
    if _has_conditions(definition):
        rows = [_shown_only(definition, row) for row in rows]
    contacts = _contacts(rng, definition, rows)
    languages = np.where(english, "en", "sv").tolist()
    responses = tuple(
        GeneratedResponse(
            submission_id=submission_id(int(seed), definition.key, i),
            survey_key=definition.key,
            unit=units[int(unit_index[i])].code,
            submitted_at=times[i],
            language=languages[i],
            answers=rows[i],
            contact=contacts[i],
            planted_personal_data=planted[i],
        )
        for i in range(n)
    )
    truth = GenerationTruth(
        survey_key=definition.key,
        seed=int(seed),
        start=start,
        end=end,
        model=model,
        unit_shifts={u.code: dict(u.shifts) for u in units if u.shifts},
        changes=tuple((u.code, c) for u in units for c in u.changes),
        dont_know_rates=item_rates,
        skip_rate=skip_rate,
        comment_rate=comment_rate if source is not None else 0.0,
        consent_rate=consent_rate,
        english_share=english_share if "en" in definition.languages else 0.0,
        personal_data_rate=personal_data_rate,
        needs=NeedsTruth(
            kano_categories=dict(kano_categories or {}),
            kano_purity=kano_purity if kano_categories else 0.0,
            kano_shares={k: expected_kano_shares(c, kano_purity) for k, c in (kano_categories or {}).items()},
            price_reference=price_reference,
            price_spread=price_spread,
            price_points=true_price_points(price_reference),
        ),
        volumes={u.code: float(u.volume) for u in units},
        open_periods=None if open_periods is None else tuple((a, b) for a, b in open_periods),
        zone=zone,
    )
    return GeneratedResponses(survey_key=definition.key, responses=responses, truth=truth, scores=scores)


def _true_scores(
    rng: np.random.Generator,
    model: LatentModel,
    units: Sequence[UnitProfile],
    unit_index: np.ndarray,
    days: np.ndarray,
) -> np.ndarray:
    """``η = z Lᵀ + δ (I − B)⁻¹``: correlated standard-normal scores plus the shifts passed on."""
    names = model.names
    n = unit_index.size
    chol = np.linalg.cholesky(model.correlations())
    z = rng.standard_normal((n, len(names))) @ chol.T
    shifts = np.zeros((len(units), len(names)))
    for u, unit in enumerate(units):
        for name, value in unit.shifts.items():
            shifts[u, names.index(name)] += value
    delta = shifts[unit_index]
    for u, unit in enumerate(units):
        rows = np.flatnonzero(unit_index == u)
        for change in unit.changes:
            delta[rows, names.index(change.construct)] += change.delta * change.factor(days[rows])
    return z + delta @ model.propagation()


def _dont_know_rates(
    rng: np.random.Generator, items: Sequence[StoredItem], mean: float, given: Mapping[str, float] | None
) -> dict[str, float]:
    eligible = [item.key for item in items if item.allows_dont_know and item.kind not in ("text", "boolean")]
    factors = rng.uniform(0.5, 1.5, size=len(eligible))
    rates = {key: float(mean * f) for key, f in zip(eligible, factors, strict=True)}
    for key, value in (given or {}).items():
        if key not in rates:
            raise InvalidArgument(
                f'dont_know_rates: {key!r} is not an item that allows "vet ej"',
                field="dont_know_rates",
                value=key,
            )
        rates[key] = _rate(f"dont_know_rates.{key}", value)
    return rates


def _answer_columns(
    rng: np.random.Generator,
    definition: SurveyDefinition,
    model: LatentModel,
    items: Sequence[StoredItem],
    scores: np.ndarray,
    outcome: np.ndarray,
    unit_index: np.ndarray,
    units: Sequence[UnitProfile],
    english: np.ndarray,
    *,
    item_rates: Mapping[str, float],
    kano_categories: Mapping[str, str],
    kano_purity: float,
    price_reference: float,
    price_spread: float,
    skip_rate: float,
    comment_rate: float,
    consent_rate: float,
    personal_data_rate: float,
    source: CommentSource | None,
    seed: int,
) -> tuple[dict[str, list[Any]], list[str]]:
    n = unit_index.size
    construct_of = model.item_construct()
    positives: dict[str, tuple[object, ...]] = {}
    for index in definition.codebook.indices.values():
        for key, answers_counted in index.positive.items():
            positives[key] = tuple(answers_counted)
    options = question_options(definition)
    references = {
        item.question_key: price_reference * np.exp(price_spread * rng.standard_normal(n))
        for item in items
        if item.question_type == "price"
    }
    kano_questions = {item.question_key for item in items if item.question_type == "kano"}
    unknown = sorted(set(kano_categories) - kano_questions)
    if unknown:
        raise InvalidArgument(
            f"kano_categories: {unknown} are not Kano questions of survey {definition.key!r}",
            field="kano_categories",
            value=unknown,
        )
    check_kano_categories(kano_categories, kano_purity)
    kano_answers = {
        key: kano_answer_pairs(rng, n, category, kano_purity) for key, category in kano_categories.items()
    }
    columns: dict[str, list[Any]] = {}
    planted = [""] * n
    named = {name: scores[:, j] for j, name in enumerate(model.names)}
    for item in items:
        extra = options[item.question_key]
        required = bool(extra["required"])
        if item.kind == "text":
            columns[item.key], kinds = _comments(
                rng, source, named, outcome, english, n,
                rate=comment_rate, personal_data_rate=personal_data_rate,
                seed=seed + 7919 * (len(columns) + 1), max_length=extra["max_length"],
            )  # fmt: skip
            planted = [p or k for p, k in zip(planted, kinds, strict=True)]
            continue
        if item.question_type == "consent":
            answers = consent_answers(
                rng, outcome, rate=consent_rate, skip_rate=0 if required else 5 * skip_rate
            )
            columns[item.key] = [ABSENT if a is None else a for a in answers]
            continue
        if item.question_key in kano_answers:
            values = list(kano_answers[item.question_key][0 if item.part == "functional" else 1])
        elif item.key in construct_of:
            j = model.names.index(construct_of[item.key])
            values = indicator_values(
                rng, item, scores[:, j], model.loadings[item.key], positives.get(item.key, ())
            )
        elif item.kind == "choice" and item.question_type in ("background", "single_choice"):
            values = categorical_values(
                rng, item, unit_index, [u.background.get(item.key) for u in units], extra["preset"]
            )
        else:
            values = other_values(rng, item, n, {**extra, "reference": references.get(item.question_key)})
        columns[item.key] = blank_out(
            rng,
            values,
            dont_know_rate=item_rates.get(item.key, 0.0),
            skip_rate=0.0 if required else skip_rate,
        )
    return columns, planted


def _comments(
    rng: np.random.Generator,
    source: CommentSource | None,
    scores: Mapping[str, np.ndarray],
    outcome: np.ndarray,
    english: np.ndarray,
    n: int,
    *,
    rate: float,
    personal_data_rate: float,
    seed: int,
    max_length: int | None,
) -> tuple[list[Any], list[str]]:
    column: list[Any] = [ABSENT] * n
    kinds = [""] * n
    if source is None or n == 0:
        return column, kinds
    rows = np.flatnonzero(commenters(rng, outcome, rate))
    drivers = driver_scores(source, {k: v[rows] for k, v in scores.items()}, outcome[rows], rng)
    texts, planted = write_comments(
        source,
        drivers,
        english[rows],
        seed=seed,
        personal_data_rate=personal_data_rate,
        max_length=max_length,
    )
    for i, text, kind in zip(rows.tolist(), texts, planted, strict=True):
        if text.strip():
            column[i] = text
            kinds[i] = kind
    return column, kinds


def _contacts(
    rng: np.random.Generator, definition: SurveyDefinition, rows: list[dict[str, Any]]
) -> list[dict[str, str]]:
    consent = definition.consent_question
    result: list[dict[str, str]] = [{} for _ in rows]
    if consent is None or not consent.contact_fields:
        return result
    yes = [i for i, row in enumerate(rows) if row.get(consent.key) is True]
    for i, record in zip(yes, fake_contacts(rng, contact_fields(definition), len(yes)), strict=True):
        result[i] = record
    return result


def _has_conditions(definition: SurveyDefinition) -> bool:
    return any(
        page.show_if is not None
        or any(block.show_if is not None or any(q.show_if for q in block.questions) for block in page.blocks)
        for page in definition.pages
    )


def _shown(condition: Condition | None, state: Mapping[str, Any]) -> bool:
    return condition is None or evaluate(condition.expression, state)


def _shown_only(definition: SurveyDefinition, row: dict[str, Any]) -> dict[str, Any]:
    """The row without answers to hidden questions (conditions see the answers as stored)."""
    state: dict[str, Any] = {}
    kept: dict[str, Any] = {}
    for page in definition.pages:
        page_shown = _shown(page.show_if, state)
        for block in page.blocks:
            block_shown = page_shown and _shown(block.show_if, state)
            for question in block.questions:
                if not (block_shown and _shown(question.show_if, state)):
                    continue
                for item in question_items(question):
                    if item.key in row:
                        value = row[item.key]
                        kept[item.key] = value
                        state[item.key] = None if value == DONT_KNOW else value
    return kept
