"""The action walk (issue 17): every action, taken by a person of organisation A in each role on B's objects.

The route walk (``test_tenancy_walk.py``) attacks through the URLs; this one calls the actions themselves,
as a page, the API, a CLI command or a future caller would, so an action that trusts its caller to have
checked the owner is found. Organisation A is the municipality (EXK), B the region (RGX) with one object
of every kind (``tenancy_organisation_b.py``). Every public function of every ``actions.py`` (and
``actions/`` package) of ``kundpuls.web`` that takes an ``actor`` is found by introspection and must be in
:data:`WALK` (a call on B's objects with the refusal it must meet) or in :data:`INSTALLATION_WIDE` (an
action only an operator or a superuser may take: it must refuse every person of A). A new action fails
:func:`test_every_action_is_judged` until it is judged here.

The refusals follow one rule. An object of B handed to the action (a survey, unit, case, goal, version,
distribution …), or a number or code the action looks up in the whole installation (a unit code in a
file, a token's number), is refused with ``PermissionDenied``: the action finds it and the actor holds no
right on its unit. A key a person names among their own organisation's gets the answer for a key nobody
uses: ``NotFound`` for a survey key and for an erasure subject (a data-protection request covers the
actor's own organisations only); for a paper form id typed on the data-entry
page the error of an id never printed (:class:`AsUnused` compares the two calls). Besides refusing, no
call may change a row of B (:func:`snapshot_b`, compared before and after) nor leave an audit event by
the person.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from types import ModuleType
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from tenancy_organisation_b import make_organisation_b, snapshot_b

import kundpuls.web
from kundpuls.errors import NotFound, PermissionDenied, ValidationError
from kundpuls.web.accounts.models import User
from kundpuls.web.org.models import AuditEvent, Role, RoleKind, Unit
from kundpuls.web.surveys.models import Distribution, Survey

ROLES = [RoleKind.ADMIN, RoleKind.ANALYST, RoleKind.MANAGER, RoleKind.VIEWER]


# ------------------------------------------------------------------------------- finding the actions


def _actions_modules() -> list[ModuleType]:
    """Every ``kundpuls.web.<app>.actions`` module, and each module of an ``actions/`` package."""
    found = []
    for info in pkgutil.iter_modules(kundpuls.web.__path__):
        name = f"kundpuls.web.{info.name}.actions"
        if not info.ispkg or importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        found.append(module)
        for sub in pkgutil.iter_modules(getattr(module, "__path__", [])):
            found.append(importlib.import_module(f"{name}.{sub.name}"))
    return found


def discovered_actions() -> dict[str, Callable[..., Any]]:
    """``app.function`` (``app.sub.function`` in an ``actions/`` package) -> each public function defined
    in an actions module that takes an ``actor``."""
    actions: dict[str, Callable[..., Any]] = {}
    for module in _actions_modules():
        short = module.__name__.removeprefix("kundpuls.web.").replace(".actions", "", 1)
        for name, obj in vars(module).items():
            if (
                inspect.isfunction(obj)
                and obj.__module__ == module.__name__
                and not name.startswith("_")
                and "actor" in inspect.signature(obj).parameters
            ):
                actions[f"{short}.{name}"] = obj
    return actions


# ------------------------------------------------------------------------------ the calls, per action


@dataclass(frozen=True)
class World:
    """B's objects (``b``) and A's own, for the calls that mix the two (A's unit, B's survey)."""

    b: dict[str, Any]
    a_root: Unit
    a_unit: Unit
    a_survey: Survey
    a_distribution: Distribution


def _world(b: dict[str, Any]) -> World:
    a_survey = Survey.objects.get(key="nki", organisation__code="EXK")
    a_distribution = Distribution.objects.get(survey=a_survey, unit__code="VOF-HT-N", closed_at__isnull=True)
    return World(b, Unit.objects.get(code="EXK"), a_distribution.unit, a_survey, a_distribution)


Call = Callable[[World, User], object]

UNUSED_FORM_ID = "QQQQ-9999"


@dataclass(frozen=True)
class AsUnused:
    """Refused exactly as the same call with a key nobody uses (same error, same message but the key):
    the project's rule for keys, where the action's own answer for an unknown key is not ``NotFound``."""

    unused: Call
    b_key: Callable[[World], str]
    unused_key: str


Refusal = type[Exception] | AsUnused | dict[str, type[Exception]]  # a dict: per role ("*": the others)


def _paper_entry(w: World, p: User, form_id: str, *, resolve: bool = False) -> object:
    if resolve:
        return _m("paper").resolve_paper_form(w.a_distribution, form_id, {}, actor=p)
    return _m("paper").enter_paper_form(w.a_distribution, form_id, {}, double=False, actor=p)


def _b_form_id(w: World) -> str:
    return str(w.b["paper_form"].form_id)


def _m(path: str) -> Any:
    """The actions module of ``path`` (``"cases"`` -> ``kundpuls.web.cases.actions``)."""
    return importlib.import_module(f"kundpuls.web.{path}.actions")


def _definition(w: World) -> Any:
    from kundpuls.web.surveys.queries import definition_of

    return definition_of(w.b["version"])


def _incoming(distribution: Distribution) -> Any:
    """A response valid for B's patient survey."""
    from kundpuls.web.responses.actions import IncomingResponse

    return IncomingResponse(
        distribution=distribution, submission_id=uuid.uuid4(), answers={"helhet_betyg": 4}, language="sv",
        submitted_at=timezone.now(),
    )  # fmt: skip


