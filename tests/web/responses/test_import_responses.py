"""Importing many responses: validated first, stored in one go, idempotent, comments redacted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.errors import ImportRowsError
from kundpuls.web.org.actors import CLI
from kundpuls.web.responses.actions import IncomingResponse, import_responses
from kundpuls.web.responses.models import ContactDetails, Response
from kundpuls.web.surveys.models import Distribution
from kundpuls.web.surveys.queries import current_version, definition_of


def _rows(n_per_unit: int = 30, seed: int = 11) -> tuple[object, list[IncomingResponse]]:
    links = {d.unit.code: d for d in Distribution.objects.select_related("unit").filter(survey__key="nki")}
    version = current_version(links["VOF-HT-N"].survey)
    generated = generate_responses(
        definition_of(version),
        [UnitProfile(code="VOF-HT-N", volume=n_per_unit), UnitProfile(code="KFF-BIB-HUV", volume=n_per_unit)],
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 2, 1, tzinfo=UTC),
        seed=seed,
        personal_data_rate=0.5,
        comment_rate=0.8,
        consent_rate=0.3,
    )
    rows = [
        IncomingResponse(links[r.unit], r.submission_id, r.as_input(), r.language, r.submitted_at)
        for r in generated.responses
    ]
    return version, rows


@pytest.mark.django_db
def test_an_import_stores_every_row_once_even_when_run_twice() -> None:
    version, rows = _rows()
    first = import_responses(version, rows, actor=CLI)  # type: ignore[arg-type]
    again = import_responses(version, rows, actor=CLI)  # type: ignore[arg-type]
    assert first.stored == len(rows) and first.already_stored == 0
    assert again.stored == 0 and again.already_stored == len(rows)
    assert Response.objects.filter(submission_id__in=[r.submission_id for r in rows]).count() == len(rows)
    consented = Response.objects.filter(consented=True).count()
    assert consented > 0
    assert ContactDetails.objects.count() == consented


@pytest.mark.django_db
def test_personal_data_in_comments_is_redacted_before_storage() -> None:
    version, rows = _rows()
    import_responses(version, rows, actor=CLI)  # type: ignore[arg-type]
    comments = [
        a["kommentar"] for a in Response.objects.values_list("answers", flat=True) if a.get("kommentar")
    ]
    assert comments
    assert any("[" in c and "]" in c for c in comments), "planted personal data was replaced by placeholders"
    import re

    assert not any(re.search(r"\b\d{6}[-+]?\d{4}\b", c) for c in comments)
    assert not any("@" in c for c in comments)


@pytest.mark.django_db
def test_a_bad_row_stops_the_whole_import_and_is_named() -> None:
    version, rows = _rows(n_per_unit=10)
    broken = rows[3]
    rows[3] = IncomingResponse(
        broken.distribution,
        uuid.uuid4(),
        {**broken.answers, "nki_helhet": 42},
        broken.language,
        broken.submitted_at,
    )
    with pytest.raises(ImportRowsError) as info:
        import_responses(version, rows, actor=CLI)  # type: ignore[arg-type]
    assert [(e.row, e.column) for e in info.value.errors] == [(4, "nki_helhet")]
    assert Response.objects.filter(submission_id__in=[r.submission_id for r in rows]).count() == 0
