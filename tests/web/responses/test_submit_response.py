"""Exactly once: however often and however concurrently one submission arrives, one response is stored."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.db import connection

from kundpuls.instruments import AnswerErrors
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.actions import submit_response
from kundpuls.web.responses.models import ContactDetails, Response
from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish

NPS_ANSWERS = {"nps": "9"}


def _nps_link() -> Any:
    version = publish(create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
    return version, open_distribution(version.survey, Unit.objects.get(code="KFF-BIB-HUV"), actor=CLI)


def _answers(version: Any) -> dict[str, Any]:
    from kundpuls.instruments import visible_blocks
    from kundpuls.instruments.items import question_items
    from kundpuls.web.surveys.queries import definition_of

    definition = definition_of(version)
    data: dict[str, Any] = {}
    for page in definition.pages:
        for block in visible_blocks(definition, page.key, data):
            for question in block.questions:
                if question.required:
                    for item in question_items(question):
                        data[item.key] = (
                            int(item.scale_max or 0)
                            if item.kind == "numeric"
                            else (item.options[0] if item.options else "nej")
                        )
    return data


@pytest.mark.django_db
def test_a_retry_returns_the_first_receipt_and_stores_nothing_more() -> None:
    version, link = _nps_link()
    sid = uuid.uuid4()
    first = submit_response(version=version, distribution=link, submission_id=sid, answers=_answers(version))
    again = submit_response(version=version, distribution=link, submission_id=sid, answers=_answers(version))
    assert first.created and not again.created
    assert first.code == again.code == Response.objects.get().receipt


@pytest.mark.django_db
def test_invalid_answers_store_nothing_and_name_the_item() -> None:
    version, link = _nps_link()
    with pytest.raises(AnswerErrors) as info:
        submit_response(
            version=version, distribution=link, submission_id=uuid.uuid4(), answers={"nps": "elva"}
        )
    assert "nps" in {e.field for e in info.value.errors}
    assert Response.objects.count() == 0
    assert ContactDetails.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_of_one_form_store_one_response() -> None:
    version, link = _nps_link()
    sid = uuid.uuid4()
    answers = _answers(version)
    barrier = threading.Barrier(20)
    receipts: list[str] = []
    failures: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=30)
            receipts.append(
                submit_response(version=version, distribution=link, submission_id=sid, answers=answers).code
            )
        except BaseException as exc:  # collected and reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures, failures
    assert Response.objects.filter(submission_id=sid).count() == 1
    assert len(receipts) == 20
    assert set(receipts) == {Response.objects.get(submission_id=sid).receipt}
