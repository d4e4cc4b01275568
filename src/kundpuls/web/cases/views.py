"""Staff pages for follow-up cases: parse the request, call queries/actions, render."""

from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundpuls.errors import InvalidArgument, KundpulsError, NotFound, ValidationError
from kundpuls.render.formula_guard import csv_row
from kundpuls.web.accounts.models import User
from kundpuls.web.cases import actions, labels, queries
from kundpuls.web.cases.case_list import case_page
from kundpuls.web.cases.dialogue import dialogue_of
from kundpuls.web.cases.models import AlertRuleSet, Case, CaseStatus
from kundpuls.web.cases.rule_form import AlertRulesForm, field_for
from kundpuls.web.downloads import attachment
from kundpuls.web.language import page_language
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.permissions import Capability, can
from kundpuls.web.org.queries import unit_by_code
from kundpuls.web.surveys.queries import survey_by_key
from kundpuls.web.themes.queries import taxonomy_in_force


def _refuse(request: HttpRequest, reason: str) -> PermissionDenied:
    """A 403 whose page says why (``templates/403.html`` shows ``request.refusal_reason``)."""
    request.refusal_reason = reason  # type: ignore[attr-defined]
    return PermissionDenied(reason)


def _case_for(request: HttpRequest, pk: int, *, to_change: bool = False) -> Case:
    try:
        case = queries.case_by_id(pk, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not can(request.user, Capability.VIEW_CASES, case.unit):
        raise _refuse(request, _("Your role does not cover the follow-up cases of this unit."))
    if to_change and not can(request.user, Capability.HANDLE_CASES, case.unit):
        raise _refuse(
            request,
            _(
                "You may read this case but not change it: "
                "only the unit's managers and administrators handle cases."
            ),
        )
    return case


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.VIEW_CASES):
        raise _refuse(
            request, _("Your role does not include follow-up cases. Ask an administrator if you need them.")
        )
    today = timezone.localdate()
    listed = case_page(request.user, request.GET, today=today)
    language = page_language()
    rule_names: dict[int, dict[str, str]] = {}
    rows = []
    for c in listed.cases:
        if c.survey_id not in rule_names:
            rule_names[c.survey_id] = labels.rule_label_map(c.survey_id, language)
        rows.append(
            {
                **queries.case_row(c, today=today),
                "unit_name": c.unit.name,
                "status_label": c.get_status_display(),
                "reasons": labels.rule_labels(c, language, known=rule_names[c.survey_id]),
                # the address may break before its "@" on a narrow column
                "assignee_at": c.assignee.email.partition("@") if c.assignee else None,
            }
        )
    chosen = {k: v for k, v in listed.form.cleaned_data.items() if k != "page" and v}
    filters = urlencode({k: (v if k != "overdue" else "1") for k, v in chosen.items()})
    context = {"rows": rows, "listed": listed, "form": listed.form, "filters": filters}
    return render(request, "cases/list.html", context, status=400 if listed.form.errors else 200)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    may_handle = can(request.user, Capability.HANDLE_CASES, case.unit)
    handlers = [
        u
        for u in User.objects.filter(is_active=True, roles__unit_id__in=case.unit.ancestor_ids()).distinct()
        if can(u, Capability.HANDLE_CASES, case.unit)
    ]
    language = page_language()
    taxonomy = taxonomy_in_force(case.survey.organisation_id)
    context = {
        "case": case,
        "may_handle": may_handle,
        "dialogue": dialogue_of(case, queries.contact_for(request.user, case), language),
        "overdue": queries.is_overdue(case),
        "rule_labels": labels.rule_labels(case, language),
        "root_causes": labels.theme_labels(list(case.root_causes), taxonomy, language),
        "events": [(e, labels.event_label(e.kind)) for e in case.events.select_related("actor")],
        "notes": case.notes.select_related("author"),
        "handlers": handlers,
        "themes": [(t.key, t.label_in(language)) for t in taxonomy.themes],
        "next_status": [
            (step, CaseStatus(step).label) for step in sorted(actions.TRANSITIONS.get(case.status, ()))
        ],
    }
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, to_change=True)
    what = request.POST.get("action", "")
    try:
        if what == "assign":
            actions.assign(case, _assignee(request.POST.get("assignee", "")), actor=actor_of(request))
        elif what == "due_date":
            actions.set_due_date(case, _due_date(request.POST.get("due_date", "")), actor=actor_of(request))
        elif what == "note":
            actions.add_note(case, request.POST.get("text", ""), actor=actor_of(request))
        elif what == "advance":
            actions.advance(
                case,
                request.POST.get("status", ""),
                actor=actor_of(request),
                root_causes=request.POST.getlist("root_causes"),
                improvement=request.POST.get("improvement", ""),
            )
        elif what == "close_without_contact":
            actions.close_without_contact(case, request.POST.get("reason", ""), actor=actor_of(request))
        else:
            raise Http404("unknown action")
    except KundpulsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The case was updated."))
    return redirect("cases:detail", pk=case.pk)


