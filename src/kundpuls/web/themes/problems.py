"""Taxonomy validation problems in the user's language, naming the node path and the value.

:func:`kundpuls.text.taxonomy.taxonomy_problems` reports each problem with a stable ``code``; this module
gives every code a translatable message. :class:`TaxonomyInvalid` carries all problems of one attempt.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kundpuls.errors import DefinitionError
from kundpuls.text.taxonomy import MAX_PHRASE_WORDS, TaxonomyProblem

MESSAGES: dict[str, Promise] = {
    "root_type": _("must be a mapping with 'themes'"),
    "unknown_key": _("unknown key"),
    "version": _("must be a positive integer"),
    "name": _("must be a text"),
    "themes": _("must list at least one theme"),
    "theme_key": _("a theme key must be lower-case letters a–z, digits and _ and start with a letter"),
    "theme_type": _("must be a mapping with a label and terms in sv/en"),
    "no_terms": _("needs terms in at least one language (Swedish or English)"),
    "required": _("is required"),
    "text_type": _("must be a text or a mapping {sv: …, en: …}"),
    "unknown_language": _("unknown language (allowed: sv, en)"),
    "empty": _("must not be empty"),
    "terms_type": _("must be a mapping with words, phrases and/or parts"),
    "list_type": _("must be a list of texts"),
    "word_count": _("a word must be exactly one word (put several words under phrases)"),
    "phrase_count": _("a phrase must have 2–%(max)d words"),
    "part_short": _("a word part must be at least 3 letters without spaces"),
}


def describe(problem: TaxonomyProblem) -> str:
    """``path: message (value 'x')`` in the active language."""
    template = MESSAGES.get(problem.code)
    message = str(template) % {"max": MAX_PHRASE_WORDS} if template is not None else problem.message
    if problem.value is None or isinstance(problem.value, dict | list):
        return f"{problem.path}: {message}"
    return gettext("%(path)s: %(message)s (value %(value)s)") % {
        "path": problem.path,
        "message": message,
        "value": repr(problem.value),
    }


class TaxonomyInvalid(DefinitionError):
    """A taxonomy with one or more problems; ``problems`` lists them all, ``field`` is the first path."""

    def __init__(self, problems: Sequence[TaxonomyProblem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        more = len(self.problems) - 1
        text = describe(first) + (gettext(" (and %(n)d more)") % {"n": more} if more else "")
        super().__init__(text, field=first.path, value=first.value)

    def messages(self) -> list[str]:
        """Every problem, translated."""
        return [describe(p) for p in self.problems]