def _history(w: World, unit: Unit) -> Any:
    from kundpuls.web.responses.history import History, HistoryRow

    row = HistoryRow(
        row=1, submission_id=uuid.uuid4(), unit=unit, channel="import", language="sv",
        submitted_at=datetime(2025, 3, 1, tzinfo=timezone.get_current_timezone()),
        answers={"helhet_betyg": 4},
    )  # fmt: skip
    return History(w.b["survey"], w.b["version"], _definition(w), None, (row,))  # type: ignore[arg-type]


def _batch(survey: str, unit: str) -> bytes:
    response = {"unit": unit, "submission_id": str(uuid.uuid4()), "answers": {}}
    return json.dumps({"survey": survey, "responses": [response]}).encode()


def _subject(w: World) -> Any:
    from kundpuls.web.responses.erasure import parse_subject

    return parse_subject(str(w.b["response"].submission_id))


def _taxonomy(w: World) -> Any:
    from kundpuls.web.themes.queries import taxonomy_in_force

    return taxonomy_in_force(w.b["region"])


# action -> [(what is tried, the call, the refusal it must meet)]
WALK: dict[str, list[tuple[str, Call, Refusal]]] = {
    "api.create_token": [
        ("a token for B's person", lambda w, p: _m("api").create_token(w.b["person"], "x", actor=p),
         PermissionDenied),
    ],
    "api.revoke_token": [
        ("B's token by its number", lambda w, p: _m("api").revoke_token(w.b["token"].pk, actor=p),
         PermissionDenied),
    ],
    "api.submit_batch": [
        ("B's survey by its key", lambda w, p: _m("api").submit_batch(
            _batch("RGX:patient", "RGX-VC-CEN"), actor=p, language="sv"), NotFound),
        ("A's survey, B's unit code", lambda w, p: _m("api").submit_batch(
            _batch("EXK:nki", "RGX-VC-CEN"), actor=p, language="sv"), PermissionDenied),
    ],
    "cases.save_rules": [
        ("B's survey", lambda w, p: _m("cases").save_rules(w.b["survey"], {"rules": []}, actor=p),
         PermissionDenied),
    ],
    "cases.assign": [
        ("B's case", lambda w, p: _m("cases").assign(w.b["case"], p, actor=p), PermissionDenied),
    ],
    "cases.set_due_date": [
        ("B's case", lambda w, p: _m("cases").set_due_date(w.b["case"], date(2026, 12, 30), actor=p),
         PermissionDenied),
    ],
    "cases.add_note": [
        ("B's case", lambda w, p: _m("cases").add_note(w.b["case"], "intrång", actor=p), PermissionDenied),
    ],
    "cases.advance": [
        ("B's case", lambda w, p: _m("cases").advance(w.b["case"], "contacted", actor=p), PermissionDenied),
    ],
    "cases.close_without_contact": [
        ("B's case", lambda w, p: _m("cases").close_without_contact(w.b["case"], "inget svar", actor=p),
         PermissionDenied),
    ],
    "dashboards.record_export": [
        ("B's unit", lambda w, p: _m("dashboards").record_export(
            w.b["unit"], actor=p, survey="patient", kind="pdf", period="2026"), PermissionDenied),
    ],
    "goals.set_goal": [
        ("B's unit", lambda w, p: _m("goals").set_goal(
            w.b["unit"], "nps", "2026", 50, survey=w.b["survey"], actor=p), PermissionDenied),
        ("A's unit, B's survey", lambda w, p: _m("goals").set_goal(
            w.a_unit, "response_rate", "2026", 50, survey=w.b["survey"], actor=p), PermissionDenied),
    ],
    "goals.remove_goal": [
        ("B's goal", lambda w, p: _m("goals").remove_goal(w.b["goal"], actor=p), PermissionDenied),
    ],
    "goals.add_improvement_action": [
        ("B's unit", lambda w, p: _m("goals").add_improvement_action(
            w.b["unit"], w.b["survey"], "INFORMATION", "intrång", owner=None, started=date(2026, 1, 1),
            due_date=date(2026, 2, 1), actor=p), PermissionDenied),
        ("A's unit, B's survey", lambda w, p: _m("goals").add_improvement_action(
            w.a_unit, w.b["survey"], "INFORMATION", "intrång", owner=None, started=date(2026, 1, 1),
            due_date=date(2026, 2, 1), actor=p), PermissionDenied),
    ],
    "goals.mark_action_done": [
        ("B's improvement action", lambda w, p: _m("goals").mark_action_done(
            w.b["improvement"], date(2026, 3, 1), actor=p), PermissionDenied),
    ],
    "goals.import_costs": [
        ("B's unit code in the file", lambda w, p: _m("goals").import_costs(
            "kostnad.csv", b"unit,period,cost,volume\nRGX-VC-CEN,2026,1,1\n", actor=p), PermissionDenied),
    ],
    "invitations.import_recipients": [
        ("B's survey", lambda w, p: _m("invitations").import_recipients(
            w.b["survey"], [["email", "unit"], ["x@example.se", "RGX-VC-CEN"]], actor=p), PermissionDenied),
    ],
    "invitations.record_bounce": [
        ("B's invitation", lambda w, p: _m("invitations").record_bounce(w.b["invitation"], actor=p),
         PermissionDenied),
    ],
    "invitations.plan_invitations": [
        ("B's survey", lambda w, p: _m("invitations").plan_invitations(w.b["survey"], actor=p),
         PermissionDenied),
    ],
    "invitations.plan_reminders": [
        ("B's survey", lambda w, p: _m("invitations").plan_reminders(
            w.b["survey"], actor=p, after_days=3, max_reminders=2), PermissionDenied),
    ],
    "org.move_unit": [
        ("B's unit under A", lambda w, p: _m("org").move_unit(w.b["unit"], w.a_root, actor=p),
         PermissionDenied),
        ("A's unit under B", lambda w, p: _m("org").move_unit(w.a_unit, w.b["region"], actor=p),
         PermissionDenied),
    ],
    "org.merge_units": [
        ("B's unit into A's", lambda w, p: _m("org").merge_units(
            w.b["unit"], w.a_unit, effective=date(2026, 1, 1), actor=p), PermissionDenied),
        ("A's unit into B's", lambda w, p: _m("org").merge_units(
            w.a_unit, w.b["unit"], effective=date(2026, 1, 1), actor=p), PermissionDenied),
    ],
    "org.grant_role": [
        ("oneself, admin on B", lambda w, p: _m("org").grant_role(p, w.b["region"], "admin", actor=p),
         PermissionDenied),
    ],
    "paper.record_paper_forms": [
        ("B's survey and unit", lambda w, p: _m("paper").record_paper_forms(
            w.b["survey"], w.b["unit"], copies=1, language="sv", actor=p), PermissionDenied),
        ("B's survey, A's unit", lambda w, p: _m("paper").record_paper_forms(
            w.b["survey"], w.a_unit, copies=1, language="sv", actor=p), PermissionDenied),
    ],
    "paper.enter_paper_form": [
        ("B's paper distribution", lambda w, p: _m("paper").enter_paper_form(
            w.b["paper_distribution"], w.b["paper_form"].form_id, {}, double=False, actor=p),
         PermissionDenied),
        ("A's distribution, B's form id", lambda w, p: _paper_entry(w, p, _b_form_id(w)),
         AsUnused(lambda w, p: _paper_entry(w, p, UNUSED_FORM_ID), _b_form_id, UNUSED_FORM_ID)),
    ],
    "paper.resolve_paper_form": [
        ("B's paper distribution", lambda w, p: _m("paper").resolve_paper_form(
            w.b["paper_distribution"], w.b["paper_form"].form_id, {}, actor=p), PermissionDenied),
        ("A's distribution, B's form id", lambda w, p: _paper_entry(w, p, _b_form_id(w), resolve=True),
         AsUnused(lambda w, p: _paper_entry(w, p, UNUSED_FORM_ID, resolve=True), _b_form_id, UNUSED_FORM_ID)),
    ],
    "responses.import_responses": [
        ("B's version and distribution", lambda w, p: _m("responses").import_responses(
            w.b["version"], [_incoming(w.b["distribution"])], actor=p), PermissionDenied),
        ("B's version, A's distribution", lambda w, p: _m("responses").import_responses(
            w.b["version"], [_incoming(w.a_distribution)], actor=p), PermissionDenied),
    ],
    "responses.import_history": [
        ("B's survey and unit", lambda w, p: _m("responses").import_history(
            _history(w, w.b["unit"]), actor=p), PermissionDenied),
        ("B's survey, A's unit", lambda w, p: _m("responses").import_history(
            _history(w, w.a_unit), actor=p), PermissionDenied),
    ],
    "responses.export_responses": [
        ("B's survey", lambda w, p: _m("responses").export_responses(
            w.b["survey"], file_format="csv", actor=p), PermissionDenied),
        ("B's survey in A's unit", lambda w, p: _m("responses").export_responses(
            w.b["survey"], file_format="csv", unit=w.a_root, actor=p), PermissionDenied),
        ("A's survey in B's unit", lambda w, p: _m("responses").export_responses(
            w.a_survey, file_format="csv", unit=w.b["unit"], actor=p), PermissionDenied),
    ],
    "responses.erase": [
        # who may not administer is refused before any lookup; an administrator's request covers her own
        # organisations only, so B's response is not looked for at all
        ("B's response by its submission id", lambda w, p: _m("responses").erase(_subject(w), actor=p),
         {"admin": NotFound, "*": PermissionDenied}),
    ],
    "surveys.save_definition": [
        ("owned by B", lambda w, p: _m("surveys").save_definition(
            _definition(w), owner=w.b["region"], actor=p), PermissionDenied),
    ],
    "surveys.create_from_template": [
        ("owned by B", lambda w, p: _m("surveys").create_from_template("nps", owner=w.b["region"], actor=p),
         PermissionDenied),
    ],
    "surveys.publish": [
        ("B's version", lambda w, p: _m("surveys").publish(w.b["version"], actor=p), PermissionDenied),
    ],
    "surveys.open_distribution": [
        ("B's survey and unit", lambda w, p: _m("surveys").open_distribution(
            w.b["survey"], w.b["unit"], channel="qr", actor=p), PermissionDenied),
        ("B's survey, A's unit", lambda w, p: _m("surveys").open_distribution(
            w.b["survey"], w.a_unit, channel="qr", actor=p), PermissionDenied),
        ("A's survey, B's unit", lambda w, p: _m("surveys").open_distribution(
            w.a_survey, w.b["unit"], channel="qr", actor=p), PermissionDenied),
    ],
    "surveys.close_distribution": [
        ("B's distribution", lambda w, p: _m("surveys").close_distribution(w.b["distribution"], actor=p),
         PermissionDenied),
    ],
    "surveys.close_survey": [
        ("B's survey", lambda w, p: _m("surveys").close_survey(w.b["survey"], actor=p), PermissionDenied),
    ],
    "surveys.save_draft": [
        ("B's survey", lambda w, p: _m("surveys").save_draft(
            w.b["survey"], dict(w.b["version"].definition), actor=p), PermissionDenied),
    ],
    "surveys.create_survey": [
        ("owned by B", lambda w, p: _m("surveys").create_survey(
            dict(w.b["version"].definition) | {"key": "intrang"}, owner=w.b["region"], actor=p),
         PermissionDenied),
    ],
    "surveys.copy_survey": [
        ("B's survey into A", lambda w, p: _m("surveys").copy_survey(
            w.b["survey"], key="kopia", owner=w.a_root, actor=p), PermissionDenied),
        ("A's survey into B", lambda w, p: _m("surveys").copy_survey(
            w.a_survey, key="kopia", owner=w.b["region"], actor=p), PermissionDenied),
    ],
    "surveys.close_distributions": [
        ("B's survey and distribution", lambda w, p: _m("surveys").close_distributions(
            w.b["survey"], [w.b["distribution"]], actor=p), PermissionDenied),
    ],
    "surveys.reopen_distribution": [
        ("B's closed distribution", lambda w, p: _m("surveys").reopen_distribution(
            w.b["closed_distribution"], actor=p), PermissionDenied),
    ],
    "themes.save_taxonomy": [
        ("B's taxonomy", lambda w, p: _m("themes").save_taxonomy(w.b["region"], _taxonomy(w), actor=p),
         PermissionDenied),
    ],
    "themes.import_text": [
        ("B's taxonomy", lambda w, p: _m("themes").import_text(
            w.b["region"], _taxonomy(w).to_yaml(), actor=p), PermissionDenied),
    ],
    "themes.restore": [
        ("B's revision", lambda w, p: _m("themes").restore(w.b["region"], w.b["revision"].number, actor=p),
         PermissionDenied),
    ],
    "themes.save_theme": [
        ("B's taxonomy", lambda w, p: _m("themes").save_theme(
            w.b["region"], "intrang", {"label": {"sv": "Intrång"}, "sv": {"words": ["intrång"]}}, new=True,
            actor=p), PermissionDenied),
    ],
    "themes.remove_theme": [
        ("B's theme", lambda w, p: _m("themes").remove_theme(w.b["region"], w.b["theme"], actor=p),
         PermissionDenied),
    ],
    "themes.run_discovery": [
        ("B's survey and unit", lambda w, p: _m("themes").run_discovery(w.b["survey"], w.b["unit"], actor=p),
         PermissionDenied),
        ("A's survey, B's unit", lambda w, p: _m("themes").run_discovery(w.a_survey, w.b["unit"], actor=p),
         PermissionDenied),
        ("B's survey, A's unit", lambda w, p: _m("themes").run_discovery(w.b["survey"], w.a_unit, actor=p),
         PermissionDenied),
    ],
    "themes.accept_proposal": [
        ("B's discovery run", lambda w, p: _m("themes").accept_proposal(w.b["run"], 0, key="zzb", actor=p),
         PermissionDenied),
    ],
    "webhooks.add_webhook": [
        ("on B's unit", lambda w, p: _m("webhooks").add_webhook(
            "https://intrang.example/", ["case.opened"], unit=w.b["region"], actor=p), PermissionDenied),
    ],
    "webhooks.remove_webhook": [
        ("B's webhook", lambda w, p: _m("webhooks").remove_webhook(w.b["webhook"], actor=p),
         PermissionDenied),
    ],
}  # fmt: skip

