"""What changed between two versions of a survey, in plain words (the page's language).

Read from the two stored forms: questions added, removed and changed (texts, scale, options, rows,
required, condition, "vet ej", page), the survey's and the pages' texts, the languages and the codebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kundpuls.web.surveys.condition_reading import reading


@dataclass(frozen=True)
class Difference:
    """A change: ``area`` (``question``, ``survey``, ``page``, ``section``, ``codebook``), subject, text."""

    area: str
    subject: str
    text: str


def _sv(text: dict[str, str] | None) -> str:
    return (text or {}).get("sv", "")


def _questions(data: dict[str, Any]) -> dict[str, tuple[dict[str, Any], int]]:
    return {
        q["key"]: (q, p)
        for p, page in enumerate(data["pages"])
        for block in page["blocks"]
        for q in block["questions"]
    }


def _text_change(what: str, old: dict[str, str] | None, new: dict[str, str] | None) -> list[str]:
    lines = []
    if _sv(old) != _sv(new):
        lines.append(
            _("%(what)s changed from “%(old)s” to “%(new)s”.")
            % {"what": what, "old": _sv(old), "new": _sv(new)}
        )
    if (old or {}).get("en") != (new or {}).get("en"):
        if not (new or {}).get("en"):
            lines.append(_("%(what)s: the English text was removed.") % {"what": what})
        elif not (old or {}).get("en"):
            lines.append(_("%(what)s: an English text was added.") % {"what": what})
        else:
            lines.append(_("%(what)s: the English text changed.") % {"what": what})
    return lines


def _listed(old: list[dict[str, Any]], new: list[dict[str, Any]], id_name: str, noun: str) -> list[str]:
    before = {row[id_name]: row for row in old}
    after = {row[id_name]: row for row in new}
    lines = []
    for value, row in after.items():
        if value not in before:
            lines.append(_("%(noun)s added: “%(text)s”.") % {"noun": noun, "text": _sv(row["text"])})
        else:
            lines += _text_change(
                _("%(noun)s “%(value)s”") % {"noun": noun, "value": value}, before[value]["text"], row["text"]
            )
    for value, row in before.items():
        if value not in after:
            lines.append(_("%(noun)s removed: “%(text)s”.") % {"noun": noun, "text": _sv(row["text"])})
    if [v for v in after if v in before] != [v for v in before if v in after]:
        lines.append(_("%(noun)s in another order.") % {"noun": noun})
    return lines


Definitions = tuple[dict[str, Any], dict[str, Any]]


def _condition_change(old: dict[str, Any], new: dict[str, Any], definitions: Definitions) -> list[str]:
    """A node's changed condition in words (its reading in the page's language; else as written)."""
    if old.get("show_if") == new.get("show_if"):
        return []
    language = "en" if (get_language() or "sv").startswith("en") else "sv"
    before, after = (
        (reading(node["show_if"], data, language=language) or node["show_if"]) if node.get("show_if") else ""
        for node, data in zip((old, new), definitions, strict=True)
    )
    if after and before:
        return [
            _("Now shown only if %(condition)s (before: if %(old)s).") % {"condition": after, "old": before}
        ]
    if after:
        return [_("Now shown only if %(condition)s.") % {"condition": after}]
    return [_("Now shown to everyone (the condition was removed: shown only if %(old)s).") % {"old": before}]


def _section_name(block: dict[str, Any], key: str) -> str:
    return _sv(block.get("title")) or _("Section %(key)s") % {"key": key}


def _split_from(
    block: dict[str, Any],
    holder_before: dict[str, str],
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
) -> str:
    """How a new section came about: split from a section that is still there, or simply new."""
    sources = {holder_before.get(q["key"]) for q in block["questions"]}
    if len(sources) != 1 or None in sources or str(next(iter(sources))) not in after:
        return _("A new section.")
    source = str(next(iter(sources)))
    return _("A new section, split from the section %(section)s from the question “%(question)s” on.") % {
        "section": _section_name(before[source], source),
        "question": _sv(block["questions"][0]["text"]),
    }


def _section_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    """Sections (blocks) added, removed, moved, and their texts and conditions changed."""
    before = {block["key"]: block for page in old["pages"] for block in page["blocks"]}
    after = {block["key"]: block for page in new["pages"] for block in page["blocks"]}
    result: list[Difference] = []
    holder_before = {q["key"]: key for key, block in before.items() for q in block["questions"]}
    holder_after = {q["key"]: key for key, block in after.items() for q in block["questions"]}
    for key, block in after.items():
        name = _section_name(block, key)
        if key not in before:
            result.append(Difference("section", name, _split_from(block, holder_before, before, after)))
            continue
        lines = _text_change(_("The section title"), before[key].get("title"), block.get("title"))
        lines += _text_change(_("The section introduction"), before[key].get("intro"), block.get("intro"))
        lines += _condition_change(before[key], block, (old, new))
        result += [Difference("section", name, line) for line in lines]
    for key, block in before.items():
        if key not in after:
            joined = {holder_after.get(q["key"]) for q in block["questions"]}
            text = _("The section was removed.")
            if len(joined) == 1 and None not in joined:
                (target,) = joined
                text = _("The section was removed; its questions joined the section %(section)s.") % {
                    "section": _section_name(after[str(target)], str(target))
                }
            result.append(Difference("section", _section_name(block, key), text))
    if [k for k in after if k in before] != [k for k in before if k in after]:
        result.append(Difference("section", _("The survey"), _("The sections are in another order.")))
    return result


def _question_changes(old: dict[str, Any], new: dict[str, Any], definitions: Definitions) -> list[str]:
    lines: list[str] = []
    if old["type"] != new["type"]:
        lines.append(_("The question type changed."))
    lines += _text_change(_("The question text"), old.get("text"), new.get("text"))
    lines += _text_change(_("The help text"), old.get("help"), new.get("help"))
    if bool(old.get("required")) != bool(new.get("required")):
        lines.append(
            _("An answer is now required.") if new.get("required") else _("An answer is no longer required.")
        )
    lines += _condition_change(old, new, definitions)
    if bool(old.get("dont_know")) != bool(new.get("dont_know")):
        lines.append(_("“Vet ej” was added.") if new.get("dont_know") else _("“Vet ej” was removed."))
    old_scale, new_scale = old.get("scale"), new.get("scale")
    if old_scale and new_scale:
        if (old_scale["min"], old_scale["max"]) != (new_scale["min"], new_scale["max"]):
            lines.append(
                _("The scale changed from %(a)d–%(b)d to %(c)d–%(d)d.")
                % {"a": old_scale["min"], "b": old_scale["max"], "c": new_scale["min"], "d": new_scale["max"]}
            )
        lines += _text_change(
            _("The label of the lowest value"), old_scale["min_label"], new_scale["min_label"]
        )
        lines += _text_change(
            _("The label of the highest value"), old_scale["max_label"], new_scale["max_label"]
        )
    lines += _listed(old.get("options", []), new.get("options", []), "value", _("Option"))
    lines += _listed(old.get("items", []), new.get("items", []), "key", _("Statement"))
    for name, what in (
        ("functional", _("The functional question")),
        ("dysfunctional", _("The dysfunctional question")),
        ("product", _("The product")),
        ("purpose", _("The purpose text")),
    ):
        lines += _text_change(what, old.get(name), new.get(name))
    for name, what in (
        ("currency", _("The currency")),
        ("max_length", _("The longest answer")),
        ("min_choices", _("The fewest choices")),
        ("max_choices", _("The most choices")),
        ("variable", _("What the background question measures")),
    ):
        if old.get(name) != new.get(name):
            lines.append(
                _("%(what)s changed from %(old)s to %(new)s.")
                % {"what": what, "old": old.get(name, "—"), "new": new.get(name, "—")}
            )
    if old.get("contact_fields", []) != new.get("contact_fields", []):
        lines.append(_("The contact fields changed."))
    return lines


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    """Every change from the stored form ``old`` to ``new``, in the order of the new version."""
    result: list[Difference] = []
    survey = _("The survey")
    for name, what in (
        ("title", _("The title")),
        ("intro", _("The introduction")),
        ("outro", _("The closing text")),
    ):
        result += [
            Difference("survey", survey, line) for line in _text_change(what, old.get(name), new.get(name))
        ]
    if old.get("languages") != new.get("languages"):
        offered = "en" in new.get("languages", [])
        result.append(
            Difference(
                "survey",
                survey,
                _("Now offered in English too.") if offered else _("No longer offered in English."),
            )
        )
    old_pages = {page["key"]: (p, page) for p, page in enumerate(old["pages"])}
    new_pages = {page["key"]: (p, page) for p, page in enumerate(new["pages"])}

    def page_name(page: dict[str, Any], position: int) -> str:
        return _sv(page.get("title")) or _("Page %(number)d") % {"number": position + 1}

    for key, (p, page) in new_pages.items():
        name = page_name(page, p)
        if key not in old_pages:
            result.append(Difference("page", name, _("A new page.")))
            continue
        before = old_pages[key][1]
        for line in _text_change(_("The page title"), before.get("title"), page.get("title")):
            result.append(Difference("page", name, line))
        for line in _text_change(_("The page introduction"), before.get("intro"), page.get("intro")):
            result.append(Difference("page", name, line))
        result += [Difference("page", name, line) for line in _condition_change(before, page, (old, new))]
    for key, (p, page) in old_pages.items():
        if key not in new_pages:
            result.append(Difference("page", page_name(page, p), _("The page was removed.")))
    if [k for k in new_pages if k in old_pages] != [k for k in old_pages if k in new_pages]:
        result.append(Difference("page", survey, _("The pages are in another order.")))
    result += _section_changes(old, new)
    old_questions, new_questions = _questions(old), _questions(new)
    for key, (question, p) in new_questions.items():
        subject = f"{_sv(question['text'])} ({key})"
        if key not in old_questions:
            result.append(Difference("question", subject, _("A new question.")))
            continue
        before, old_page = old_questions[key]
        lines = _question_changes(before, question, (old, new))
        if old_page != p:
            lines.append(_("Moved to page %(number)d.") % {"number": p + 1})
        result += [Difference("question", subject, line) for line in lines]
    for key, (question, _p) in old_questions.items():
        if key not in new_questions:
            result.append(
                Difference("question", f"{_sv(question['text'])} ({key})", _("The question was removed."))
            )
    moved = [k for k in new_questions if k in old_questions]
    if moved != [k for k in old_questions if k in new_questions]:
        result.append(Difference("question", survey, _("The questions are in another order.")))
    texts = {key: _sv(q["text"]) for key, (q, _p) in (old_questions | new_questions).items()}
    result += _codebook_differences(old.get("codebook", {}), new.get("codebook", {}), texts)
    return result


def _codebook_differences(
    old: dict[str, Any], new: dict[str, Any], texts: dict[str, str]
) -> list[Difference]:
    codebook = _("Codebook")
    lines: list[str] = []
    before, after = old.get("indices", {}), new.get("indices", {})
    for name, index in after.items():
        if name not in before:
            lines.append(
                _("Index %(name)s was added (%(items)s).")
                % {"name": name, "items": ", ".join(index["items"])}
            )
        elif before[name] != index:
            if before[name]["items"] != index["items"]:
                lines.append(
                    _(
                        "Index %(name)s now holds %(items)s (before: %(old)s); "
                        "its trend does not compare across the versions."
                    )
                    % {
                        "name": name,
                        "items": ", ".join(index["items"]),
                        "old": ", ".join(before[name]["items"]),
                    }
                )
            else:
                lines.append(
                    _("Index %(name)s changed (label, kind, weights, positive answers or fewest answers).")
                    % {"name": name}
                )
    for name in before:
        if name not in after:
            lines.append(_("Index %(name)s was removed.") % {"name": name})
    roles = {
        "main_index": _("The main index"),
        "nps": _("The NPS question"),
        "csat": _("The CSAT question"),
        "ces": _("The CES question"),
        "anonymity_threshold": _("The anonymity threshold"),
        "comment_anonymity_threshold": _("The threshold for comments"),
    }
    for name, what in roles.items():
        if old.get(name) != new.get(name):
            lines.append(
                _("%(what)s changed from %(old)s to %(new)s.")
                % {"what": what, "old": old.get(name) or "—", "new": new.get(name) or "—"}
            )
    if old.get("driver_model") != new.get("driver_model"):
        lines.append(_("The driver model changed."))
    lines += _mirror_changes(old.get("mirrors", []), new.get("mirrors", []), texts)
    return [Difference("codebook", codebook, line) for line in lines]


def _mirror_changes(old: list[dict[str, Any]], new: list[dict[str, Any]], texts: dict[str, str]) -> list[str]:
    """Staff–customer pairs added, changed and removed, each named by its staff question's text."""

    def customer(pair: dict[str, Any]) -> str:
        survey = pair.get("customer_survey")
        return f"{pair['customer_item']} ({survey})" if survey else str(pair["customer_item"])

    before = {pair["item"]: pair for pair in old}
    after = {pair["item"]: pair for pair in new}
    lines = []
    for item, pair in after.items():
        question = texts.get(item, item)
        if item not in before:
            lines.append(
                _("“%(question)s” now mirrors the customer question %(customer)s.")
                % {"question": question, "customer": customer(pair)}
            )
        elif before[item] != pair:
            lines.append(
                _("“%(question)s” now mirrors the customer question %(customer)s (before: %(old)s).")
                % {"question": question, "customer": customer(pair), "old": customer(before[item])}
            )
    for item, pair in before.items():
        if item not in after:
            lines.append(
                _("“%(question)s” no longer mirrors the customer question %(customer)s.")
                % {"question": texts.get(item, item), "customer": customer(pair)}
            )
    return lines
