"""Invitation pages: the personal link ``/i/<token>/`` (respondent pages of collect, resumable), thanks,
unsubscribe; and the staff page ``/portal/inbjudningar/<key>/`` (upload, send, response rates)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kundpuls.errors import ImportRowsError, KundpulsError, NotFound, clip
from kundpuls.instruments import first_page_key
from kundpuls.render.invitation_charts import response_rate_chart
from kundpuls.table_input import DEFAULT_LIMITS, TableInputError
from kundpuls.web.collect.state import BadState, RespondentState
from kundpuls.web.collect.views import Flow, handle_post, render_page
from kundpuls.web.invitations import actions, queries
from kundpuls.web.invitations.models import DeliveryState, Invitation
from kundpuls.web.invitations.recipients import table_from_text, table_from_upload
from kundpuls.web.invitations.tasks import enqueue_due
from kundpuls.web.language import page_language
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.permissions import Capability, can
from kundpuls.web.responses.actions import Receipt
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import current_version, definition_of, survey_by_key

REFUSALS = {
    "unknown": (
        gettext_lazy("Link not found"),
        gettext_lazy("We could not find this personal link. Check that the whole address was copied."),
        404,
    ),
    "expired": (
        gettext_lazy("The link has expired"),
        gettext_lazy("This personal link is no longer valid. Thank you for wanting to take part!"),
        410,
    ),
    "closed": (
        gettext_lazy("The survey is closed"),
        gettext_lazy(
            "This survey is closed and no longer takes answers. Thank you for wanting to take part!"
        ),
        410,
    ),
    "answered": (
        gettext_lazy("You have already answered"),
        gettext_lazy(
            "Your answers are already saved – thank you! A personal link can be used for one answer."
        ),
        409,
    ),
}


def _refuse(request: HttpRequest, reason: str, language: str = "sv") -> HttpResponse:
    title, message, status = REFUSALS[reason]
    with translation.override(language):
        response = render(
            request,
            "invitations/refused.html",
            {"title": str(title), "message": str(message), "reason": reason, "lang": language},
            status=status,
        )
    response.headers["Content-Language"] = language
    return response


def _refusal_for(invitation: Invitation | None) -> str | None:
    if invitation is None:
        return "unknown"
    if invitation.answered_at is not None:
        return "answered"
    if invitation.distribution.state() == "closed":
        return "closed"
    if invitation.expires_at is not None and invitation.expires_at <= timezone.now():
        return "expired"
    return None


def _flow(invitation: Invitation, token: str) -> Flow:
    def finish(receipt: Receipt) -> HttpResponse:
        actions.record_answer(invitation, receipt.response_id)
        return redirect("invitations:thanks", token=token)

    return Flow(save_state=lambda state: actions.save_progress(invitation, state), finish=finish)


@csrf_exempt  # like collect: no cookies on respondent pages; the signed state protects the form
@require_http_methods(["GET", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    invitation = queries.invitation_by_token(token)
    if invitation is not None and invitation.answered_at is None:
        stored = Response.objects.filter(submission_id=invitation.submission_id).values_list("pk", flat=True)
        for response_id in stored:  # stored, but the process stopped before the invitation was marked
            invitation = actions.record_answer(invitation, response_id)
    refusal = _refusal_for(invitation)
    language = invitation.language if invitation is not None else "sv"
    if refusal is not None or invitation is None:
        return _refuse(request, refusal or "unknown", language)
    version = current_version(invitation.survey)
    if version is None:
        return _refuse(request, "closed", language)
    distribution = invitation.distribution
    flow = _flow(invitation, token)
    if request.method == "POST":
        try:
            state = RespondentState.loads(request.POST.get("state", ""), distribution_id=distribution.pk)
        except BadState:
            state = None
        if state is None or state.submission_id != invitation.submission_id:
            return redirect("invitations:page", token=token)  # a stale or foreign form: resume from storage
        return handle_post(request, distribution, flow=flow)
    definition = definition_of(version)
    saved = invitation.progress or {}
    if saved.get("page") and saved["page"] in {p.key for p in definition.pages}:
        state = RespondentState(
            invitation.submission_id,
            distribution.pk,
            version.pk,
            str(saved["page"]),
            str(saved.get("language") or invitation.language),
            dict(saved.get("answers") or {}),
        )
    else:
        first = first_page_key(definition, {})
        if first is None:
            return _refuse(request, "closed", language)
        lang = invitation.language if invitation.language in definition.languages else "sv"
        state = RespondentState(invitation.submission_id, distribution.pk, version.pk, first, lang, {})
    return render_page(request, distribution, definition, state, flow=flow)


@require_http_methods(["GET"])
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    invitation = queries.invitation_by_token(token)
    if invitation is None or invitation.response is None:
        return _refuse(request, "unknown", invitation.language if invitation else "sv")
    language = invitation.response.language
    definition = definition_of(invitation.response.version)
    with translation.override(language):
        response = render(
            request,
            "collect/thanks.html",
            {
                "title": definition.title.in_language(language),
                "outro": definition.outro.in_language(language) if definition.outro else "",
                "receipt": invitation.response.receipt,
                "lang": language,
            },
        )
    response.headers["Content-Language"] = language
    return response


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the personal link itself proves the recipient. GET asks, POST records (mail scanners GET)."""
    invitation = queries.invitation_by_token(token)
    if invitation is None:
        return _refuse(request, "unknown")
    done = invitation.opted_out_at is not None
    if request.method == "POST":
        actions.record_opt_out(invitation)
        done = True
    with translation.override(invitation.language):
        response = render(
            request,
            "invitations/unsubscribe.html",
            {"done": done, "title": invitation.survey.title, "lang": invitation.language},
        )
    response.headers["Content-Language"] = invitation.language
    return response


