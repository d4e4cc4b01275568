"""The vectorised corpus agrees with tokenising comments one by one."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.text.corpus import build_corpus
from kundpuls.text.language_detection import detect_language
from kundpuls.text.tokens import stems, tokenise

texts = st.lists(
    st.text(alphabet=st.sampled_from(list("abcdeåäöéABCÅÄÖ xyz0123.,!-'\n\t²")), max_size=40), max_size=8
)


@settings(max_examples=80, deadline=None)
@given(comments=texts)
def test_it_tokenises_like_the_single_comment_tokeniser(comments: list[str]) -> None:
    corpus = build_corpus(comments)
    assert corpus.n_docs == len(comments)
    for i, text in enumerate(comments):
        assert corpus.tokens_of(i) == tokenise(text)
        assert corpus.languages[i] == detect_language(text)


def test_it_stems_each_comment_in_its_own_language() -> None:
    corpus = build_corpus(["Väntetiden var lång", "The waiting was long"])

    def stem_of(i: int) -> list[str]:
        ids = corpus.stem_ids[corpus.offsets[i] : corpus.offsets[i + 1]]
        return [str(corpus.stem_vocabulary[s]) for s in ids]

    assert list(corpus.languages) == ["sv", "en"]
    assert stem_of(0) == stems(["väntetiden", "var", "lång"], language="sv")
    assert stem_of(1) == stems(["the", "waiting", "was", "long"], language="en")


def test_the_stem_matrix_counts_content_words_per_comment() -> None:
    corpus = build_corpus(["otrevlig otrevliga personal och kö", "", "kö"], language="sv")
    matrix = corpus.stem_matrix()
    display = corpus.stem_display()
    row0 = {str(display[j]): int(v) for j, v in zip(matrix[0].indices, matrix[0].data, strict=True)}
    assert row0 == {"otrevlig": 2, "personal": 1, "kö": 1}
    assert matrix[1].nnz == 0
    assert int(matrix.sum()) == 5


def test_it_accepts_arrow_arrays_with_missing_values() -> None:
    corpus = build_corpus(pa.chunked_array([["Bra", None], ["Dålig"]]))
    assert corpus.n_docs == 3
    assert corpus.tokens_of(1) == []
    assert np.array_equal(corpus.offsets, [0, 1, 1, 2])
