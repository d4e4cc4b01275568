"""The editor's reading of a definition's problems: each in the page's language, next to its field.

``instruments`` names every problem with the path of its node (``pages[0].blocks[0].questions[2].scale``)
and an English message. The editor places it at the form field the path belongs to and says the common
ones in the page's language (gettext); anything else keeps its message behind a translated lead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kundpuls.errors import DefinitionError, KundpulsError

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (
            r"English text \(en\) is missing",
            gettext_noop("The English text is missing (the survey is offered in English)."),
        ),
        (r"Swedish text \(sv\) is missing", gettext_noop("The Swedish text is missing.")),
        (
            r"is not valid: Swedish text \(required, not blank\)",
            gettext_noop("Write the text in Swedish; it cannot be left empty."),
        ),
        (
            r"condition ends too early",
            gettext_noop("The condition ends too early: something is missing at its end."),
        ),
        (
            r"calls are not allowed",
            gettext_noop("A condition cannot call functions; compare an answer with a value."),
        ),
        (
            r"chained comparisons are not allowed",
            gettext_noop("Compare one thing at a time, and join the comparisons with and."),
        ),
        (r"must not be empty", gettext_noop("This must not be empty.")),
        (
            r"min (-?\d+) must be below max (-?\d+)",
            gettext_noop("The lowest value must be below the highest."),
        ),
        (r"scale points; at most", gettext_noop("The scale has too many points (at most 101).")),
        (
            r"duplicate (?:key|stored key|page key|block key|contact field key) '([^']*)'",
            gettext_noop("The key %s is already used in this survey."),
        ),
        (r"duplicate option value '([^']*)'", gettext_noop("The value %s is used by two options.")),
        (
            r"on the same page; a page is sent whole",
            gettext_noop(
                "The condition depends on an answer on the same page: move the question to a later page."
            ),
        ),
        (
            r"has the placeholder '([^']*)'",
            gettext_noop("The text holds the placeholder %s, which nothing fills."),
        ),
        (r"unknown item '([^']*)'", gettext_noop("%s is not a question of this survey.")),
        (
            r"unknown question key '([^']*)'",
            gettext_noop(
                "%s is no question before the condition (a condition may only use earlier questions)."
            ),
        ),
        (r"needs at least (\d+) entr", gettext_noop("At least %s are needed.")),
        (
            r"scale changed from",
            gettext_noop(
                "The scale of a published question cannot change: use a new key for the new question."
            ),
        ),
        (
            r"type changed from",
            gettext_noop(
                "The type of a published question cannot change: use a new key for the new question."
            ),
        ),
        (
            r"scale turned round",
            gettext_noop("The scale of a published question cannot turn round: use a new key."),
        ),
        (
            r"currency changed from",
            gettext_noop("The currency of a published price cannot change: use a new key."),
        ),
        (
            r"is not valid: a key is",
            gettext_noop("A key is a letter, then letters, digits or _ (at most 40)."),
        ),
        (
            r"index '([^']*)' is over non-numeric item",
            gettext_noop("An index may only hold rating questions."),
        ),
        (
            r"min_answered (\d+) is more than",
            gettext_noop("More answers are required than the index has questions."),
        ),
        (
            r"max_choices (\d+) is below min_choices",
            gettext_noop("The most choices must not be below the fewest."),
        ),
        (r"is more than the (\d+) options", gettext_noop("More choices than there are options.")),
        (r"at most one consent question", gettext_noop("A survey has at most one consent question.")),
        (
            r"is below the anonymity threshold",
            gettext_noop("The threshold for comments must not be below the anonymity threshold."),
        ),
        (r"main index '([^']*)' is not an index", gettext_noop("The main index must be one of the indices.")),
        (r"no weight for item '([^']*)'", gettext_noop("The question %s has no weight.")),
        (
            r"weight for '([^']*)', which is not",
            gettext_noop("%s has a weight but is not a question of the index."),
        ),
        (
            r"positive answers apply only to kind",
            gettext_noop("Positive answers count only in an index of positive shares."),
        ),
        (
            r"no positive answers given for item '([^']*)'",
            gettext_noop("Tick at least one positive answer to %s."),
        ),
        (
            r"'([^']*)' is not an item of the index",
            gettext_noop("%s has positive answers but is not in the index."),
        ),
        (r"(\S+) is not a possible answer of", gettext_noop("%s is not a possible answer to the question.")),
        (
            r"item '([^']*)' \([a-z_]+\) cannot have positive answers",
            gettext_noop("%s cannot have positive answers (an open or multiple-choice question)."),
        ),
        (r"item '([^']*)' is listed twice", gettext_noop("The question %s is listed twice.")),
        (
            r"the outcome '([^']*)' cannot also be a driver",
            gettext_noop("The outcome %s cannot also be a driver."),
        ),
        (r"'([^']*)' is not a construct of the model", gettext_noop("%s is not an index of the model.")),
        (r"indicator '([^']*)' is not a rating", gettext_noop("%s is not a rating question.")),
        (r"indicator '([^']*)' is already in construct", gettext_noop("%s already measures another index.")),
        (r"path from '([^']*)' to itself", gettext_noop("A path from %s to itself.")),
        (r"path '([^']*)' → '[^']*' is listed twice", gettext_noop("A path from %s is listed twice.")),
        (
            r"the paths form a cycle",
            gettext_noop("The paths go round in a circle; a path model has no circles."),
        ),
        (r"driver '([^']*)' has no path to", gettext_noop("The driver %s has no path to the outcome.")),
        (r"construct '([^']*)' is on no path", gettext_noop("%s is on no path.")),
    )
)


def in_language(error: DefinitionError | KundpulsError) -> str:
    """The problem in the page's language (the common ones), else a translated lead and the message."""
    message = str(error)
    for pattern, text in _PATTERNS:
        match = pattern.search(message)
        if match:
            translated = _(text)
            return translated % match.group(1) if "%s" in text and match.groups() else translated
    field = getattr(error, "field", None)
    detail = message.split(": ", 1)[1] if field and message.startswith(f"{field}: ") else message
    if not isinstance(error, DefinitionError):  # the editor's own refusals are already in the page's language
        return detail
    return _("The definition is not accepted: %(detail)s") % {"detail": detail}


