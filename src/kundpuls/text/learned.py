"""A small learned reader of comments: logistic regression on words, letter sequences and the lexicon.

The taxonomy (:mod:`kundpuls.text.themes`) and the polarity lexicon (:mod:`kundpuls.text.polarity`) are
rules a person can read and edit; alone they miss what customers say in words no list holds and are
misled by words that name a subject in passing. This module learns, from the labelled comments of the
tuning part shipped with the package (``data/comments_tuning.jsonl``), how much each piece of evidence
counts, and keeps the rules as its strongest evidence:

- **features** of a comment: its word stems and pairs of stems (in its language), the stems of the parts of
  its Swedish compounds, the stems negated by a preceding negator (marked), its letter sequences
  of 2–5 letters inside words (they catch inflections and compound parts: "telefonkön", "väntetiden"),
  whether the taxonomy in force raises each theme, the lexicon's polarity score (its sign and size), and
  whether the comment names a person in a service role or refers to one by pronoun (``data/person_cues.yaml``:
  how someone behaved or what they knew is often said with no theme word, but with the person), and **what
  the comment means**: its vector from a multilingual sentence encoder (:mod:`kundpuls.text.meaning`), so
  that a theme said in words no list holds is still read, and **how the tuning comments nearest in
  meaning were labelled** (:class:`Neighbours`; both left out where the encoder cannot run here);
- **one logistic regression per theme** (does the comment raise it?) and **one for the comment's
  polarity** (praise, complaint, neutral; multinomial, classes weighted); each theme is raised where its
  probability reaches its own threshold, chosen by grouped cross-validation on the tuning part
  (:mod:`kundpuls.text.calibration`).
  Everything is fitted with scikit-learn (L2-regularised, deterministic) at first use in the process
  (:func:`kundpuls.text.reading.comment_model`, with the shipped taxonomy): nothing is downloaded and no
  weights of the regressions are shipped (only the encoder's vectors of the tuning comments, to save
  encoding them in every process);
- the themes the model knows are the labelled themes of the shipped taxonomy.
  :func:`kundpuls.text.reading.read_comments` computes the taxonomy features with the taxonomy in force, so
  a theme a person removed gives no evidence and is not raised, a theme a person added is raised by the
  taxonomy alone, and a match only a person's edit makes is kept whatever the model says.

:meth:`CommentModel.explain` lists the features that weighed most for one comment and theme, so that a
quality manager can see why a comment was filed where it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from kundpuls.text import meaning
from kundpuls.text.polarity import POLARITIES, polarity_lexicon
from kundpuls.text.taxonomy import default_taxonomy
from kundpuls.text.themes import theme_splitter
from kundpuls.text.tokens import Language, stems, tokenise
from kundpuls.yaml_input import load_yaml

THEME_C = 10.0
"""Inverse regularisation strength of the theme models (chosen by cross-validation on the tuning part)."""
POLARITY_C = 10.0
"""Inverse regularisation strength of the polarity model."""
POLARITY_CLASS_WEIGHT: str | None = "balanced"
"""Class weights of the polarity model: ``"balanced"`` weighs each polarity inversely to its share of the
tuning comments, so that the rare neutral comments (questions, suggestions, facts; about one in eleven) are
not read as complaints to gain accuracy: by grouped cross-validation on the same folds, neutral recall
0.68 → 0.77 (precision 0.94 → 0.77) and complaint precision 0.89 → 0.92 (docs/comments.md §3b)."""
LEXICON_WEIGHT = 0.3
"""Scale of the lexicon features against the (row-normalised) word and letter features."""
THEME_THRESHOLD = 0.3
"""A theme is raised when its model's probability reaches its threshold in ``THEME_THRESHOLDS``, or this
for a theme not listed there (below 0.5: each theme is rare, and a missed theme costs a manager as much as
a wrong one)."""
THEME_THRESHOLDS: dict[str, float] = {
    "bemotande": 0.3,
    "vantetid": 0.35,
    "tillganglighet": 0.3,
    "information": 0.3,
    "kompetens": 0.3,
    "pris": 0.2,
    "lokaler": 0.25,
    "digitala_tjanster": 0.25,
    "parkering": 0.3,
    "kontinuitet": 0.25,
    "kollektivtrafik": 0.25,
}
"""Per-theme thresholds, chosen by grouped 5-fold cross-validation on the tuning part only, where the lower
of precision and recall is highest (:mod:`kundpuls.text.calibration`; ``python benchmarks/comments.py
--cross-validate`` recomputes them)."""
NEGATION_REACH = 3
"""Words after a negator that are also counted as negated features (``not:<stem>``)."""
LATER_WEIGHT = 3.0
"""Weight of the labelled comments written after the lexicon was tuned (ids from ``LEXICON_TUNED_BELOW``):
on them the taxonomy's match is as reliable as on new text, on the older ones it is nearly perfect."""
LEXICON_TUNED_BELOW = 1000
PERSON_WEIGHT = 0.3
"""Scale of the person features (``data/person_cues.yaml``: a role word, a pronoun) against the others."""
MEANING_WEIGHT = 3.0
"""Scale of the encoder's vector (unit length) against the others: by leave-one-round-out on the tuning
part, 1, 3, 6 and 10 gave mean F1 0.846, 0.868, 0.860 and 0.840 over the fifth to seventh rounds
(docs/comments.md §3b)."""
SITTING = 10
"""Comments with ids in one block of this many consecutive ids were written together, in one sitting."""
NEIGHBOUR_WEIGHT = 1.0
"""Scale of the neighbour votes (:class:`Neighbours`) against the others; 0 leaves them out. By leave one
round out over the fifth to eighth rounds, mean F1 0.874 without them, 0.887 at 1, 0.885 at 2
(docs/comments.md §3b)."""
NEIGHBOURS = 15
"""How many of the nearest tuning comments (by the encoder's vectors) vote."""
NEIGHBOUR_SHARPNESS = 50.0
"""A neighbour's vote is weighed by ``exp(sharpness × cosine)``: the encoder's cosines of unrelated
comments are already high (about 0.75), so small differences must count."""


