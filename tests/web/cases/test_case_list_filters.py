"""The case list narrowed by unit, status and overdue, counted and paged (issue 18): real cases opened by
the alert rules from stored answers; bad filters name their field and value and are ignored."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _get(personas: dict[str, Any], who: str, query: str = "") -> tuple[int, str]:
    client = Client()
    client.force_login(personas[who], backend=BACKEND)
    response = client.get(f"/portal/arenden/{query}", HTTP_ACCEPT_LANGUAGE="sv")
    return response.status_code, response.content.decode()


def _case_ids(page: str) -> list[int]:
    found = re.findall(r'<th scope="row" data-label="Ärende"><a href="[^"]+">(\d+)</a>', page)
    return [int(n) for n in found]


@pytest.fixture
def cases(nki_rules: Any, submit: Any) -> dict[str, list[int]]:
    """20 cases at VOF-HT-N and 7 at BUF-GY; 3 of the first overdue, 2 of the second closed."""
    from kundpuls.web.cases.models import Case

    Case.objects.all().delete()
    made = {"VOF-HT-N": [], "BUF-GY": []}
    for unit, count in (("VOF-HT-N", 20), ("BUF-GY", 7)):
        for _ in range(count):
            made[unit].append(Case.objects.get(response_id=submit(1, unit=unit)).pk)
    Case.objects.filter(pk__in=made["VOF-HT-N"][:3]).update(due_date=date.today() - timedelta(days=3))
    Case.objects.filter(pk__in=made["BUF-GY"][:2]).update(status="closed", due_date=date(2020, 1, 1))
    return made


def test_the_list_is_paged_and_counted(personas: dict[str, Any], cases: dict[str, list[int]]) -> None:
    status, first = _get(personas, "analyst")
    assert status == 200
    assert "Ärende 1–25 av 27." in first and "3 öppna ärenden är försenade." in first
    assert len(_case_ids(first)) == 25 and "Sida 1 av 2" in first and 'rel="next"' in first
    status, second = _get(personas, "analyst", "?page=2")
    assert status == 200 and "Ärende 26–27 av 27." in second and 'rel="prev"' in second
    everyone = set(_case_ids(first)) | set(_case_ids(second))
    assert everyone == set(cases["VOF-HT-N"]) | set(cases["BUF-GY"])
    # a page past the last shows the last
    assert set(_case_ids(_get(personas, "analyst", "?page=9")[1])) == set(_case_ids(second))


def test_the_list_narrows_by_unit_status_and_overdue(
    personas: dict[str, Any], cases: dict[str, list[int]]
) -> None:
    _, page = _get(personas, "analyst", "?unit=BUF-GY")
    assert set(_case_ids(page)) == set(cases["BUF-GY"]) and "Ärende 1–7 av 7." in page
    # the statuses are counted for the chosen unit (the 2 closed cases are past due, but not overdue)
    assert ">Ny (5)</option>" in page and ">Avslutad (2)</option>" in page
    assert "0 öppna ärenden är försenade." in page
    _, closed = _get(personas, "analyst", "?unit=BUF-GY&status=closed")
    assert set(_case_ids(closed)) == set(cases["BUF-GY"][:2])
    _, late = _get(personas, "analyst", "?overdue=1")
    assert set(_case_ids(late)) == set(cases["VOF-HT-N"][:3]) and "Sida 1 av" not in late
    # a unit's list holds its subtree: the home-care area above VOF-HT-N
    _, area = _get(personas, "analyst", "?unit=VOF-HT&overdue=1")
    assert set(_case_ids(area)) == set(cases["VOF-HT-N"][:3])
    # the paging links keep the filters
    _, organisation = _get(personas, "analyst", "?unit=EXK")
    assert "Sida 1 av 2" in organisation and 'href="?unit=EXK&amp;page=2" rel="next"' in organisation


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?page=abc", "abc är inget sidnummer"),
        ("?page=0", "0 är inget sidnummer"),
        ("?page=" + "9" * 13, "Sida:"),
        ("?unit=NOPE", "NOPE"),
        ("?status=lost", "lost"),
        ("?unit=" + "X" * 5000, "Enhet:"),
    ],
)
def test_a_bad_filter_names_its_field_and_value_and_is_ignored(
    personas: dict[str, Any], cases: dict[str, list[int]], query: str, named: str
) -> None:
    status, page = _get(personas, "analyst", query)
    assert status == 400
    assert "Några filter var ogiltiga och användes inte" in page and named in page
    assert len(_case_ids(page)) == 25  # the list is still shown, unfiltered


def test_a_manager_filters_only_her_own_units(personas: dict[str, Any], cases: dict[str, list[int]]) -> None:
    status, page = _get(personas, "manager_a")
    assert status == 200 and set(_case_ids(page)) == set(cases["VOF-HT-N"])
    assert 'value="BUF-GY"' not in page
    status, refused = _get(personas, "manager_a", "?unit=BUF-GY")
    assert status == 400 and set(_case_ids(refused)) == set(_case_ids(page))