def _survey_for(request: HttpRequest, key: str) -> Survey:
    """Contact data and sending belong to those who manage the survey (its owner's subtree)."""
    try:
        survey = survey_by_key(key, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not can(request.user, Capability.MANAGE_SURVEYS, survey.owner):
        raise PermissionDenied
    return survey


@login_required
@require_http_methods(["GET", "POST"])
def status_page(request: HttpRequest, key: str) -> HttpResponse:
    survey = _survey_for(request, key)
    errors: list[object] = []
    more_errors = 0
    if request.method == "POST":
        upload = request.FILES.get("recipients")
        pasted = request.POST.get("pasted", "")
        if upload is None and not pasted.strip():
            errors = [
                {
                    "row": 1,
                    "column": "recipients",
                    "value": "",
                    "message": _("Choose a file to upload or paste the list."),
                }
            ]
        else:
            name = clip(upload.name or "list.csv") if upload is not None else _("pasted list")
            try:
                if upload is None:
                    table = table_from_text(pasted)
                elif upload.size is not None and upload.size > DEFAULT_LIMITS.max_bytes:
                    raise TableInputError(
                        _("the file is larger than %(n)s bytes") % {"n": f"{DEFAULT_LIMITS.max_bytes:,}"},
                        limit="max_bytes",
                    )
                else:
                    table = table_from_upload(name, upload.read(DEFAULT_LIMITS.max_bytes + 1))
                summary = actions.import_recipients(survey, table, actor=actor_of(request))
            except ImportRowsError as exc:
                errors, more_errors = list(exc.listed), exc.unlisted
            except KundpulsError as exc:
                errors = [{"row": 1, "column": "recipients", "value": name, "message": clip(str(exc), 300)}]
            else:
                messages.success(request, _("%(n)d recipients invited.") % {"n": summary.invited})
                return redirect("invitations:status", key=survey.url_key)
    rates = queries.unit_rates(survey)
    over_time = queries.rate_over_time(survey)
    context = {
        "survey": survey,
        "rates": rates,
        "over_time": over_time,
        "chart": response_rate_chart(over_time, page_language()),
        "deliveries": [
            (DeliveryState(state).label, n) for state, n in queries.delivery_counts(survey).items()
        ],
        "errors": errors,
        "more_errors": more_errors,
        "pasted": request.POST.get("pasted", "")[:20_000] if errors else "",
    }
    return render(request, "invitations/status.html", context, status=400 if errors else 200)


def _whole_number(raw: str | None, default: int) -> int:
    try:
        return max(int(raw or default), 0)
    except ValueError:
        return default


@login_required
@require_POST
def send(request: HttpRequest, key: str) -> HttpResponse:
    """Plan the invitations (or the next reminders) and queue one background task per mail."""
    survey = _survey_for(request, key)
    if request.POST.get("what") == "remind":
        actions.plan_reminders(
            survey,
            after_days=_whole_number(request.POST.get("after_days"), 7),
            max_reminders=_whole_number(request.POST.get("max_reminders"), 2),
            actor=actor_of(request),
        )
    else:
        actions.plan_invitations(survey, actor=actor_of(request))
    queued = enqueue_due(survey)
    messages.success(request, _("%(n)d mails queued.") % {"n": queued})
    return redirect("invitations:status", key=survey.url_key)
