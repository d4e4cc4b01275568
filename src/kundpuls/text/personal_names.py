"""Finding personal names in comments: shipped name lists plus context cues.

Three rules, applied together:

1. **Cues.** A word after a title ("sköterskan", "handläggaren", "Dr") or a name phrase ("jag heter",
   "mitt namn är", "Mvh") is a name if it is capitalised and not a stop word, or if it is a listed name in
   any case. A capitalised word right after it is taken as the surname.
2. **Name lists.** A listed first name or surname (``data/names_*.txt``) written with a capital initial
   is a name, and so is a capitalised word or initial right after a first name ("Anna Lindqvist",
   "Anna L."). A listed first name in lower case counts too in Swedish comments, unless it is also an
   ordinary word.
3. **Ambiguous names** (``data/names_ambiguous.txt``: Per, Bo, Hans, Rut, Inga, Tom, Lund …) need
   support: a cue, a neighbouring name, or — for first names — a capital initial inside a sentence
   ("tack till Bo i kassan"). Alone at the start of a sentence or in lower case they are left alone
   ("Per telefon gick det bra", "bo kvar").

The lists were written from the maintainers' knowledge of SCB's published name statistics (most common
first names and surnames); they are a recall aid, not an official table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kundpuls.text.tokens import stop_words
from kundpuls.yaml_input import load_yaml

_UPPER = "A-ZÅÄÖÉÜ"
_LOWER = "a-zåäöéüáàèëïíóúç"
_CAP_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_SENTENCE_END = frozenset(".!?:;\n\x00•*–-")
_SKIP_BACK = frozenset(" \t\"'«»”“([")


def _lines(name: str) -> list[str]:
    text = resources.files("kundpuls.text").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _trie_pattern(words: Iterable[str]) -> str:
    """Return a regex alternation of ``words`` factored as a trie (fast: one branch per first letter)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


@dataclass(frozen=True)
class NameLexicon:
    """The name lists and cue words, compiled into the patterns the name finder uses.

    ``prefilter`` is an RE2 pattern (for Arrow's vectorised regex kernels) that matches every comment in
    which :func:`find_names` can find a name, and some more: a listed name as a whole word in any case,
    or a cue followed by a capitalised word.
    """

    first_names: frozenset[str]
    surnames: frozenset[str]
    ambiguous: frozenset[str]
    common_words: frozenset[str]
    listed: re.Pattern[str]
    listed_lower: re.Pattern[str]
    cue: re.Pattern[str]
    cue_lower: re.Pattern[str]
    after_cue: re.Pattern[str]
    prefilter: str

    def is_first(self, word: str) -> bool:
        """True if ``word`` (any case) is a listed first name."""
        return word.lower() in self.first_names

    def is_listed(self, word: str) -> bool:
        """True if ``word`` (any case) is a listed first name or surname."""
        w = word.lower()
        return w in self.first_names or w in self.surnames


@cache
def name_lexicon() -> NameLexicon:
    """Load the shipped name lists and cues once."""
    first = {w.lower() for w in _lines("names_first_sv.txt") + _lines("names_first_en.txt")}
    surnames = {w.lower() for w in _lines("names_surnames_sv.txt")}
    ambiguous = {w.lower() for w in _lines("names_ambiguous.txt")}
    common = set(stop_words("sv")) | set(stop_words("en"))
    cues = load_yaml(
        resources.files("kundpuls.text").joinpath("data", "name_cues.yaml").read_text("utf-8"),
        field="name_cues.yaml",
    )
    titles = [t for lang in cues.values() for t in lang.get("titles", [])]
    phrases = [p for lang in cues.values() for p in lang.get("phrases", [])]
    cue_words = sorted({c.lower() for c in titles + phrases}, key=len, reverse=True)
    cue_alt = "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cue_words)
    listed = re.compile(
        rf"(?<![\w\-@.])(?i:{_trie_pattern(sorted(first | surnames))})(?:s(?=\W|$))?(?![\w\-@])"
    )
    first_trie = _trie_pattern(sorted(first))
    listed_lower = re.compile(
        rf"(?<![\w\-@.])(?:{first_trie}-{first_trie}|{_trie_pattern(sorted(first | surnames))})"
        rf"(?:s(?=\W|$))?(?![\w\-@])"
    )
    after = (
        rf"\.?,?\s+(?P<name>{_CAP_WORD}|[{_LOWER}]+)(?![\w\-@])"
        rf"(?:\s(?P<surname>{_CAP_WORD}|[{_UPPER}]\.)(?![\w\-@]))?"
    )
    cue = re.compile(rf"(?<![\w\-@])(?i:{cue_alt}){after}")
    cue_lower = re.compile(
        rf"(?<![\w\-@])(?:{_trie_pattern(cue_words).replace(chr(92) + ' ', chr(92) + 's+')})(?=\.?,?\s)"
    )
    after_cue = re.compile(after)
    boundary_before = r"(?:^|[^\p{L}\p{N}_])"
    boundary_after = r"(?:$|[^\p{L}\p{N}_])"
    space = r"[\s\p{Z}\x{1C}-\x{1F}\x{85}]"
    re2_cues = "|".join(re.escape(c).replace(r"\ ", space + "+") for c in cue_words)
    prefilter = (
        rf"{boundary_before}(?i:(?:{'|'.join(sorted(first | surnames))})s?){boundary_after}"
        rf"|{boundary_before}(?i:{re2_cues})\.?,?{space}+\p{{Lu}}"
    )
    return NameLexicon(
        prefilter=prefilter,
        first_names=frozenset(first),
        surnames=frozenset(surnames),
        ambiguous=frozenset(ambiguous),
        common_words=frozenset(common),
        listed=listed,
        listed_lower=listed_lower,
        cue=cue,
        cue_lower=cue_lower,
        after_cue=after_cue,
    )


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _SKIP_BACK:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


