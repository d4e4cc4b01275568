"""A version stored before a newer authoring rule still reads: an upgrade never makes a survey unreadable."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kundpuls.instruments import definition_to_dict, load_template

pytestmark = pytest.mark.django_db


def test_a_published_version_with_a_same_page_condition_still_reads_and_its_page_renders() -> None:
    from django.test import Client

    from kundpuls.web.surveys.models import Distribution, SurveyVersion
    from kundpuls.web.surveys.queries import current_version, definition_of

    distribution = Distribution.objects.filter(survey__key="nki", closed_at__isnull=True).first()
    assert distribution is not None
    survey = distribution.survey
    old = definition_to_dict(load_template("nki"))
    block, rated = next(
        (b, q)
        for page in old["pages"]
        for b in page["blocks"]
        for q in b["questions"]
        if q.get("type") == "rating"
    )
    # the shape the NPS template had before: a follow-up on the same page as the answer it depends on
    block["questions"].append(
        {"key": "varfor_gammal", "type": "text", "text": {"sv": "Varför?", "en": "Why?"},
         "show_if": f"{rated['key']} <= 4"}
    )  # fmt: skip
    number = (current_version(survey).number if current_version(survey) else 0) + 1
    version = SurveyVersion.objects.create(
        survey=survey, number=number, definition=old, published_at=timezone.now()
    )
    assert "varfor_gammal" in {q.key for q in definition_of(version).questions()}
    assert current_version(survey) == version
    page = Client().get(f"/s/{distribution.token}/")
    assert page.status_code == 200
