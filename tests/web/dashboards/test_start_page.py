"""The start page per person (issue 18): her units' results (the overview's numbers), her cases, her goals."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from tests.web.dashboards.conftest import NOW, store_generated, unit_links

from kundpuls.render.labels import number

pytestmark = pytest.mark.django_db
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
PERIOD = "2026-Q2"  # conftest.py: the newest quarter of the test responses


def _page(person: Any) -> str:
    client = Client()
    client.force_login(person, backend=BACKEND)
    got = client.get("/portal/")
    assert got.status_code == 200
    return got.content.decode()


def _section(html: str, survey: str) -> str:
    found = re.search(rf'<section aria-labelledby="survey-{survey}-h">(.*?)</section>', html, re.S)
    assert found is not None, f"no {survey} section"
    return found.group(1)


def _overview_value(person: Any, unit: str) -> dict[str, Any]:
    client = Client()
    client.force_login(person, backend=BACKEND)
    body = client.get("/portal/resultat/", {"survey": "nki"})
    assert body.status_code == 200
    from kundpuls.web.dashboards import queries
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    survey = Survey.objects.get(key="nki")
    definition = definition_of(current_version(survey))
    overview = queries.overview(
        person,
        definition,
        organisation=survey.organisation_id,
        period_kind="quarter",
        period=None,
        sort="tree",
        descending=False,
        language="sv",
    )
    row = next(r for r in overview.rows if r.unit_code == unit)
    return {
        "estimate": row.value.estimate,
        "ci_low": row.value.ci_low,
        "ci_high": row.value.ci_high,
        "n": row.value.n,
    }


def test_a_manager_sees_her_units_numbers_as_the_results_pages_show_them(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    manager = personas["manager_a"]
    section = _section(_page(manager), "nki")
    value = _overview_value(manager, "VOF-HT-N")
    text = re.sub(r"<[^>]+>", "", section)
    low, high = number(value["ci_low"], "sv"), number(value["ci_high"], "sv")
    shown = f"{number(value['estimate'], 'sv')} ({low}–{high}, n = {value['n']})"
    assert shown in " ".join(text.split())
    assert "Hemtjänst Norr" in text
    assert "Hemtjänst Söder" not in text and "Huvudbiblioteket" not in text  # not her units


def test_each_person_sees_exactly_their_open_and_overdue_cases(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from kundpuls.web.cases.models import Case
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.models import Survey

    survey = Survey.objects.get(key="nki")
    overdue = timezone.localdate() - timedelta(days=3)
    for code, due in (("VOF-HT-N", overdue), ("VOF-HT-N", overdue), ("KFF-BIB-HUV", overdue)):
        Case.objects.create(
            unit=Unit.objects.get(code=code),
            survey=survey,
            due_date=due,
            rules=["low_nki"],
            opened_at=timezone.now() - timedelta(days=10),
        )
    manager_a = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", _page(personas["manager_a"])))
    manager_b = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", _page(personas["manager_b"])))
    assert "2 uppföljningsärenden är försenade" in manager_a
    assert "1 uppföljningsärende är försenat" in manager_b
    viewer = _page(personas["viewer"])
    assert "försenat" not in viewer and "försenade" not in viewer  # a viewer reads no cases


def test_an_analyst_sees_units_with_too_few_answers_but_not_units_that_never_ran_the_survey(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    from kundpuls.web.org.models import Unit

    section = _section(_page(personas["analyst"]), "nki")
    hidden = section.split("inte visas den här perioden", 1)[-1].split("</h3>", 1)[-1]
    hidden = hidden.split("</p>", 2)[1]  # the note, then the list of units
    assert Unit.objects.get(code="VOF-DAG").name in hidden  # answered, but too few
    with_answers = {
        path for code in results for path in Unit.objects.get(code=code).path.strip("/").split("/")
    }
    never = [u for u in Unit.objects.filter(path__startswith="/") if str(u.pk) not in with_answers]
    assert never
    assert not [u.name for u in never if u.name in hidden]  # never ran the survey: not "too few"


def test_a_manager_sees_the_comment_theme_her_customers_raise_clearly_more_often(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    """Sixteen more customers of her unit this quarter write about waiting on the phone: the start page says
    Väntetid is raised clearly more often than the quarter before (and, before they wrote, did not)."""
    import uuid
    from datetime import UTC, datetime, timedelta

    from kundpuls.web.org.actors import CLI
    from kundpuls.web.responses.actions import IncomingResponse, import_responses, sync_to_lake
    from kundpuls.web.responses.models import Response
    from kundpuls.web.surveys.models import Distribution, Survey
    from kundpuls.web.surveys.queries import current_version

    manager = personas["manager_a"]
    raised = "Tas upp tydligt oftare i kommentarerna"
    before = " ".join(re.sub(r"<[^>]+>", "", _section(_page(manager), "nki")).split())
    assert f"{raised}: Väntetid" not in before

    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    assert version is not None
    link = Distribution.objects.get(survey=survey, unit__code="VOF-HT-N")
    template = Response.objects.filter(distribution=link).order_by("-submitted_at").first()
    assert template is not None
    waits = [
        "Fick vänta i telefonkön i över en timme innan någon svarade.",
        "Alldeles för lång väntetid, jag väntade tre veckor på besked.",
        "Telefonkön var helt orimlig, ingen svarade på fyrtio minuter.",
        "Det tar alldeles för lång tid att få svar när man ringer.",
    ]
    rows = [
        IncomingResponse(
            distribution=link,
            submission_id=str(uuid.UUID(int=0xAB_0000 + i)),
            answers={**template.answers, "kommentar": waits[i % len(waits)]},
            language="sv",
            submitted_at=datetime(2026, 6, 1, 10, tzinfo=UTC) + timedelta(hours=i),
        )
        for i in range(16)
    ]
    import_responses(version, rows, actor=CLI)
    sync_to_lake()

    after = " ".join(re.sub(r"<[^>]+>", "", _section(_page(manager), "nki")).split())
    assert re.search(rf"{raised}: (.* · )?Väntetid \d+ \(\d+ under 2026-Q1\)", after), after


def test_a_manager_sees_her_units_response_rate_as_the_invitation_page_counts_it(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    import uuid

    from django.utils import timezone

    from kundpuls.web.invitations.models import Invitation
    from kundpuls.web.invitations.queries import unit_rates
    from kundpuls.web.surveys.models import Distribution, Survey

    manager = personas["manager_a"]
    assert "Svarsfrekvens" not in _section(_page(manager), "nki")  # nobody invited yet: no rate
    survey = Survey.objects.get(key="nki")
    link = Distribution.objects.get(survey=survey, unit__code="VOF-HT-N")
    for i in range(40):
        Invitation.objects.create(
            survey=survey,
            distribution=link,
            unit=link.unit,
            token_hash=uuid.uuid4().hex,
            answered_at=timezone.now() if i % 5 < 2 else None,
        )
    rate = next(r for r in unit_rates(survey) if r.unit_code == "VOF-HT-N")
    text = " ".join(re.sub(r"<[^>]+>", "", _section(_page(manager), "nki")).split())
    low, high = number(rate.ci_low, "sv"), number(rate.ci_high, "sv")
    shown = f"Svarsfrekvens {number(rate.estimate, 'sv')} % ({low}–{high})"
    assert f"{shown} av 40 inbjudna kunder" in text, text
    assert rate.answered == 16


def test_an_analyst_sees_the_units_that_differ_clearly_from_their_siblings_as_the_unit_page_marks_them(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    from datetime import timedelta

    from kundpuls.demo.responses import UnitProfile, generate_responses
    from kundpuls.reports import cache
    from kundpuls.web.org.models import Unit
    from kundpuls.web.responses.actions import sync_to_lake
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    # Four more administrations answer this quarter, so that the municipality's six administrations are
    # compared (a funnel compares four or more units); the building permits' customers, and so their
    # administration, are far less satisfied than the others'
    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    assert version is not None
    added = {"BUF-GR-CEN": {}, "SBF-BYGG": {"NKI": -2.0}, "KLF-KC": {}, "SOC-FÖR": {}}
    generated = generate_responses(
        definition_of(version),
        [UnitProfile(code=code, volume=30, shifts=shifts) for code, shifts in added.items()],
        start=NOW - timedelta(days=80),
        end=NOW,
        seed=31,
    )
    store_generated(version, generated.responses, unit_links(survey, added))
    sync_to_lake()
    cache.clear()
    low = "SBF"

    analyst = personas["analyst"]
    client = Client()
    client.force_login(analyst, backend=BACKEND)

    def marked_on_unit_page(code: str) -> bool:
        page = client.get(f"/portal/resultat/enheter/{code}/", {"survey": "nki", "period": PERIOD})
        assert page.status_code == 200
        funnel = page.context["dashboard"].report.funnel
        return funnel is not None and [p.outlier for p in funnel.points if p.is_focus] == [True]

    section = _section(_page(analyst), "nki")
    assert "avviker tydligt från jämförbara enheter" in section
    listed = section.split("avviker tydligt från jämförbara enheter", 1)[1].split("</ul>", 1)[0]
    items = [" ".join(re.sub(r"<[^>]+>", "", li).split()) for li in listed.split("<li>")[1:]]
    assert items[0].startswith(f"{Unit.objects.get(code=low).name}:")  # below its siblings: listed first
    assert items[0].endswith("(under enheterna på samma nivå)")
    names = {u.name: u.code for u in Unit.objects.all()}
    listed_codes = {names[item.split(":", 1)[0]] for item in items}
    answered = [Unit.objects.get(code=code) for code in [*results, *added]]
    measured = {part for unit in answered for part in unit.path.strip("/").split("/")}
    measured_codes = set(Unit.objects.filter(pk__in=measured).values_list("code", flat=True))
    assert listed_codes == {code for code in measured_codes if marked_on_unit_page(code)}

    # the overview page and its table mark the same units
    overview = client.get("/portal/resultat/", {"survey": "nki", "period": PERIOD}).content.decode()
    row = r'enheter/([^/]+)/[^"]*">[^<]*</a></th>\s*<td[^>]*>[^<]*<span class="outlier">'
    marked = re.findall(row, overview)
    assert set(marked) == listed_codes
    table = client.get("/portal/resultat/export.csv", {"survey": "nki", "period": PERIOD}).content.decode()
    header, *lines = [line for line in table.splitlines() if line.count(";") >= 8 or line.count(",") >= 8]
    assert "Avviker tydligt från jämförbara enheter" in header
    assert any(line.split(";")[0] == low and line.rstrip().endswith("under") for line in lines)
    manager = _section(_page(personas["manager_b"]), "nki")
    assert "avviker tydligt" not in manager  # a unit manager's start page is about her units
