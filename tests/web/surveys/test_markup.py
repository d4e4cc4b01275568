"""The question markup built in Python: every control labelled, errors linked, every text escaped."""

from __future__ import annotations

from html.parser import HTMLParser
from itertools import product
from typing import Any

import pytest
from django.utils import translation

from kundpuls.instruments import load_template, visible_questions
from kundpuls.instruments.expressions import references
from kundpuls.instruments.items import iter_items, question_items
from kundpuls.instruments.library import template_keys
from kundpuls.web.surveys.page_form import page_view


class _Controls(HTMLParser):
    """Collects the controls, the labels' targets, the ids and the legends of a fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.label_targets: set[str] = set()
        self.ids: set[str] = set()
        self.open_fieldsets = 0
        self.legends = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "label" and "for" in attributes:
            self.label_targets.add(attributes["for"])
        if tag in {"input", "textarea"}:
            self.controls.append(attributes)
        if tag == "fieldset":
            self.open_fieldsets += 1
        if tag == "legend":
            self.legends += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset":
            self.open_fieldsets -= 1


def _pages() -> list[tuple[str, str, str]]:
    return [
        (key, page.key, language)
        for key in template_keys()
        for page in load_template(key).pages
        for language in load_template(key).languages
    ]


def _most_shown(definition: Any, page: str) -> dict[str, Any]:
    """Answers to earlier pages under which the page shows the most questions (follow-ups included)."""
    items = {item.key: item for item in iter_items(definition)}
    keys = sorted(
        {
            ref.key
            for condition in _page_conditions(definition.page(page))
            for ref in references(condition.expression)
        }
    )

    def candidates(item: Any) -> list[Any]:
        if item.kind == "numeric" and item.integer:
            return list(range(int(item.scale_min), int(item.scale_max) + 1))
        if item.kind == "choice":
            return list(item.options)
        return [True, False] if item.kind == "boolean" else [None]

    sets = [dict(zip(keys, values, strict=True)) for values in product(*(candidates(items[k]) for k in keys))]
    return max(sets, key=lambda answers: len(visible_questions(definition, page, answers)))


def _page_conditions(page: Any) -> list[Any]:
    found = [block.show_if for block in page.blocks] + [q.show_if for q in page.questions()]
    return [condition for condition in found if condition is not None]


@pytest.mark.parametrize(("template", "page", "language"), _pages())
def test_every_control_of_every_template_page_is_labelled_and_its_errors_linked(
    template: str, page: str, language: str
) -> None:
    definition = load_template(template)
    answers = _most_shown(definition, page)
    errors: dict[str, list[str]] = {}
    for question in definition.page(page).questions():
        for item in question_items(question):
            errors[item.key] = [f"Fel i {item.key}"]
    blocks = page_view(definition, page, answers, language=language, errors=errors)
    with translation.override(language):
        html = "".join(str(q.html) for block in blocks for q in block.questions)
    parsed = _Controls()
    parsed.feed(html)
    assert parsed.controls, "every page asks something"
    assert parsed.open_fieldsets == 0, "every fieldset is closed"
    assert parsed.legends >= sum(1 for b in blocks for q in b.questions if q.grouped)
    for control in parsed.controls:
        assert control["id"] in parsed.label_targets, f"{control['id']} has a label"
        if control.get("aria-describedby"):
            assert control["aria-describedby"] in parsed.ids, "an error reference points at the message"
    invalid = [c for c in parsed.controls if c.get("aria-invalid") == "true"]
    assert len(invalid) == len(parsed.controls) - sum(
        1 for b in blocks for q in b.questions for i in q.contact_inputs
    ), "every control with an error says so (contact fields had none)"


def test_texts_and_values_are_escaped_and_the_page_words_translated() -> None:
    definition = load_template("nki")
    page = definition.pages[-1].key
    text_items = [
        item.key
        for q in definition.page(page).questions()
        for item in question_items(q)
        if item.kind == "text"
    ]
    assert text_items, "the last NKI page has a comment field"
    answers = {text_items[0]: '<script>alert("x")</script> & co'}
    errors = {text_items[0]: ["<b>för långt</b>"]}
    blocks = page_view(definition, page, answers, language="sv", errors=errors)
    with translation.override("sv"):
        sv = "".join(str(q.html) for b in blocks for q in b.questions)
    assert "<script>" not in sv and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in sv
    assert "&lt;b&gt;för långt&lt;/b&gt;" in sv
    optional = [q for b in blocks for q in b.questions if not q.required]
    assert optional, "the NKI comment is optional"
    assert "(frivillig)" in sv
    blocks_en = page_view(definition, page, {}, language="en")
    with translation.override("en"):
        en = "".join(str(q.html) for b in blocks_en for q in b.questions)
    assert "(optional)" in en and "(frivillig)" not in en