# Actions over the whole installation (every organisation at once): operators (the terminal, the worker,
# the demo loader) and superusers only, so every person of A is refused, whatever their role.
INSTALLATION_WIDE: dict[str, tuple[str, Call]] = {
    "cases.notify_overdue": ("the worker's reminders of every organisation's overdue cases",
                             lambda w, p: _m("cases").notify_overdue(actor=p)),
    "cases.purge_contact_details": ("retention over every organisation (worker, CLI)",
                                    lambda w, p: _m("cases").purge_contact_details(actor=p)),
    "cases.purge_unused_contact_details": ("retention over every organisation (worker, CLI)",
                                           lambda w, p: _m("cases").purge_unused_contact_details(actor=p)),
    "invitations.apply_retention": ("retention over every organisation (worker, CLI)",
                                    lambda w, p: _m("invitations").apply_retention(actor=p)),
    "operations.run_job": ("the worker's jobs", lambda w, p: _m("operations").run_job("sync", actor=p)),
    "operations.run_due_jobs": ("the worker's loop", lambda w, p: _m("operations").run_due_jobs(actor=p)),
    "org.import_units": ("the unit tree of the installation (new organisations among them)",
                         lambda w, p: _m("org").import_units(
                             "code,name,kind,parent_code\nRGX-NY,Ny,unit,RGX\n", actor=p)),
    "org.create_admin": ("a new superuser", lambda w, p: _m("org").create_admin(
        "intrang@kundpuls.example", "ett-langt-losenord-2026", actor=p)),
    "paper.apply_entry_retention": ("retention over every organisation (worker, CLI)",
                                    lambda w, p: _m("paper").apply_entry_retention(actor=p)),
    "responses.complete_pending_followups": (
        "the worker's catch-up of every organisation's follow-up",
        lambda w, p: _m("responses").complete_pending_followups(actor=p)),
    "webhooks.release_stale_attempts": ("the worker, on start",
                                        lambda w, p: _m("webhooks").release_stale_attempts(actor=p)),
    "webhooks.deliver": ("the worker's delivery of B's pending delivery",
                         lambda w, p: _m("webhooks").deliver(w.b["delivery"].pk, actor=p)),
}  # fmt: skip