_LOWER_SURNAME = re.compile(r"\s(?P<word>[a-zåäö]+son)(?![\w\-@])")
_FOLLOWER = re.compile(rf"\s(?P<word>{_CAP_WORD}|[{_UPPER}]\.)(?![\w\-@])")


def find_names(
    text: str, *, lowercase_names: bool = True, lexicon: NameLexicon | None = None
) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of personal names in ``text`` (overlapping spans may be yielded; the
    redactor merges them).

    ``lowercase_names`` lets unambiguous listed first names written in lower case count ("pratade med
    anna"); it is off for English comments, where many names are also words.
    """
    lex = lexicon or name_lexicon()
    found: list[tuple[int, int]] = []
    supported: set[int] = set()
    lowered = text.lower()
    same_length = len(lowered) == len(text)  # lower() kept every offset: search the lower-cased text
    cue_matches = (
        (m for m in (lex.after_cue.match(text, c.end()) for c in lex.cue_lower.finditer(lowered)) if m)
        if same_length
        else lex.cue.finditer(text)
    )
    for match in cue_matches:
        name = match.group("name")
        lower = name.lower()
        if _capitalised(name):
            if lower in lex.common_words and lower not in lex.first_names:
                continue
        elif lower not in lex.first_names:
            continue
        end = (
            match.end("surname")
            if match.group("surname") and not _is_common(match.group("surname"), lex)
            else (match.end("name"))
        )
        found.append((match.start("name"), end))
        supported.add(match.start("name"))
    for match in lex.listed_lower.finditer(lowered) if same_length else lex.listed.finditer(text):
        start = match.start()
        word = text[start : match.end()]
        base = word.lower()
        if base not in lex.first_names and base not in lex.surnames and not _double_first(base, lex):
            base = base[:-1]  # genitive s
        is_first = base in lex.first_names or _double_first(base, lex)
        end = match.end()
        follower = _FOLLOWER.match(text, end)
        has_follower = follower is not None and not _is_common(follower.group("word"), lex)
        if start in supported:
            accept = True
        elif not _capitalised(word):
            lower_surname = _LOWER_SURNAME.match(text, end) if lowercase_names and is_first else None
            if lower_surname is not None and lower_surname.group("word") in lex.surnames:
                found.append((start, lower_surname.end("word")))  # "per olsson": a pair settles it
                continue
            accept = (
                lowercase_names
                and is_first
                and base not in lex.ambiguous
                and base not in lex.common_words
                and len(base) >= 3
            )
        elif base in lex.ambiguous:
            preceded = _preceded_by_name(text, start, lex)
            accept = (
                has_follower and follower is not None and lex.is_listed(follower.group("word").rstrip("."))
            )
            accept = accept or preceded or (is_first and not _sentence_initial(text, start))
            accept = accept or (is_first and _PERSON_VERB.match(text, end) is not None)
        else:
            accept = True
        if not accept:
            continue
        if is_first and _capitalised(word) and has_follower and follower is not None:
            end = follower.end("word")
        found.append((start, end))
    yield from found


# "Per var trevlig", "Bo hjälpte mig": a sentence-initial ambiguous name followed by a verb of a person.
_PERSON_VERB = re.compile(
    r"\s(?:var|är|hjälpte|sa|sade|gav|ringde|svarade|tog|förklarade|lyssnade|skrev|fixade|löste|kom|"
    r"visade|was|is|helped|said|called|explained|listened|answered|fixed|solved)\b"
)
_PRECEDER = re.compile(rf"(?P<word>{_CAP_WORD})\s$")


def _preceded_by_name(text: str, start: int, lex: NameLexicon) -> bool:
    match = _PRECEDER.search(text, max(0, start - 40), start)
    if match is None:
        return False
    word = match.group("word")
    return lex.is_first(word) and word.lower() not in lex.ambiguous


def _double_first(word: str, lex: NameLexicon) -> bool:
    """True for a hyphenated pair of listed first names ("lars-erik", "ann-sofie")."""
    parts = word.split("-")
    return len(parts) == 2 and all(p in lex.first_names for p in parts)


def _is_common(word: str, lex: NameLexicon) -> bool:
    w = word.lower().rstrip(".")
    if len(w) == 1:
        return False
    return (w in lex.common_words and w not in lex.first_names and w not in lex.surnames) or w in _NOT_NAMES


_NOT_NAMES = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "july",
        "september",
        "october",
        "november",
        "december",
        "måndag",
        "tisdag",
        "onsdag",
        "torsdag",
        "fredag",
        "lördag",
        "söndag",
        "jag",
        "det",
        "den",
        "de",
        "vi",
        "ni",
        "han",
        "hon",
        "men",
        "och",
        "eller",
        "the",
        "and",
        "but",
    ]
)
