"""The permission matrix of the actions (the URLs' matrix is tests/web/org/test_permissions.py).

An action checks who may take it itself, whoever calls it: a view that forgets its own check, the API or a
CLI command cannot skip it. Every public function of every ``actions.py`` takes a required keyword-only
``actor`` (or is listed in :data:`NOT_ACTIONS` with the reason), so a new action cannot leave it out.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

import kundpuls.web
from kundpuls.errors import InvalidArgument, PermissionDenied
from kundpuls.web.org.actors import CLI, RESPONDENT, SystemActor
from kundpuls.web.org.models import AuditEvent, Unit

# module.function -> why it takes no actor (reads, parsing, or a respondent's link as the authority)
NOT_ACTIONS: dict[str, str] = {
    "kundpuls.web.org.actions.record_audit": "records the actor it is given (positional, required)",
    "kundpuls.web.org.actions.export_units": "a read",
    "kundpuls.web.org.actions.units_to_csv": "formatting",
    "kundpuls.web.cases.actions.compiled_rules": "a read (cached parse)",
    "kundpuls.web.cases.actions.deadline_days": "a read",
    "kundpuls.web.cases.actions.unit_managers": "a read",
    "kundpuls.web.cases.actions.rules_as_text": "formatting",
    "kundpuls.web.cases.actions.open_cases_for": "a consequence of a stored response, audited as 'system'",
    "kundpuls.web.cases.actions.open_cases_for_many": "a consequence of stored responses, as above",
    "kundpuls.web.invitations.actions.save_progress": "the respondent's personal link is the authority",
    "kundpuls.web.invitations.actions.record_answer": "the respondent's link; audited as respondent",
    "kundpuls.web.invitations.actions.record_opt_out": "the respondent's link; audited as respondent",
    "kundpuls.web.invitations.actions.retention_days": "a setting",
    "kundpuls.web.api.actions.user_for": "authentication: finds the actor of a token",
    "kundpuls.web.themes.actions.validated": "parsing",
    "kundpuls.web.themes.actions.taxonomy_from_text": "parsing",
    "kundpuls.web.themes.actions.theme_node": "formatting form values",
    "kundpuls.web.responses.actions.prepare_answers": "validation",
    "kundpuls.web.responses.actions.submit_response": "a respondent's answers through an open distribution",
    "kundpuls.web.responses.actions.sync_to_lake": "copies stored responses into the lake (derived data)",
    "kundpuls.web.responses.actions.bring_lake_up_to_date": "a results page's sync of the derived lake",
    "kundpuls.web.invitations.actions.deliver": "the worker's state machine; a bounce is audited as 'worker'",
    "kundpuls.web.invitations.actions.mark_stale_as_uncertain": "the worker's state machine, as above",
}


def _actions_modules() -> list[ModuleType]:
    found = []
    for info in pkgutil.iter_modules(kundpuls.web.__path__):
        if info.ispkg and importlib.util.find_spec(f"kundpuls.web.{info.name}.actions") is not None:
            found.append(importlib.import_module(f"kundpuls.web.{info.name}.actions"))
    return found


def _public_functions(module: ModuleType) -> dict[str, Callable[..., Any]]:
    return {
        f"{module.__name__}.{name}": obj
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("_")
    }


def _actor_problem(function: Callable[..., Any]) -> str | None:
    parameter = inspect.signature(function).parameters.get("actor")
    if parameter is None:
        return "has no actor parameter"
    if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
        return "takes actor positionally (make it keyword-only)"
    if parameter.default is not inspect.Parameter.empty:
        return f"gives actor a default ({parameter.default!r})"
    if "Actor" not in str(parameter.annotation):
        return f"types actor as {parameter.annotation!r}, not Actor"
    return None


def test_every_action_takes_a_required_keyword_only_actor() -> None:
    functions: dict[str, Callable[..., Any]] = {}
    for module in _actions_modules():
        functions.update(_public_functions(module))
    assert len(functions) > 40, "the actions modules were not found"
    problems = {
        name: problem
        for name, function in functions.items()
        if name not in NOT_ACTIONS and (problem := _actor_problem(function)) is not None
    }
    assert not problems, f"each action needs `*, actor: Actor` without a default: {problems}"
    stale = set(NOT_ACTIONS) - set(functions)
    assert not stale, f"NOT_ACTIONS names functions that no longer exist: {sorted(stale)}"


def test_the_introspection_notices_an_actor_with_a_default() -> None:
    def careless(unit: Unit, *, actor: Any = "cli") -> None:  # what issue 15 found 42 times
        pass

    def positional(unit: Unit, actor: Any) -> None:
        pass

    assert _actor_problem(careless) == "gives actor a default ('cli')"
    assert _actor_problem(positional) == "takes actor positionally (make it keyword-only)"
    assert _actor_problem(lambda unit: None) == "has no actor parameter"


# ------------------------------------------------------------------------------------ the matrix


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _survey(key: str = "nki") -> Any:
    from kundpuls.web.surveys.models import Survey

    return Survey.objects.get(key=key)


def _set_goal(actor: Any) -> object:
    from kundpuls.web.goals.actions import set_goal

    return set_goal(_unit("VOF-HT-N"), "response_rate", "2026", 30, survey=_survey(), actor=actor)


def _add_improvement(actor: Any) -> object:
    from kundpuls.web.goals.actions import add_improvement_action

    return add_improvement_action(
        _unit("VOF-HT-N"), _survey(), "NKI", "Fasta kontaktpersoner", owner=None,
        started=date(2026, 1, 10), due_date=date(2026, 2, 20), actor=actor,
    )  # fmt: skip


def _create_survey(actor: Any) -> object:
    from kundpuls.web.surveys.actions import create_from_template

    return create_from_template("nps", owner=_unit("EXK"), actor=actor)


def _publish(actor: Any) -> object:
    from kundpuls.web.surveys.actions import create_from_template, publish

    return publish(create_from_template("nps", owner=_unit("EXK"), actor=CLI), actor=actor)


def _open(actor: Any) -> object:
    from kundpuls.web.surveys.actions import open_distribution

    return open_distribution(_survey(), _unit("VOF-HT-N"), channel="qr", actor=actor)


def _close_survey(actor: Any) -> object:
    from kundpuls.web.surveys.actions import close_survey

    return close_survey(_survey(), actor=actor)


def _save_rules(actor: Any) -> object:
    from kundpuls.web.cases.actions import save_rules

    return save_rules(_survey(), {"rules": []}, actor=actor)


def _grant_role(actor: Any) -> object:
    from kundpuls.web.accounts.models import User
    from kundpuls.web.org.actions import grant_role

    helper, _ = User.objects.get_or_create(email="ny.roll@kundpuls.example")
    return grant_role(helper, _unit("VOF-HT-N"), "viewer", actor=actor)


def _import_units(actor: Any) -> object:
    from kundpuls.web.org.actions import import_units

    return import_units("code,name,kind,parent_code\nNY-ENHET,Ny enhet,unit,EXK\n", actor=actor)


def _move_unit(actor: Any) -> object:
    from kundpuls.web.org.actions import move_unit

    return move_unit(_unit("VOF-HT-N"), _unit("VOF-HT-S"), actor=actor)


def _create_admin(actor: Any) -> object:
    from kundpuls.web.org.actions import create_admin

    return create_admin("ny.admin@kundpuls.example", "ett-langt-losenord-2026", actor=actor)


def _token_for_viewer(actor: Any) -> object:
    from kundpuls.web.accounts.models import User
    from kundpuls.web.api.actions import create_token

    return create_token(User.objects.get(email="betraktare@kundpuls.example"), "kiosk", actor=actor)


def _export(actor: Any) -> object:
    from kundpuls.web.dashboards.actions import record_export

    record_export(_unit("KFF-BIB-HUV"), actor=actor, survey="nki", kind="pdf", period="2026")
    return True


def _save_theme(actor: Any) -> object:
    from kundpuls.web.themes.actions import save_theme

    node = {"label": {"sv": "Kaffe"}, "sv": {"words": ["kaffe"]}}
    return save_theme(Unit.objects.get(code="EXK"), "kaffe", node, new=True, actor=actor)


def _retention(actor: Any) -> object:
    from kundpuls.web.invitations.actions import apply_retention

    return apply_retention(actor=actor)


def _plan_invitations(actor: Any) -> object:
    from kundpuls.web.invitations.actions import plan_invitations

    return plan_invitations(_survey(), actor=actor)


def _notify_overdue(actor: Any) -> object:
    from kundpuls.web.cases.actions import notify_overdue

    return notify_overdue(actor=actor)


def _purge_contacts(actor: Any) -> object:
    from kundpuls.web.cases.actions import purge_contact_details

    return purge_contact_details(actor=actor)


def _erase(actor: Any) -> object:
    import uuid

    from kundpuls.web.responses.actions import erase, submit_response
    from kundpuls.web.responses.erasure import parse_subject
    from kundpuls.web.surveys.models import Distribution
    from kundpuls.web.surveys.queries import current_version

    distribution = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-N", closed_at__isnull=True)
    submission = uuid.uuid4()
    answers = {"tjanst": "socialtjanst", "nki_helhet": 8, "nki_forvantan": 8, "nki_ideal": 8}
    version = current_version(distribution.survey)
    submit_response(version=version, distribution=distribution, submission_id=submission, answers=answers)
    return erase(parse_subject(str(submission)), actor=actor)


def _purge_unused_contacts(actor: Any) -> object:
    from kundpuls.web.cases.actions import purge_unused_contact_details

    return purge_unused_contact_details(actor=actor)


# action -> (a persona that may, a persona that may not)
MATRIX: dict[str, tuple[Callable[[Any], object], str, str]] = {
    "goals.set_goal": (_set_goal, "analyst", "manager_a"),
    "goals.add_improvement_action": (_add_improvement, "manager_a", "analyst"),
    "surveys.create_from_template": (_create_survey, "analyst", "manager_a"),
    "surveys.publish": (_publish, "analyst", "viewer"),
    "surveys.open_distribution": (_open, "analyst", "manager_a"),
    "surveys.close_survey": (_close_survey, "analyst", "manager_b"),
    "cases.save_rules": (_save_rules, "analyst", "manager_a"),
    "cases.notify_overdue": (_notify_overdue, "admin", "manager_a"),
    "cases.purge_contact_details": (_purge_contacts, "admin", "analyst"),
    "org.grant_role": (_grant_role, "admin", "analyst"),
    "org.import_units": (_import_units, "admin", "analyst"),
    "org.move_unit": (_move_unit, "admin", "manager_a"),
    "accounts.create_admin": (_create_admin, "admin", "analyst"),
    "api.create_token (another's)": (_token_for_viewer, "admin", "manager_a"),
    "api.create_token (one's own)": (_token_for_viewer, "viewer", "analyst"),
    "dashboards.record_export": (_export, "manager_b", "manager_a"),
    "themes.save_theme": (_save_theme, "analyst", "manager_a"),
    "invitations.apply_retention": (_retention, "admin", "analyst"),
    "invitations.plan_invitations": (_plan_invitations, "analyst", "viewer"),
    "responses.erase": (_erase, "admin", "manager_a"),
    "cases.purge_unused_contact_details": (_purge_unused_contacts, "admin", "analyst"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(MATRIX))
def test_a_user_without_the_right_is_refused_by_the_action_itself(
    personas: dict[str, Any], action: str
) -> None:
    call, _allowed, denied = MATRIX[action]
    with pytest.raises(PermissionDenied):
        call(personas[denied])
    assert not AuditEvent.objects.filter(actor=personas[denied]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(MATRIX))
def test_a_user_with_the_right_may_take_the_action(personas: dict[str, Any], action: str) -> None:
    call, allowed, _denied = MATRIX[action]
    assert call(personas[allowed]) is not None


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(MATRIX))
def test_an_operator_may_and_a_respondent_anonymous_or_a_bare_name_may_not(action: str) -> None:
    call = MATRIX[action][0]
    for nobody in (RESPONDENT, AnonymousUser(), "cli", None):
        with pytest.raises(PermissionDenied):
            call(nobody)
    assert call(CLI) is not None


@pytest.mark.django_db
def test_the_audit_log_names_the_user_or_the_system_actor(personas: dict[str, Any]) -> None:
    _set_goal(personas["analyst"])
    by_user = AuditEvent.objects.filter(action="goals.set").latest("pk")
    assert (by_user.actor, by_user.actor_label) == (personas["analyst"], "")
    _set_goal(CLI)
    by_cli = AuditEvent.objects.filter(action="goals.set").latest("pk")
    assert (by_cli.actor, by_cli.actor_label) == (None, "cli")


def test_system_actors_are_a_closed_set() -> None:
    with pytest.raises(InvalidArgument, match="'operator' is not a system actor"):
        SystemActor("operator")
    assert CLI.is_operator and not RESPONDENT.is_operator
