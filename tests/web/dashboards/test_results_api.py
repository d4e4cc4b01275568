"""The read API: tokens, the pages' roles, threshold and numbers, errors as JSON in the user's language."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from django.test import Client
from typer.testing import CliRunner

from kundpuls.cli import api as api_cli
from kundpuls.web.org.actors import CLI

pytestmark = pytest.mark.django_db
SMALL_UNIT = "VOF-DAG"  # tests/web/dashboards/conftest.py: below the threshold in every quarter


def _token(user: Any, name: str = "test") -> str:
    from kundpuls.web.api.actions import create_token

    return create_token(user, name, actor=CLI)[1]


def _get(path: str, token: str | None, **headers: str) -> Any:
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    extra.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    return Client().get(path, **extra)


def test_a_token_authenticates_and_an_unknown_or_revoked_one_gets_401(personas: dict[str, Any]) -> None:
    from kundpuls.web.api.actions import revoke_token
    from kundpuls.web.api.models import ApiToken

    token = _token(personas["manager_a"])
    assert ApiToken.objects.get().token_hash not in token  # only the hash is stored, not the secret
    ok = _get("/api/v1/", token)
    assert ok.status_code == 200 and ok.json()["user"] == "chef.hemtjanst@kundpuls.example"
    for wrong in (None, "kp_not-a-token", token[:-1]):
        refused = _get("/api/v1/units/", wrong)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"
        assert refused["WWW-Authenticate"].startswith("Bearer")
    revoke_token(ApiToken.objects.get().pk, actor=CLI)
    assert _get("/api/v1/units/", token).status_code == 401
    assert Client().post("/api/v1/units/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 405


def test_a_manager_reads_her_unit_with_the_pages_numbers_and_nothing_else(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    from kundpuls.web.dashboards.queries import unit_results
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    manager = personas["manager_a"]
    token = _token(manager)
    assert [u["code"] for u in _get("/api/v1/units/", token).json()["units"]] == ["VOF-HT-N"]
    assert [s["key"] for s in _get("/api/v1/surveys/", token).json()["surveys"]] == ["nki"]
    got = _get("/api/v1/results/nki/units/VOF-HT-N/?period=2026-Q2", token)
    assert got.status_code == 200, got.content
    body = got.json()
    definition = definition_of(current_version(Survey.objects.get(key="nki")))
    page = unit_results(
        manager, Unit.objects.get(code="VOF-HT-N"), definition,
        period_kind="quarter", period="2026-Q2", segment=None, segment_value=None, language="sv",
    )  # fmt: skip
    assert body["period"] == "2026-Q2" and body["threshold"] == page.threshold
    assert [h["value"]["estimate"] for h in body["headlines"]] == [h.value.estimate for h in page.headlines]
    assert body["headlines"][0]["value"]["ci_low"] == page.headlines[0].value.ci_low
    # the funnel's size-adjusted (empirical-Bayes) estimates are the page's, beside the raw ones
    assert page.funnel is not None and page.funnel.pooled_mean is not None
    assert body["funnel"]["pooled_mean"] == page.funnel.pooled_mean
    assert [
        (p["unit_code"], p["estimate"], p["shrunk_estimate"], p["shrunk_ci_low"])
        for p in body["funnel"]["points"]
    ] == [(p.unit_code, p.estimate, p.shrunk_estimate, p.shrunk_ci_low) for p in page.funnel.points]
    sibling = _get("/api/v1/results/nki/units/VOF-HT-S/", token)  # a sibling's page: as if it did not exist
    unknown = _get("/api/v1/results/nki/units/FINNS-INTE/", token)
    assert sibling.status_code == unknown.status_code == 404
    assert sibling.json()["error"]["message"].replace("VOF-HT-S", "X") == unknown.json()["error"][
        "message"
    ].replace("FINNS-INTE", "X")
    assert [r["unit_code"] for r in _get("/api/v1/results/nki/", token).json()["rows"]] == ["VOF-HT-N"]
    viewer = _token(personas["viewer"])  # may see results on pages, may not export them
    assert _get("/api/v1/units/", viewer).status_code == 200
    assert _get("/api/v1/results/nki/units/VOF-HT-N/", viewer).status_code == 403


def test_a_group_under_the_threshold_has_no_number_in_the_api(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    from kundpuls.web.org.models import AuditEvent

    token = _token(personas["analyst"])
    overview = _get("/api/v1/results/nki/?period=2026-Q2", token)
    assert overview.status_code == 200
    rows = {row["unit_code"]: row for row in overview.json()["rows"]}
    assert rows["VOF-HT-N"]["value"]["estimate"] is not None
    small = rows[SMALL_UNIT]["value"]
    assert small["suppressed"] and small["estimate"] is None and small["ci_low"] is None
    assert AuditEvent.objects.filter(action="dashboards.export.api").count() == 1  # audited like a download
    event = AuditEvent.objects.get(action="dashboards.export.api")
    assert event.details["survey"] == "EXK:nki"  # the survey named with its organisation, whoever asked


def test_errors_name_the_field_and_the_value_in_the_users_language(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    token = _token(personas["manager_a"])
    bad = _get("/api/v1/results/nki/units/VOF-HT-N/?period=2031-Q1", token).json()["error"]
    assert bad["code"] == "invalid" and bad["field"] == "period" and bad["value"] == "2031-Q1"
    missing = _get("/api/v1/results/finns-inte/units/VOF-HT-N/", token)
    assert missing.status_code == 404 and "finns-inte" in missing.json()["error"]["message"]
    viewer = _token(personas["viewer"])  # no export right anywhere
    forbidden = _get("/api/v1/results/nki/units/VOF-HT-N/", viewer, **{"Accept-Language": "sv"})
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["message"] == "Dina roller ger inte åtkomst till detta."
    hidden = _get("/api/v1/results/nki/units/VOF-HT-S/", token, **{"Accept-Language": "sv"})
    assert hidden.status_code == 404 and "VOF-HT-S" in hidden.json()["error"]["message"]
    no_data = _get("/api/v1/results/nki/?period=2019-Q1", token).json()["error"]  # a valid label, no data
    assert no_data["field"] == "period" and no_data["value"] == "2019-Q1"
    # a group the survey does not have was answered with the whole unit's numbers (200)
    unit = "/api/v1/results/nki/units/VOF-HT-N/"
    for query, field, value in (
        ("?segment=skostorlek", "segment", "skostorlek"),
        ("?segment=kon&value=ingen", "value", "ingen"),
        ("?value=woman", "value", "woman"),
    ):
        answer = _get(unit + query, token, **{"Accept-Language": "sv"})
        error = answer.json()["error"]
        assert answer.status_code == 400 and (error["field"], error["value"]) == (field, value), query
        assert value in error["message"] and error["message"].startswith(f"{field}: "), error
    assert _get(unit + "?segment=kon&value=woman", token).status_code == 200


def test_tokens_are_created_listed_and_revoked_on_the_command_line(personas: dict[str, Any]) -> None:
    app = typer.Typer()
    api_cli.register(app)
    runner = CliRunner()
    created = runner.invoke(
        app,
        ["api", "token", "create", "--email", "chef.hemtjanst@kundpuls.example", "--name", "BI", "--json"],
    )
    assert created.exit_code == 0, created.output
    token = json.loads(created.stdout)
    assert token["token"].startswith("kp_") and _get("/api/v1/", token["token"]).status_code == 200
    listed = json.loads(runner.invoke(app, ["api", "token", "list", "--json"]).stdout)["tokens"]
    assert (
        listed == [{**listed[0], "id": token["id"], "user": "chef.hemtjanst@kundpuls.example", "name": "BI"}]
        and "token" not in listed[0]
    )
    assert runner.invoke(app, ["api", "token", "revoke", str(token["id"]), "--json"]).exit_code == 0
    assert _get("/api/v1/", token["token"]).status_code == 401
    unknown = runner.invoke(
        app, ["api", "token", "create", "--email", "nobody@x.se", "--name", "x", "--json"]
    )
    assert unknown.exit_code != 0 and "nobody@x.se" in unknown.output


def test_the_openapi_document_covers_every_route_and_describes_what_the_api_returns(
    personas: dict[str, Any], results: dict[str, int]
) -> None:
    from django.urls import URLResolver, get_resolver
    from jsonschema import Draft202012Validator

    document = Client().get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    api = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api")
    routes = {"/" + str(p.pattern).replace("<str:", "{").replace(">", "}") for p in api.url_patterns}
    assert routes == set(document["paths"])
    token = _token(personas["analyst"])

    def check(schema: str, body: Any) -> None:
        root = {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
        errors = sorted(Draft202012Validator(root).iter_errors(body), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]

    check("UnitReport", _get("/api/v1/results/nki/units/VOF-HT-N/?period=2026-Q2", token).json())
    check("Overview", _get("/api/v1/results/nki/?period=2026-Q2", token).json())
    check("Error", _get("/api/v1/results/nki/units/VOF-HT-N/?period=2031-Q1", token).json())
    broken = {**_get("/api/v1/results/nki/?period=2026-Q2", token).json(), "period": 2026}
    assert list(
        Draft202012Validator({"$ref": "#/components/schemas/Overview", **document}).iter_errors(broken)
    )


def test_a_person_makes_and_revokes_their_own_token_on_the_page(personas: dict[str, Any]) -> None:
    from kundpuls.web.api.models import ApiToken

    manager = Client()
    manager.force_login(personas["manager_a"], backend="kundpuls.web.accounts.backends.EmailBackend")
    refused = manager.post("/portal/api-nycklar/", {"name": "  "}, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Nyckeln behöver ett namn" in refused and ApiToken.objects.count() == 0
    page = manager.post(
        "/portal/api-nycklar/", {"name": "Power BI"}, HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    secret = page.split('readonly value="')[1].split('"')[0]
    assert secret.startswith("kp_") and _get("/api/v1/units/", secret).status_code == 200
    assert secret not in manager.get("/portal/api-nycklar/").content.decode()  # shown only once
    token = ApiToken.objects.get()
    other = Client()
    other.force_login(personas["manager_b"], backend="kundpuls.web.accounts.backends.EmailBackend")
    assert other.post(f"/portal/api-nycklar/{token.pk}/aterkalla/").status_code == 404  # not theirs
    assert _get("/api/v1/units/", secret).status_code == 200
    assert manager.post(f"/portal/api-nycklar/{token.pk}/aterkalla/").status_code == 302
    assert _get("/api/v1/units/", secret).status_code == 401
