"""Splitting Swedish compounds into their parts, so that "telefonkön" is matched as telefon + kö.

Swedish writes compounds as one word, and a theme word inside one is easy to miss ("telefonkön",
"parkeringsavgiften", "jättebra"). :func:`split_compound` segments a word into known words: every part
but the last is a word of the lexicon (optionally followed by the linking ``s``: parkering·s·avgift), and
the last part is a word of the lexicon with an optional inflectional ending (kö·n, avgift·en). Of all
segmentations the one with the fewest parts wins, ties going to the longest last part (the head, which
carries the meaning in Swedish). A word that is itself in the lexicon is not split.

The lexicon is ``data/compound_words_sv.txt`` plus the words the caller adds (the theme taxonomy's and the
polarity lexicon's Swedish words). Parts of fewer than three letters are allowed only as the last part
(``kö``). Nothing is downloaded: the method is a dictionary segmentation in the style of the "longest
known parts" splitters used for Germanic compounds (Koehn & Knight 2003, "Empirical methods for compound
splitting", EACL), without their corpus frequencies.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources

MIN_WORD = 6
"""Words shorter than this are not split (two parts of three letters)."""
MIN_PART = 3
"""The shortest part before the last one."""
MAX_PARTS = 3
ENDINGS: tuple[str, ...] = (
    "",
    "n",
    "en",
    "et",
    "t",
    "na",
    "ne",
    "er",
    "ar",
    "or",
    "r",
    "erna",
    "arna",
    "orna",
    "rna",
    "ens",
    "ets",
    "s",
    "a",
    "e",
    "are",
    "ast",
    "aste",
    "met",
    "men",
)
"""Inflectional endings allowed after the last part (kö·n, avgift·en, hiss·arna, bra·st?)."""


@cache
def base_lexicon() -> frozenset[str]:
    """The shipped lexicon of compound parts (``data/compound_words_sv.txt``)."""
    text = resources.files("kundpuls.text").joinpath("data", "compound_words_sv.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


class CompoundSplitter:
    """Splits words against one lexicon; results are cached per word."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        words = set(base_lexicon())
        words.update(w for w in extra_words if w and w.isalpha())
        self.lexicon: frozenset[str] = frozenset(words)
        self.split = lru_cache(maxsize=200_000)(self._split)

    def _split(self, word: str) -> tuple[str, ...]:
        if len(word) < MIN_WORD or word in self.lexicon or not word.isalpha():
            return (word,)
        best: tuple[str, ...] | None = None
        n = len(word)
        # segment[i]: the fewest parts covering word[:i] with every part a lexicon word (and links)
        segment: dict[int, tuple[str, ...]] = {0: ()}
        for i in range(n):
            parts = segment.get(i)
            if parts is None or len(parts) >= MAX_PARTS:
                continue
            # the last part: a lexicon word plus an ending, reaching the end of the word
            if parts:
                for ending in ENDINGS:
                    head = word[i : n - len(ending)] if ending else word[i:]
                    if ending and not word.endswith(ending):
                        continue
                    if len(head) >= 2 and head in self.lexicon:
                        candidate = (*parts, head)
                        if best is None or (len(candidate), -len(head)) < (len(best), -len(best[-1])):
                            best = candidate
            # a part before the last: a lexicon word of at least MIN_PART letters, optionally a linking s
            for j in range(i + MIN_PART, n - 1):
                piece = word[i:j]
                if piece not in self.lexicon:
                    continue
                for end in (j, j + 1) if word[j] == "s" else (j,):
                    known = segment.get(end)
                    if known is None or len(known) > len(parts) + 1:
                        segment[end] = (*parts, piece)
        return best if best is not None else (word,)


@cache
def default_splitter() -> CompoundSplitter:
    """A splitter with the shipped lexicon only."""
    return CompoundSplitter()


def split_compound(word: str, *, splitter: CompoundSplitter | None = None) -> tuple[str, ...]:
    """Return the parts of the lower-case Swedish ``word`` (the word alone if it is no known compound).

    Examples
    --------
    >>> split_compound("telefonkön")
    ('telefon', 'kö')
    >>> split_compound("parkeringsavgiften")
    ('parkering', 'avgift')
    >>> split_compound("personalen")
    ('personalen',)
    """
    return (splitter or default_splitter()).split(word)
