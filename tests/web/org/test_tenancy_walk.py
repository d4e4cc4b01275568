"""The tenancy walk (issue 17): a person of organisation A, in each role, against organisation B's objects.

Organisation A is the municipality (EXK), B the region (RGX). B gets one object of every kind Kundpuls
stores (survey, distribution, response, case with a note, alert rules, goal, improvement action, cost,
webhook, API token, its own comment themes, a theme discovery run, an invitation), each carrying the
marker ``ZZB``. Then, as a person holding each role on A's root unit:

* every URL pattern of Django's resolver is requested with B's keys, codes and ids filled in, by GET and
  by POST (the API routes also with the person's API token): each must answer 403, 404 or 405, never a
  2xx or a redirect that acted (except ``OWN_ORGANISATION_NAMES``: names local to an organisation);
* every URL pattern without parameters is requested (GET) and POSTed with B's objects named in the form
  (``owner``, ``unit``, ``survey``…): no answer may show ``ZZB``;
* after all of it, B's data are exactly as before (a snapshot of every B row the walk could touch).

A route that is missing from ``FILL`` or ``NOT_TENANT_DATA`` fails the test, so a new route must say how
it is walked. Removing an owner check (for example the ``organisation_ids_of`` filter in
``surveys.queries.survey_by_key``) makes this test fail.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from kundpuls.text.taxonomy import default_taxonomy
from kundpuls.web.accounts.models import User
from kundpuls.web.api.actions import create_token
from kundpuls.web.api.models import ApiToken
from kundpuls.web.cases.models import AlertRuleSet, Case, CaseNote
from kundpuls.web.goals.models import Goal, ImprovementAction, UnitCost
from kundpuls.web.invitations.models import Invitation
from kundpuls.web.org.actors import DEMO
from kundpuls.web.org.models import Role, RoleKind, Unit
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution, Survey
from kundpuls.web.themes.actions import validated
from kundpuls.web.themes.models import DiscoveryRun, TaxonomyRevision
from kundpuls.web.webhooks.models import Webhook

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
MARKER = "ZZB"
REFUSED = {403, 404, 405}

# Routes that hold no organisation's data, with the reason (the walk still requests them: see below).
NOT_TENANT_DATA = {
    "healthz": "liveness: no data",
    "metrics": "process counters, no organisation's data (token or local address only)",
    "accounts:login": "the login form",
    "accounts:logout": "ends one's own session",
    "set_language": "one's own language",
    "api:openapi": "the API description holds no data",
    # respondent pages: the unguessable token is the respondent's own key, not a staff person's right
    "collect:survey": "a respondent's public link (the token is the right)",
    "collect:thanks": "a respondent's receipt page (token and receipt)",
    "invitations:page": "a respondent's personal link (the token is the right)",
    "invitations:thanks": "a respondent's personal link",
    "invitations:unsubscribe": "a respondent's personal link",
}

# Routes whose parameters are names *within* the person's own organisation (its theme keys, its taxonomy's
# revision numbers): filled with B's names they name A's own objects, so they may answer 2xx, but must
# never show B's data (the marker) nor change it (the snapshot).
OWN_ORGANISATION_NAMES = {
    "themes:edit": "a theme key of the person's organisation's taxonomy",
    "themes:remove": "a theme key of the person's organisation's taxonomy",
    "themes:revision_download": "a revision number of the person's organisation's taxonomy",
    "themes:restore": "a revision number of the person's organisation's taxonomy",
}


@pytest.fixture
def organisation_b(db: None) -> dict[str, Any]:
    """One object of every kind in organisation B (the region), each marked ``ZZB``."""
    region = Unit.objects.get(code="RGX")
    unit = Unit.objects.get(code="RGX-VC-CEN")
    Unit.objects.filter(pk=unit.pk).update(name=f"Vårdcentralen {MARKER}")
    survey = Survey.objects.get(key="patient", organisation=region)
    Survey.objects.filter(pk=survey.pk).update(title=f"Patientenkät {MARKER}")
    version = survey.versions.filter(published_at__isnull=False).order_by("-number").first()
    distribution = Distribution.objects.filter(survey=survey, unit=unit, closed_at__isnull=True).first()
    assert version is not None and distribution is not None
    response = Response.objects.create(
        submission_id=uuid.uuid4(),
        survey=survey,
        version=version,
        distribution=distribution,
        unit=unit,
        channel="link",
        answers={"kommentar": f"svar {MARKER}"},
        submitted_at=timezone.now(),
    )
    now = timezone.now()
    case = Case.objects.create(
        response=response, unit=unit, survey=survey, opened_at=now, due_date=date(2026, 12, 10)
    )
    CaseNote.objects.create(case=case, text=f"anteckning {MARKER}", at=now)
    AlertRuleSet.objects.update_or_create(survey=survey, defaults={"rules": {}})
    goal = Goal.objects.create(unit=unit, survey=survey, metric="nps", period="2026", target=10.0)
    ImprovementAction.objects.create(
        unit=unit,
        survey=survey,
        driver="information",
        title=f"åtgärd {MARKER}",
        started=date(2026, 1, 1),
        due_date=date(2026, 6, 30),
    )
    UnitCost.objects.create(unit=unit, period="2026", cost=1000, volume=10)
    webhook = Webhook.objects.create(url=f"https://{MARKER.lower()}.example/hook", unit=region, events=[])
    b_person = User.objects.get(email="analytiker.region@kundpuls.example")
    token, _ = create_token(b_person, f"nyckel {MARKER}", actor=DEMO)
    themes = default_taxonomy().to_mapping()
    first = next(iter(themes["themes"]))
    themes["themes"][first]["label"] = {"sv": f"Tema {MARKER}", "en": f"Theme {MARKER}"}
    revision = TaxonomyRevision.objects.create(
        organisation=region, number=1, text=validated(themes).to_yaml()
    )
    run = DiscoveryRun.objects.create(survey=survey, unit=unit, proposals=[{"key": MARKER.lower()}])
    invitation = Invitation.objects.create(
        survey=survey, distribution=distribution, unit=unit, token_hash=uuid.uuid4().hex
    )
    return {
        "region": region,
        "unit": unit,
        "survey": survey,
        "distribution": distribution,
        "case": case,
        "goal": goal,
        "webhook": webhook,
        "token": token,
        "revision": revision,
        "theme": first,
        "run": run,
        "invitation": invitation,
    }


def _snapshot(b: dict[str, Any]) -> dict[str, Any]:
    """Every row of B the walk could change (values, so any change shows)."""
    region, unit = b["region"], b["unit"]
    in_b = {"unit__path__startswith": region.path}
    return {
        "surveys": list(Survey.objects.filter(organisation=region).values()),
        "versions": list(b["survey"].versions.values()),
        "distributions": list(Distribution.objects.filter(**in_b).values()),
        "responses": list(Response.objects.filter(**in_b).values()),
        "cases": list(Case.objects.filter(**in_b).values()),
        "notes": list(CaseNote.objects.filter(case__unit__path__startswith=region.path).values()),
        "rules": list(AlertRuleSet.objects.filter(survey__organisation=region).values()),
        "goals": list(Goal.objects.filter(**in_b).values()),
        "actions": list(ImprovementAction.objects.filter(**in_b).values()),
        "costs": list(UnitCost.objects.filter(**in_b).values()),
        "webhooks": list(Webhook.objects.filter(**in_b).values()),
        "tokens": list(ApiToken.objects.filter(pk=b["token"].pk).values()),
        "taxonomy": list(TaxonomyRevision.objects.filter(organisation=region).values()),
        "runs": list(DiscoveryRun.objects.filter(unit=unit).values()),
        "invitations": list(Invitation.objects.filter(**in_b).values()),
        "units": list(Unit.objects.filter(path__startswith=region.path).values()),
        "roles": list(Role.objects.filter(**in_b).values()),
    }


def _person_of_a(role: str) -> User:
    person = User.objects.create_user(email=f"a-{role}@kundpuls.example", password="Tenancy-walk-2026")
    Role.objects.create(user=person, unit=Unit.objects.get(code="EXK"), role=role)
    return person


def _routes() -> Iterator[tuple[str, str]]:
    """(namespace:name, pattern) of every URL pattern, the Django admin left out (superusers only: they
    see every organisation by design)."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str | None) -> Iterator[Any]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif p.name is not None:
                yield (f"{namespace}:{p.name}" if namespace else p.name), prefix + str(p.pattern)

    for name, pattern in walk(get_resolver().url_patterns, "", None):
        if not name.startswith("admin:"):
            yield name, pattern


