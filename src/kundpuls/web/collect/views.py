"""Respondent pages: ``/s/<token>/`` (the survey, page by page) and ``/s/<token>/tack/<receipt>/``.

A distribution on the ``kiosk`` channel (a tablet at the counter) keeps nothing between respondents: its
thank-you page shows no receipt and starts the survey again by itself after ``KIOSK_RESTART_SECONDS``; a
page left alone for ``KIOSK_IDLE_SECONDS`` (15 minutes: generous, since a timed reset is hard on a slow
reader — WCAG 2.2.1 allows it only where it is essential, as here on a shared device) starts again too
(its answers are dropped, never stored); the
pages are sent with ``Cache-Control: no-store`` (no going back to the previous respondent's page) and with
autocomplete off (the browser keeps no contact details to offer the next one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods

from kundpuls.instruments import (
    AnswerErrors,
    SurveyDefinition,
    first_page_key,
    next_page_key,
    previous_page_key,
    progress,
    validate_page_answers,
)
from kundpuls.instruments.items import question_items
from kundpuls.web.collect.queries import respondent_target, response_by_receipt
from kundpuls.web.collect.state import BadState, RespondentState
from kundpuls.web.responses.actions import Receipt, submit_response
from kundpuls.web.surveys.models import Channel, Distribution, SurveyVersion
from kundpuls.web.surveys.page_form import BlockView, page_view, raw_page_answers
from kundpuls.web.surveys.queries import definition_of


def _language(request: HttpRequest, definition: SurveyDefinition | None, asked: str | None = None) -> str:
    languages = definition.languages if definition is not None else ("sv", "en")
    for candidate in (asked, request.GET.get("lang"), getattr(request, "LANGUAGE_CODE", "sv")):
        if candidate in languages:
            return str(candidate)
    return "sv"


def _wants_html(request: HttpRequest) -> bool:
    return request.accepts("text/html") or not request.headers.get("Accept")


UNAVAILABLE = {
    "unknown": (_("Survey not found"), _("We could not find this survey. Check the address or the QR code.")),
    "closed": (
        _("The survey is closed"),
        _("This survey is closed and no longer takes answers. Thank you for wanting to take part!"),
    ),
    "not_yet_open": (_("The survey has not opened yet"), _("This survey opens later. Welcome back then!")),
    "bad_state": (
        _("The form could not be read"),
        _(
            "Your answers could not be read: the page may be too "
            "old or was changed. Please start the survey again."
        ),
    ),
}


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], language: str, status: int = 200
) -> HttpResponse:
    with translation.override(language):
        # No request context: the respondent pages use no context processor (no user, CSRF token or menu),
        # and running them cost about a millisecond per page.
        html = render_to_string(template, {**context, "lang": language})
    response = HttpResponse(html, status=status)
    response.headers["Content-Language"] = language
    return response


def _unavailable(request: HttpRequest, reason: str, status: int, language: str | None = None) -> HttpResponse:
    language = language or _language(request, None)
    with translation.override(language):
        title, message = (str(text) for text in UNAVAILABLE[reason])
    if not _wants_html(request):
        return JsonResponse({"error": reason, "message": message}, status=status)
    context = {"reason": reason, "title": title, "message": message, "token_url": request.path}
    return _render(request, "collect/unavailable.html", context, language, status)


def _page_keys_items(definition: SurveyDefinition, page_key: str) -> set[str]:
    keys: set[str] = set()
    for question in definition.page(page_key).questions():
        keys.update(item.key for item in question_items(question))
        for c in getattr(question, "contact_fields", ()):
            keys.add(c.key)
    return keys


def _error_targets(blocks: list[BlockView]) -> dict[str, tuple[str, str]]:
    """Per answer key: the id of its first control and the words naming it in the error summary.

    A summary link lands on the control, with focus; a choice (radios, checkboxes, a scale) has no element
    of its own, so its link goes to the first option. A matrix row is named by the question and the row.
    """
    targets: dict[str, tuple[str, str]] = {}
    for block in blocks:
        for question in block.questions:
            for i in [*question.inputs, *question.contact_inputs]:
                name = (
                    f"{question.text} – {i.label}"
                    if question.grouped or i in question.contact_inputs
                    else question.text
                )
                targets[i.key] = (i.choices[0].id if i.choices else i.id, name)
    return targets


def _summary_text(targets: dict[str, tuple[str, str]], key: str, hint: str) -> str:
    """An error summary line names its question, so that each link says where it leads (WCAG 2.4.4)."""
    return f"{targets[key][1]}: {hint}" if key in targets else hint


KIOSK_RESTART_SECONDS = 10
KIOSK_IDLE_SECONDS = 900
_AUTOCOMPLETE = re.compile(r'autocomplete="(?:name|email|tel)"')


def _kiosk(response: HttpResponse) -> HttpResponse:
    """A kiosk page: nothing for the browser to keep or offer to the next respondent."""
    response.content = _AUTOCOMPLETE.sub('autocomplete="off"', response.content.decode()).encode()
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class Flow:
    """What a respondent flow other than the open link (a personal invitation) adds to the pages.

    ``save_state`` is called with the state of every page shown (to resume later); ``finish`` turns the
    receipt of the stored response into the answer to the last POST (default: the open link's thanks page).
    """

    save_state: Callable[[RespondentState], None] | None = None
    finish: Callable[[Receipt], HttpResponse] | None = None
    # a staff page walking the survey for someone else (the phone interviewer): its own template (with the
    # staff menu and a CSRF token, so rendered with the request) and what it adds to the context
    template: str | None = None
    extra: dict[str, Any] | None = None


OPEN_LINK = Flow()


def render_page(
    request: HttpRequest,
    distribution: Distribution,
    definition: SurveyDefinition,
    state: RespondentState,
    *,
    errors: AnswerErrors | None = None,
    shown: dict[str, Any] | None = None,
    flow: Flow = OPEN_LINK,
) -> HttpResponse:
    """The page ``state.page`` of ``definition`` (with ``errors`` and the values ``shown``, if any)."""
    if flow.save_state is not None:
        flow.save_state(state)
    language = state.language
    messages: dict[str, list[str]] = {}
    for error in errors.errors if errors else ():  # the respondent reads the plain hint, not key = value
        messages.setdefault(error.field or "", []).append(error.hint(language))
    values = shown if shown is not None else state.answers
    blocks = page_view(
        definition,
        state.page,
        values,
        language=language,
        errors=messages,
        contact={k: v for k, v in values.items() if isinstance(v, str)},
    )
    page = definition.page(state.page)
    number, total = progress(definition, state.page, values)
    targets = _error_targets(blocks) if messages else {}
    summary = [
        {"id": targets[key][0] if key in targets else f"f-{key}", "text": _summary_text(targets, key, text)}
        for key, texts in messages.items()
        for text in texts
    ]
    context = {
        "other_lang": "en" if language == "sv" else "sv",
        "can_switch": len(definition.languages) > 1,
        "title": definition.title.in_language(language),
        "intro": definition.intro.in_language(language) if definition.intro and number == 1 else "",
        "page_title": page.title.in_language(language) if page.title else "",
        "page_intro": page.intro.in_language(language) if page.intro else "",
        "blocks": blocks,
        "state": state.dumps(),
        "number": number,
        "total": total,
        "is_first": previous_page_key(definition, state.page, values) is None,
        "is_last": next_page_key(definition, state.page, values) is None,
        "summary": summary,
        "unit": distribution.unit.name,
        "kiosk": distribution.channel == Channel.KIOSK,
        "restart_url": distribution.public_path,
        "idle_seconds": KIOSK_IDLE_SECONDS,
    }
    status = 200 if not errors or _wants_html(request) else 400
    if errors and not _wants_html(request):
        return JsonResponse(
            {
                "errors": [
                    {"field": e.field, "value": repr(e.value), "code": e.code, "message": e.message(language)}
                    for e in errors.errors
                ]
            },
            status=400,
        )
    if flow.template is not None:
        from django.shortcuts import render

        with translation.override(language):
            staff_page = render(request, flow.template, {**context, **(flow.extra or {}), "lang": language})
        staff_page.status_code = status
        return staff_page
    page_response = _render(request, "collect/page.html", context, language, status)
    return _kiosk(page_response) if context["kiosk"] else page_response


@gzip_page
@csrf_exempt  # no cookies and no session on respondent pages; the signed state protects the form
@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    state: RespondentState | None = None
    if request.method == "POST":  # read the signed state first: one query then reads its version too
        try:
            state = RespondentState.read(request.POST.get("state", ""))
        except BadState:
            state = None
    target = respondent_target(token, version_id=state.version_id if state is not None else None)
    if target is None or target.distribution.channel == Channel.INVITATION:  # personal links: /i/<token>/
        return _unavailable(request, "unknown", 404)
    distribution, version = target.distribution, target.version
    availability = distribution.state()
    if availability == "closed" or (request.method == "GET" and version is None):
        return _unavailable(request, "closed", 410)
    if availability == "not_yet_open":
        return _unavailable(request, "not_yet_open", 403)
    if state is not None and version is not None and state.distribution_id == distribution.pk:
        return continue_post(request, distribution, state, version)
    if request.method == "POST" or version is None:  # a bad, foreign or unpublished state
        return _unavailable(request, "bad_state", 400)
    definition = definition_of(version)
    first = first_page_key(definition, {})
    if first is None:
        return _unavailable(request, "closed", 410)
    state = RespondentState.new(distribution.pk, version.pk, first, _language(request, definition))
    return render_page(request, distribution, definition, state)


def handle_post(request: HttpRequest, distribution: Distribution, *, flow: Flow = OPEN_LINK) -> HttpResponse:
    """One POST of a respondent page: validate, go back/forward, or store the response on the last page."""
    try:
        state = RespondentState.loads(request.POST.get("state", ""), distribution_id=distribution.pk)
        version = SurveyVersion.objects.defer("definition").get(
            pk=state.version_id, survey_id=distribution.survey_id, published_at__isnull=False
        )
    except (BadState, SurveyVersion.DoesNotExist):
        return _unavailable(request, "bad_state", 400)
    return continue_post(request, distribution, state, version, flow=flow)


def continue_post(
    request: HttpRequest,
    distribution: Distribution,
    state: RespondentState,
    version: SurveyVersion,
    *,
    flow: Flow = OPEN_LINK,
) -> HttpResponse:
    """A POST whose signed ``state`` belongs to ``distribution`` and names its published ``version``."""
    definition = definition_of(version)
    try:
        definition.page(state.page)
    except (KeyError, LookupError):
        return _unavailable(request, "bad_state", 400)
    action = request.POST.get("action", "next")
    raw = raw_page_answers(definition, state.page, request.POST)
    on_page = _page_keys_items(definition, state.page)
    previous = {k: v for k, v in state.answers.items() if k not in on_page}

    if action in {"lang-sv", "lang-en"}:  # switch language, keep what was typed, validate nothing
        language = action[5:] if action[5:] in definition.languages else state.language
        kept = {**previous, **raw}
        return render_page(
            request,
            distribution,
            definition,
            RespondentState(
                state.submission_id,
                state.distribution_id,
                state.version_id,
                state.page,
                language,
                state.answers,
            ),
            shown=kept,
            flow=flow,
        )
    try:
        validated = validate_page_answers(definition, state.page, raw, previous=previous)
    except AnswerErrors as errors:
        if action == "back":
            target = previous_page_key(definition, state.page, previous) or state.page
            return render_page(request, distribution, definition, state.at(target, previous), flow=flow)
        return render_page(
            request, distribution, definition, state, errors=errors, shown={**previous, **raw}, flow=flow
        )
    answers = {**previous, **validated.as_input()}
    if action == "back":
        target = previous_page_key(definition, state.page, answers) or state.page
        return render_page(request, distribution, definition, state.at(target, answers), flow=flow)
    following = next_page_key(definition, state.page, answers)
    if following is not None:
        return render_page(request, distribution, definition, state.at(following, answers), flow=flow)
    try:
        receipt = submit_response(
            version=version,
            distribution=distribution,
            submission_id=state.submission_id,
            answers=answers,
            language=state.language,
        )
    except AnswerErrors as errors:
        return render_page(request, distribution, definition, state, errors=errors, shown=answers, flow=flow)
    if flow.finish is not None:
        return flow.finish(receipt)
    if not _wants_html(request):
        return JsonResponse(
            {"receipt": receipt.code, "stored": receipt.created}, status=201 if receipt.created else 200
        )
    return redirect("collect:thanks", token=distribution.token, receipt=receipt.code, permanent=False)


@gzip_page
@require_http_methods(["GET"])
def thanks(request: HttpRequest, token: str, receipt: str) -> HttpResponse:
    response = response_by_receipt(token, receipt)
    if response is None:
        return _unavailable(request, "unknown", 404)
    definition = definition_of(response.version)
    language = _language(request, definition, response.language)
    kiosk = response.channel == Channel.KIOSK
    context = {
        "title": definition.title.in_language(language),
        "outro": definition.outro.in_language(language) if definition.outro else "",
        "receipt": response.receipt,
        "kiosk": kiosk,
        "restart_url": f"/s/{token}/",
        "restart_seconds": KIOSK_RESTART_SECONDS,
    }
    page = _render(request, "collect/thanks.html", context, language)
    return _kiosk(page) if kiosk else page
