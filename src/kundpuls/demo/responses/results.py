"""The results of :func:`kundpuls.demo.responses.generate_responses`: the units' profiles going in, the
responses and the truth coming out (see ``docs/demo-data.md``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

import numpy as np

from kundpuls.demo.responses.model import LatentModel
from kundpuls.demo.responses.needs import NeedsTruth
from kundpuls.errors import InvalidArgument
from kundpuls.instruments import DONT_KNOW

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, kw_only=True)
class DatedChange:
    """A real change in a unit from ``start`` on: ``construct`` shifts by ``delta`` standard deviations.

    With ``ramp_days`` > 0 the change grows linearly over that many days. A change of a driver passes on
    to the outcome through its path.
    """

    construct: str
    start: date
    delta: float
    ramp_days: int = 0

    def factor(self, days: np.ndarray) -> np.ndarray:
        """Share of the change in effect on each day (``datetime64[D]`` array): 0 before, 1 when done."""
        elapsed = (days - np.datetime64(self.start, "D")).astype(np.int64)
        if self.ramp_days <= 0:
            return (elapsed >= 0).astype(float)
        return np.clip((elapsed + 1) / self.ramp_days, 0.0, 1.0)


@dataclass(frozen=True, kw_only=True)
class UnitProfile:
    """A unit in the generated data.

    ``volume`` is the expected number of responses per month (while the survey is open); ``shifts`` the
    unit's construct levels relative to the organisation (standard deviations; a driver's shift passes on
    to the outcome, a shift of the outcome itself is a direct effect); ``changes`` dated changes;
    ``background`` answer weights for background or choice items (item key → option value → weight), e.g.
    ``{"tjanst": {"socialtjanst": 1}}`` for a home-care unit.
    """

    code: str
    volume: float
    shifts: Mapping[str, float] = field(default_factory=dict)
    changes: tuple[DatedChange, ...] = ()
    background: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class GeneratedResponse:
    """One synthetic response, ready for ``submit_response``.

    ``answers``: stored item key → raw value as a form posts it (ints on the scale, option values, lists
    of option values, ``True``/``False``, comment text, :data:`~kundpuls.instruments.DONT_KNOW` for "vet
    ej"; items not answered or not shown are absent). ``contact``: contact-field key → fake contact data,
    only after a yes to the consent question. ``as_input()`` merges both (the shape
    :func:`~kundpuls.instruments.validate_answers` takes). ``planted_personal_data`` names the kind of
    personal data the comment generator put into the comment (``""`` for none).
    """

    submission_id: uuid.UUID
    survey_key: str
    unit: str
    submitted_at: datetime
    language: str
    answers: dict[str, Any]
    contact: dict[str, str]
    planted_personal_data: str = ""

    def as_input(self) -> dict[str, Any]:
        """Answers and contact data in one mapping."""
        return {**self.answers, **self.contact}


@dataclass(frozen=True, kw_only=True)
class GenerationTruth:
    """What was put into the data, for tests and benchmarks to find again.

    ``model`` holds the constructs, their items and loadings, the true standardised ``paths`` driver →
    outcome, the exogenous correlation and the construct ``levels``. ``unit_shifts`` and ``changes`` are
    the units' shifts and dated changes (standard deviations of the latent scale, before passing on through
    the paths); ``dont_know_rates`` the rate of "vet ej" per item that allows it.
    """

    survey_key: str
    seed: int
    start: datetime
    end: datetime
    model: LatentModel
    unit_shifts: dict[str, dict[str, float]]
    changes: tuple[tuple[str, DatedChange], ...]
    dont_know_rates: dict[str, float]
    skip_rate: float
    comment_rate: float
    consent_rate: float
    english_share: float
    personal_data_rate: float
    needs: NeedsTruth = field(default_factory=NeedsTruth)
    #: Expected responses per month of every unit, the days the survey is open (``None``: always) and the
    #: time zone of the arrival pattern: what :mod:`kundpuls.demo.truth` weighs a period's days with.
    volumes: dict[str, float] = field(default_factory=dict)
    open_periods: tuple[tuple[date, date], ...] | None = None
    zone: tzinfo | None = None

    @property
    def outcome(self) -> str | None:
        return self.model.outcome

    @property
    def paths(self) -> dict[str, float]:
        return dict(self.model.paths)

    @property
    def strongest_driver(self) -> str | None:
        return self.model.strongest_driver

    def expected_shift(self, unit: str, construct: str, *, at: date | None = None) -> float:
        """The unit's total true shift of ``construct`` on day ``at`` (default: before any change).

        Total means passed on through the paths: ``(δ (I − B)⁻¹)_construct``; the construct's level is not
        included (it is the same for every unit).
        """
        names = self.model.names
        delta = np.zeros(len(names))
        for name, value in self.unit_shifts.get(unit, {}).items():
            delta[names.index(name)] += value
        if at is not None:
            day = np.array([np.datetime64(at, "D")])
            for code, change in self.changes:
                if code == unit:
                    delta[names.index(change.construct)] += change.delta * float(change.factor(day)[0])
        return float((delta @ self.model.propagation())[names.index(construct)])

    def to_dict(self) -> dict[str, Any]:
        """The truth as plain JSON-ready data."""
        return {
            "survey_key": self.survey_key,
            "seed": self.seed,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "constructs": {name: list(items) for name, items in self.model.constructs.items()},
            "outcome": self.model.outcome,
            "drivers": list(self.model.drivers),
            "paths": dict(self.model.paths),
            "driver_correlation": self.model.driver_correlation,
            "levels": dict(self.model.levels),
            "loadings": dict(self.model.loadings),
            "unit_shifts": {unit: dict(shifts) for unit, shifts in self.unit_shifts.items()},
            "changes": [
                {
                    "unit": unit,
                    "construct": c.construct,
                    "start": c.start.isoformat(),
                    "delta": c.delta,
                    "ramp_days": c.ramp_days,
                }
                for unit, c in self.changes
            ],
            "dont_know_rates": dict(self.dont_know_rates),
            "skip_rate": self.skip_rate,
            "comment_rate": self.comment_rate,
            "consent_rate": self.consent_rate,
            "english_share": self.english_share,
            "personal_data_rate": self.personal_data_rate,
        }


@dataclass(frozen=True, eq=False)
class GeneratedResponses:
    """The responses of one survey (sorted by time), their truth and the true latent scores.

    ``scores`` is the ``(n, constructs)`` array of true latent scores (unit shifts and changes included,
    levels not), columns in ``truth.model.names`` order.
    """

    survey_key: str
    responses: tuple[GeneratedResponse, ...]
    truth: GenerationTruth
    scores: np.ndarray = field(repr=False)

    def __len__(self) -> int:
        return len(self.responses)

    def __iter__(self) -> Iterator[GeneratedResponse]:
        return iter(self.responses)

    def batches(self, size: int = 1000) -> Iterator[tuple[GeneratedResponse, ...]]:
        """The responses in batches of ``size`` (for bulk loading)."""
        if size < 1:
            raise InvalidArgument(f"size: must be at least 1, not {size!r}", field="size", value=size)
        for first in range(0, len(self.responses), size):
            yield self.responses[first : first + size]

    def frame(self) -> pd.DataFrame:
        """One row per response: ``submission_id``, ``unit``, ``submitted_at``, ``language``, then one
        column per stored item with the value as stored ("vet ej" and absent answers are missing)."""
        import pandas as pd

        records = [
            {key: (None if value == DONT_KNOW else value) for key, value in r.answers.items()}
            for r in self.responses
        ]
        answers = pd.DataFrame.from_records(records)
        meta = pd.DataFrame(
            {
                "submission_id": [str(r.submission_id) for r in self.responses],
                "unit": [r.unit for r in self.responses],
                "submitted_at": pd.to_datetime([r.submitted_at for r in self.responses], utc=True),
                "language": [r.language for r in self.responses],
            }
        )
        return pd.concat([meta, answers], axis=1)

    def score_frame(self) -> pd.DataFrame:
        """The true latent scores with ``unit`` and ``submitted_at`` (one column per construct)."""
        import pandas as pd

        frame = pd.DataFrame(self.scores, columns=list(self.truth.model.names))
        frame.insert(0, "submitted_at", pd.to_datetime([r.submitted_at for r in self.responses], utc=True))
        frame.insert(0, "unit", [r.unit for r in self.responses])
        return frame
