"""The theme taxonomy: editable data (YAML) that says which words and phrases raise which theme.

A taxonomy maps theme keys to a label and, per language (``sv``, ``en``), three kinds of terms:

``words``
    Single words in any inflection. Each is stemmed (Snowball) and matches every token with that stem.
``phrases``
    Two to four words, stemmed word by word, matched as a consecutive sequence.
``parts``
    Parts of compound words, matched as a substring of any token ("väntetid" in "telefonväntetiden").
``weak``
    Single words like ``words`` that raise the theme only in a comment where no other term raised any
    theme: words that say something about the theme when nothing else is named, but usually qualify
    another theme ("snabbt", "svar", "orimlig": "Telefonkön var helt orimlig" is about waiting, not price).

Swedish tokens are also split into their compound parts (:mod:`kundpuls.text.compounds`), and each part
is matched like a word ("telefonkön" → telefon + kö raises what "kö" raises).

:func:`parse_taxonomy` validates a mapping (e.g. loaded from YAML by a staff page) and raises
:class:`~kundpuls.errors.DefinitionError` whose ``field`` is the path of the offending node
(``themes.bemotande.sv.phrases[2]``); :func:`taxonomy_problems` returns every problem at once for a form.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from kundpuls.errors import DefinitionError
from kundpuls.text.tokens import LANGUAGES, Language, tokenise
from kundpuls.yaml_input import load_yaml

TERM_KINDS: tuple[str, ...] = ("words", "phrases", "parts", "weak")
MAX_PHRASE_WORDS = 4
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


@dataclass(frozen=True)
class ThemeTerms:
    """The terms of one theme in one language."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    """One theme: a key, labels and descriptions per language, and terms per language."""

    key: str
    label: Mapping[str, str]
    terms: Mapping[str, ThemeTerms]
    description: Mapping[str, str] = field(default_factory=dict)

    def label_in(self, language: str = "sv") -> str:
        """The label in ``language``, falling back to Swedish."""
        return self.label.get(language) or self.label["sv"]


@dataclass(frozen=True)
class Taxonomy:
    """An ordered set of themes."""

    themes: tuple[Theme, ...]
    name: str = ""
    version: int = 1

    @property
    def keys(self) -> tuple[str, ...]:
        """Theme keys in order."""
        return tuple(t.key for t in self.themes)

    def theme(self, key: str) -> Theme:
        """Return the theme with ``key`` (``DefinitionError`` if there is none)."""
        for t in self.themes:
            if t.key == key:
                return t
        raise DefinitionError(f"themes: no theme with key {key!r}", field="themes", value=key)

    def to_mapping(self) -> dict[str, Any]:
        """Return the plain mapping that :func:`parse_taxonomy` reads (for YAML or JSON)."""
        themes: dict[str, Any] = {}
        for t in self.themes:
            node: dict[str, Any] = {"label": dict(t.label)}
            if t.description:
                node["description"] = dict(t.description)
            for lang, terms in t.terms.items():
                node[lang] = {k: list(getattr(terms, k)) for k in TERM_KINDS if getattr(terms, k)}
            themes[t.key] = node
        return {"version": self.version, "name": self.name, "themes": themes}

    def to_yaml(self) -> str:
        """Return the taxonomy as YAML text."""
        return yaml.safe_dump(self.to_mapping(), allow_unicode=True, sort_keys=False, width=110)

    @cached_property
    def fingerprint(self) -> str:
        """A short digest of the content: equal taxonomies have equal fingerprints (for cache keys)."""
        text = json.dumps(self.to_mapping(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class TaxonomyProblem:
    """One validation problem: the path of the node and what is wrong with it."""

    path: str
    message: str
    value: object = None
    code: str = ""
    """A stable name of the kind of problem (``required``, ``word_count`` …) for translated messages."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def taxonomy_problems(data: object) -> list[TaxonomyProblem]:
    """Return every problem of a taxonomy mapping (an empty list if it is valid)."""
    problems: list[TaxonomyProblem] = []
    _check(data, problems)
    return problems


