"""Every template asks what it promises: walked page by page without JavaScript, as a respondent would.

For each condition of each template, a respondent whose answers make it true sees the conditional question
on some page before the thanks page; and no page of any template shows a ``{placeholder}``.
"""

from __future__ import annotations

import html as html_lib
import itertools
import re
from typing import Any

import pytest
from django.test import Client

from kundpuls.instruments import load_template, template_keys
from kundpuls.instruments.answers import is_shown
from kundpuls.instruments.expressions import references
from kundpuls.instruments.items import iter_items
from kundpuls.instruments.model import Condition, Question, SurveyDefinition
from kundpuls.web.collect.state import RespondentState
from kundpuls.web.org.actors import CLI

STATE = re.compile(r'name="state" value="([^"]+)"')


def _conditions(definition: SurveyDefinition) -> list[tuple[Condition, Question]]:
    """Each block or question condition with a question it shows."""
    found = []
    for page in definition.pages:
        for block in page.blocks:
            if block.show_if is not None:
                found.append((block.show_if, block.questions[0]))
            found += [(q.show_if, q) for q in block.questions if q.show_if is not None]
    return found


def _candidates(item: Any) -> list[Any]:
    if item.kind == "numeric" and item.integer:
        return list(range(int(item.scale_min), int(item.scale_max) + 1))
    if item.kind == "choice":
        return list(item.options)
    if item.kind == "choices":
        return [[option] for option in item.options]
    if item.kind == "boolean":
        return [True, False]
    return [100]


def _triggering(definition: SurveyDefinition, condition: Condition) -> dict[str, Any]:
    """Answers (normalised) to the items ``condition`` refers to that make it true."""
    items = {item.key: item for item in iter_items(definition)}
    keys = list(dict.fromkeys(ref.key for ref in references(condition.expression)))
    for values in itertools.product(*(_candidates(items[key]) for key in keys)):
        answers = dict(zip(keys, values, strict=True))
        if is_shown(condition, answers):
            return answers
    raise AssertionError(f"no answers make {condition.source!r} true")


def _form_value(value: Any) -> Any:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value if isinstance(value, list) else str(value)


def _walk(template: str, triggers: dict[str, Any], fill: Any, *, language: str = "sv") -> list[str]:
    """The HTML of every page a respondent answering ``triggers`` (and valid answers elsewhere) is shown."""
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish
    from kundpuls.web.surveys.queries import definition_of

    version = publish(
        create_from_template(template, owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI
    )
    owner = version.survey.owner  # a template's survey may already belong to another organisation
    unit = Unit.objects.filter(path__startswith=owner.path).order_by("-depth", "code").first()
    link = open_distribution(version.survey, unit, actor=CLI)
    definition = definition_of(version)
    client = Client()
    response = client.get(link.public_path + ("?lang=en" if language == "en" else ""))
    pages = []
    for _ in range(len(definition.pages) + 1):
        assert response.status_code == 200, response.content.decode()[:300]
        page_html = response.content.decode()
        assert 'class="errors"' not in page_html
        pages.append(page_html)
        match = STATE.search(page_html)
        assert match, "every page carries its signed state"
        state = RespondentState.loads(html_lib.unescape(match.group(1)), distribution_id=link.pk)
        data = fill(definition, state.page, state.answers)
        data.update({k: _form_value(v) for k, v in triggers.items() if k in data})
        response = client.post(link.public_path, {**data, "state": match.group(1), "action": "next"})
        if response.status_code == 302:
            return pages
    raise AssertionError(f"{template}: no thanks page after {len(pages)} pages")


def _cases() -> list[tuple[str, int]]:
    return [(key, index) for key in template_keys() for index in range(len(_conditions(load_template(key))))]


def test_the_nps_and_ces_templates_have_conditions_to_walk() -> None:
    keys = {key for key, _ in _cases()}
    assert {"nps", "ces"} <= keys


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "index"), _cases())
def test_a_respondent_whose_answer_meets_a_condition_sees_the_conditional_question(
    template: str, index: int, fill: Any
) -> None:
    definition = load_template(template)
    condition, question = _conditions(definition)[index]
    triggers = _triggering(definition, condition)
    pages = _walk(template, triggers, fill)
    assert any(question.text.sv in html_lib.unescape(page) for page in pages), (
        f"{template}: {question.key!r} ({condition.source}) not shown to a respondent answering {triggers}"
    )
    for page in pages:  # the pages behind a condition show no placeholder either
        _assert_no_placeholder(page)


@pytest.mark.django_db
def test_a_detractor_is_asked_why_and_may_be_contacted_and_a_promoter_is_not_offered_contact(
    fill: Any,
) -> None:
    detractor = [html_lib.unescape(page) for page in _walk("nps", {"rekommendera": 2}, fill)]
    assert len(detractor) == 2
    assert "Vad skulle vi behöva göra bättre?" in detractor[1]
    assert "Får vi kontakta dig om ditt svar?" in detractor[1]
    promoter = [html_lib.unescape(page) for page in _walk("nps", {"rekommendera": 9}, fill)]
    assert "Vad är den viktigaste anledningen till ditt betyg?" in promoter[1]
    assert "Får vi kontakta dig" not in promoter[1]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("template", template_keys())
def test_no_page_of_a_template_shows_a_placeholder(template: str, language: str, fill: Any) -> None:
    pages = _walk(template, {}, fill, language=language)
    assert all(f'<html lang="{language}">' in page for page in pages)
    for page in pages:
        _assert_no_placeholder(page)


def _assert_no_placeholder(page: str) -> None:
    body = page[page.index("<main") :]
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", body, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    assert "{" not in text and "}" not in text, re.findall(r".{0,40}[{}].{0,40}", text)
