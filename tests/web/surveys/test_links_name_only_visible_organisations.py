"""A survey's link names its organisation only where the reader could confuse it with another survey she can
see: a person of one organisation learns nothing of another organisation's keys from a link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kundpuls.web.accounts.models import User
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.actions import create_from_template

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _survey_links(person: Any) -> set[str]:
    client = Client()
    client.force_login(person, backend=BACKEND)
    page = client.get("/portal/enkater/")
    assert page.status_code == 200
    return set(re.findall(r'href="/portal/enkater/([^/"]+)/"', page.content.decode()))


def test_a_key_of_two_organisations_is_told_apart_only_for_a_person_of_both(personas: dict[str, Any]) -> None:
    create_from_template("nki", owner=Unit.objects.get(code="RGX"), actor=CLI)  # the region's own nki

    User.objects.filter(email="analytiker.region@kundpuls.example").update(is_demo=False)  # a real account
    region = User.objects.get(email="analytiker.region@kundpuls.example")
    assert "nki" in _survey_links(region)
    assert not any(":" in link for link in _survey_links(region))  # nothing says EXK has an nki too

    municipal = _survey_links(personas["analyst"])
    assert "nki" in municipal and not any(":" in link for link in municipal)

    both = _survey_links(personas["admin"])  # roles in both organisations
    assert {"EXK:nki", "RGX:nki"} <= both and "nki" not in both
