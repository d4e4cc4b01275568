"""The codebook tab's staff–customer pairs (``mirrors``): which staff question mirrors which customer
question of another survey of the same organisation (docs/methods.md §9.3).

Parse, call, render, as the rest of the editor. The pairs are checked by the ``instruments`` model's own
rules before the draft is saved: the staff survey's codebook rules (each staff question a rating, paired
once) through ``actions.save_draft``, and each customer survey's (its question a rating on the same scale)
through :func:`~kundpuls.instruments.mirror_errors` against that survey's published version (its draft
before a first publication). Every problem is said on its row with the questions' texts.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kundpuls.errors import DefinitionError
from kundpuls.instruments import (
    DefinitionErrors,
    SurveyDefinition,
    mirror_errors,
    parse_definition,
    stored_items,
)
from kundpuls.instruments.items import StoredItem
from kundpuls.web.surveys import queries
from kundpuls.web.surveys.definition_messages import describe_path, in_language
from kundpuls.web.surveys.editor_views import _data, _language, _save
from kundpuls.web.surveys.mirror_forms import GroupedChoices, MirrorsForm, customer_value
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.views import _survey_for


def _ratings(definition: SurveyDefinition) -> dict[str, StoredItem]:
    return {item.key: item for item in stored_items(definition) if item.kind == "numeric" and item.integer}


def _label(item: StoredItem) -> str:
    return f"{item.text.in_language(_language())[:90]} ({item.scale_min:g}–{item.scale_max:g})"


def _customer_surveys(survey: Survey) -> dict[str, tuple[str, SurveyDefinition]]:
    """The organisation's other customer surveys by key: (title, the definition a pair is checked against).

    A survey that mirrors others itself (a staff survey: its codebook has pairs) is not a customer survey,
    so its questions are not offered as the customer side."""
    result = {}
    others = Survey.objects.filter(organisation_id=survey.organisation_id).exclude(pk=survey.pk)
    for other in others.order_by("title"):
        version = queries.current_version(other) or other.versions.order_by("-number").first()
        if version is None:
            continue
        definition = queries.definition_of(version)
        if not definition.codebook.mirrors:
            result[other.key] = (other.title, definition)
    return result


def _customer_choices(
    customers: dict[str, tuple[str, SurveyDefinition]], stored: list[dict[str, Any]]
) -> GroupedChoices:
    groups: GroupedChoices = [
        (title, [(f"{key}:{k}", _label(item)) for k, item in _ratings(definition).items()])
        for key, (title, definition) in customers.items()
    ]
    offered = {value for _title, choices in groups for value, _text in choices}
    missing = [
        (
            customer_value(m),
            _("%(item)s in the survey %(survey)s, which is not found")
            % {"item": m["customer_item"], "survey": m["customer_survey"]}
            if m.get("customer_survey")
            else _("%(item)s in any customer survey") % {"item": m["customer_item"]},
        )
        for m in stored
        if customer_value(m) not in offered
    ]
    return groups + ([(_("Not found in this organisation"), missing)] if missing else [])


def _message(
    problem: DefinitionError,
    pair: dict[str, Any],
    staff: dict[str, StoredItem],
    customers: dict[str, tuple[str, SurveyDefinition]],
) -> str:
    """An instruments problem with a pair, in the page's language, naming the questions by their texts."""
    text = str(problem)
    mine = staff.get(pair["item"])
    survey = customers.get(pair.get("customer_survey") or "")
    theirs = _ratings(survey[1]).get(pair["customer_item"]) if survey else None
    if "mirrored twice" in text and mine:
        return _("“%(question)s” is paired twice; each staff question mirrors one customer question.") % {
            "question": mine.text.in_language(_language())
        }
    if "same scale" in text and mine and theirs:
        return _(
            "“%(staff)s” is on %(staff_scale)s but “%(customer)s” is on %(customer_scale)s; "
            "paired questions need the same scale."
        ) % {
            "staff": mine.text.in_language(_language()),
            "staff_scale": f"{mine.scale_min:g}–{mine.scale_max:g}",
            "customer": theirs.text.in_language(_language()),
            "customer_scale": f"{theirs.scale_min:g}–{theirs.scale_max:g}",
        }
    if "not a rating" in text:
        return _("%(value)s is not a rating; only ratings can be paired.") % {"value": problem.value}
    if "has no item" in text:
        return _("The survey %(survey)s has no rating %(value)s.") % {
            "survey": pair.get("customer_survey"),
            "value": problem.value,
        }
    return in_language(problem)


def _problems(
    data: dict[str, Any], customers: dict[str, tuple[str, SurveyDefinition]]
) -> list[DefinitionError]:
    """The instruments model's problems with ``data``'s pairs: its own codebook rules, then each pair
    against its customer survey."""
    try:
        definition = parse_definition(data, draft=True)
    except DefinitionErrors as exc:
        return list(exc.errors)
    problems: list[DefinitionError] = []
    for key, (_title, customer) in customers.items():
        if any(m.customer_survey == key for m in definition.codebook.mirrors):
            problems += [p for p in mirror_errors(definition, customer) if _named(data, p, key)]
    return problems


def _named(data: dict[str, Any], problem: DefinitionError, key: str) -> bool:
    """Whether ``problem`` is about a pair naming the customer survey ``key`` (``mirror_errors`` also
    checks pairs for any survey against each, which only pairs naming their survey are meant for)."""
    index = int((problem.field or "").split("[", 1)[1].split("]", 1)[0])
    return data["codebook"]["mirrors"][index].get("customer_survey") == key


@login_required
def editor_mirrors(request: HttpRequest, key: str) -> HttpResponse:
    """Pair, change and remove the staff–customer pairs of the survey's codebook."""
    survey = _survey_for(request, key)
    data = _data(survey)
    codebook = data.get("codebook", {})
    stored = list(codebook.get("mirrors", []))
    try:
        staff = _ratings(parse_definition(data, stored=True))
    except DefinitionErrors:
        staff = {}
    customers = _customer_surveys(survey)
    form = MirrorsForm(
        request.POST or None,
        mirrors=stored,
        staff=[(k, _label(item)) for k, item in staff.items()],
        customers=_customer_choices(customers, stored),
    )
    if request.method == "POST" and form.is_valid():
        pairs = form.mirrors()
        changed_codebook = {k: v for k, v in codebook.items() if k != "mirrors"}
        if pairs:
            changed_codebook["mirrors"] = pairs
        changed = data | {"codebook": changed_codebook}
        problems = _problems(changed, customers)
        if not problems:
            problems = _save(request, survey, changed) or []
            if not problems:
                return redirect("surveys:editor_codebook", key=key)
        for problem in problems:
            path = problem.field or ""
            if path.startswith("codebook.mirrors["):
                index = int(path.split("[", 1)[1].split("]", 1)[0])
                row = form.row_of[index]
                field = f"customer_{row}" if path.endswith("customer_item") else f"item_{row}"
                form.add_error(field, _message(problem, pairs[index], staff, customers))
            else:
                form.add_error(
                    None, f"{describe_path(path)}: {in_language(problem)}" if path else str(problem)
                )
    context = {"survey": survey, "form": form, "customers": bool(customers)}
    return render(request, "surveys/editor/mirrors.html", context, status=400 if form.errors else 200)