@dataclass(frozen=True)
class LabelledComment:
    """One labelled comment: its text, language, polarity and themes (each with a polarity)."""

    id: int
    language: Language
    text: str
    polarity: str
    themes: dict[str, str]


def labelled_comments() -> list[LabelledComment]:
    """The tuning part of the labelled set, shipped with the package (``data/comments_tuning.jsonl``)."""
    text = resources.files("kundpuls.text").joinpath("data/comments_tuning.jsonl").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip():
            r = json.loads(line)
            out.append(LabelledComment(r["id"], r["language"], r["text"], r["polarity"], dict(r["themes"])))
    return out


@cache
def _person_cues(language: str) -> tuple[re.Pattern[str], frozenset[str]]:
    """The role-word parts (one pattern, at a word's start or end) and pronouns of ``language``."""
    text = resources.files("kundpuls.text").joinpath("data", "person_cues.yaml").read_text(encoding="utf-8")
    spec = load_yaml(text, field="person_cues").get(language, {})
    parts = "|".join(sorted((re.escape(str(p)) for p in spec.get("parts", [])), key=len, reverse=True))
    pattern = re.compile(rf"^(?:{parts})|(?:{parts})(?:en|n|na|erna|arna|orna|s|es)?$")
    return pattern, frozenset(str(p) for p in spec.get("pronouns", []))


def person_features(texts: Sequence[str], languages: Sequence[str] | np.ndarray) -> np.ndarray:
    """Per comment: whether it names a person in a service role, and whether it refers to one by pronoun.

    A comment about how someone behaved or what they knew often names no theme word but names the person;
    the lists are general role words (``data/person_cues.yaml``), so that a role the labelled comments never
    named ("the midwife", "skolkuratorn") counts as well.
    """
    out = np.zeros((len(texts), 2))
    for i, (text, lang) in enumerate(zip(texts, languages, strict=True)):
        pattern, pronouns = _person_cues(str(lang))
        tokens = tokenise(text)
        out[i, 0] = any(pattern.search(t) for t in tokens)
        out[i, 1] = any(t in pronouns for t in tokens)
    return out


