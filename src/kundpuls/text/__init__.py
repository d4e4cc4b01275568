"""Pure comment analysis for Swedish and English: redaction, tokens, stems, themes, distinguishing terms.

No Django, no database, nothing downloaded at run time. The public API:

- :func:`redact` / :func:`redact_many` (:mod:`.redaction`): personal data → typed placeholders;
- :func:`tokenise`, :func:`stem`, :func:`stop_words`, :func:`detect_language`;
- :func:`build_corpus` (:mod:`.corpus`): a vectorised, tokenised corpus shared by the analyses;
- :func:`default_taxonomy`, :func:`load_taxonomy`, :func:`parse_taxonomy`, :func:`taxonomy_problems`,
  :func:`merge_theme_terms` (:mod:`.taxonomy`);
- :func:`assign_themes`, :func:`theme_score_table` (:mod:`.themes`);
- :func:`weighted_log_odds`, :func:`distinguishing_terms`, :func:`distinguishing_themes` (:mod:`.log_odds`);
- :func:`discover_themes`, :func:`accept_proposal` (:mod:`.discovery`, imports scikit-learn on first use);
- :func:`comments_by_group`, :func:`releasable_comments` (:mod:`.anonymity`).
"""

from __future__ import annotations

from typing import Any

from kundpuls.text.anonymity import DEFAULT_THRESHOLD, GroupComments, comments_by_group, releasable_comments
from kundpuls.text.corpus import Corpus, build_corpus
from kundpuls.text.language_detection import detect_language
from kundpuls.text.log_odds import (
    LogOdds,
    distinguishing_terms,
    distinguishing_themes,
    split_scores,
    weighted_log_odds,
)
from kundpuls.text.redaction import (
    KINDS,
    PLACEHOLDERS,
    Finding,
    Redacted,
    find_personal_data,
    redact,
    redact_many,
)
from kundpuls.text.taxonomy import (
    Taxonomy,
    TaxonomyProblem,
    Theme,
    ThemeTerms,
    default_taxonomy,
    load_taxonomy,
    merge_theme_terms,
    parse_taxonomy,
    taxonomy_from_yaml,
    taxonomy_problems,
)
from kundpuls.text.themes import ThemeAssignment, assign_themes, assign_themes_to_corpus, theme_score_table
from kundpuls.text.tokens import normalise, stem, stems, stop_words, tokenise

_LAZY = {"discover_themes", "accept_proposal", "ThemeProposal"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from kundpuls.text import discovery

        return getattr(discovery, name)
    raise AttributeError(f"module 'kundpuls.text' has no attribute {name!r}")


__all__ = [
    "DEFAULT_THRESHOLD",
    "KINDS",
    "PLACEHOLDERS",
    "Corpus",
    "Finding",
    "GroupComments",
    "LogOdds",
    "Redacted",
    "Taxonomy",
    "TaxonomyProblem",
    "Theme",
    "ThemeAssignment",
    "ThemeProposal",
    "ThemeTerms",
    "accept_proposal",
    "assign_themes",
    "assign_themes_to_corpus",
    "build_corpus",
    "comments_by_group",
    "default_taxonomy",
    "detect_language",
    "discover_themes",
    "distinguishing_terms",
    "distinguishing_themes",
    "find_personal_data",
    "load_taxonomy",
    "merge_theme_terms",
    "normalise",
    "parse_taxonomy",
    "redact",
    "redact_many",
    "releasable_comments",
    "split_scores",
    "stem",
    "stems",
    "stop_words",
    "taxonomy_from_yaml",
    "taxonomy_problems",
    "theme_score_table",
    "tokenise",
    "weighted_log_odds",
]
