"""The learned reader's word features (compound parts, negation) and its per-theme thresholds, chosen by
cross-validation on the tuning part (kundpuls.text.calibration)."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.text.calibration import (
    GRID,
    CrossValidation,
    choose_thresholds,
    comment_groups,
    f1_at,
    grouped_folds,
)
from kundpuls.text.learned import THEME_THRESHOLD, THEME_THRESHOLDS, LabelledComment, _stem_analyser
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


def test_choose_thresholds_takes_the_grid_point_where_the_lower_of_precision_and_recall_is_highest() -> None:
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
    best = max(min(f1_at(probabilities[:, 1], labelled[:, 1], t)[:2]) for t in GRID)
    assert min(f1_at(probabilities[:, 1], labelled[:, 1], chosen["b"])[:2]) == best


def _comment(i: int, text: str, language: str = "sv") -> LabelledComment:
    return LabelledComment(i, language, text, "neutral", {})  # type: ignore[arg-type]


def test_the_folds_keep_a_sitting_and_near_copies_together_and_stay_put_when_comments_are_added() -> None:
    records = [
        _comment(1001, "Bussen var sen igen i morse"),
        _comment(1002, "Trevlig personal i receptionen"),
        _comment(1011, "Parkeringen är alltid full på lördagar"),
        _comment(1021, "Bussen var sen igen i morse tyvärr"),  # a near-copy of 1001, another sitting
        _comment(1031, "The bus was late again this morning", "en"),
        _comment(1041, "Lokalerna är slitna och kalla"),
    ]
    groups = comment_groups(records)
    assert groups[0] == groups[1]  # one sitting (ids 1001-1010)
    assert groups[0] == groups[3]  # a near-copy, though written in another sitting
    assert len({groups[0], groups[2], groups[4], groups[5]}) == 4  # other sittings; another language
    rows = np.arange(len(records))
    folds = grouped_folds(records, groups, rows, folds=3, seed=0)
    assert folds[0] == folds[1] == folds[3]
    assert set(folds.tolist()) <= {0, 1, 2}
    more = [*records, _comment(4001, "Helt ny kommentar om appen"), _comment(4011, "Ännu en om priset")]
    more_folds = grouped_folds(more, comment_groups(more), np.arange(len(more)), folds=3, seed=0)
    assert (more_folds[: len(records)] == folds).all()  # the earlier comments keep their folds
    outside = grouped_folds(records, groups, np.arange(2, len(records)), folds=3, seed=0)
    assert (outside[:2] == -1).all()  # comments that are not scored are always trained on


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
