"""Shared set-up for the cases tests: alert rules on the demo NKI survey and a way to submit answers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from kundpuls.web.org.actors import CLI

RULES = {
    "rules": [
        {
            "key": "low_overall",
            "label": {"sv": "Lågt helhetsbetyg"},
            "when": [{"item": "nki_helhet", "at_most": 3}],
        },
        {
            "key": "rude_staff",
            "when": [{"item": "kommentar", "theme": "bemotande"}, {"item": "nki_helhet", "at_most": 6}],
        },
    ]
}
CONTACT = {
    "kontakt_namn": "Eva Persson",
    "kontakt_telefon": "070-174 06 55",
    "kontakt_epost": "eva@example.com",
}


def answers(score: int, *, consent: bool, comment: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {
        "tjanst": "socialtjanst",
        "nki_helhet": score,
        "nki_forvantan": score,
        "nki_ideal": score,
        "kontakt_ok": consent,
    }
    if comment:
        data["kommentar"] = comment
    if consent:
        data.update(CONTACT)
    return data


Submit = Callable[..., int]


@pytest.fixture
def nki_rules(db: None) -> Any:
    from kundpuls.web.cases.actions import save_rules
    from kundpuls.web.surveys.models import Survey

    return save_rules(Survey.objects.get(key="nki"), RULES, actor=CLI)


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Submit:
    """Submit NKI answers for a unit through the real storing action (its on-commit hook runs)."""
    from kundpuls.web.responses.actions import submit_response
    from kundpuls.web.surveys.models import Distribution
    from kundpuls.web.surveys.queries import current_version

    def run(
        score: int,
        *,
        consent: bool = True,
        unit: str = "VOF-HT-N",
        comment: str = "",
        at: datetime | None = None,
    ) -> int:
        distribution = Distribution.objects.get(survey__key="nki", unit__code=unit, closed_at__isnull=True)
        version = current_version(distribution.survey)
        assert version is not None
        with django_capture_on_commit_callbacks(execute=True):
            receipt = submit_response(
                version=version,
                distribution=distribution,
                submission_id=uuid.uuid4(),
                answers=answers(score, consent=consent, comment=comment),
                submitted_at=at,
            )
        return receipt.response_id

    return run
