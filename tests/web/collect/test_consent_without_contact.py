"""Issue 18: "yes, contact me" with every contact field empty is asked again, by name, without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kundpuls.instruments import contact_fields, first_page_key, next_page_key
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.queries import current_version, definition_of

pytestmark = pytest.mark.django_db
STATE = re.compile(r'name="state" value="([^"]+)"')


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("sv", "Ditt namn: Du har svarat ja till att bli kontaktad: fyll i minst en kontaktuppgift"),
        ("en", "Your name: You said yes to being contacted: fill in at least one contact detail"),
    ],
)
def test_consent_without_any_contact_detail_is_asked_again_naming_the_field(
    nki_link: Any, fill: Any, language: str, message: str
) -> None:
    definition = definition_of(current_version(nki_link.survey))
    empty = {field.key: "" for field in contact_fields(definition)}
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    page = client.get(nki_link.public_path).content.decode()
    answers: dict[str, Any] = {}
    key: str | None = first_page_key(definition, answers)
    while key is not None:
        data = fill(definition, key, answers, contact=empty)
        state = STATE.search(page)
        assert state is not None
        response = client.post(nki_link.public_path, {**data, "state": state.group(1), "action": "next"})
        assert response.status_code == 200, "the survey must not finish with a consent and no contact"
        page = response.content.decode()
        if 'class="errors"' in page:
            break
        answers.update({k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in data.items()})
        key = next_page_key(definition, key, answers)
    summary = re.findall(r'<li><a href="#([^"]+)">([^<]*)', page)
    assert any(message in text for _, text in summary), summary
    target = next(target for target, text in summary if message in text)
    assert f'id="{target}"' in page  # the link lands on the first contact field
    assert Response.objects.count() == 0
