"""The tenancy walk (issue 17): a person of organisation A, in each role, against organisation B's objects.

Organisation A is the municipality (EXK), B the region (RGX). B gets one object of every kind Kundpuls
stores (survey, distribution, response, case with a note, alert rules, goal, improvement action, cost,
webhook, API token, its own comment themes, a theme discovery run, an invitation, a printed paper form),
each carrying the marker ``ZZB`` (``tenancy_organisation_b.py``, shared with the action walk). Then, as a
person holding each role on A's root unit:

* every URL pattern of Django's resolver is requested with B's keys, codes and ids filled in, by GET and
  by POST (the API routes also with the person's API token): each must answer 403, 404 or 405, never a
  2xx or a redirect that acted (except ``OWN_ORGANISATION_NAMES``: names local to an organisation), and
  the same as for a key, code or id that names nothing (``MISSING``), so the answer does not tell that B
  has it;
* every URL pattern without parameters is requested (GET) and POSTed with B's objects named in the form
  (``owner``, ``unit``, ``survey``…): no answer may show ``ZZB``;
* after all of it, B's data are exactly as before (a snapshot of every B row the walk could touch).

A route that is missing from ``FILL`` or ``NOT_TENANT_DATA`` fails the test, so a new route must say how
it is walked. Removing an owner check (for example the ``organisation_ids_of`` filter in
``surveys.queries.survey_by_key``) makes this test fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from tenancy_organisation_b import MARKER, make_organisation_b, snapshot_b

from kundpuls.web.accounts.models import User
from kundpuls.web.api.actions import create_token
from kundpuls.web.org.actors import DEMO
from kundpuls.web.org.models import Role, RoleKind, Unit

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
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
    return make_organisation_b()


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
    fill["surveys:editor_mirrors"] = survey_routes
    fill["surveys:editor_add_section"] = survey_routes
    first = b["survey"].versions.order_by("number").first()
    first_index = next(iter(first.definition["codebook"]["indices"]))
    fill["surveys:editor_index"] = {"key": key, "name": first_index}
    fill["surveys:editor_question"] = {"key": key, "question": "kommentar"}
    fill["surveys:editor_page"] = {"key": key, "page": "start"}
    fill["surveys:editor_block"] = {"key": key, "block": first.definition["pages"][0]["blocks"][0]["key"]}
    fill["surveys:editor_split_section"] = fill["surveys:editor_block"]
    fill["surveys:editor_remove_section"] = fill["surveys:editor_block"]
    fill["__qualified__"] = {"key": qualified}
    return fill


#: Parameters naming an object, with a value that names none: B's object must be answered like it (a 403
#: for B's but a 404 for one that does not exist would tell a person that B has it).
MISSING = {"code": "ZZ-FINNS-EJ", "unit_code": "ZZ-FINNS-EJ", "unit": "ZZ-FINNS-EJ", "pk": "987654"}
MISSING |= {"key": "finns-ej", "survey": "finns-ej"}


def _missing(values: dict[str, str]) -> dict[str, str]:
    return {name: MISSING.get(name, value) for name, value in values.items()}


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


#: Every page carries two CSRF tokens (the logout and language forms): 128 random letters and digits that
#: hold ``ZZB`` or ``zzb`` about once in a thousand pages, so they are left out of the search for B's data.
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[A-Za-z0-9]*"')
# a new API token's secret is shown once: 43 random URL-safe characters, which hold "ZZB" or "zzb" about once
# in 3,000 tokens (the walk's POST to the tokens page creates one)
API_SECRET = re.compile(rb"kp_[A-Za-z0-9_-]{43}")


def _shows_b(content: bytes) -> bool:
    content = API_SECRET.sub(b"", CSRF_TOKEN.sub(b"", content))
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
    before = snapshot_b(b)
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
                    elif name not in OWN_ORGANISATION_NAMES and url == urls[0]:
                        nothing = _url(pattern, _missing(fill[name]))
                        other = getattr(who, method)(nothing, body).status_code
                        if other != answer.status_code:
                            problems.append(
                                f"{method.upper()} {url} ({name}) answered {answer.status_code}, but "
                                f"{other} for an object that does not exist: it tells that B's exists"
                            )
    assert walked > 100
    after = snapshot_b(b)
    changed = [table for table in before if before[table] != after[table]]
    assert not changed, f"B's data changed: {changed}"
    assert not problems, "\n".join(problems)


def test_the_search_for_b_leaves_out_csrf_tokens_only() -> None:
    token = b'<input type="hidden" name="csrfmiddlewaretoken" value="aZZBc9">'
    assert not _shows_b(b"<p>Enheter</p>" + token)
    assert _shows_b(b"<p>V\xc3\xa5rdcentralen ZZB</p>" + token)
    assert _shows_b(b'<input name="url" value="https://zzb.example/hook">')
