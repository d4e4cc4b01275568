"""The phone interviewer's pages (``/portal/telefon/<survey>/<unit>/``): the survey walked for a respondent
on the line, stored with the channel ``phone``.

The interviewer sees the respondent pages with the staff menu and a script: what to say first, that every
question and its options are read out as written, and that the consent question is read out word for word
with its purpose (a yes is the respondent's, never the interviewer's). Answers are validated exactly as on
the respondent pages (the same page flow, :func:`kundpuls.web.collect.views.continue_post`) and stored once
per interview (the signed state's submission id), in a distribution of the unit on the channel ``phone``
(opened by the start page's button, a POST, :func:`kundpuls.web.surveys.actions.open_distribution`, which
needs ``manage_surveys`` on the unit; a GET writes nothing). After the last page the interviewer is back at
the start of a new interview, with the receipt of the one just stored.

An invited person on the line is interviewed under their invitation (``?referens=`` with the personal
reference printed on the invitation, typed in the field on the first page): the answers are stored under
the invitation's submission id, so a person who answered on the web or on paper is stored once
(:mod:`kundpuls.web.responses.references`).
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kundpuls.errors import KundpulsError, NotFound
from kundpuls.instruments import first_page_key
from kundpuls.web.collect.state import BadState, RespondentState
from kundpuls.web.collect.views import Flow, continue_post, render_page
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can
from kundpuls.web.responses.actions import Receipt
from kundpuls.web.responses.models import Response
from kundpuls.web.responses.references import resolve_reference
from kundpuls.web.surveys.actions import open_distribution
from kundpuls.web.surveys.models import Channel, Distribution, Survey, SurveyVersion
from kundpuls.web.surveys.queries import current_version, definition_of, survey_by_key


def _survey(request: HttpRequest, key: str) -> Survey:
    try:
        return survey_by_key(key, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
def choose_unit(request: HttpRequest, key: str) -> HttpResponse:
    """Which unit the calls are for (the units of the survey's organisation the interviewer may enter)."""
    survey = _survey(request, key)
    units = [
        u
        for u in Unit.objects.filter(path__startswith=survey.owner.path, valid_to__isnull=True).order_by(
            "path"
        )
        if can(request.user, Capability.MANAGE_SURVEYS, u)
    ]
    if not units:
        raise PermissionDenied
    return render(request, "collect/interview_start.html", {"survey": survey, "units": units})


@login_required
def interview(request: HttpRequest, key: str, unit_code: str) -> HttpResponse:
    survey = _survey(request, key)
    unit = Unit.objects.filter(code=unit_code, path__startswith=survey.owner.path).first()
    if unit is None:
        raise Http404
    if not can(request.user, Capability.MANAGE_SURVEYS, unit):
        raise PermissionDenied
    version = current_version(survey)
    if version is None or survey.closed_at is not None:
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "start":
        # the first interview opens the unit's phone distribution: a write, so only on POST
        try:
            open_distribution(survey, unit, channel=Channel.PHONE, actor=actor_of(request))
        except KundpulsError as exc:
            messages.error(request, str(exc))
            return redirect("interview:start", key=survey.url_key)
        return redirect("interview:walk", key=survey.url_key, unit_code=unit.code)
    distribution = Distribution.objects.filter(
        survey=survey, unit=unit, channel=Channel.PHONE, closed_at__isnull=True
    ).first()
    if distribution is None:  # not opened yet: the start page's button opens it (a POST)
        return render(request, "collect/interview_start.html", {"survey": survey, "units": [unit]})

    def finish(receipt: Receipt) -> HttpResponse:
        if receipt.created:
            text = _("The interview is stored (receipt %(receipt)s). Next call.")
        else:  # an invited person who answered on another channel while the interview went on
            text = _(
                "This invited person had already answered on another channel (receipt %(receipt)s); "
                "nothing new was stored. Next call."
            )
        messages.success(request, text % {"receipt": receipt.code})
        return redirect("interview:walk", key=survey.url_key, unit_code=unit.code)

    flow = Flow(
        finish=finish,
        template="collect/interview_page.html",
        extra={"survey": survey, "unit_name": unit.name},
    )
    if request.method == "POST":
        try:
            state = RespondentState.loads(request.POST.get("state", ""), distribution_id=distribution.pk)
            stored = SurveyVersion.objects.get(pk=state.version_id, survey=survey, published_at__isnull=False)
        except (BadState, SurveyVersion.DoesNotExist):
            messages.error(request, _("The interview form could not be read; start the interview again."))
            return redirect("interview:walk", key=survey.url_key, unit_code=unit.code)
        return continue_post(request, distribution, state, stored, flow=flow)
    definition = definition_of(version)
    first = first_page_key(definition, {})
    if first is None:
        raise Http404
    language = request.GET.get("lang") if request.GET.get("lang") in definition.languages else "sv"
    state = RespondentState.new(distribution.pk, version.pk, first, language or "sv")
    reference = request.GET.get("referens", "").strip()[:20]
    if reference:  # an invited person on the line: stored under the invitation's submission id, once
        try:
            person = resolve_reference(reference, survey_id=survey.pk, unit_id=unit.pk)
        except KundpulsError as exc:
            messages.error(request, str(exc))
            return redirect("interview:walk", key=survey.url_key, unit_code=unit.code)
        answered = Response.objects.filter(submission_id=person.submission_id).first()
        if answered is not None:
            messages.error(
                request,
                _(
                    "The invited person with reference %(reference)s has already answered (receipt "
                    "%(receipt)s); an interview would store nothing new."
                )
                % {"reference": person.reference, "receipt": answered.receipt},
            )
            return redirect("interview:walk", key=survey.url_key, unit_code=unit.code)
        state = RespondentState(person.submission_id, distribution.pk, version.pk, first, state.language, {})
        flow = replace(flow, extra={**(flow.extra or {}), "reference": person.reference})
    return render_page(request, distribution, definition, state, flow=flow)