def _check(data: object, problems: list[TaxonomyProblem]) -> None:
    def bad(path: str, message: str, value: object = None, code: str = "") -> None:
        problems.append(TaxonomyProblem(path, message, value, code))

    if not isinstance(data, Mapping):
        bad("(root)", f"must be a mapping with 'themes', got {type(data).__name__}", data, "root_type")
        return
    for key in data:
        if key not in ("version", "name", "themes"):
            bad(str(key), "unknown key (allowed: version, name, themes)", key, "unknown_key")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        bad("version", "must be a positive integer", version, "version")
    if not isinstance(data.get("name", ""), str):
        bad("name", "must be a string", data.get("name"), "name")
    themes = data.get("themes")
    if not isinstance(themes, Mapping) or not themes:
        bad("themes", "must be a non-empty mapping of theme keys to themes", themes, "themes")
        return
    for key, node in themes.items():
        path = f"themes.{key}"
        if not isinstance(key, str) or not _KEY.match(key):
            bad(
                path,
                "theme key must be lower-case letters, digits and _ (starting with a letter)",
                key,
                "theme_key",
            )
        if not isinstance(node, Mapping):
            bad(path, "must be a mapping with label and sv/en terms", node, "theme_type")
            continue
        for k in node:
            if k not in ("label", "description", *LANGUAGES):
                bad(f"{path}.{k}", "unknown key (allowed: label, description, sv, en)", k, "unknown_key")
        _check_text_map(node.get("label"), f"{path}.label", bad, required=True)
        if "description" in node:
            _check_text_map(node.get("description"), f"{path}.description", bad, required=False)
        if not any(lang in node for lang in LANGUAGES):
            bad(path, "needs terms in at least one language (sv or en)", None, "no_terms")
        for lang in LANGUAGES:
            if lang in node:
                _check_terms(node[lang], f"{path}.{lang}", bad)


def _check_text_map(node: object, path: str, bad: Any, *, required: bool) -> None:
    if node is None:
        if required:
            bad(path, "is required (at least sv)", None, "required")
        return
    if isinstance(node, str):
        return  # a plain string is the Swedish text
    if not isinstance(node, Mapping):
        bad(path, "must be a string or a mapping {sv: ..., en: ...}", node, "text_type")
        return
    if required and not node.get("sv"):
        bad(f"{path}.sv", "is required", None, "required")
    for lang, text in node.items():
        if lang not in LANGUAGES:
            bad(f"{path}.{lang}", "unknown language (allowed: sv, en)", lang, "unknown_language")
        elif not isinstance(text, str) or not text.strip():
            bad(f"{path}.{lang}", "must be a non-empty string", text, "empty")


def _check_terms(node: object, path: str, bad: Any) -> None:
    if not isinstance(node, Mapping):
        bad(path, "must be a mapping with words, phrases, parts and/or weak", node, "terms_type")
        return
    for k in node:
        if k not in TERM_KINDS:
            bad(f"{path}.{k}", "unknown key (allowed: words, phrases, parts, weak)", k, "unknown_key")
    for kind in TERM_KINDS:
        items = node.get(kind, [])
        if items is None:
            continue
        if not isinstance(items, list):
            bad(f"{path}.{kind}", "must be a list of strings", items, "list_type")
            continue
        for i, item in enumerate(items):
            item_path = f"{path}.{kind}[{i}]"
            if not isinstance(item, str) or not item.strip():
                bad(item_path, "must be a non-empty string", item, "empty")
                continue
            n_tokens = len(tokenise(item))
            if kind in ("words", "weak") and n_tokens != 1:
                bad(
                    item_path,
                    f"a word must be exactly one word; {item!r} has {n_tokens} (use phrases)",
                    item,
                    "word_count",
                )
            elif kind == "phrases" and not 2 <= n_tokens <= MAX_PHRASE_WORDS:
                bad(
                    item_path,
                    f"a phrase must have 2–{MAX_PHRASE_WORDS} words; {item!r} has {n_tokens}",
                    item,
                    "phrase_count",
                )
            elif kind == "parts" and (n_tokens != 1 or len(item.strip()) < 3):
                bad(
                    item_path,
                    f"a word part must be at least 3 letters without spaces, got {item!r}",
                    item,
                    "part_short",
                )