def _stem_analyser(doc: str) -> list[str]:
    """``doc`` is ``"<lang>\\t<text>"``: the features of the text's words in its language.

    Its stems and pairs of stems; in Swedish, the stems of the parts of each compound the taxonomy's
    splitter knows (``part:telefon``, ``part:kö`` for "telefonkön"); and the stems of the (at most
    ``NEGATION_REACH``) words after a negator, marked (``not:trev`` in "inte särskilt trevlig").
    """
    lang, _, text = doc.partition("\t")
    tokens = tokenise(text)
    s = stems(tokens, language=lang)  # type: ignore[arg-type]
    out = s + [f"{a} {b}" for a, b in pairwise(s)]
    if lang == "sv":
        splitter = theme_splitter(default_taxonomy())
        for token in tokens:
            parts = splitter.split(token)
            if len(parts) > 1:
                out += [f"part:{p}" for p in stems(list(parts), language="sv")]
    negators = polarity_lexicon(lang).negators
    reach = 0
    for token, stem_ in zip(tokens, s, strict=True):
        if token in negators:
            reach = NEGATION_REACH
        elif reach:
            out.append(f"not:{stem_}")
            reach -= 1
    return out


@dataclass(frozen=True, eq=False)
class Neighbours:
    """The labels of the tuning comments nearest a comment in meaning, as features.

    A linear model on the encoder's vector can only draw one plane per theme through the space of meanings;
    the themes of the comments nearest in meaning say what the comment is about where that plane does not
    (a skill said through what happened lies near other such comments, far from the plane of words). Each
    comment gets, per theme, the weighed share of its ``NEIGHBOURS`` nearest tuning comments labelled with
    it, and the same for the three polarities. A tuning comment never votes for itself or for the comments
    written beside it (the same sitting, ``SITTING`` consecutive ids), which would make its vote look surer
    when fitting than it is on new text.
    """

    vectors: np.ndarray
    """The tuning comments' vectors (unit length), one row each."""
    labels: np.ndarray
    """Per tuning comment: its themes (in ``theme_keys`` order) then praise, complaint, neutral, as 0/1."""
    blocks: np.ndarray
    """Per tuning comment: ``id // SITTING``, the sitting it was written in."""

    def votes(self, vectors: np.ndarray, blocks: np.ndarray | None = None) -> np.ndarray:
        """Per row of ``vectors``: the weighed share of its nearest tuning comments with each label.

        ``blocks``: for tuning comments themselves, their sitting, whose comments do not vote.
        """
        out = np.zeros((len(vectors), self.labels.shape[1]))
        batch = 256  # a batch's cosines are batch × tuning comments: about 5 MB at a time
        for start in range(0, len(vectors), batch):
            cosines = vectors[start : start + batch] @ self.vectors.T
            if blocks is not None:
                cosines[blocks[start : start + batch, None] == self.blocks[None, :]] = -np.inf
            k = min(NEIGHBOURS, cosines.shape[1])
            nearest = np.argpartition(-cosines, k - 1, axis=1)[:, :k]
            near = np.take_along_axis(cosines, nearest, axis=1)
            top = near.max(axis=1, keepdims=True)
            top[~np.isfinite(top)] = 0.0  # a comment whose every candidate is its own sitting hears no one
            weights = np.exp(NEIGHBOUR_SHARPNESS * (near - top))  # an excluded candidate: exp(-inf) = 0
            weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
            out[start : start + batch] = np.einsum("ik,ikl->il", weights, self.labels[nearest])
        return out