def _assignee(raw: str) -> User | None:
    """The person picked as the case's handler; nobody for the empty choice. An id that names nobody is
    refused, never read as "nobody" (which would take the case from its handler)."""
    raw = raw.strip()
    if not raw:
        return None
    found = User.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None
    if found is None:
        raise InvalidArgument(
            _("assignee: %(value)r is not a person who can be picked") % {"value": raw[:40]},
            field="assignee",
            value=raw[:40],
        )
    return found


def _due_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise InvalidArgument(
            _("due_date: %(value)r is not a date (YYYY-MM-DD)") % {"value": raw[:40]},
            field="due_date",
            value=raw[:40],
        ) from exc


def _period(request: HttpRequest) -> tuple[date, date] | str:
    """``start`` and ``end`` (default: this year so far), or the error naming the field and the value."""
    today = timezone.localdate()
    found: dict[str, date] = {}
    for field, default in (("start", f"{today.year}-01-01"), ("end", today.isoformat())):
        raw = request.GET.get(field) or default
        try:
            found[field] = date.fromisoformat(raw)
        except ValueError:
            return _("%(field)s: %(value)r is not a date (YYYY-MM-DD)") % {"field": field, "value": raw[:40]}
    if found["end"] < found["start"]:
        return _("end: %(end)s is before start %(start)s") % {
            "end": found["end"].isoformat(),
            "start": found["start"].isoformat(),
        }
    return found["start"], found["end"]


@login_required
def summary(request: HttpRequest, code: str) -> HttpResponse:
    """ "Ni sa, vi gjorde": publishable (no personal data); CSV/JSON with ?format=csv|json."""
    try:
        unit = unit_by_code(code, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not can(request.user, Capability.VIEW_RESULTS, unit):
        raise PermissionDenied
    period = _period(request)
    if isinstance(period, str):
        return HttpResponseBadRequest(period, content_type="text/plain; charset=utf-8")
    start, end = period
    data = queries.you_said_we_did(unit, start, end, language=get_language() or "sv")
    fmt = request.GET.get("format")
    if fmt == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    if fmt == "csv":
        buffer = io.StringIO()
        english = get_language() == "en"
        writer = csv.writer(buffer, delimiter="," if english else ";")  # as a spreadsheet reads it
        writer.writerow([_("Unit"), _("From"), _("To"), _("Root cause"), _("Closed cases"), _("What we did")])
        for row in data["by_root_cause"]:
            writer.writerow(
                csv_row(
                    [
                        unit.name,
                        start,
                        end,
                        row["label"],
                        row["cases"],
                        " | ".join(row["improvements"]),
                    ]
                )
            )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        return attachment(response, _("You said, we did"), unit.name, extension="csv")
    return render(request, "cases/summary.html", {"data": data, "unit": unit})


@login_required
def rules_edit(request: HttpRequest, key: str) -> HttpResponse:
    try:
        survey = survey_by_key(key, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not can(request.user, Capability.MANAGE_SURVEYS, survey.owner):
        raise PermissionDenied
    ruleset = AlertRuleSet.objects.filter(survey=survey).first()
    text = actions.rules_as_text(ruleset)
    error = None
    form_post = request.method == "POST" and "rules" not in request.POST
    language = page_language()
    form = AlertRulesForm(
        request.POST if form_post else None,
        stored=ruleset.rules if ruleset else {"rules": []},
        items=queries.rule_items(survey, language),
        themes=[
            (t.key, t.label_in(language), tuple(t.label.values()))
            for t in taxonomy_in_force(survey.organisation_id).themes
        ],
    )
    previewing = form_post and request.POST.get("action") == "preview"
    draft_preview = None
    if request.method == "POST":
        try:
            if form_post:
                if not form.is_valid():
                    raise ValidationError(_("Please correct the form"), field=None, value=None)
                if previewing:  # counted, not saved
                    draft_preview = queries.preview_rules(survey, form.rules())
                else:
                    actions.save_rules(survey, form.rules(), actor=actor_of(request))
            else:
                text = request.POST.get("rules", "")
                actions.save_rules(survey, text, actor=actor_of(request))
        except KundpulsError as exc:
            error = str(exc)
            if form_post and form.is_valid():
                path = getattr(exc, "field", None)
                field = field_for(form, path)
                # on its field the message needs no path into the stored rules ("rules[1].when[0].theme: ")
                form.add_error(field, error.removeprefix(f"{path}: ") if field and path else error)
        else:
            if not previewing:
                messages.success(request, _("The alert rules were saved."))
                return redirect("cases:rules", key=survey.url_key)
    return render(
        request,
        "cases/rules.html",
        {
            "survey": survey,
            "text": text,
            "error": None if form_post else error,
            "form": form,
            "preview": queries.rules_preview(ruleset) if ruleset else None,
            "draft_preview": draft_preview,
        },
        status=400 if error else 200,
    )
