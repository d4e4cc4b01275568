"""The learned reader's word features (compound parts, negation) and its per-theme thresholds, chosen by
cross-validation on the tuning part (kundpuls.text.calibration)."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.text.calibration import GRID, CrossValidation, choose_thresholds, f1_at
from kundpuls.text.learned import THEME_THRESHOLD, THEME_THRESHOLDS, _stem_analyser
from kundpuls.text.reading import _read_lexicon, comment_model, read_comments
from kundpuls.text.taxonomy import default_taxonomy


def test_swedish_compounds_give_their_parts_as_features() -> None:
    features = _stem_analyser("sv\tTelefonkön var helt orimlig")
    assert "telefonkön" in features
    assert "part:telefon" in features
    assert any(f.startswith("part:kö") for f in features)
    assert not any(f.startswith("part:") for f in _stem_analyser("en\tThe phone queue was long"))


def test_words_after_a_negator_are_marked_negated_within_reach() -> None:
    features = _stem_analyser("sv\tPersonalen var inte särskilt trevlig men lokalerna var fina")
    assert "not:trev" in features
    assert "not:fin" not in features  # beyond the negator's reach of three words
    english = _stem_analyser("en\tThe nurse was not helpful")
    assert "not:help" in english
    assert not any(f.startswith("not:") for f in _stem_analyser("en\tThe nurse was helpful"))


def test_choose_thresholds_takes_the_best_f1_of_the_grid() -> None:
    probabilities = np.array([[0.9, 0.2], [0.6, 0.15], [0.35, 0.12], [0.2, 0.05], [0.1, 0.3]])
    labelled = np.array([[1, 1], [1, 1], [0, 1], [0, 0], [0, 0]], dtype=bool)
    cv = CrossValidation(
        keys=("a", "b"),
        rows=np.arange(5),
        probabilities=probabilities,
        labelled=labelled,
        polarity=np.array(["praise"] * 5, dtype=object),
        labelled_polarity=np.array(["praise"] * 5, dtype=object),
    )
    chosen = choose_thresholds(cv)
    # theme a: every threshold in (0.35, 0.6] separates perfectly; the tie goes to the one nearest 0.5
    assert chosen["a"] == 0.5
    assert f1_at(probabilities[:, 0], labelled[:, 0], chosen["a"]) == (1.0, 1.0, 1.0)
    # theme b: 0.10 keeps all three labelled with one false alarm (0.3); every higher threshold loses one
    assert chosen["b"] == 0.1
    assert f1_at(probabilities[:, 1], labelled[:, 1], 0.1) == pytest.approx((0.75, 1.0, 6 / 7))
    best = max(f1_at(probabilities[:, 1], labelled[:, 1], t)[2] for t in GRID)
    assert f1_at(probabilities[:, 1], labelled[:, 1], chosen["b"])[2] == best


def test_the_shipped_thresholds_cover_every_theme_and_come_from_the_grid() -> None:
    assert set(THEME_THRESHOLDS) == set(default_taxonomy().keys)
    assert all(t in GRID for t in THEME_THRESHOLDS.values())


def test_each_theme_is_raised_where_its_probability_reaches_its_own_threshold() -> None:
    texts = ["Parkeringen var full", "Samma sköterska varje gång", "Informationen på hemsidan var otydlig"]
    langs = ["sv", "sv", "sv"]
    taxonomy = default_taxonomy()
    lexical = _read_lexicon(texts, taxonomy, languages=langs)
    model = comment_model()
    x = model.features(texts, lexical.languages, lexical.assignment.matrix, lexical.scores)
    reading = read_comments(texts, languages=langs)
    for key in model.learned_keys:
        probability = model.theme_models[key].predict_proba(x)[:, 1]
        expected = probability >= THEME_THRESHOLDS.get(key, THEME_THRESHOLD)
        got = np.asarray([key in reading.themes_of(i) for i in range(len(texts))])
        assert (got == expected).all(), key


@pytest.mark.parametrize(
    ("text", "wanted", "not_wanted"),
    [
        ("Telefonkön var helt orimlig", "vantetid", "pris"),
        ("Det tog lång tid att få svar", "vantetid", "information"),
        ("Det tog väldigt lång tid att få svar från kommunen", "vantetid", "information"),
    ],
)
def test_the_issues_misfiled_examples_stay_filed_right(text: str, wanted: str, not_wanted: str) -> None:
    themes = read_comments([text], languages=["sv"]).themes_of(0)
    assert wanted in themes
    assert not_wanted not in themes
