"""Polarity of a comment and of each clause: praise, complaint or neutral, Swedish first and English.

A lexicon method, transparent and editable like the theme taxonomy (``data/polarity.yaml``); nothing is
learnt or downloaded. A comment is cut into clauses at sentence punctuation, commas and the words that turn
a sentence ("men", "but"). In each clause, from left to right:

1. a listed **phrase** (matched on stems, longest first) counts +1, −1 or 0 as listed, whatever precedes
   it: "inga problem", "inget att klaga på" and "no problem" are praise; "inget svar", "aldrig svar", "tog
   lång tid" and "not helpful" are complaints; "ingen kommentar" and "waiting room" say nothing;
2. a **negator** ("inte", "aldrig", "ingen", "not", "never", "n't" …) turns the next evaluative word within
   three words, across stop words, degree words and words a negation passes (a count of one, a verb of
   feeling: "aldrig känt mig stressad" +1, "not a single problem" +1) only; "wasn't" is one negation:
   "inte bra" −1, "inte särskilt trevlig" −1, "inte dåligt" +1, "behövde inte vänta" +1, "didn't help" −1;
   another content word ends its reach ("kunde inte laga felet": the negation is about mending);
3. an evaluative **word** counts +1 or −1 (matched by Snowball stem, short stems also by their first
   letters, and as the parts of a Swedish compound: "jättebra" = jätte + bra);
4. a negator that turns no evaluative word is itself a complaint (−1): "de svarade inte", "ringde aldrig",
   "fick ingen kallelse" — in service feedback an unmet expectation is what a bare negation says;
5. a **duration** ("45 minuter", "tre veckor", "five months") is a mild complaint (−0.5, once per clause)
   unless "inom", "bara", "redan", "within", "only" … precede it: a customer counts time when it was too
   long; right after "inom", "bara", "within", "only", "just" it was short, a mild praise (+0.5: "svar
   inom två dagar", "in only ten minutes");
6. a **question** ("Hur lång är handläggningstiden?", "Where can I read more?") says nothing (0), except
   one that asks why ("Varför …?", "Why …?"); so does a clause that voices a **wish or suggestion** (a
   listed marker: "vore bra", "skulle vilja", "önskar", "förslag", "it would help", "please", "maybe"):
   "Det vore bra med fler bänkar" suggests, it does not praise;
7. a negative word shortly after a word that resolves ("löste problemet", "fixed the issue") counts 0.

The clause's score is the sum. A comment's score is the sum of its clauses' scores, a clause that opens with
a turning word counting 1.5 times (what follows "men"/"but" is what the writer wants said); above zero the
comment is **praise**, below zero a **complaint**, zero **neutral**. How the method reads the labelled set
is measured by ``benchmarks/comments.py`` (see docs/comments.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from kundpuls.errors import InvalidArgument
from kundpuls.text.compounds import CompoundSplitter
from kundpuls.text.tokens import LANGUAGES, Language, check_language, stems, stop_words, tokenise
from kundpuls.yaml_input import load_yaml

Polarity = Literal["praise", "complaint", "neutral"]
POLARITIES: tuple[Polarity, ...] = ("praise", "complaint", "neutral")
NEGATION_SCOPE = 3
"""A negator turns an evaluative word at most this many words after it."""
CONTRAST_WEIGHT = 1.5
"""The weight of a clause that opens with a turning word ("men", "but")."""
DURATION_WEIGHT = 0.5
"""What a counted duration ("tre veckor") weighs: less than a word, so that a verdict outweighs it."""
SHORT_STEM = 4

# clause boundaries: sentence punctuation, commas, dashes between words, line breaks
_CLAUSE_BREAK = re.compile(r"[.!?;:\n\r,()]+|\s[-–—]\s")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_NUMBER = (
    r"(?:\d+|en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|femton|tjugo|trettio|fyrtio|flera|många|"
    r"an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|several|"
    r"many)"
)
_DURATION = re.compile(
    r"(?i)(?<![\w])(?P<before>(?:\w+\s+){0,2})"
    + _NUMBER
    + r"\s+(?:minuter|minuters|timmar|timme|timmars|dagar|"
    r"dygn|veckor|veckors|vecka|månader|månaders|månad|år|minutes|hours|hour|days|weeks|week|months|month|"
    r"years)(?!\w)"
)
_NOT_TOO_LONG = re.compile(
    r"(?i)\b(?:inom|bara|endast|redan|within|only|just|already|in\s+under|på\s+bara)\b"
)
_QUICK = re.compile(r"(?i)\b(?:inom|bara|endast|within|only|just|in\s+under|på\s+bara)\s*$")
"""A duration right after these words was short: "svar inom två dagar", "only ten minutes"."""
_QUESTION_WORDS = {
    "sv": frozenset(
        {
            "hur",
            "vem",
            "var",
            "vart",
            "när",
            "vad",
            "vilka",
            "vilken",
            "vilket",
            "finns",
            "kan",
            "går",
            "får",
            "ska",
            "måste",
            "gäller",
            "är",
            "har",
        }
    ),
    "en": frozenset(
        {
            "how",
            "where",
            "when",
            "what",
            "which",
            "who",
            "is",
            "are",
            "can",
            "could",
            "do",
            "does",
            "will",
            "should",
            "may",
        }
    ),
}
_DEGREE_WORDS = frozenset(
    {
        "alls",
        "särskilt",
        "speciellt",
        "riktigt",
        "helt",
        "direkt",
        "så",
        "jätte",
        "super",
        "very",
        "really",
        "particularly",
        "at",
        "all",
        "so",
        "too",
        "that",
        "quite",
        "especially",
        "even",
        "ens",
    }
)
_PASSED_WORDS = frozenset(
    {
        # a negation passes through a count of one and a verb of feeling or seeming to the word it turns:
        # "inte en enda gång stressad", "aldrig känt mig otrygg", "not a single problem", "never felt rushed"
        "enda",
        "gång",
        "single",
        "once",
        "känt",
        "kände",
        "känner",
        "kändes",
        "upplevt",
        "upplevde",
        "verkade",
        "felt",
        "feel",
        "feels",
        "seemed",
        "seem",
    }
)


@cache
def _lengths(phrases: frozenset[tuple[str, ...]]) -> tuple[int, ...]:
    return tuple(sorted({len(p) for p in phrases}))


@dataclass(frozen=True)
class PolarityLexicon:
    """The words and phrases of one language, stemmed once."""

    language: Language
    words: dict[str, list[tuple[int, str]]]  # stem -> [(value, required prefix)]
    phrases: dict[tuple[str, ...], int]  # stems -> value (+1, −1, 0)
    longest_phrase: int
    negators: frozenset[str]
    contrast: frozenset[str]
    resolvers: frozenset[str]
    splitter: CompoundSplitter | None
    wishes: frozenset[tuple[str, ...]] = frozenset()
    """Stems of the markers of a wish or suggestion ("vore", "skulle vilja", "would help", "please")."""

    def is_wish(self, token_stems: list[str]) -> bool:
        """True if the stems of a clause hold a marker of a wish or suggestion."""
        for length in _lengths(self.wishes):
            for i in range(len(token_stems) - length + 1):
                if tuple(token_stems[i : i + length]) in self.wishes:
                    return True
        return False

    def word_value(self, token: str, token_stem: str) -> int:
        """+1, −1 or 0 for one token (by stem, then by the parts of a Swedish compound)."""
        value = self._stem_value(token, token_stem)
        if value or self.splitter is None:
            return value
        parts = self.splitter.split(token)
        if len(parts) < 2:
            return 0
        total = sum(
            self._stem_value(p, s) for p, s in zip(parts, stems(list(parts), language="sv"), strict=True)
        )
        return (total > 0) - (total < 0)

    def _stem_value(self, token: str, token_stem: str) -> int:
        for value, prefix in self.words.get(token_stem, ()):
            if token.startswith(prefix):
                return value
        return 0


def _lexicon_data() -> dict[str, dict[str, list[object]]]:
    text = resources.files("kundpuls.text").joinpath("data", "polarity.yaml").read_text(encoding="utf-8")
    data = load_yaml(text, field="polarity")
    if not isinstance(data, dict):
        raise InvalidArgument(
            "polarity: the lexicon must be a mapping of languages", field="polarity", value=data
        )
    return data


def _strings(spec: dict[str, list[object]], key: str) -> list[str]:
    """The strings listed under ``key`` (YAML reads a bare ``no`` as a boolean: write it quoted)."""
    return [item for item in spec.get(key, []) or [] if isinstance(item, str)]


@cache
def polarity_lexicon(language: Language = "sv") -> PolarityLexicon:
    """The shipped polarity lexicon of ``language`` (``data/polarity.yaml``), stemmed."""
    check_language(language)
    spec = _lexicon_data()[language]
    words: dict[str, list[tuple[int, str]]] = {}
    for key, value in (("positive", 1), ("negative", -1)):
        for word in _strings(spec, key):
            token = tokenise(word)
            if len(token) != 1:
                continue
            s = stems(token, language=language)[0]
            prefix = token[0][: len(s) + 1] if len(s) <= SHORT_STEM else ""
            words.setdefault(s, []).append((value, prefix))
    phrases: dict[tuple[str, ...], int] = {}
    for key, value in (("positive_phrases", 1), ("negative_phrases", -1), ("neutral_phrases", 0)):
        for phrase in _strings(spec, key):
            phrases[tuple(stems(tokenise(phrase), language=language))] = value
    splitter = None
    if language == "sv":
        splitter = CompoundSplitter(
            tok for key in ("positive", "negative") for w in _strings(spec, key) for tok in tokenise(w)
        )
    return PolarityLexicon(
        language=language,
        words=words,
        phrases=phrases,
        longest_phrase=max((len(p) for p in phrases), default=1),
        negators=frozenset(_strings(spec, "negators")),
        contrast=frozenset(_strings(spec, "contrast")),
        resolvers=frozenset(_strings(spec, "resolvers")),
        splitter=splitter,
        wishes=frozenset(tuple(stems(tokenise(w), language=language)) for w in _strings(spec, "wishes")),
    )


@dataclass(frozen=True)
class Clause:
    """One clause of a comment: its text, its score and whether it opens with a turning word."""

    text: str
    score: float
    contrast: bool


def _clauses_with_questions(text: str, language: Language) -> list[tuple[bool, str]]:
    """(in a question, clause) for each clause of ``text``."""
    contrast = polarity_lexicon(language).contrast
    out: list[tuple[bool, str]] = []
    for sentence in _SENTENCE.findall(text):
        words = sentence.split()
        first = words[0].lower().strip("\"'") if words else ""
        question = sentence.rstrip().endswith("?") and first in _QUESTION_WORDS[language]
        out.extend((question, clause) for clause in _split_sentence(sentence, contrast))
    return out


def _split_sentence(text: str, contrast: frozenset[str]) -> list[str]:
    clauses: list[str] = []
    for piece in _CLAUSE_BREAK.split(text):
        words = piece.split()
        current: list[str] = []
        for word in words:
            if current and word.lower().strip("\"'") in contrast:
                clauses.append(" ".join(current))
                current = []
            current.append(word)
        if current:
            clauses.append(" ".join(current))
    return clauses


def clause_score(text: str, *, language: Language = "sv") -> float:
    """The polarity score of one clause (see the module docstring for the rules)."""
    lexicon = polarity_lexicon(language)
    stop = stop_words(language)
    tokens = tokenise(text)
    token_stems = stems(tokens, language=language)
    if lexicon.is_wish(token_stems):
        return 0.0  # a wish or suggestion says nothing about what happened
    score = 0.0
    for match in _DURATION.finditer(text):
        if _QUICK.search(match.group("before")):
            score += DURATION_WEIGHT  # a short time, said as such: speed is praise
            break
        if not _NOT_TOO_LONG.search(match.group("before")):
            score -= DURATION_WEIGHT
            break
    resolved_at: int | None = None  # position of a word such as "fixade", "solved"
    negation: int | None = None  # position of a negator not yet resolved
    i = 0
    n = len(tokens)
    while i < n:
        if negation is not None and i - negation > NEGATION_SCOPE:
            score -= 1  # a negation that turned nothing: an unmet expectation
            negation = None
        matched = 0
        for length in range(min(lexicon.longest_phrase, n - i), 1, -1):
            value = lexicon.phrases.get(tuple(token_stems[i : i + length]))
            if value is not None:
                score += value
                matched = length
                negation = None
                break
        if matched:
            i += matched
            continue
        token = tokens[i]
        if token in lexicon.negators:
            if token == "t" and negation == i - 1:
                i += 1  # the "n't" of "wasn't", "couldn't": one negation, not two
                continue
            if negation is not None:
                score -= 1
            negation = i
            i += 1
            continue
        if token in lexicon.resolvers:
            resolved_at = i
        value = lexicon.word_value(token, token_stems[i])
        if (
            value < 0
            and resolved_at is not None
            and 0 < i - resolved_at <= NEGATION_SCOPE
            and negation is None
        ):
            value = 0  # the problem that was fixed ("löste problemet", "fixed the issue")
        if value:
            if negation is not None:
                value = -value
                negation = None
            score += value
        elif negation is not None and token in _PASSED_WORDS:
            negation = i  # the negation reaches on past it
        elif negation is not None and token not in stop and token not in _DEGREE_WORDS:
            score -= 1  # the negation is about this word ("kunde inte laga"): an unmet expectation
            negation = None
        i += 1
    if negation is not None:
        score -= 1
    return score


def read_clauses(text: str, *, language: Language = "sv") -> list[Clause]:
    """The clauses of ``text`` with their scores."""
    contrast = polarity_lexicon(language).contrast
    out = []
    for question, clause in _clauses_with_questions(text, language):
        first = clause.split(maxsplit=1)[0].lower().strip("\"'") if clause.strip() else ""
        score = 0.0 if question else clause_score(clause, language=language)
        out.append(Clause(clause, score, first in contrast))
    return out


def polarity_of_score(score: float) -> Polarity:
    """``"praise"`` above zero, ``"complaint"`` below, ``"neutral"`` at zero."""
    return "praise" if score > 0 else "complaint" if score < 0 else "neutral"


def comment_score(clauses: Iterable[Clause]) -> float:
    """The comment's score: its clauses' scores, a clause after a turning word weighted 1.5."""
    return sum(c.score * (CONTRAST_WEIGHT if c.contrast else 1.0) for c in clauses)


def comment_polarity(text: str, *, language: str = "sv") -> Polarity:
    """Praise, complaint or neutral for one comment in ``language`` (``"sv"`` or ``"en"``).

    Examples
    --------
    >>> comment_polarity("Personalen var inte trevlig")
    'complaint'
    >>> comment_polarity("Inga problem alls, tack!")
    'praise'
    >>> comment_polarity("The staff were not helpful", language="en")
    'complaint'
    """
    lang = check_language(language)
    return polarity_of_score(comment_score(read_clauses(text, language=lang)))


__all__ = [
    "LANGUAGES",
    "POLARITIES",
    "Clause",
    "Polarity",
    "PolarityLexicon",
    "clause_score",
    "comment_polarity",
    "comment_score",
    "polarity_lexicon",
    "polarity_of_score",
    "read_clauses",
]
