"""Channel as a segment on the unit page and API: Swedish labels, the mode note, small groups hidden."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
UNIT_A = "/portal/resultat/enheter/VOF-HT-N/"


@pytest.mark.django_db
def test_the_channel_segment_has_swedish_labels_a_note_and_hides_a_small_channel(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    from kundpuls.reports import cache
    from kundpuls.web.org.actors import DEMO
    from kundpuls.web.org.models import Unit
    from kundpuls.web.responses.actions import IncomingResponse, import_responses, sync_to_lake
    from kundpuls.web.surveys.models import Channel, Distribution, Survey
    from kundpuls.web.surveys.queries import current_version

    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    assert version is not None
    paper = Distribution.objects.create(
        survey=survey, unit=Unit.objects.get(code="VOF-HT-N"), channel=Channel.PAPER
    )
    answers = {"tjanst": "socialtjanst", "nki_helhet": 7, "nki_forvantan": 6, "nki_ideal": 6}
    rows = [
        IncomingResponse(
            distribution=paper,
            submission_id=uuid.uuid4(),
            answers=answers,
            language="sv",
            submitted_at=datetime(2026, 6, 1, 10, tzinfo=UTC),
        )
        for _ in range(2)
    ]
    import_responses(version, rows, actor=DEMO)
    sync_to_lake()
    cache.clear()
    client = Client()
    client.force_login(personas["admin"], backend=BACKEND)
    page = client.get(UNIT_A, {"survey": "nki", "segment": "channel"}).content.decode()
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page))
    assert options.get("channel") == "Kanal"
    assert options.get("paper") == "Pappersenkät"
    assert "svarssättet" in page  # the mode-effect note
    plain = client.get(UNIT_A, {"survey": "nki"}).content.decode()
    assert "svarssättet" not in plain
    # two paper answers are below the threshold: the API gives no numbers for them
    api = client.get(
        "/api/v1/results/nki/units/VOF-HT-N/",
        {"segment": "channel", "value": "paper", "period_kind": "quarter", "period": "2026-Q2"},
    )
    assert api.status_code == 200, api.content
    body = api.json()
    assert body["segment"] == "channel" and body["segment_value"] == "paper"
    assert all(h["value"]["estimate"] is None for h in body["headlines"])
