"""Open comments for the synthetic responses, written by :mod:`kundpuls.demo.comments` from the true scores.

This module writes no text itself: it chooses who comments, hands the comment generator each commenter's
latent scores (so a respondent low on treatment complains about treatment), and returns the texts with
the kind of personal data the generator planted in some of them (which redaction must catch).

Who comments: ``P = rate · (0.6 + 0.4 |z|) / E[0.6 + 0.4 |Z|]`` for the outcome score ``z``: the very
satisfied and the very dissatisfied write more, and the share over everyone is ``rate``.

The comment generator's drivers (``bemotande``, ``vantetid``, ``tillganglighet``, ``information``,
``kompetens`` …) get the score of the construct of the same name (or an alias in :data:`ALIASES`,
e.g. the patient survey's ``RESPEKT`` for ``bemotande``), level included; drivers the survey does not
measure (``pris``, ``parkering`` …) get ``0.6 z + 0.8 ε``, following overall satisfaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Comment-generator driver → survey constructs that measure it (matched case-insensitively; a staff
#: mirror construct ``SPEGEL_X`` counts as ``X``).
ALIASES: dict[str, tuple[str, ...]] = {
    "bemotande": ("BEMOTANDE", "RESPEKT"),
    "vantetid": ("TILLGANGLIGHET",),
    "tillganglighet": ("TILLGANGLIGHET",),
    "information": ("INFORMATION",),
    "kompetens": ("KOMPETENS",),
}

_MEAN_ABS_NORMAL = float(np.sqrt(2 / np.pi))


@dataclass(frozen=True)
class CommentSource:
    """A comment generator and the driver names it understands.

    ``writer(n, *, seed, drivers, language_mix, personal_data_rate)`` returns either a DataFrame with a
    ``text`` column (and optionally ``personal_data``, the kind of personal data planted, ``""`` for none)
    or a list of strings; ``language_mix`` is the share of Swedish comments (the generator is called once
    per language with 1.0 and 0.0).
    """

    writer: Callable[..., Any]
    drivers: tuple[str, ...]


def default_comment_source() -> CommentSource:
    """:func:`kundpuls.demo.comments.generate_comment_frame` and its ``DRIVERS``."""
    from kundpuls.demo import comments

    return CommentSource(comments.generate_comment_frame, tuple(comments.DRIVERS))


def commenters(rng: np.random.Generator, outcome: np.ndarray, rate: float) -> np.ndarray:
    """Boolean mask of the respondents who write a comment (see the module docstring)."""
    weight = (0.6 + 0.4 * np.abs(outcome)) / (0.6 + 0.4 * _MEAN_ABS_NORMAL)
    return rng.random(outcome.size) < np.clip(rate * weight, 0.0, 1.0)


def driver_scores(
    source: CommentSource,
    scores: Mapping[str, np.ndarray],
    outcome: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Each comment driver's score for the commenters (``scores``: construct → score incl. level)."""
    folded = {name.upper().removeprefix("SPEGEL_"): values for name, values in scores.items()}
    result: dict[str, np.ndarray] = {}
    for driver in source.drivers:
        names = ALIASES.get(driver, (driver.upper(),))
        found = [folded[name] for name in names if name in folded]
        if found:
            result[driver] = np.mean(found, axis=0)
        else:
            result[driver] = 0.6 * outcome + 0.8 * rng.standard_normal(outcome.size)
    return result


def write_comments(
    source: CommentSource,
    drivers: Mapping[str, np.ndarray],
    english: np.ndarray,
    *,
    seed: int,
    personal_data_rate: float,
    max_length: int | None,
) -> tuple[list[str], list[str]]:
    """Texts and planted personal-data kinds for the commenters; ``english`` marks English commenters."""
    n = english.size
    texts: list[str] = [""] * n
    planted: list[str] = [""] * n
    for offset, (is_english, mix) in enumerate(((False, 1.0), (True, 0.0))):
        rows = np.flatnonzero(english == is_english)
        if rows.size == 0:
            continue
        result = source.writer(
            int(rows.size),
            seed=seed + offset,
            drivers={name: np.asarray(values)[rows] for name, values in drivers.items()},
            language_mix=mix,
            personal_data_rate=personal_data_rate,
        )
        if isinstance(result, list):
            written, kinds = [str(t) for t in result], [""] * rows.size
        else:
            written = [str(t) for t in result["text"].tolist()]
            kinds = (
                [str(k) for k in result["personal_data"].tolist()]
                if "personal_data" in result
                else [""] * rows.size
            )
        for i, text, kind in zip(rows.tolist(), written, kinds, strict=True):
            texts[i] = text[:max_length] if max_length else text
            planted[i] = kind
    return texts, planted