# Public functions with an actor that change nothing of any organisation by themselves.
NOT_ON_OBJECTS = {
    "org.record_audit": "records the event of an action that has already checked its actor",
}


def test_every_action_is_judged() -> None:
    found = set(discovered_actions())
    assert len(found) > 50, f"the actions were not found: {sorted(found)}"
    judged = set(WALK) | set(INSTALLATION_WIDE) | set(NOT_ON_OBJECTS)
    assert not found - judged, f"actions not in the walk (judge them here): {sorted(found - judged)}"
    assert not judged - found, f"the walk names actions that do not exist: {sorted(judged - found)}"
    assert not set(WALK) & set(INSTALLATION_WIDE), "an action is in both tables"


def _person_of_a(role: str) -> User:
    person = User.objects.create(email=f"aktion-{role}@kundpuls.example")  # no password: no Argon2
    Role.objects.create(user=person, unit=Unit.objects.get(code="EXK"), role=role)
    return person


def _refusal(call: Call, world: World, person: User, expected: type[Exception]) -> str | None:
    """None when ``call`` is refused with ``expected``, otherwise what it did instead."""
    try:
        with transaction.atomic():  # a database error leaves the test's transaction usable
            result = call(world, person)
    except expected:
        return None
    except Exception as exc:  # any other outcome is the finding
        return f"raised {type(exc).__name__}: {str(exc)[:160]} (expected {expected.__name__})"
    return f"was done (returned {type(result).__name__})"


