"""Synthetic service comments tied to latent driver scores (seeded), for demos, tests and benchmarks.

Each respondent has a latent score per driver (standard normal; the drivers are the theme keys of the
default taxonomy: ``bemotande``, ``vantetid`` …). A comment has one to three sentences. Each sentence is
about one driver, drawn with probability proportional to ``z² + 0.25`` (people write about what stood
out), and is negative with probability ``1 / (1 + exp(1.8 z))`` for that driver's score ``z``: a respondent
low on ``bemotande`` writes about rude treatment, a high scorer praises. Waiting and price sentences
sometimes carry numbers ("Jag väntade 45 minuter.", "Det kostade 1 250 kr."), which redaction must keep.

A share ``personal_data_rate`` of comments gets one sentence with personal data (a name after a title, a
phone number, a personnummer with a valid Luhn digit, an e-mail address or a street address), so that
redaction has work to do; the kind is returned in the frame.

Everything is assembled with array operations over phrase banks (:mod:`kundpuls.demo.comment_phrases`),
so a million comments take seconds.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kundpuls.demo.comment_phrases import (
    CLOSERS,
    FIRST_NAMES,
    OPENERS,
    PHRASES,
    PRICE_SENTENCES,
    STREETS,
    SURNAMES,
    WAIT_SENTENCES,
)
from kundpuls.errors import InvalidArgument
from kundpuls.text.identity_numbers import luhn_check_digit

DRIVERS: tuple[str, ...] = tuple(PHRASES)
"""The drivers comments are written about (the default taxonomy's theme keys)."""
PERSONAL_DATA_KINDS: tuple[str, ...] = ("NAMN", "TELEFON", "PERSONNUMMER", "E-POST", "ADRESS")
_LANGS = ("sv", "en")
_SIDES = ("neg", "pos")


def _check(n: int, language_mix: float, personal_data_rate: float) -> None:
    if not isinstance(n, int | np.integer) or n < 0:
        raise InvalidArgument(f"n: {n!r} must be a non-negative integer", field="n", value=n)
    if not 0 <= language_mix <= 1:
        raise InvalidArgument(
            f"language_mix: {language_mix} must lie in [0, 1]", field="language_mix", value=language_mix
        )
    if not 0 <= personal_data_rate <= 1:
        raise InvalidArgument(
            f"personal_data_rate: {personal_data_rate} must lie in [0, 1]",
            field="personal_data_rate",
            value=personal_data_rate,
        )


def latent_drivers(n: int, *, seed: int, correlation: float = 0.4) -> dict[str, np.ndarray]:
    """Draw standard-normal driver scores with a common factor (pairwise correlation ``correlation``)."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(n)
    return {
        d: np.sqrt(correlation) * common + np.sqrt(1 - correlation) * rng.standard_normal(n) for d in DRIVERS
    }


def _pick(rng: np.random.Generator, options: tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), size=n)]


def _personal_sentences(rng: np.random.Generator, kinds: np.ndarray, langs: np.ndarray) -> list[str]:
    """One sentence with personal data of kind ``PERSONAL_DATA_KINDS[k]`` per entry (all draws vectorised)."""
    m = kinds.size
    first = np.asarray(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), size=m)]
    last = np.asarray(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), size=m)]
    title = rng.integers(0, 4, size=m)
    digits = rng.integers(0, 10, size=(m, 3))
    phone = rng.integers([100, 10, 10], [1000, 100, 100], size=(m, 3))
    born = rng.integers([1930, 1, 1, 0], [2005, 13, 29, 1000], size=(m, 4))
    street = np.asarray(STREETS, dtype=object)[rng.integers(0, len(STREETS), size=m)]
    house = rng.integers(1, 80, size=m)
    titles = ("Sköterskan", "Handläggaren", "Receptionisten")
    out = []
    for i in range(m):
        kind, en = PERSONAL_DATA_KINDS[int(kinds[i])], bool(langs[i])
        if kind == "NAMN":
            if en:
                out.append(f" Thanks to {first[i]} {last[i]} at the desk.")
            elif title[i] == 3:
                out.append(f" Tack till {first[i]} {last[i]}!")
            else:
                out.append(f" {titles[title[i]]} {first[i]} var fantastisk.")
        elif kind == "TELEFON":
            number = f"07{digits[i, 0]}-{phone[i, 0]} {phone[i, 1]} {phone[i, 2]}"
            out.append(f" Call me on {number}." if en else f" Ring mig på {number}.")
        elif kind == "PERSONNUMMER":
            body = f"{born[i, 0] % 100:02d}{born[i, 1]:02d}{born[i, 2]:02d}{born[i, 3]:03d}"
            number = f"{body[:6]}-{body[6:]}{luhn_check_digit(body)}"
            out.append(f" My personal number is {number}." if en else f" Mitt personnummer är {number}.")
        elif kind == "E-POST":
            address = f"{first[i]}.{last[i]}@exempel.se".lower().translate(_ASCII)
            out.append(f" Reply to {address}." if en else f" Svara till {address}.")
        else:
            out.append(
                f" I live at {street[i]} {house[i]}." if en else f" Jag bor på {street[i]} {house[i]}."
            )
    return out


_ASCII = str.maketrans("åäöé", "aaoe")


def generate_comment_frame(
    n: int,
    *,
    seed: int,
    drivers: Mapping[str, np.ndarray] | None = None,
    language_mix: float = 0.9,
    personal_data_rate: float = 0.03,
    n_units: int = 1000,
) -> pd.DataFrame:
    """Generate ``n`` comments with their truth: language, unit, score, driver scores, personal data.

    Parameters
    ----------
    n
        Number of comments.
    seed
        Seed of every random choice (same seed, same frame).
    drivers
        Latent driver scores (standard-normal scale), one array of length ``n`` per driver in
        :data:`DRIVERS`; missing drivers are drawn by :func:`latent_drivers`.
    language_mix
        Share of Swedish comments (the rest are English).
    personal_data_rate
        Share of comments given one sentence with personal data.
    n_units
        Comments are spread uniformly over units ``E0001`` … (for per-unit analysis).

    Returns
    -------
    pandas.DataFrame
        Columns ``text``, ``language``, ``unit``, ``score`` (1–10, from the mean driver score plus noise),
        ``personal_data`` (the kind inserted, or ``""``), ``topics`` (the drivers written about, ``;``-joined)
        and ``driver_<name>`` for each driver.
    """
    _check(n, language_mix, personal_data_rate)
    if n_units < 1:
        raise InvalidArgument(f"n_units: {n_units} must be at least 1", field="n_units", value=n_units)
    rng = np.random.default_rng(seed)
    z_all = latent_drivers(n, seed=seed + 1)
    if drivers is not None:
        for name, values in drivers.items():
            if name not in DRIVERS:
                raise InvalidArgument(
                    f"drivers: unknown driver {name!r} (known: {', '.join(DRIVERS)})",
                    field="drivers",
                    value=name,
                )
            arr = np.asarray(values, dtype=float)
            if arr.shape != (n,):
                raise InvalidArgument(
                    f"drivers[{name!r}]: length {arr.shape} does not match n={n}",
                    field=f"drivers.{name}",
                    value=arr.shape,
                )
            z_all[name] = arr
    z = np.column_stack([z_all[d] for d in DRIVERS]) if n else np.zeros((0, len(DRIVERS)))
    is_en = rng.random(n) >= language_mix
    lang_code = is_en.astype(np.int64)

    # choose up to three distinct drivers per comment (Gumbel top-k on log weights)
    weights = z * z + 0.25
    keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-keys, axis=1)[:, :3]
    n_sentences = rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15], size=n)
    table, cells = _sentence_table()
    spaced = np.asarray([" " + t for t in table[:-1]] + [""], dtype=object)  # later sentences, "" = none
    columns: list[np.ndarray] = []
    opener = _pick(rng, OPENERS["sv"], n)
    en_rows = np.flatnonzero(is_en)
    opener[en_rows] = _pick(rng, OPENERS["en"], en_rows.size)
    columns.append(opener)
    first_side = np.zeros(n, dtype=np.int64)
    for slot in range(3):
        active = n_sentences > slot
        d = order[:, slot]
        zd = z[np.arange(n), d]
        side = (rng.random(n) >= 1 / (1 + np.exp(1.8 * zd))).astype(np.int64)  # 0 neg, 1 pos
        if slot == 0:
            first_side = side
        start, count = cells[d, lang_code, side, 0], cells[d, lang_code, side, 1]
        chosen = 2 * (start + (rng.random(n) * count).astype(np.int64)) + (rng.random(n) < 0.15)
        source = table if slot == 0 else spaced
        columns.append(source[np.where(active, chosen, source.shape[0] - 1)])
        # numbers: a waiting sentence with minutes, a price sentence with kronor
        extra = active & (side == 0) & (rng.random(n) < 0.3)
        numbers = np.full(n, "", dtype=object)
        for driver, bank, low, high, step in (
            ("vantetid", WAIT_SENTENCES, 10, 180, 1),
            ("pris", PRICE_SENTENCES, 2, 300, 10),
        ):
            rows = np.flatnonzero(extra & (d == DRIVERS.index(driver)))
            values = rng.integers(low, high, size=rows.size) * step
            variants = rng.integers(0, 6, size=rows.size)
            numbers[rows] = [
                " "
                + bank[_LANGS[lang_code[i]]][v % len(bank[_LANGS[lang_code[i]]])].format(
                    f"{x:,}".replace(",", " ")
                )
                for i, x, v in zip(rows.tolist(), values.tolist(), variants.tolist(), strict=True)
            ]
        columns.append(numbers)
    closers = np.empty(n, dtype=object)
    for li, lang in enumerate(_LANGS):
        for si, side_name in enumerate(_SIDES):
            rows = np.flatnonzero((lang_code == li) & (first_side == si))
            closers[rows] = _pick(rng, CLOSERS[lang][side_name], rows.size)
    columns.append(closers)

    # personal data in a small share of comments
    rows = np.flatnonzero(rng.random(n) < personal_data_rate)
    kinds = rng.integers(0, len(PERSONAL_DATA_KINDS), size=rows.size)
    personal_text = np.full(n, "", dtype=object)
    personal_text[rows] = _personal_sentences(rng, kinds, lang_code[rows])
    columns.append(personal_text)
    text = (
        np.asarray(["".join(parts) for parts in zip(*columns, strict=True)], dtype=object)
        if n
        else (np.zeros(0, dtype=object))
    )
    # some people write in lower case
    lower = np.flatnonzero(rng.random(n) < 0.08)
    text[lower] = [t.lower() for t in text[lower]]

    mean_z = z.mean(axis=1) if n else np.zeros(0)
    score = np.clip(np.rint(6.5 + 2.2 * mean_z + rng.normal(0, 1.0, size=n)), 1, 10).astype(np.int64)
    topic_code = np.where(n_sentences > 1, order[:, 1] + 1, 0) * 16 + np.where(
        n_sentences > 2, order[:, 2] + 1, 0
    )
    topic_code = (order[:, 0] * 256 + topic_code) if n else np.zeros(0, dtype=np.int64)
    codes, inverse = np.unique(topic_code, return_inverse=True)
    unit_labels = [f"E{u:04d}" for u in range(1, n_units + 1)]
    personal_code = np.zeros(n, dtype=np.int64)
    personal_code[rows] = kinds + 1
    frame = pd.DataFrame(
        {
            "text": pd.array(text, dtype="string"),
            "language": pd.Categorical.from_codes(lang_code, categories=list(_LANGS)),
            "unit": pd.Categorical.from_codes((np.arange(n) * 7919 + seed) % n_units, categories=unit_labels),
            "score": score,
            "personal_data": pd.Categorical.from_codes(personal_code, categories=["", *PERSONAL_DATA_KINDS]),
            "topics": pd.Categorical.from_codes(
                inverse.ravel(), categories=[_topic_label(int(c)) for c in codes]
            ),
        }
    )
    for j, driver in enumerate(DRIVERS):
        frame[f"driver_{driver}"] = z[:, j]
    return frame


def _topic_label(code: int) -> str:
    first, second, third = code // 256, (code // 16) % 16, code % 16
    names = [DRIVERS[first]] + [DRIVERS[k - 1] for k in (second, third) if k]
    return ";".join(names)


def _sentence_table() -> tuple[np.ndarray, np.ndarray]:
    """Every sentence of the phrase banks (subject × predicate), each with "." and "!" at entries 2k, 2k+1.

    ``cells[driver, language, side]`` holds (first sentence index, number of sentences).
    """
    sentences: list[str] = []
    cells = np.zeros((len(DRIVERS), len(_LANGS), len(_SIDES), 2), dtype=np.int64)
    for di, driver in enumerate(DRIVERS):
        for li, lang in enumerate(_LANGS):
            for si, side in enumerate(_SIDES):
                subjects, predicates = PHRASES[driver][lang][side]
                cells[di, li, si] = (len(sentences) // 2, len(subjects) * len(predicates))
                for subject in subjects:
                    for predicate in predicates:
                        body = f"{subject} {predicate}" if subject else predicate
                        sentences.extend((body + ".", body + "!"))
    sentences.append("")  # the last entry: no sentence
    return np.asarray(sentences, dtype=object), cells


def generate_comments(
    n: int,
    *,
    seed: int,
    drivers: Mapping[str, np.ndarray] | None = None,
    language_mix: float = 0.9,
    personal_data_rate: float = 0.03,
) -> list[str]:
    """Generate ``n`` synthetic comments (see :func:`generate_comment_frame` for the model and the truth).

    Examples
    --------
    >>> comments = generate_comments(3, seed=1)
    >>> len(comments), all(isinstance(c, str) and c for c in comments)
    (3, True)
    """
    frame = generate_comment_frame(
        n, seed=seed, drivers=drivers, language_mix=language_mix, personal_data_rate=personal_data_rate
    )
    return frame["text"].tolist()
