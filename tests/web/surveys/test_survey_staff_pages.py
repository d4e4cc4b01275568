"""The staff pages of a survey speak Swedish: its status, and its pages named by their titles."""

from __future__ import annotations

from typing import Any

from django.test import Client

from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.actions import create_from_template, publish

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _client(personas: dict[str, Any]) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas["analyst"], backend=BACKEND)
    return client


def test_the_survey_list_shows_the_status_in_swedish(personas: dict[str, Any]) -> None:
    publish(create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
    html = _client(personas).get("/portal/enkater/").content.decode()
    assert "<td>publicerad</td>" in html
    assert "<td>published</td>" not in html
    row = html[html.index('href="/portal/enkater/nps/"') :]
    assert "<td>Exempelby kommun</td>" in row[: row.index("</tr>")]  # the owner by name, not EXK


def test_the_survey_list_counts_open_links_and_responses_per_unit(personas: dict[str, Any]) -> None:
    from kundpuls.web.surveys.actions import close_distribution, open_distribution

    version = publish(create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
    north, south = Unit.objects.get(code="VOF-HT-N"), Unit.objects.get(code="VOF-HT-S")
    open_distribution(version.survey, north, actor=CLI)
    closed = open_distribution(version.survey, south, actor=CLI)
    responses = _store(version, closed, 2) + _store(
        version, open_distribution(version.survey, north, actor=CLI), 1
    )
    close_distribution(closed, actor=CLI)
    html = _client(personas).get("/portal/enkater/").content.decode()
    row = html[html.index('href="/portal/enkater/nps/"') :]
    row = row[: row.index("</tr>")]
    assert "<summary>2 enheter</summary>" in row
    assert f"<li>{north.name}: öppen, 1 svar</li>" in row
    assert f"<li>{south.name}: stängd, 2 svar</li>" in row
    first, second = sorted((north, south), key=lambda u: u.path)  # in the tree's order
    assert row.index(f"<li>{first.name}") < row.index(f"<li>{second.name}")
    assert responses == 3


def _store(version: Any, distribution: Any, n: int) -> int:
    """``n`` stored responses to ``distribution`` (through the product's own storing action)."""
    import uuid

    from kundpuls.web.responses.actions import submit_response

    for _ in range(n):
        submit_response(
            version=version,
            distribution=distribution,
            answers={"rekommendera": 9},
            submission_id=uuid.uuid4(),
        )
    return n


def test_the_preview_names_pages_by_title_and_shows_follow_ups_with_their_condition(
    personas: dict[str, Any],
) -> None:
    create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    first = client.get("/portal/enkater/nps/forhandsgranska/").content.decode()
    assert '<strong aria-current="page">Sida 1</strong>' in first
    assert ">nps<" not in first
    second = client.get("/portal/enkater/nps/forhandsgranska/?sida=foljdfragor").content.decode()
    assert "<h2>Berätta gärna mer</h2>" in second
    assert "Vad skulle vi behöva göra bättre?" in second
    assert "Visas bara när <code>rekommendera &lt;= 6</code>" in second


def test_the_survey_list_counts_a_surveys_own_units_never_another_organisations_of_the_same_key(
    personas: dict[str, Any],
) -> None:
    """The region's own draft ``nki`` lists none of the municipality's ``nki`` units and answers (a reviewer
    saw the municipality's units with their response counts under the region's draft)."""
    from kundpuls.web.accounts.models import User
    from kundpuls.web.org.models import Role, RoleKind
    from kundpuls.web.surveys.models import Distribution

    region = Unit.objects.get(code="RGX")
    create_from_template("nki", owner=region, actor=CLI)
    municipal = Distribution.objects.filter(survey__key="nki", survey__organisation__code="EXK").first()
    assert municipal is not None
    analyst = User.objects.create_user(email="granskare.region@kundpuls.example", password="x" * 20)
    Role.objects.create(user=analyst, unit=region, role=RoleKind.ANALYST)
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(analyst, backend=BACKEND)
    page = client.get("/portal/enkater/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<td>{region.name}</td>" in html  # the region's draft is listed, its owner by name
    assert municipal.unit.name not in html, "a municipal unit is listed under the region's nki"
