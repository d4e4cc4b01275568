"""The staff page of a data-protection request: find, review (nothing personal), confirm, erased."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.web.responses.test_erasure import EMAIL, MARKER, _answers, _submit

from kundpuls.web.org.models import AuditEvent
from kundpuls.web.responses.models import Response

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
URL = "/portal/dataskydd/"


@pytest.fixture
def admin_client(personas: dict[str, Any], settings: Any, tmp_path: Path) -> Client:
    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["admin"], backend=BACKEND)
    return client


def _post(client: Client, data: dict[str, str]) -> Any:
    client.get(URL)  # sets the CSRF cookie
    return client.post(URL, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_find_review_and_confirm_erases_the_response(admin_client: Client) -> None:
    target = uuid.uuid4()
    _submit(_answers(8, comment=f"Bra bemötande {MARKER}", consent=True), submission=target)
    receipt = str(target).split("-")[0].upper()

    found = _post(admin_client, {"subject": receipt, "step": "find"})
    page = found.content.decode()
    assert found.status_code == 200 and "VOF-HT-N" in page
    assert MARKER not in page and EMAIL not in page  # counts, units, dates: no answers, no contact
    assert Response.objects.filter(submission_id=target).exists()

    unconfirmed = _post(admin_client, {"subject": receipt, "step": "erase"})
    assert unconfirmed.status_code == 200 and Response.objects.filter(submission_id=target).exists()

    done = _post(admin_client, {"subject": receipt, "step": "erase", "confirm": "yes"})
    assert done.status_code == 302 and done.url == URL
    assert not Response.objects.filter(submission_id=target).exists()
    assert AuditEvent.objects.filter(action="responses.erase", target=receipt).exists()


def test_the_page_speaks_swedish_and_names_a_bad_subject(admin_client: Client) -> None:
    admin_client.cookies["django_language"] = "sv"
    page = admin_client.get(URL).content.decode()
    assert "Dataskyddsbegäran" in page
    answer = _post(admin_client, {"subject": "inte-ett-id", "step": "find"}).content.decode()
    assert 'aria-invalid="true"' in answer and "kvittokod" in answer


def test_a_post_without_the_csrf_token_is_refused(admin_client: Client) -> None:
    target = uuid.uuid4()
    _submit(_answers(8, comment="Bra"), submission=target)
    refused = admin_client.post(URL, {"subject": target.hex, "step": "erase", "confirm": "yes"})
    assert refused.status_code == 403 and Response.objects.filter(submission_id=target).exists()


def test_a_manager_may_not_use_the_page(personas: dict[str, Any]) -> None:
    client = Client()
    client.force_login(personas["manager_a"], backend=BACKEND)
    target = uuid.uuid4()
    _submit(_answers(8, comment="Bra"), submission=target)
    assert client.post(URL, {"subject": target.hex, "step": "erase", "confirm": "yes"}).status_code == 403
    assert Response.objects.filter(submission_id=target).exists()
