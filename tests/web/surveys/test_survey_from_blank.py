"""A survey built from blank in the editor — a question of every type, a condition on a later page, English
texts, an index in the codebook — published, opened for a unit and answered through the respondent pages
(no JavaScript): the response is stored with every item and the conditional question."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from kundpuls.instruments import first_page_key, next_page_key, parse_definition
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys import drafts
from kundpuls.web.surveys.actions import open_distribution
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import current_version, definition_of
from kundpuls.web.surveys.question_form import QuestionForm
from respondent_forms import form_answers

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
STATE = re.compile(r'name="state" value="([^"]+)"')


def _form_data(question: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {k: v for k, v in QuestionForm.initial_from(question).items() if v is not None and v is not False}
    return {k: ("on" if v is True else v) for k, v in data.items()} | changes


def test_a_survey_from_blank_is_published_and_answered(personas: dict[str, Any]) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas["analyst"], backend=BACKEND)
    unit = Unit.objects.get(code="VOF-HT-N")
    created = client.post(
        "/portal/enkater/skapa/",
        {
            "start": "blank",
            "key": "fran_grunden",
            "title_sv": "Vår service",
            "title_en": "Our service",
            "owner": unit.pk,
        },
    )
    assert created.status_code == 302
    editor = "/portal/enkater/fran_grunden/redigera/"
    added: dict[str, str] = {}
    for kind in drafts.EDITOR_TYPES:
        response = client.post(editor + "andra/", {"op": "add_question", "type": kind, "page": "sida_1"})
        assert response.status_code == 302, kind
        added[kind] = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    rating = added["rating"]
    page = client.post(
        editor + "andra/", {"op": "add_page", "type": "text", "title_sv": "Mer", "title_en": "More"}
    )
    follow_up = page["Location"].rstrip("/").rsplit("/", 1)[-1]
    stored = drafts.question_of(Survey.objects.get(key="fran_grunden").versions.get().definition, follow_up)
    saved = client.post(
        page["Location"],
        _form_data(
            stored,
            text_sv="Vad var bäst?",
            text_en="What was best?",
            cond_item=rating,
            cond_op=">=",
            cond_value="4",
        ),
    )
    assert saved.status_code == 302
    condition = drafts.question_of(
        Survey.objects.get(key="fran_grunden").versions.get().definition, follow_up
    )
    assert condition["show_if"] == f"{rating} >= 4"  # built from the pickers
    again = client.get(page["Location"]).content.decode()
    assert f'<option value="{rating}" selected>' in again and '<option value="&gt;=" selected>' in again
    codebook = client.post(
        editor + "kodbok/",
        {
            "anonymity_threshold": "7",
            "index_name_0": "SERVICE",
            "index_label_sv_0": "Service",
            "index_label_en_0": "Service",
            "index_items_0": [rating],
            "main_index": "",
        },
    )
    assert codebook.status_code == 302
    assert client.post("/portal/enkater/fran_grunden/publicera/").status_code == 302

    survey = Survey.objects.get(key="fran_grunden")
    version = current_version(survey)
    assert version is not None
    definition = parse_definition(version.definition)
    assert definition.languages == ("sv", "en")
    assert {q.type for q in definition.questions()} == set(drafts.EDITOR_TYPES)
    assert definition.codebook.indices["SERVICE"].items == (rating,)

    link = open_distribution(survey, unit, actor=CLI)
    respondent = Client(HTTP_ACCEPT_LANGUAGE="sv")
    shown = respondent.get(link.public_path)
    answers: dict[str, Any] = {}
    key = first_page_key(definition_of(version), answers)
    while True:
        data = form_answers(definition, key, answers)
        state = STATE.search(shown.content.decode())
        assert state is not None
        shown = respondent.post(link.public_path, {**data, "state": state.group(1), "action": "next"})
        answers |= {k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in data.items()}
        if shown.status_code == 302:
            break
        assert shown.status_code == 200
        assert 'class="errors"' not in shown.content.decode()
        assert "Vad var bäst?" in shown.content.decode()  # the rating was 5: the follow-up is asked
        key = next_page_key(definition, key, answers) or key
    stored_response = Response.objects.get(survey=survey)
    assert stored_response.answers[rating] == 5
    assert stored_response.answers[follow_up] == "Trevligt bemötande men lång väntetid."
    assert stored_response.unit == unit