def _outcome(call: Call, world: World, person: User) -> tuple[str, str]:
    try:
        with transaction.atomic():
            result = call(world, person)
    except Exception as exc:
        return type(exc).__name__, str(exc)
    return "done", type(result).__name__


def _refused_as_unused(call: Call, expected: AsUnused, world: World, person: User) -> str | None:
    """None when ``call`` (naming B's key) fails exactly as ``expected.unused`` (naming an unused key)."""
    kind, message = _outcome(call, world, person)
    unused_kind, unused_message = _outcome(expected.unused, world, person)
    if kind == "done":
        return f"was done (returned {message})"
    if (kind, message.replace(expected.b_key(world), "KEY")) != (
        unused_kind, unused_message.replace(expected.unused_key, "KEY")
    ):  # fmt: skip
        return f"raised {kind}: {message[:160]}; a key nobody uses: {unused_kind}: {unused_message[:160]}"
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(WALK))
def test_a_person_of_a_is_refused_on_b_objects(action: str) -> None:
    world = _world(make_organisation_b())
    before = snapshot_b(world.b)
    problems = []
    for role in ROLES:
        person = _person_of_a(role)
        for what, call, expected in WALK[action]:
            if isinstance(expected, dict):  # the refusal depends on the role
                expected = expected.get(role, expected["*"])
            if isinstance(expected, AsUnused):
                found = _refused_as_unused(call, expected, world, person)
            else:
                found = _refusal(call, world, person, expected)
            if found is not None:
                problems.append(f"{role}, {what}: {found}")
        if AuditEvent.objects.filter(actor=person).exists():
            problems.append(f"{role}: left an audit event")
    after = snapshot_b(world.b)
    changed = [table for table in before if before[table] != after[table]]
    assert not changed, f"{action} changed B's {changed}"
    assert not problems, f"{action}:\n" + "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(INSTALLATION_WIDE))