# path below a question -> form field
_FIELD_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), field)
    for pattern, field in (
        (r"^\.key$", "key"),
        (r"^\.(text|help|functional|dysfunctional|product|purpose)(?:\.(sv|en))?$", r"\1_\2"),
        (r"^\.texts\.[a-z_]+(?:\.(sv|en))?$", r"product_\1"),
        (r"^\.show_if$", "show_if"),
        (r"^\.dont_know.*$", "dont_know"),
        (r"^\.scale(?:\.(min|max))?$", r"scale_\1"),
        (r"^\.scale\.(min_label|max_label)(?:\.(sv|en))?$", r"\1_\2"),
        (r"^\.options\[(\d+)\]\.value$", r"options_value_\1"),
        (r"^\.options\[(\d+)\]\.text(?:\.(sv|en))?$", r"options_\2_\1"),
        (r"^\.items\[(\d+)\]\.key$", r"items_key_\1"),
        (r"^\.items\[(\d+)\]\.text(?:\.(sv|en))?$", r"items_\2_\1"),
        (r"^\.contact_fields\[(\d+)\]\.(key|kind)$", r"contact_\2_\1"),
        (r"^\.contact_fields\[(\d+)\]\.text(?:\.(sv|en))?$", r"contact_\2_\1"),
        (r"^\.(min_choices|max_choices|max_length|variable|currency)$", r"\1"),
    )
)


def field_of(suffix: str) -> str | None:
    """The question form's field for the path ``suffix`` below the question (``.scale.min_label.en``)."""
    for pattern, template in _FIELD_RULES:
        match = pattern.match(suffix)
        if match:
            groups = [g or "sv" for g in match.groups()]
            if template == r"scale_\1" and not match.group(1):
                groups = ["max"]
            name = template
            for i, group in enumerate(groups, start=1):
                name = name.replace(f"\\{i}", group)
            return name
    return None


def split_by_field(
    errors: Iterable[DefinitionError], prefix: str, fields: Iterable[str]
) -> tuple[dict[str, list[str]], list[str]]:
    """Problems at ``prefix`` (a question's path) placed on the form's ``fields``; the rest apart."""
    known = set(fields)
    placed: dict[str, list[str]] = {}
    rest: list[str] = []
    for error in errors:
        path = error.field or ""
        name = field_of(path[len(prefix) :]) if prefix and path.startswith(prefix) else None
        if name in known:
            placed.setdefault(name, []).append(in_language(error))
        else:
            rest.append(f"{describe_path(path)}: {in_language(error)}" if path else in_language(error))
    return placed, rest


def describe_path(path: str) -> str:
    """``pages[1].blocks[0].questions[2].scale`` as a person reads it: "Sida 2, fråga 3"."""
    page = re.match(r"^pages\[(\d+)\]", path)
    question = re.search(r"questions\[(\d+)\]", path)
    if path.startswith("codebook"):
        return _("Codebook")
    if page and question:
        return _("Page %(page)d, question %(question)d") % {
            "page": int(page.group(1)) + 1,
            "question": int(question.group(1)) + 1,
        }
    if page:
        return _("Page %(page)d") % {"page": int(page.group(1)) + 1}
    return _("The survey")
