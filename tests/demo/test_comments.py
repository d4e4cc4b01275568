"""The synthetic comment generator: seeded, varied, tied to the latent drivers, with personal data."""

from __future__ import annotations

import re

import numpy as np
import pytest

from kundpuls.demo.comment_phrases import PHRASES
from kundpuls.demo.comments import DRIVERS, generate_comment_frame, generate_comments
from kundpuls.errors import InvalidArgument
from kundpuls.text.identity_numbers import luhn_check_digit
from kundpuls.text.themes import assign_themes


@pytest.fixture(scope="module")
def frame():  # type: ignore[no-untyped-def]
    return generate_comment_frame(4000, seed=11, personal_data_rate=0.05, n_units=40)


def test_it_is_reproducible_and_seed_dependent() -> None:
    assert generate_comments(50, seed=3) == generate_comments(50, seed=3)
    assert generate_comments(50, seed=3) != generate_comments(50, seed=4)


def test_it_writes_varied_swedish_and_some_english(frame) -> None:  # type: ignore[no-untyped-def]
    assert frame["text"].nunique() > 0.9 * len(frame)
    share_sv = (frame["language"] == "sv").mean()
    assert 0.87 < share_sv < 0.93  # language_mix 0.9, binomial sd 0.005
    assert frame["unit"].nunique() == 40
    assert frame["score"].between(1, 10).all()


def test_low_scorers_on_a_driver_complain_about_it_and_high_scorers_praise(frame) -> None:  # type: ignore[no-untyped-def]
    negative = [p for p in PHRASES["bemotande"]["sv"]["neg"][1]]
    positive = [p for p in PHRASES["bemotande"]["sv"]["pos"][1]]
    about = frame[(frame["language"] == "sv") & frame["topics"].astype(str).str.contains("bemotande")]
    text = about["text"].str.lower()
    said_negative = text.apply(lambda t: any(p in t for p in negative))
    said_positive = text.apply(lambda t: any(p in t for p in positive))
    low = about["driver_bemotande"] < -1
    high = about["driver_bemotande"] > 1
    # P(negative | z) = 1 / (1 + exp(1.8 z)): above 0.86 for z < -1, below 0.14 for z > 1
    assert said_negative[low].mean() > 0.85 and said_positive[high].mean() > 0.85
    assert np.corrcoef(frame["score"], frame[[f"driver_{d}" for d in DRIVERS]].mean(axis=1))[0, 1] > 0.6


def test_the_default_taxonomy_finds_the_drivers_written_about(frame) -> None:  # type: ignore[no-untyped-def]
    themes = assign_themes(frame["text"].tolist()).to_lists()
    topics = frame["topics"].astype(str).str.split(";")
    hits = [d in got for wrote, got in zip(topics, themes, strict=True) for d in wrote]
    assert np.mean(hits) > 0.9


def test_personal_data_is_inserted_and_identity_numbers_have_a_valid_luhn_digit(frame) -> None:  # type: ignore[no-untyped-def]
    kinds = frame["personal_data"].astype(str)
    assert 0.04 < (kinds != "").mean() < 0.06
    numbers = frame.loc[kinds == "PERSONNUMMER", "text"].str.extract(r"(\d{6}-\d{4})")[0]
    assert len(numbers) > 20 and all(luhn_check_digit(n[:6] + n[7:10]) == int(n[-1]) for n in numbers)
    phones = frame.loc[kinds == "TELEFON", "text"]
    assert all(re.search(r"07\d-\d{3} \d\d \d\d", t) for t in phones)


def test_given_drivers_are_used() -> None:
    n = 300
    drivers = {"bemotande": np.full(n, -3.0)}
    frame = generate_comment_frame(n, seed=1, drivers=drivers, language_mix=1.0)
    assert (frame["driver_bemotande"] == -3.0).all()
    topics = frame["topics"].astype(str)
    # weight z² + 0.25 = 9.25 against about 1.25 for each other driver: written about far more often
    assert topics.str.contains("bemotande").mean() > 3 * topics.str.contains("parkering").mean()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n": -1}, "n"),
        ({"language_mix": 1.5}, "language_mix"),
        ({"drivers": {"okänd": np.zeros(5)}}, "drivers"),
        ({"drivers": {"pris": np.zeros(3)}}, "drivers.pris"),
    ],
)
def test_it_rejects_bad_arguments(kwargs: dict, field: str) -> None:
    args = {"n": 5, "seed": 1, **kwargs}
    with pytest.raises(InvalidArgument) as info:
        generate_comment_frame(**args)
    assert info.value.field == field


def test_it_handles_zero_comments() -> None:
    assert generate_comments(0, seed=1) == []
