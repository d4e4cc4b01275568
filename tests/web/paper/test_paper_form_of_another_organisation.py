"""A paper form id of another organisation, typed on one's own data-entry page, is not found (issue 17).

The page reads a form with the survey version it was printed from; that version is looked up among the
forms of the page's survey only, so another organisation's form id neither shows that organisation's
questions nor names its survey or unit, and nothing of it changes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.paper.models import PaperEntry, PaperForm
from kundpuls.web.paper.printing import print_questionnaires
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Survey

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
OWN_PAGE = "/portal/papper/nki/VOF-HT-N/"
UNUSED = "QQQQ-9999"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]*"')


def _without_tokens(page: str) -> str:
    return CSRF_TOKEN.sub("", page)


@pytest.mark.django_db
def test_another_organisations_form_id_is_not_found_on_ones_own_page(personas: dict[str, Any]) -> None:
    region = Unit.objects.get(code="RGX")
    patient = Survey.objects.get(key="patient", organisation=region)
    (form_id,) = print_questionnaires(
        patient, Unit.objects.get(code="RGX-VC-CEN"), copies=1, language="sv", actor=CLI
    ).form_ids
    before = list(PaperForm.objects.filter(form_id=form_id).values())
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas["analyst"], backend=BACKEND)  # analyst of the municipality only
    answer = client.post(OWN_PAGE, {"form_id": form_id, "helhet_betyg": "4", "nki_helhet": "8"})
    nobodys = client.post(OWN_PAGE, {"form_id": UNUSED, "helhet_betyg": "4", "nki_helhet": "8"})
    page = answer.content.decode()
    assert answer.status_code == nobodys.status_code == 400
    assert _without_tokens(page).replace(form_id, "ID") == _without_tokens(nobodys.content.decode()).replace(
        UNUSED, "ID"
    )  # the same page as for a form id nobody printed
    assert 'name="nki_helhet"' in page  # the page's own survey, not the region's questions
    assert 'name="helhet_betyg"' not in page and "RGX" not in page and "patient" not in page
    assert list(PaperForm.objects.filter(form_id=form_id).values()) == before
    assert not PaperEntry.objects.exists() and not Response.objects.filter(survey=patient).exists()