def parse_taxonomy(data: object) -> Taxonomy:
    """Validate a taxonomy mapping and return a :class:`Taxonomy`.

    Raises
    ------
    DefinitionError
        For the first problem found; ``field`` is the path of the node and ``value`` the offending value.
        The message lists how many further problems there are (see :func:`taxonomy_problems`).
    """
    problems = taxonomy_problems(data)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DefinitionError(f"{first}{more}", field=first.path, value=first.value)
    data = cast(Mapping[str, Any], data)  # taxonomy_problems has checked the shape
    themes = []
    for key, node in data["themes"].items():
        terms: dict[str, ThemeTerms] = {}
        for lang in LANGUAGES:
            if node.get(lang):
                spec = node[lang]
                terms[lang] = ThemeTerms(
                    **{k: tuple(_clean(s) for s in (spec.get(k) or [])) for k in TERM_KINDS}
                )
        themes.append(
            Theme(
                key=key,
                label=_text_map(node["label"]),
                description=_text_map(node.get("description")) if node.get("description") else {},
                terms=terms,
            )
        )
    return Taxonomy(themes=tuple(themes), name=str(data.get("name", "")), version=int(data.get("version", 1)))


def _clean(term: str) -> str:
    return " ".join(term.lower().split())


def _text_map(node: object) -> dict[str, str]:
    if isinstance(node, str):
        return {"sv": node}
    node = cast(Mapping[str, str], node)  # validated by taxonomy_problems
    return {str(k): str(v) for k, v in node.items()}


def taxonomy_from_yaml(text: str) -> Taxonomy:
    """Parse and validate a taxonomy from YAML text (``DefinitionError`` on bad YAML or content)."""
    return parse_taxonomy(load_yaml(text, field="(root)"))


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read, parse and validate a taxonomy YAML file."""
    return taxonomy_from_yaml(Path(path).read_text(encoding="utf-8"))


@cache
def default_taxonomy() -> Taxonomy:
    """The shipped default taxonomy (``data/themes_default.yaml``)."""
    text = (
        resources.files("kundpuls.text").joinpath("data", "themes_default.yaml").read_text(encoding="utf-8")
    )
    return taxonomy_from_yaml(text)


def merge_theme_terms(
    taxonomy: Taxonomy,
    key: str,
    *,
    language: Language,
    words: Iterable[str] = (),
    phrases: Iterable[str] = (),
    parts: Iterable[str] = (),
    label: Mapping[str, str] | str | None = None,
) -> Taxonomy:
    """Return a new taxonomy with terms added to theme ``key`` (created if missing; then ``label`` is
    required). Duplicate terms are dropped; the result is validated like a loaded file."""
    data = taxonomy.to_mapping()
    themes = data["themes"]
    if key not in themes:
        if label is None:
            raise DefinitionError(
                f"themes.{key}.label: a new theme needs a label", field=f"themes.{key}.label", value=None
            )
        themes[key] = {"label": {"sv": label} if isinstance(label, str) else dict(label)}
    node = themes[key]
    spec = node.setdefault(language, {})
    for kind, new in (("words", words), ("phrases", phrases), ("parts", parts)):
        merged = list(spec.get(kind, []))
        for term in new:
            term = _clean(term)
            if term and term not in merged:
                merged.append(term)
        if merged:
            spec[kind] = merged
    return replace(parse_taxonomy(data))
