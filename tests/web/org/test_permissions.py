"""Every portal URL × every persona: who sees what, and who gets 403 or the login page.

The actions behind the URLs check permissions themselves: their matrix is test_action_permissions.py.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can, units_where

PERSONAS = ("admin", "analyst", "manager_a", "manager_b", "viewer", "anonymous")
LOGIN = "login"
BACKEND = "kundpuls.web.accounts.backends.EmailBackend"

# url -> expected outcome per persona, in the order of PERSONAS.
MATRIX: dict[str, tuple[object, ...]] = {
    "/portal/": (200, 200, 200, 200, 200, LOGIN),
    "/portal/enheter/EXK/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enheter/VOF/": (200, 200, 403, 403, 200, LOGIN),
    "/portal/enheter/VOF-HT-N/": (200, 200, 200, 403, 200, LOGIN),  # unit A
    "/portal/enheter/KFF-BIB-HUV/": (200, 200, 403, 200, 403, LOGIN),  # unit B
    # the region: to the municipality's people as if it did not exist (a 403 would tell them it does)
    "/portal/enheter/RGX-VC-CEN/": (200, 404, 404, 404, 404, LOGIN),
    "/portal/enheter/FINNS-INTE/": (404, 404, 404, 404, 404, LOGIN),
    "/admin/": (200, "admin-login", "admin-login", "admin-login", "admin-login", "admin-login"),
    "/admin/org/unit/": (200, "admin-login", "admin-login", "admin-login", "admin-login", "admin-login"),
    "/healthz": (200, 200, 200, 200, 200, 200),
    "/portal/enkater/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/ny/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/forhandsgranska/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/patient/": (
        200,
        404,
        404,
        404,
        404,
        LOGIN,
    ),  # the region's survey: not found in EXK (tenancy)
    "/portal/enkater/finns-inte/": (404, 404, 404, 404, 404, LOGIN),
    # the survey editor (issue 19): who manages the survey's owner; the region's survey is not the analyst's
    "/portal/enkater/skapa/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/patient/redigera/": (200, 404, 404, 404, 404, LOGIN),
    "/portal/enkater/nki/redigera/kodbok/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/patient/redigera/kodbok/": (200, 404, 404, 404, 404, LOGIN),
    "/portal/enkater/nki/redigera/kodbok/index/NKI/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/kodbok/index/FINNS_INTE/": (404, 404, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/kodbok/drivarmodell/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/patient/redigera/kodbok/drivarmodell/": (200, 404, 404, 404, 404, LOGIN),
    "/portal/enkater/nki/redigera/fraga/finns_inte/": (404, 404, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/sida/finns_inte/": (404, 404, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/avsnitt/finns_inte/": (404, 404, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/avsnitt/bakgrund_arende/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/nytt-avsnitt/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/patient/redigera/nytt-avsnitt/": (200, 404, 404, 404, 404, LOGIN),
    "/portal/enkater/nki/redigera/avsnitt/bakgrund_arende/dela/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/avsnitt/finns_inte/dela/": (404, 404, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/avsnitt/nki/ta-bort/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/avsnitt/finns_inte/ta-bort/": (404, 404, 403, 403, 403, LOGIN),
    "/portal/enkater/nki/redigera/kodbok/speglingar/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/staff/redigera/kodbok/speglingar/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/patient/redigera/kodbok/speglingar/": (200, 404, 404, 404, 404, LOGIN),
    "/portal/enkater/nki/versioner/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/patient/versioner/": (200, 404, 404, 404, 404, LOGIN),
    "/portal/enkater/nki/definition.yaml": (200, 200, 403, 403, 403, LOGIN),
    "/portal/enkater/patient/definition.yaml?version=1": (200, 404, 404, 404, 404, LOGIN),
    "/portal/enkater/nki/stang/?alla=1": (200, 200, 403, 403, 403, LOGIN),  # a confirmation page; POST closes
    "/portal/enkater/patient/stang/?alla=1": (200, 404, 404, 404, 404, LOGIN),
    "DIST:nki:VOF-HT-N:svg": (200, 200, 200, 403, 200, LOGIN),  # unit A's QR code
    "DIST:nki:KFF-BIB-HUV:pdf": (200, 200, 403, 200, 403, LOGIN),  # unit B's poster
    "/portal/inbjudningar/nki/": (200, 200, 403, 403, 403, LOGIN),  # invitations: contact data, sending
    "/portal/inbjudningar/patient/": (200, 404, 404, 404, 404, LOGIN),
    "/portal/inbjudningar/finns-inte/": (404, 404, 404, 404, 404, LOGIN),
    "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/": (404, 404, 404, 404, 404, 404),  # personal links: token only
    "/konto/logga-in/": ("redirect", "redirect", "redirect", "redirect", "redirect", 200),
    # follow-up cases and goals (issue 10); case pages need a case: tests/web/cases/test_views.py
    "/portal/arenden/": (200, 200, 200, 200, 403, LOGIN),  # analysts read cases (issue 18), change none
    "/portal/arenden/ni-sa-vi-gjorde/VOF-HT-N/": (200, 200, 200, 403, 200, LOGIN),
    "/portal/arenden/regler/nki/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/mal/": (200, 200, 200, 200, 200, LOGIN),
    "/portal/mal/enheter/VOF-HT-N/": (200, 200, 200, 403, 200, LOGIN),
    # allowed: 404, as the test database has no costs with estimates (the chart is drawn only with data)
    "/portal/mal/enheter/KFF-BIB-HUV/produktivitet.svg": (404, 404, 403, 404, 403, LOGIN),
    # dashboards (an empty lake here: downloads answer 404 to those allowed, 403 to the others)
    "/portal/resultat/": (200, 200, 200, 200, 200, LOGIN),
    "/portal/resultat/metoder/": (200, 200, 200, 200, 200, LOGIN),  # how the numbers are computed: no data
    "/portal/resultat/enheter/VOF-HT-N/": (200, 200, 200, 403, 200, LOGIN),  # unit A
    "/portal/resultat/enheter/KFF-BIB-HUV/": (200, 200, 403, 200, 403, LOGIN),  # unit B
    "/portal/resultat/enheter/FINNS-INTE/": (404, 404, 404, 404, 404, LOGIN),
    "/portal/resultat/enheter/VOF-HT-N/rapport.pdf": (404, 404, 404, 403, 403, LOGIN),
    "/portal/resultat/enheter/VOF-HT-N/tabeller.xlsx": (404, 404, 404, 403, 403, LOGIN),
    "/portal/resultat/export.csv": (404, 404, 404, 404, 403, LOGIN),
    # the comment-theme taxonomy (issue 8): administrators and analysts of a whole organisation only
    "/portal/teman/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/teman/nytt/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/teman/tema/bemotande/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/teman/tema/finns_inte/": (404, 404, 403, 403, 403, LOGIN),
    "/portal/teman/teman.yaml": (200, 200, 403, 403, 403, LOGIN),
    "/portal/teman/ladda-upp/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/teman/historik/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/teman/historik/99/teman.yaml": (404, 404, 403, 403, 403, LOGIN),  # no such revision
    "/portal/teman/upptack/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/teman/upptack/999/": (404, 404, 403, 403, 403, LOGIN),  # runs: tests/web/themes
    # the read API (session here; tokens in tests/web/dashboards/test_results_api.py); an empty lake: 404
    # a data-protection request (issue 17): administrators only; the flow is tested in tests/web/responses
    "/portal/dataskydd/": (200, 403, 403, 403, 403, LOGIN),
    # the operations status page (issue 21): superusers only (the admin persona is one)
    "/portal/drift/": (200, 403, 403, 403, 403, LOGIN),
    # respondent data (issue 20): old responses in with manage_surveys, data out with export on a unit
    "/portal/svarsdata/nki/import/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/svarsdata/nki/export/": (200, 200, 200, 200, 403, LOGIN),
    "/portal/svarsdata/patient/export/": (200, 404, 404, 404, 404, LOGIN),
    "/portal/svarsdata/finns-inte/import/": (404, 404, 404, 404, 404, LOGIN),
    "/portal/webhooks/": (200, 403, 403, 403, 403, LOGIN),  # administrators register addresses
    "/portal/telefon/nki/": (200, 200, 403, 403, 403, LOGIN),  # phone interviews: manage_surveys
    "/portal/telefon/nki/VOF-HT-N/": (200, 200, 403, 403, 403, LOGIN),
    "/portal/telefon/patient/RGX-VC-CEN/": (200, 404, 404, 404, 404, LOGIN),
    "/portal/papper/nki/VOF-HT-N/": (200, 200, 403, 403, 403, LOGIN),  # paper forms typed in
    "/portal/papper/nki/VOF-HT-N/utskrift/": (200, 200, 403, 403, 403, LOGIN),  # printing them: a POST
    "/api/v1/": (200, 200, 200, 200, 200, 401),
    "/api/v1/openapi.json": (200, 200, 200, 200, 200, 200),  # the description holds no data
    "/portal/api-nycklar/": (200, 200, 200, 200, 200, LOGIN),  # one's own tokens
    "/api/v1/units/": (200, 200, 200, 200, 200, 401),
    "/api/v1/surveys/": (200, 200, 200, 200, 200, 401),
    "/api/v1/results/nki/": (404, 404, 404, 404, 403, 401),
    # another manager gets the 404 of an unknown code (unit codes cannot be probed); a viewer exports nothing
    "/api/v1/results/nki/units/VOF-HT-N/": (404, 404, 404, 404, 403, 401),
}

ROUTES_COVERED = {
    "portal:overview",
    "operations:status",
    "portal:unit",
    "healthz",
    "accounts:login",
    "surveys:list",
    "surveys:new",
    "surveys:detail",
    "surveys:preview",
    "surveys:download",
    # state-changing routes answer POST only; their permissions are tested in tests/web/surveys
    "surveys:publish",
    "surveys:open",
    "surveys:close",
    "surveys:reopen",  # POST only: tests/web/surveys/test_survey_editor.py
    "surveys:editor_start",
    "surveys:editor",
    "surveys:editor_change",  # POST only: tests/web/surveys/test_survey_editor.py
    "surveys:editor_question",
    "surveys:editor_page",
    "surveys:editor_block",
    "surveys:editor_codebook",
    "surveys:editor_index",
    "surveys:editor_driver_model",
    "surveys:editor_add_section",
    "surveys:editor_split_section",
    "surveys:editor_remove_section",
    "surveys:editor_mirrors",
    "surveys:versions",
    "surveys:definition_file",
    # invitations: the staff page; sending answers POST only (tested in tests/web/invitations); the
    # respondent routes need a personal token, not a role (tested in tests/web/invitations)
    "invitations:status",
    "invitations:send",
    "invitations:page",
    "invitations:thanks",
    "invitations:unsubscribe",
    "cases:list",
    "cases:summary",
    "cases:rules",
    # a case's own pages (and its POST-only action route) are tested per persona in tests/web/cases
    "cases:detail",
    "cases:act",
    "goals:overview",
    "goals:unit",
    "goals:chart",
    "goals:act",  # POST only: tested per persona in tests/web/goals
    "dashboards:overview",
    "dashboards:overview_export",
    "dashboards:methods",
    "dashboards:unit",
    "dashboards:unit_pdf",
    "dashboards:unit_export",
    "themes:list",
    "themes:new",
    "themes:edit",
    "themes:download",
    "themes:upload",
    "themes:history",
    "themes:revision_download",
    "themes:discover",
    "themes:discovery",
    # POST only: tested per persona in tests/web/themes
    "themes:remove",
    "themes:restore",
    "themes:accept",
    "api:index",
    "api:openapi",
    "api:responses",  # POST only, with a token: tested in tests/web/responses/test_api_submissions.py
    "api_tokens:list",
    "api_tokens:revoke",  # POST only, one's own tokens: tested in tests/web/dashboards/test_results_api.py
    "api:units",
    "api:surveys",
    "api:overview",
    "api:unit",
    "responses:erasure",
    "responsedata:import",
    "responsedata:export",
    "webhooks:list",
    "webhooks:remove",  # POST only: tested per persona in tests/web/webhooks
    "interview:start",
    "interview:walk",
    "paper:entry",
}


def _client(personas: dict[str, object], who: str) -> Client:
    client = Client()
    if personas[who] is not None:
        client.force_login(personas[who], backend=BACKEND)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize("url", list(MATRIX))
@pytest.mark.parametrize("who", PERSONAS)
def test_each_persona_gets_what_its_role_allows(personas: dict[str, object], who: str, url: str) -> None:
    expected = MATRIX[url][PERSONAS.index(who)]
    if url.startswith("DIST:"):
        from kundpuls.web.surveys.models import Distribution

        _, survey, unit, kind = url.split(":")
        distribution = Distribution.objects.get(survey__key=survey, unit__code=unit, closed_at__isnull=True)
        url = f"/portal/enkater/utskick/{distribution.pk}/{kind}/"
    response = _client(personas, who).get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/logga-in/?next=")
    elif expected == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    elif expected == "redirect":
        assert response.status_code == 302
    else:
        assert response.status_code == expected


def test_manager_of_a_never_sees_unit_b_in_her_tree(personas: dict[str, object]) -> None:
    page = _client(personas, "manager_a").get("/portal/").content.decode()
    assert "Hemtjänst Norr" in page
    assert "Huvudbiblioteket" not in page
    assert "Hemtjänst Söder" not in page


def test_a_subtree_role_shows_the_whole_subtree(personas: dict[str, object]) -> None:
    page = _client(personas, "viewer").get("/portal/").content.decode()
    for name in ("Vård- och omsorgsförvaltningen", "Hemtjänst Söder", "Lindgårdens äldreboende"):
        assert name in page
    assert "Bygglov" not in page


def test_unit_codes_with_swedish_letters_work_in_urls(personas: dict[str, object]) -> None:
    response = _client(personas, "admin").get("/portal/enheter/" + quote("VOF-SÄBO-EK") + "/")
    assert response.status_code == 200
    assert "Ekbackens äldreboende" in response.content.decode()


def test_every_portal_route_is_in_the_matrix() -> None:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in {
                    "org",
                    "accounts",
                    "surveys",
                    "cases",
                    "goals",
                    "invitations",
                    "dashboards",
                    "themes",
                    "api",
                    "api_tokens",
                    "responses",
                    "operations",
                }:
                    walk(p.url_patterns, f"{p.namespace}:")
            elif p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns)
    uncovered = {
        n
        for n in names
        if n.startswith(
            (
                "org:",
                "surveys:",
                "cases:",
                "goals:",
                "invitations:",
                "dashboards:",
                "themes:",
                "responses:",
                "operations:",
            )
        )
        or n == "healthz"
    } - ROUTES_COVERED
    assert not uncovered, f"add these routes to MATRIX: {sorted(uncovered)}"


def test_roles_decide_capabilities_not_only_visibility(personas: dict[str, object]) -> None:
    unit_a = Unit.objects.get(code="VOF-HT-N")
    assert can(personas["manager_a"], Capability.HANDLE_CASES, unit_a)
    assert not can(personas["viewer"], Capability.VIEW_COMMENTS, unit_a)
    assert not can(personas["analyst"], Capability.HANDLE_CASES, unit_a)
    assert can(personas["analyst"], Capability.VIEW_CASES, unit_a)  # reads cases, changes none
    assert not can(personas["viewer"], Capability.VIEW_CASES, unit_a)
    assert can(personas["manager_a"], Capability.VIEW_CASES, unit_a)
    assert can(personas["analyst"], Capability.MANAGE_SURVEYS, unit_a)
    assert not can(personas["manager_a"], Capability.ADMINISTER, unit_a)
    assert not can(None, Capability.VIEW_RESULTS, unit_a)


def test_units_where_lists_exactly_the_subtrees_granted(personas: dict[str, object]) -> None:
    visible = set(units_where(personas["viewer"], Capability.VIEW_RESULTS).values_list("code", flat=True))
    expected = set(
        Unit.objects.filter(path__startswith=Unit.objects.get(code="VOF").path).values_list("code", flat=True)
    )
    assert visible == expected
    assert not units_where(personas["viewer"], Capability.HANDLE_CASES).exists()


@pytest.mark.django_db
def test_a_granted_role_counts_at_once_for_a_user_object_whose_roles_were_read(
    personas: dict[str, object],
) -> None:
    from kundpuls.web.accounts.models import User
    from kundpuls.web.org.actions import grant_role

    user, _ = User.objects.get_or_create(email="ny.roll@kundpuls.example")
    unit = Unit.objects.get(code="VOF-HT-N")
    assert not can(user, Capability.VIEW_RESULTS, unit)  # reads (and caches) the user's roles
    grant_role(user, unit, "viewer", actor=personas["admin"])
    assert can(user, Capability.VIEW_RESULTS, unit)