def _fill(b: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each parameter of each route, filled with B's object (routes with parameters must be listed)."""
    key, code = b["survey"].key, b["unit"].code
    qualified = f"{b['region'].code}:{key}"
    survey_routes = {"key": key}
    fill: dict[str, dict[str, str]] = {
        "portal:unit": {"code": code},
        "surveys:download": {"pk": str(b["distribution"].pk), "kind": "pdf"},
        "cases:detail": {"pk": str(b["case"].pk)},
        "cases:act": {"pk": str(b["case"].pk)},
        "cases:summary": {"code": code},
        "cases:rules": survey_routes,
        "goals:unit": {"code": code},
        "goals:act": {"code": code},
        "goals:chart": {"code": code},
        "dashboards:overview_export": {"fmt": "csv"},
        "dashboards:unit": {"code": code},
        "dashboards:unit_pdf": {"code": code},
        "dashboards:unit_export": {"code": code, "fmt": "xlsx"},
        "themes:edit": {"key": b["theme"]},
        "themes:remove": {"key": b["theme"]},
        "themes:revision_download": {"number": str(b["revision"].number)},
        "themes:restore": {"number": str(b["revision"].number)},
        "themes:discovery": {"pk": str(b["run"].pk)},
        "themes:accept": {"pk": str(b["run"].pk), "index": "0"},
        "responsedata:import": survey_routes,
        "responsedata:export": survey_routes,
        "webhooks:remove": {"pk": str(b["webhook"].pk)},
        "interview:start": survey_routes,
        "interview:walk": {"key": key, "unit_code": code},
        "paper:entry": {"key": key, "unit_code": code},
        "paper:print": {"key": key, "unit_code": code},
        "surveys:definition_file": survey_routes,
        "api:overview": {"survey": key},
        "api:unit": {"survey": key, "unit": code},
        "api_tokens:revoke": {"pk": str(b["token"].pk)},
        "invitations:status": survey_routes,
        "invitations:send": survey_routes,
    }
    for name in ("detail", "preview", "publish", "open", "close", "versions", "reopen", "editor"):
        fill[f"surveys:{name}"] = survey_routes
    fill["surveys:editor_change"] = survey_routes
    fill["surveys:editor_codebook"] = survey_routes
    fill["surveys:editor_driver_model"] = survey_routes
    first = b["survey"].versions.order_by("number").first()
    first_index = next(iter(first.definition["codebook"]["indices"]))
    fill["surveys:editor_index"] = {"key": key, "name": first_index}
    fill["surveys:editor_question"] = {"key": key, "question": "kommentar"}
    fill["surveys:editor_page"] = {"key": key, "page": "start"}
    fill["surveys:editor_block"] = {"key": key, "block": first.definition["pages"][0]["blocks"][0]["key"]}
    fill["__qualified__"] = {"key": qualified}
    return fill


def _url(pattern: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return values[match.group(2)]

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, pattern)


def _form_naming_b(b: dict[str, Any]) -> dict[str, str]:
    """A POST body that names B's objects in every field a Kundpuls form uses for them."""
    return {
        "owner": str(b["region"].pk),
        "unit": b["unit"].code,
        "units": str(b["unit"].pk),
        "survey": b["survey"].key,
        "source": b["survey"].key,
        "key": b["survey"].key,
        "utskick": str(b["distribution"].pk),
        "alla": "1",
        "op": "remove",
        "target": "kommentar",
        "text": "intrång",
        "what": "invite",
        "metric": "nps",
        "period": "2026",
        "target_value": "99",
        "url": "https://intrang.example/",
        "name": "intrång",
        "pk": str(b["token"].pk),
    }


def _shows_b(content: bytes) -> bool:
    return MARKER.encode() in content or MARKER.lower().encode() in content


@pytest.mark.parametrize("role", [RoleKind.ADMIN, RoleKind.ANALYST, RoleKind.MANAGER, RoleKind.VIEWER])
def test_a_person_of_organisation_a_can_neither_see_nor_change_anything_of_organisation_b(
    organisation_b: dict[str, Any], role: str
) -> None:
    b = organisation_b
    person = _person_of_a(role)
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(person, backend=BACKEND)
    _, secret = create_token(person, "walk", actor=DEMO)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="sv")
    fill = _fill(b)
    before = _snapshot(b)
    problems: list[str] = []
    walked = 0
    for name, pattern in _routes():
        if name in ("accounts:logout", "set_language"):
            continue  # would end the person's session or change its language mid-walk
        if "<" not in pattern:
            clients = [client, api] if name.startswith("api:") else [client]
            for who in clients:
                for method in ("get", "post"):
                    body = _form_naming_b(b) if method == "post" else {}
                    answer = getattr(who, method)("/" + pattern, body)
                    walked += 1
                    if _shows_b(answer.content):
                        problems.append(f"{method.upper()} /{pattern} ({name}) shows B's data")
            continue
        if name in NOT_TENANT_DATA:
            continue
        if name not in fill:
            problems.append(f"{name} ({pattern}) is neither in FILL nor in NOT_TENANT_DATA")
            continue
        urls = [_url(pattern, fill[name])]
        if "key" in fill[name] and name.startswith(("surveys:", "cases:", "responsedata:", "interview:")):
            urls.append(_url(pattern, {**fill[name], **fill["__qualified__"]}))
        if name.startswith("api:"):
            urls.append(_url(pattern, {**fill[name], "survey": fill["__qualified__"]["key"]}))
        clients = [client, api] if name.startswith("api:") else [client]
        for url in urls:
            for who in clients:
                for method in ("get", "post"):
                    body = _form_naming_b(b) if method == "post" else {}
                    answer = getattr(who, method)(url, body)
                    walked += 1
                    if answer.status_code not in REFUSED and name not in OWN_ORGANISATION_NAMES:
                        problems.append(f"{method.upper()} {url} ({name}) answered {answer.status_code}")
                    elif _shows_b(answer.content):
                        problems.append(f"{method.upper()} {url} ({name}) shows B's data")
    assert walked > 100
    after = _snapshot(b)
    changed = [table for table in before if before[table] != after[table]]
    assert not changed, f"B's data changed: {changed}"
    assert not problems, "\n".join(problems)
