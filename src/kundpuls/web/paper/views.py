"""The data-entry page for paper questionnaires (``/portal/papper/<survey>/<unit>/``).

Made for the keyboard: the form id first (focused), then every question of every page in order on one
page (tab moves from question to question, the arrow keys choose), one button. Answers are checked as on the
respondent pages and problems named at their questions; a stored form clears the page for the next one.
With "double entry" the first typing waits for a second by someone else; differences are shown side by
side for resolution (:mod:`kundpuls.web.paper.actions`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from kundpuls.errors import KundpulsError, NotFound
from kundpuls.instruments import AnswerErrors, SurveyDefinition
from kundpuls.instruments.items import item_map
from kundpuls.web.downloads import attachment
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can
from kundpuls.web.paper.actions import (
    MAX_COPIES,
    REFERENCE_KEY,
    PaperOutcome,
    enter_paper_form,
    resolve_paper_form,
)
from kundpuls.web.paper.models import PaperEntry
from kundpuls.web.paper.printing import print_questionnaires
from kundpuls.web.paper.queries import printed_count, printed_version
from kundpuls.web.surveys.actions import open_distribution
from kundpuls.web.surveys.models import Channel, Distribution, Survey, SurveyVersion
from kundpuls.web.surveys.page_form import page_view, raw_page_answers
from kundpuls.web.surveys.queries import current_version, definition_of, survey_by_key


def _blocks(definition: SurveyDefinition, values: dict[str, Any], errors: dict[str, list[str]]) -> list[Any]:
    contact = {k: v for k, v in values.items() if isinstance(v, str)}
    return [
        block
        for key in definition.page_keys
        for block in page_view(
            definition, key, values, language="sv", errors=errors, contact=contact, every_question=True
        )
    ]


def _shown(definition: SurveyDefinition, key: str, value: Any) -> str:
    """A stored value as the form shows it: an option's text, Ja/Nej, "vet ej" — never a raw key."""
    item = item_map(definition).get(key)
    if value is None:
        return _("Don't know / not applicable") if item is not None else "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if item is not None and item.options and item.option_texts:
        texts = dict(zip(item.options, (t.sv for t in item.option_texts), strict=False))
        if isinstance(value, list):
            return ", ".join(texts.get(v, str(v)) for v in value)
        return texts.get(str(value), str(value))
    return str(value)


def _label(definition: SurveyDefinition, key: str) -> str:
    if key == REFERENCE_KEY:
        return _("Personal reference (from the invitation)")
    item = item_map(definition).get(key)
    if item is not None:
        return item.text.sv
    consent = definition.consent_question
    for contact in consent.contact_fields if consent else ():
        if contact.key == key:
            return contact.text.sv
    return key


