"""Shared set-up for the taxonomy tests: clients per persona and a way to submit NKI answers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


@pytest.fixture
def client_for(personas: dict[str, Any]) -> Callable[[str], Client]:
    def make(who: str) -> Client:
        client = Client()
        if personas[who] is not None:
            client.force_login(personas[who], backend=BACKEND)
        return client

    return make


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Callable[..., int]:
    """Submit NKI answers with contact consent through the real storing action (alert rules run)."""
    from kundpuls.web.responses.actions import submit_response
    from kundpuls.web.surveys.models import Distribution
    from kundpuls.web.surveys.queries import current_version

    def run(score: int, comment: str, *, unit: str = "VOF-HT-N") -> int:
        distribution = Distribution.objects.get(survey__key="nki", unit__code=unit, closed_at__isnull=True)
        version = current_version(distribution.survey)
        assert version is not None
        answers = {
            "tjanst": "socialtjanst",
            "nki_helhet": score,
            "nki_forvantan": score,
            "nki_ideal": score,
            "kontakt_ok": True,
            "kontakt_namn": "Eva Persson",
            "kontakt_telefon": "070-174 06 55",
            "kontakt_epost": "eva@example.com",
            "kommentar": comment,
        }
        with django_capture_on_commit_callbacks(execute=True):
            receipt = submit_response(
                version=version, distribution=distribution, submission_id=uuid.uuid4(), answers=answers
            )
        return receipt.response_id

    return run