def test_installation_wide_actions_refuse_every_person_of_a(action: str) -> None:
    world = _world(make_organisation_b())
    before = snapshot_b(world.b)
    _reason, call = INSTALLATION_WIDE[action]
    problems = []
    for role in ROLES:
        person = _person_of_a(role)
        found = _refusal(call, world, person, PermissionDenied)
        if found is not None:
            problems.append(f"{role}: {found}")
    after = snapshot_b(world.b)
    assert [t for t in before if before[t] != after[t]] == []
    assert not problems, f"{action}:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_the_walk_notices_an_action_that_is_done_or_refused_the_wrong_way() -> None:
    def done(w: World, p: User) -> object:
        return "done"

    def not_found(w: World, p: User) -> object:
        raise NotFound("survey: no survey 'x'")

    world = World({}, Unit(), Unit(), Survey(), Distribution())
    person = User()
    assert _refusal(done, world, person, PermissionDenied) == "was done (returned str)"
    assert _refusal(not_found, world, person, PermissionDenied) == (
        "raised NotFound: survey: no survey 'x' (expected PermissionDenied)"
    )

    def unknown(key: str) -> Call:
        def call(w: World, p: User) -> object:
            raise ValidationError(f"form_id: {key} is not the id of a printed questionnaire")

        return call

    def names_b(w: World, p: User) -> object:
        raise ValidationError("form_id: ZZBB-1 was printed for survey 'patient' and unit 'RGX-VC-CEN'")

    as_unused = AsUnused(unknown("QQQQ-1"), lambda w: "ZZBB-1", "QQQQ-1")
    assert _refused_as_unused(unknown("ZZBB-1"), as_unused, world, person) is None
    assert _refused_as_unused(done, as_unused, world, person) == "was done (returned str)"
    assert _refused_as_unused(names_b, as_unused, world, person) == (
        "raised ValidationError: form_id: ZZBB-1 was printed for survey 'patient' and unit 'RGX-VC-CEN'; "
        "a key nobody uses: ValidationError: form_id: QQQQ-1 is not the id of a printed questionnaire"
    )
    assert _refusal(not_found, world, person, NotFound) is None