def _survey_and_unit(request: HttpRequest, key: str, unit_code: str) -> tuple[Survey, Unit, SurveyVersion]:
    try:
        survey = survey_by_key(key, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    unit = Unit.objects.filter(code=unit_code, path__startswith=survey.owner.path).first()
    version = current_version(survey)
    if unit is None or version is None:
        raise Http404
    if not can(request.user, Capability.MANAGE_SURVEYS, unit):
        raise PermissionDenied
    return survey, unit, version


@login_required
def paper_entry(request: HttpRequest, key: str, unit_code: str) -> HttpResponse:
    survey, unit, version = _survey_and_unit(request, key, unit_code)
    context: dict[str, Any] = {"survey": survey, "unit": unit, "double": request.GET.get("dubbel") == "1"}
    if request.method != "POST":
        context["blocks"] = _blocks(definition_of(version), {}, {})
        context["form_id"] = request.GET.get("formular", "")[:40]
        return render(request, "paper/entry.html", context)
    form_id = request.POST.get("form_id", "")[:40]
    reference = request.POST.get("reference", "")[:20]
    double = request.POST.get("double") == "1"
    context.update(form_id=form_id, double=double, reference=reference)
    version = printed_version(form_id, survey) or version  # read with the version it was printed from
    definition = definition_of(version)
    try:  # the first entry opens the unit's paper distribution (a write: only on POST)
        distribution = open_distribution(survey, unit, channel=Channel.PAPER, actor=actor_of(request))
    except KundpulsError as exc:
        context.update(blocks=_blocks(definition, {}, {}), error=str(exc))
        return render(request, "paper/entry.html", context, status=400)
    if request.POST.get("step") == "resolve":
        return _resolve(request, context, definition, distribution, form_id)
    raw: dict[str, Any] = {}
    for page in definition.page_keys:
        raw.update(raw_page_answers(definition, page, request.POST))
    try:
        outcome = enter_paper_form(
            distribution, form_id, raw, double=double, actor=actor_of(request), reference=reference
        )
    except AnswerErrors as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(error.field or "", []).append(error.hint("sv"))
        context.update(blocks=_blocks(definition, raw, errors), error=_("Check the marked answers."))
        return render(request, "paper/entry.html", context, status=400)
    except KundpulsError as exc:
        context.update(blocks=_blocks(definition, raw, {}), error=str(exc))
        return render(request, "paper/entry.html", context, status=400)
    return _after(request, context, definition, outcome, form_id)


@login_required
def print_forms(request: HttpRequest, key: str, unit_code: str) -> HttpResponse:
    """The print page: how many copies in which language; the POST records the form ids and answers with
    the PDF."""
    survey, unit, version = _survey_and_unit(request, key, unit_code)
    languages = definition_of(version).languages
    context: dict[str, Any] = {
        "survey": survey, "unit": unit, "languages": languages, "copies": 10, "language": "sv",
        "max_copies": MAX_COPIES, "printed": printed_count(survey, unit),
    }  # fmt: skip
    if request.method != "POST":
        return render(request, "paper/print.html", context)
    raw_copies = request.POST.get("copies", "").strip()[:10]
    language = request.POST.get("language", "sv")[:8]
    context.update(copies=raw_copies, language=language)
    try:
        copies = int(raw_copies)
    except ValueError:
        context["error"] = _("Copies: “%(value)s” is not a whole number.") % {"value": raw_copies}
        return render(request, "paper/print.html", context, status=400)
    try:
        run = print_questionnaires(survey, unit, copies=copies, language=language, actor=actor_of(request))
    except KundpulsError as exc:
        context["error"] = str(exc)
        return render(request, "paper/print.html", context, status=400)
    response = HttpResponse(run.pdf, content_type="application/pdf")
    try:
        language_name = get_language_info(language)["name_local"]
    except KeyError:  # a survey language Django does not name
        language_name = language
    return attachment(response, survey.title, unit.name, language_name, extension="pdf")


def _after(
    request: HttpRequest,
    context: dict[str, Any],
    definition: SurveyDefinition,
    outcome: PaperOutcome,
    form_id: str,
) -> HttpResponse:
    if outcome.status == "differs":
        context["differences"] = [
            {
                "key": k,
                "label": _label(definition, k),
                "first": _shown(definition, k, a),
                "second": _shown(definition, k, b),
            }
            for k, (a, b) in outcome.differences.items()
        ]
        return render(request, "paper/resolve.html", context)
    text = {
        "stored": _("Form %(form)s is stored (receipt %(receipt)s). Next form."),
        "already_stored": _("Form %(form)s was stored before (receipt %(receipt)s); nothing new was stored."),
        "already_answered": _(
            "The invited person on form %(form)s has already answered on another channel (receipt "
            "%(receipt)s); nothing new was stored."
        ),
        "waiting": _(
            "Form %(form)s is entered once; it is stored when someone else has entered it a second time."
        ),
    }[outcome.status]
    messages.success(request, text % {"form": form_id.upper(), "receipt": outcome.receipt})
    url = request.path + ("?dubbel=1" if context["double"] else "")
    return redirect(url)


def _resolve(
    request: HttpRequest,
    context: dict[str, Any],
    definition: SurveyDefinition,
    distribution: Distribution,
    form_id: str,
) -> HttpResponse:
    entries = {
        e.number: e.answers
        for e in PaperEntry.objects.filter(distribution=distribution, form_id=form_id.upper())
    }
    if len(entries) < 2:
        messages.error(request, _("There are no two entries of this form to resolve."))
        return redirect(request.path)
    chosen = dict(entries[1])
    for key in dict.fromkeys([*entries[1], *entries[2]]):
        if request.POST.get(f"pick-{key}") == "2":
            if key in entries[2]:
                chosen[key] = entries[2][key]
            else:
                chosen.pop(key, None)
    try:
        outcome = resolve_paper_form(distribution, form_id, chosen, actor=actor_of(request))
    except (AnswerErrors, KundpulsError) as exc:
        messages.error(request, str(exc)[:300])
        return redirect(request.path)
    return _after(request, context, definition, outcome, form_id)