@dataclass(frozen=True, eq=False)
class CommentModel:
    """Fitted theme and polarity models (see the module docstring)."""

    theme_keys: tuple[str, ...]
    """The taxonomy's theme keys, in the taxonomy's order, that the lexicon features refer to."""
    learned_keys: tuple[str, ...]
    """The theme keys with a fitted model (labelled in the tuning part and present in the taxonomy)."""
    words: TfidfVectorizer
    letters: TfidfVectorizer
    theme_models: dict[str, LogisticRegression]
    polarity_model: LogisticRegression
    uses_meaning: bool = False
    """Whether the encoder's vectors are features (:mod:`kundpuls.text.meaning`)."""
    neighbours: Neighbours | None = None
    """The tuning comments whose labels vote, where the encoder is used and ``NEIGHBOUR_WEIGHT`` > 0."""

    def features(
        self,
        texts: Sequence[str],
        languages: Sequence[str] | np.ndarray,
        lexicon_themes: Any,
        lexicon_scores: np.ndarray,
    ) -> sparse.csr_matrix:
        """The feature matrix of ``texts`` (see :func:`_features`)."""
        vectors = meaning.encode(texts) if self.uses_meaning else None
        votes = (
            self.neighbours.votes(vectors) if self.neighbours is not None and vectors is not None else None
        )
        return _features(
            self.words, self.letters, texts, languages, lexicon_themes, lexicon_scores, vectors, votes
        )

    def predict(
        self,
        texts: Sequence[str],
        languages: Sequence[str] | np.ndarray,
        lexicon_themes: Any,
        lexicon_scores: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Themes (bool, comments × ``theme_keys``) and polarity (praise/complaint/neutral) of ``texts``.

        ``lexicon_themes`` is the taxonomy's comments × themes match (in ``theme_keys`` order) and
        ``lexicon_scores`` the lexicon's polarity score of each comment. Themes without a model keep the
        taxonomy's match.
        """
        raised = np.asarray(sparse.csr_matrix(lexicon_themes).toarray(), dtype=bool)
        if not len(texts):
            return raised, np.zeros(0, dtype=object)
        x = self.features(texts, languages, lexicon_themes, lexicon_scores)
        for key in self.learned_keys:
            j = self.theme_keys.index(key)
            threshold = THEME_THRESHOLDS.get(key, THEME_THRESHOLD)
            raised[:, j] = self.theme_models[key].predict_proba(x)[:, 1] >= threshold
        polarity = np.asarray(self.polarity_model.predict(x), dtype=object)
        return raised, polarity

    def explain(self, row: sparse.csr_matrix, key: str, *, top: int = 5) -> list[tuple[str, float]]:
        """The ``top`` features of one comment's feature ``row`` that weighed most for theme ``key``.

        The dimensions of the encoder's vector say nothing one by one: they count as one feature,
        ``meaning``, the sum of their contributions (with the neighbours' votes, which come from it).
        """
        names = self.feature_names()
        contributions = row.multiply(self.theme_models[key].coef_[0]).tocsr()
        summed: dict[str, float] = {}
        for column, value in zip(contributions.indices.tolist(), contributions.data.tolist(), strict=True):
            name = "meaning" if names[column].startswith(("meaning:", "neighbours:")) else names[column]
            summed[name] = summed.get(name, 0.0) + float(value)
        return sorted(summed.items(), key=lambda item: -abs(item[1]))[:top]

    def feature_names(self) -> list[str]:
        """Names of the features, in column order: ``word:``, ``letters:``, ``taxonomy:``, ``lexicon:``,
        ``person:`` and, where the encoder is used, ``meaning:`` (one per dimension of its vector)."""
        return [
            *(f"word:{w}" for w in self.words.get_feature_names_out()),
            *(f"letters:{w}" for w in self.letters.get_feature_names_out()),
            *(f"taxonomy:{k}" for k in self.theme_keys),
            "lexicon:praise",
            "lexicon:complaint",
            "lexicon:none",
            "lexicon:score",
            "lexicon:question",
            "person:role",
            "person:pronoun",
            *(f"meaning:{i}" for i in range(meaning.DIMENSIONS if self.uses_meaning else 0)),
            *(
                f"neighbours:{k}"
                for k in ((*self.theme_keys, *POLARITIES) if self.neighbours is not None else ())
            ),
        ]


def _features(
    words: TfidfVectorizer,
    letters: TfidfVectorizer,
    texts: Sequence[str],
    languages: Sequence[str] | np.ndarray,
    lexicon_themes: Any,
    lexicon_scores: np.ndarray,
    vectors: np.ndarray | None = None,
    votes: np.ndarray | None = None,
) -> sparse.csr_matrix:
    docs = [f"{lang}\t{text}" for lang, text in zip(languages, texts, strict=True)]
    scores = np.asarray(lexicon_scores, dtype=float)
    question = np.asarray([float(text.rstrip().endswith("?")) for text in texts])
    lexicon = np.column_stack([scores > 0, scores < 0, scores == 0, np.tanh(scores / 2), question]).astype(
        float
    )
    return sparse.hstack(
        [
            words.transform(docs),
            letters.transform([t.lower() for t in texts]),
            sparse.csr_matrix(lexicon_themes, dtype=float) * LEXICON_WEIGHT,
            sparse.csr_matrix(lexicon) * LEXICON_WEIGHT,
            sparse.csr_matrix(person_features(texts, languages)) * PERSON_WEIGHT,
            *([] if vectors is None else [sparse.csr_matrix(vectors * MEANING_WEIGHT)]),
            *([] if votes is None else [sparse.csr_matrix(votes * NEIGHBOUR_WEIGHT)]),
        ],
        format="csr",
    )


def fit_comment_model(
    records: Sequence[LabelledComment],
    theme_keys: Sequence[str],
    lexicon_themes: Any,
    lexicon_scores: np.ndarray,
    *,
    theme_c: float = THEME_C,
    polarity_c: float = POLARITY_C,
    polarity_class_weight: str | None = POLARITY_CLASS_WEIGHT,
    later_weight: float = LATER_WEIGHT,
    use_meaning: bool | None = None,
) -> CommentModel:
    """Fit the models on ``records`` given the taxonomy's match and the lexicon's score of each.

    ``use_meaning``: whether the encoder's vectors are features; by default where the encoder can run.
    """
    texts = [r.text for r in records]
    uses_meaning = meaning.available() if use_meaning is None else use_meaning
    vectors = meaning.tuning_vectors(texts) if uses_meaning else None
    languages = [r.language for r in records]
    words = TfidfVectorizer(analyzer=_stem_analyser, sublinear_tf=True, min_df=1)
    words.fit([f"{lang}\t{text}" for lang, text in zip(languages, texts, strict=True)])
    letters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    letters.fit([t.lower() for t in texts])
    neighbours = votes = None
    if vectors is not None and NEIGHBOUR_WEIGHT > 0:
        labels = np.asarray(
            [[k in r.themes for k in theme_keys] + [r.polarity == p for p in POLARITIES] for r in records],
            dtype=float,
        )
        blocks = np.asarray([r.id // SITTING for r in records])
        neighbours = Neighbours(np.asarray(vectors, dtype=np.float32), labels, blocks)
        votes = neighbours.votes(neighbours.vectors, blocks)
    x = _features(words, letters, texts, languages, lexicon_themes, lexicon_scores, vectors, votes)
    weights = np.where(np.asarray([r.id for r in records]) > LEXICON_TUNED_BELOW, later_weight, 1.0)
    labelled = {k for r in records for k in r.themes}
    learned = tuple(k for k in theme_keys if k in labelled)
    theme_models = {}
    for key in learned:
        y = np.asarray([key in r.themes for r in records])
        theme_models[key] = LogisticRegression(C=theme_c, solver="liblinear").fit(x, y, sample_weight=weights)
    polarity_model = LogisticRegression(C=polarity_c, max_iter=1000, class_weight=polarity_class_weight).fit(
        x, np.asarray([r.polarity for r in records]), sample_weight=weights
    )
    assert set(polarity_model.classes_) <= set(POLARITIES)
    return CommentModel(
        theme_keys=tuple(theme_keys),
        learned_keys=learned,
        words=words,
        letters=letters,
        theme_models=theme_models,
        polarity_model=polarity_model,
        uses_meaning=uses_meaning,
        neighbours=neighbours,
    )


__all__ = ["CommentModel", "LabelledComment", "fit_comment_model", "labelled_comments"]
