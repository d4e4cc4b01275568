"""Changes to a survey definition in its stored form (the dict of ``definition_to_dict``), for the editor.

Each function takes the stored form and returns a changed deep copy; none validates (the editor's save,
``actions.save_draft``, validates the whole result with ``instruments`` exactly as an uploaded file is
validated). Questions are found by key (keys are unique in a survey); pages by key.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from kundpuls.errors import NotFound, ValidationError

Definition = dict[str, Any]
Position = tuple[int, int, int]

#: Question types in the order the editor offers them (the definition model's types).
EDITOR_TYPES: tuple[str, ...] = (
    "rating",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "text",
    "matrix",
    "background",
    "kano",
    "price",
    "consent",
)


def _text(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


def default_question(kind: str, key: str) -> dict[str, Any]:
    """A valid question of ``kind`` with neutral texts, for the editor to change."""
    if kind not in EDITOR_TYPES:
        raise ValidationError(
            _("type: unknown question type %(value)r") % {"value": kind}, field="type", value=kind
        )
    data: dict[str, Any] = {"type": kind, "key": key, "text": _text("Ny fråga", "New question")}
    data["required"] = False
    two_options = [
        {"value": "1", "text": _text("Alternativ 1", "Option 1")},
        {"value": "2", "text": _text("Alternativ 2", "Option 2")},
    ]
    scale = {
        "min": 1,
        "max": 5,
        "min_label": _text("Instämmer inte alls", "Strongly disagree"),
        "max_label": _text("Instämmer helt", "Strongly agree"),
    }
    if kind == "rating":
        data["scale"] = scale
    elif kind == "single_choice":
        data["options"] = two_options
    elif kind == "multiple_choice":
        data["options"] = two_options
        data["min_choices"] = 1
    elif kind == "text":
        data["max_length"] = 1000
        data["multiline"] = True
    elif kind == "matrix":
        data["scale"] = scale
        data["items"] = [{"key": f"{key}_1", "text": _text("Första påståendet", "First statement")}]
    elif kind == "background":
        data["variable"] = "other"
        data["options"] = two_options
    elif kind == "kano":
        data["text"] = _text("Ny funktion", "New feature")
        data["functional"] = _text("Hur känns det om tjänsten har detta?", "How do you feel if it has this?")
        data["dysfunctional"] = _text(
            "Hur känns det om tjänsten inte har detta?", "How do you feel if it does not have this?"
        )
    elif kind == "price":
        data["text"] = _text("Vad tycker du om priset?", "What do you think of the price?")
        data["product"] = _text("tjänsten", "the service")
        data["currency"] = "SEK"
        data["intent"] = True
    elif kind == "consent":
        data["text"] = _text("Får vi kontakta dig om ditt svar?", "May we contact you about your answer?")
        data["purpose"] = _text(
            "Om du svarar ja hör vi av oss. Dina uppgifter sparas skilt från svaret.",
            "If you answer yes we will get in touch. Your details are stored apart from your answer.",
        )
        data["contact_fields"] = [
            {"key": f"{key}_telefon", "kind": "phone", "text": _text("Telefonnummer", "Phone number")}
        ]
    return data


def blank_definition(key: str, title_sv: str, title_en: str | None = None) -> Definition:
    """A new survey: one page with one open question (the editor's blank start)."""
    title = {"sv": title_sv} | ({"en": title_en} if title_en else {})
    return {
        "format_version": 1,
        "key": key,
        "title": title,
        "languages": ["sv", "en"] if title_en else ["sv"],
        "pages": [
            {
                "key": "sida_1",
                "blocks": [
                    {
                        "key": "sida_1_fragor",
                        "questions": [
                            {
                                "type": "text",
                                "key": "fraga_1",
                                "text": {"sv": "Vad vill du berätta för oss?"}
                                | ({"en": "What would you like to tell us?"} if title_en else {}),
                                "required": False,
                                "max_length": 1000,
                                "multiline": True,
                            }
                        ],
                    }
                ],
            }
        ],
        "codebook": {"anonymity_threshold": 7},
    }


def all_keys(data: Definition) -> set[str]:
    """Every key in the definition (pages, blocks, questions, matrix rows, contact fields), lower-cased."""
    keys: set[str] = set()
    for page in data["pages"]:
        keys.add(page["key"].casefold())
        for block in page["blocks"]:
            keys.add(block["key"].casefold())
            for question in block["questions"]:
                keys.add(question["key"].casefold())
                keys.update(item["key"].casefold() for item in question.get("items", []))
                keys.update(item["key"].casefold() for item in question.get("contact_fields", []))
    return keys


def free_key(data: Definition, stem: str) -> str:
    """``stem_1``, ``stem_2`` … the first not yet used anywhere in the definition."""
    used = all_keys(data)
    number = 1
    while f"{stem}_{number}".casefold() in used:
        number += 1
    return f"{stem}_{number}"


def find_question(data: Definition, key: str) -> Position:
    """(page, block, question) indices of the question ``key``; :class:`NotFound` when there is none."""
    for p, page in enumerate(data["pages"]):
        for b, block in enumerate(page["blocks"]):
            for q, question in enumerate(block["questions"]):
                if question["key"] == key:
                    return p, b, q
    raise NotFound(_("question: no question with key %(key)r") % {"key": key})


def question_of(data: Definition, key: str) -> dict[str, Any]:
    p, b, q = find_question(data, key)
    return dict(data["pages"][p]["blocks"][b]["questions"][q])


def page_index(data: Definition, key: str) -> int:
    for p, page in enumerate(data["pages"]):
        if page["key"] == key:
            return p
    raise NotFound(_("page: no page with key %(key)r") % {"key": key})


def replace_question(data: Definition, key: str, question: dict[str, Any]) -> Definition:
    """The definition with question ``key`` replaced by ``question`` (whose key may differ)."""
    result = copy.deepcopy(data)
    p, b, q = find_question(result, key)
    result["pages"][p]["blocks"][b]["questions"][q] = copy.deepcopy(question)
    _rename_references(result, key, question["key"])
    return result


def _rename_references(data: Definition, old: str, new: str) -> None:
    """A renamed question keeps its conditions and codebook entries (only before it has responses)."""
    if old == new:
        return
    pattern = re.compile(rf"\b{re.escape(old)}\b")
    for page in data["pages"]:
        for node in (page, *page["blocks"], *(q for b in page["blocks"] for q in b["questions"])):
            if "show_if" in node:
                node["show_if"] = pattern.sub(new, node["show_if"])
    codebook = data.get("codebook", {})
    for role in ("nps", "csat", "ces"):
        if codebook.get(role) == old:
            codebook[role] = new
    for index in codebook.get("indices", {}).values():
        index["items"] = [new if item == old else item for item in index["items"]]
    for construct in codebook.get("driver_model", {}).get("constructs", {}).values():
        construct["indicators"] = [new if item == old else item for item in construct["indicators"]]


def add_question(data: Definition, page_key: str, question: dict[str, Any]) -> Definition:
    """The definition with ``question`` appended to the last block of page ``page_key``."""
    result = copy.deepcopy(data)
    result["pages"][page_index(result, page_key)]["blocks"][-1]["questions"].append(copy.deepcopy(question))
    return result


def remove_question(data: Definition, key: str) -> Definition:
    """The definition without question ``key``; an emptied block (and an emptied page) goes too."""
    result = copy.deepcopy(data)
    p, b, q = find_question(result, key)
    blocks = result["pages"][p]["blocks"]
    del blocks[b]["questions"][q]
    if not blocks[b]["questions"]:
        del blocks[b]
    if not blocks:
        del result["pages"][p]
    return result


def move_question(data: Definition, key: str, step: int) -> Definition:
    """Question ``key`` one place up (``step=-1``) or down (``+1``); past a block's end it goes to the
    neighbouring block (on the neighbouring page at a page's end). At the very start or end: unchanged."""
    result = copy.deepcopy(data)
    p, b, q = find_question(result, key)
    questions = result["pages"][p]["blocks"][b]["questions"]
    target = q + step
    if 0 <= target < len(questions):
        questions[q], questions[target] = questions[target], questions[q]
        return result
    slots = [(pi, bi) for pi, page in enumerate(result["pages"]) for bi in range(len(page["blocks"]))]
    where = slots.index((p, b)) + step
    if not 0 <= where < len(slots):
        return result
    question = questions.pop(q)
    np, nb = slots[where]
    neighbour = result["pages"][np]["blocks"][nb]["questions"]
    neighbour.insert(len(neighbour) if step < 0 else 0, question)
    if not questions:
        del result["pages"][p]["blocks"][b]
        if not result["pages"][p]["blocks"]:
            del result["pages"][p]
    return result


def add_page(data: Definition, title: dict[str, str] | None, question: dict[str, Any]) -> Definition:
    """The definition with a new last page (titled ``title``) holding ``question``."""
    result = copy.deepcopy(data)
    key = free_key(result, "sida")
    page: dict[str, Any] = {"key": key}
    if title:
        page["title"] = title
    page["blocks"] = [{"key": f"{key}_fragor", "questions": [copy.deepcopy(question)]}]
    result["pages"].append(page)
    return result


def move_page(data: Definition, key: str, step: int) -> Definition:
    result = copy.deepcopy(data)
    p = page_index(result, key)
    target = p + step
    if 0 <= target < len(result["pages"]):
        pages = result["pages"]
        pages[p], pages[target] = pages[target], pages[p]
    return result


def remove_page(data: Definition, key: str) -> Definition:
    result = copy.deepcopy(data)
    del result["pages"][page_index(result, key)]
    return result


def replace_page_texts(
    data: Definition,
    key: str,
    *,
    title: dict[str, str] | None,
    intro: dict[str, str] | None,
    show_if: str | None = None,
) -> Definition:
    """The definition with page ``key``'s title, introduction and condition replaced (``None``: none)."""
    texts = {"title": title, "intro": intro, "show_if": show_if}
    return _with_texts(data, lambda d: d["pages"][page_index(d, key)], **texts)


def _with_texts(
    data: Definition, node_of: Callable[[Definition], dict[str, Any]], **values: Any
) -> Definition:
    """A copy of ``data`` whose node (``node_of`` finds it in the copy) has ``values`` set; an empty value
    removes its key."""
    result = copy.deepcopy(data)
    node = node_of(result)
    for name, value in values.items():
        if value:
            node[name] = value
        else:
            node.pop(name, None)
    return result


def find_block(data: Definition, key: str) -> tuple[int, int]:
    """(page, block) indices of the block ``key``; :class:`NotFound` when there is none."""
    for p, page in enumerate(data["pages"]):
        for b, block in enumerate(page["blocks"]):
            if block["key"] == key:
                return p, b
    raise NotFound(_("block: no block with key %(key)r") % {"key": key})


def replace_block_texts(
    data: Definition,
    key: str,
    *,
    title: dict[str, str] | None,
    intro: dict[str, str] | None,
    show_if: str | None = None,
) -> Definition:
    """The definition with block ``key``'s title, introduction and condition replaced (``None``: none)."""

    def block(d: Definition) -> dict[str, Any]:
        p, b = find_block(d, key)
        return d["pages"][p]["blocks"][b]

    return _with_texts(data, block, title=title, intro=intro, show_if=show_if)


def move_block(data: Definition, key: str, step: int) -> Definition:
    """Block ``key`` one place up (``step=-1``) or down (``+1``) on its page; past the page's first or last
    block it goes to the end of the page before or the start of the page after. At the very start or end of
    the survey: unchanged. A page left without blocks goes."""
    result = copy.deepcopy(data)
    p, b = find_block(result, key)
    blocks = result["pages"][p]["blocks"]
    target = b + step
    if 0 <= target < len(blocks):
        blocks[b], blocks[target] = blocks[target], blocks[b]
        return result
    neighbour = p + step
    if not 0 <= neighbour < len(result["pages"]):
        return result
    block = blocks.pop(b)
    other = result["pages"][neighbour]["blocks"]
    other.insert(len(other) if step < 0 else 0, block)
    if not blocks:
        del result["pages"][p]
    return result


def _refuse_used_key(data: Definition, key: str) -> None:
    if key.casefold() in all_keys(data):
        raise ValidationError(
            _("key: %(value)r is already used in this survey") % {"value": key}, field="key", value=key
        )


def add_block(
    data: Definition, block: dict[str, Any], *, beside: str, after: bool, question: dict[str, Any]
) -> Definition:
    """The definition with the new section ``block`` (its key, texts) placed before or after the section
    ``beside`` on that section's page, holding ``question`` (a section is never empty in the model)."""
    _refuse_used_key(data, block["key"])
    result = copy.deepcopy(data)
    p, b = find_block(result, beside)
    new = copy.deepcopy(block) | {"questions": [copy.deepcopy(question)]}
    result["pages"][p]["blocks"].insert(b + 1 if after else b, new)
    return result


def split_block(data: Definition, question: str, block: dict[str, Any]) -> Definition:
    """The definition whose section holding ``question`` ends before it: that question and the ones after
    it in the section go into the new section ``block`` (its key and texts) right after it, which keeps
    the old section's condition, so every question is shown to the same respondents as before."""
    _refuse_used_key(data, block["key"])
    result = copy.deepcopy(data)
    p, b, q = find_question(result, question)
    old = result["pages"][p]["blocks"][b]
    if q == 0:
        raise ValidationError(
            _("question: %(value)r is the first question of section %(section)r; split at a later question")
            % {"value": question, "section": old["key"]},
            field="question",
            value=question,
        )
    new = copy.deepcopy(block)
    if old.get("show_if"):
        new["show_if"] = old["show_if"]
    new["questions"] = old["questions"][q:]
    del old["questions"][q:]
    result["pages"][p]["blocks"].insert(b + 1, new)
    return result


def receiving_block(data: Definition, key: str) -> str:
    """The section that takes the questions of section ``key`` when it is removed: the one before it on
    its page, or after it when it is the first. Refused when it is its page's only section, or when the
    two are shown on different conditions (the questions would then reach other respondents)."""
    p, b = find_block(data, key)
    blocks = data["pages"][p]["blocks"]
    if len(blocks) == 1:
        raise ValidationError(
            _("section: %(value)r is the only section of its page; remove the page instead") % {"value": key},
            field="section",
            value=key,
        )
    other = blocks[b - 1] if b > 0 else blocks[b + 1]
    if blocks[b].get("show_if") != other.get("show_if"):
        raise ValidationError(
            _(
                "section: %(value)r is shown on another condition than %(other)r, which would take its "
                "questions; make the conditions the same first"
            )
            % {"value": key, "other": other["key"]},
            field="section",
            value=key,
        )
    return str(other["key"])


def remove_block(data: Definition, key: str) -> Definition:
    """The definition without section ``key``; its questions join :func:`receiving_block` (at its end, or
    at its start when that section comes after), in their order. No question is lost."""
    target = receiving_block(data, key)
    result = copy.deepcopy(data)
    p, b = find_block(result, key)
    blocks = result["pages"][p]["blocks"]
    questions = blocks[b]["questions"]
    _tp, t = find_block(result, target)
    if t < b:
        blocks[t]["questions"].extend(questions)
    else:
        blocks[t]["questions"][:0] = questions
    del blocks[b]
    return result
