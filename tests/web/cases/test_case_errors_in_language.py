"""Issue 15: a refused change of a case is explained on the page in the person's language — Swedish on a
Swedish page, English on an English one — with the field name kept in front, as the CLI and API know it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from kundpuls.web.org.actors import CLI

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


@pytest.fixture
def case(nki_rules: Any, submit: Any) -> Any:
    from kundpuls.web.cases.models import Case

    return Case.objects.get(response_id=submit(2))


def _act(personas: dict[str, Any], case: Any, data: dict[str, str], language: str) -> str:
    client = Client()
    client.force_login(personas["manager_a"], backend=BACKEND)
    answer = client.post(
        f"/portal/arenden/{case.pk}/atgard/", data, HTTP_ACCEPT_LANGUAGE=language, follow=True
    )
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_change_to_a_closed_case_is_refused_in_swedish_on_a_swedish_page(
    personas: dict[str, Any], case: Any
) -> None:
    from kundpuls.web.cases.actions import close_without_contact

    close_without_contact(case, "Inget svar", actor=CLI)
    page = _act(personas, case, {"action": "due_date", "due_date": "2030-01-01"}, "sv")
    assert f"case: ärende {case.pk} är stängt" in page
    assert "is closed" not in page
    english = _act(personas, case, {"action": "due_date", "due_date": "2030-01-01"}, "en")
    assert f"case: {case.pk} is closed" in english and "är stängt" not in english


def test_an_empty_note_and_a_far_deadline_are_named_in_swedish(personas: dict[str, Any], case: Any) -> None:
    empty = _act(personas, case, {"action": "note", "text": "   "}, "sv")
    assert "text: en anteckning får inte vara tom" in empty
    assert "must not be empty" not in empty
    far = (case.opened_at + timedelta(days=400)).date().isoformat()
    late = _act(personas, case, {"action": "due_date", "due_date": far}, "sv")
    assert f"due_date: {far} ligger inte mellan" in late
    assert "is not between" not in late and "a year later" not in late
    closing = _act(personas, case, {"action": "close_without_contact", "reason": ""}, "sv")
    assert "reason: att stänga utan kontakt kräver ett skäl" in closing
    assert "needs a reason" not in closing
    step = _act(personas, case, {"action": "advance", "status": "closed"}, "sv")
    assert "status: kan inte gå från new till &#x27;closed&#x27;" in step
    assert "cannot go from" not in step


def test_a_handler_id_that_names_nobody_is_refused_and_the_handler_kept(
    personas: dict[str, Any], case: Any
) -> None:
    """Before, "abc" was a server error and an unknown id silently took the case from its handler."""
    from kundpuls.web.cases.actions import assign

    assign(case, personas["manager_a"], actor=CLI)
    for raw in ("abc", "99999", "1e3", "9" * 40):
        page = _act(personas, case, {"action": "assign", "assignee": raw}, "sv")
        assert f"assignee: &#x27;{raw[:40]}&#x27; är ingen person som kan väljas" in page
        case.refresh_from_db()
        assert case.assignee == personas["manager_a"]
    _act(personas, case, {"action": "assign", "assignee": ""}, "sv")  # the empty choice: nobody
    case.refresh_from_db()
    assert case.assignee is None


def test_a_note_with_nul_or_beyond_its_length_is_refused_not_stored(
    personas: dict[str, Any], case: Any
) -> None:
    from kundpuls.web.cases.actions import NOTE_CHARS

    nul = _act(personas, case, {"action": "note", "text": "ring\x00tillbaka"}, "sv")
    assert "text: texten innehåller ett NUL-tecken, som inte kan sparas" in nul
    long = _act(personas, case, {"action": "note", "text": "x" * (NOTE_CHARS + 1)}, "sv")
    assert f"text: {NOTE_CHARS + 1} tecken är fler än de {NOTE_CHARS} som fältet rymmer" in long
    assert not case.notes.exists()
    _act(personas, case, {"action": "note", "text": "x" * NOTE_CHARS}, "sv")
    assert case.notes.get().text == "x" * NOTE_CHARS


def test_a_token_name_with_nul_or_too_long_is_refused(personas: dict[str, Any]) -> None:
    from kundpuls.errors import InvalidArgument
    from kundpuls.web.api.actions import create_token

    for name in ("app\x00", "x" * 101):
        with pytest.raises(InvalidArgument, match=r"^name: "):
            create_token(personas["analyst"], name, actor=CLI)
    token, _ = create_token(personas["analyst"], "  rapportverktyg  ", actor=CLI)
    assert token.name == "rapportverktyg"
