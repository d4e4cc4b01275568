"""Pure comment analysis for Swedish and English: redaction, tokens, stems, themes, distinguishing terms.

No Django, no database, nothing downloaded at run time. The public API:

- :func:`redact` / :func:`redact_many` (:mod:`.redaction`): personal data → typed placeholders;
- :func:`tokenise`, :func:`stem`, :func:`stop_words`, :func:`detect_language`;
- :func:`build_corpus` (:mod:`.corpus`): a vectorised, tokenised corpus shared by the analyses;
- :func:`default_taxonomy`, :func:`load_taxonomy`, :func:`parse_taxonomy`, :func:`taxonomy_problems`,
  :func:`merge_theme_terms` (:mod:`.taxonomy`);
- :func:`assign_themes`, :func:`theme_score_table` (:mod:`.themes`), :func:`split_compound`
  (:mod:`.compounds`);
- :func:`comment_polarity` (:mod:`.polarity`), :func:`read_comments` (:mod:`.reading`): praise, complaint or
  neutral per comment and per theme;
- :func:`weighted_log_odds`, :func:`distinguishing_terms`, :func:`distinguishing_themes` (:mod:`.log_odds`);
- :func:`discover_themes`, :func:`accept_proposal` (:mod:`.discovery`).

Which comments may be shown is not decided here: the results path releases them by the one anonymity rule
(:mod:`kundpuls.reports.disclosure`).

Names are imported lazily from their modules on first access.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Public names and the module that defines each. Imported on first use, so that the redaction hook
# (``from kundpuls.text.redaction import redact``) does not pull in pandas, SciPy or scikit-learn.
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(["Corpus", "build_corpus"], "corpus"),
    "detect_language": "language_detection",
    **dict.fromkeys(
        ["LogOdds", "distinguishing_terms", "distinguishing_themes", "split_scores", "weighted_log_odds"],
        "log_odds",
    ),
    **dict.fromkeys(
        ["KINDS", "PLACEHOLDERS", "Finding", "Redacted", "find_personal_data", "redact", "redact_many"],
        "redaction",
    ),
    **dict.fromkeys(
        [
            "Taxonomy",
            "TaxonomyProblem",
            "Theme",
            "ThemeTerms",
            "default_taxonomy",
            "load_taxonomy",
            "merge_theme_terms",
            "parse_taxonomy",
            "taxonomy_from_yaml",
            "taxonomy_problems",
        ],
        "taxonomy",
    ),
    **dict.fromkeys(
        ["ThemeAssignment", "assign_themes", "assign_themes_to_corpus", "theme_score_table"], "themes"
    ),
    **dict.fromkeys(["normalise", "stem", "stems", "stop_words", "tokenise"], "tokens"),
    **dict.fromkeys(["ThemeProposal", "accept_proposal", "discover_themes"], "discovery"),
    **dict.fromkeys(["CompoundSplitter", "split_compound"], "compounds"),
    **dict.fromkeys(["POLARITIES", "Polarity", "comment_polarity"], "polarity"),
    **dict.fromkeys(["CommentReading", "read_comments"], "reading"),
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kundpuls.text' has no attribute {name!r}")
    return getattr(import_module(f"kundpuls.text.{module}"), name)


def __dir__() -> list[str]:
    return __all__
