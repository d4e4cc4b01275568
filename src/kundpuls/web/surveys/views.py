"""Staff pages for surveys: list, create, preview, publish, open for units, close, QR codes and posters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundpuls.errors import KundpulsError, NotFound, ValidationError
from kundpuls.instruments import (
    SurveyDefinition,
    definition_to_dict,
    first_page_key,
    load_template,
    parse_definition,
)
from kundpuls.web.downloads import attachment
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.org.tenancy import outside_organisations
from kundpuls.web.surveys import actions, queries
from kundpuls.web.surveys.forms import NewSurveyForm, OpenForUnitsForm
from kundpuls.web.surveys.models import Distribution, Survey
from kundpuls.web.surveys.page_form import page_view
from kundpuls.web.surveys.posters import CONTENT_TYPES, distribution_file
from kundpuls.yaml_input import MAX_YAML_CHARS, load_yaml


def _survey_for(request: HttpRequest, key: str, capability: Capability = Capability.MANAGE_SURVEYS) -> Survey:
    try:
        survey = queries.survey_by_key(key, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not can(request.user, capability, survey.owner):
        raise PermissionDenied
    return survey


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    owners = units_where(request.user, Capability.MANAGE_SURVEYS)
    if not owners.exists():
        raise PermissionDenied
    rows = [r for r in queries.survey_rows() if owners.filter(code=r["owner"]).exists()]
    per_unit = queries.counts_per_unit([(r["organisation"], r["key"]) for r in rows])
    rows = [r | {"units": per_unit[(r["organisation"], r["key"])]} for r in rows]
    return render(request, "surveys/list.html", {"rows": rows})


@login_required
def survey_new(request: HttpRequest) -> HttpResponse:
    owners = units_where(request.user, Capability.MANAGE_SURVEYS).filter(valid_to__isnull=True)
    if not owners.exists():
        raise PermissionDenied
    form = NewSurveyForm(request.POST or None, request.FILES or None, owners=owners, language=get_language())
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data["owner"]
        try:
            if form.cleaned_data["template"]:  # a second copy needs its own key: the editor's "skapa" page
                data = definition_to_dict(load_template(form.cleaned_data["template"]))
                version = actions.create_survey(data, owner=owner, actor=actor_of(request))
            else:
                upload = form.cleaned_data["definition"]
                if upload.size > MAX_YAML_CHARS:
                    raise KundpulsError(_("definition: the file is larger than 1 MB"))
                data = load_yaml(upload.read().decode("utf-8"), field="definition")
                version = actions.save_definition(
                    parse_definition(data), owner=owner, actor=actor_of(request)
                )
        except (KundpulsError, UnicodeDecodeError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Survey saved as a draft. Preview it, then publish it."))
            return redirect("surveys:detail", key=version.survey.url_key)
    return render(request, "surveys/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def survey_detail(request: HttpRequest, key: str) -> HttpResponse:
    survey = _survey_for(request, key)
    units = Unit.objects.filter(path__startswith=survey.owner.path, valid_to__isnull=True).order_by("path")
    context = {
        "survey": survey,
        "versions": survey.versions.order_by("-number"),
        "current": queries.current_version(survey),
        "distributions": survey.distributions.filter(closed_at__isnull=True).select_related("unit"),
        "closed_distributions": queries.closed_distributions(survey),
        "open_form": OpenForUnitsForm(units=units),
        "counts": queries.responses_per_unit_and_day(survey)[-60:],
    }
    return render(request, "surveys/detail.html", context)


def _page_title(definition: SurveyDefinition, page_key: str, language: str) -> str:
    """A page as staff name it: its title, else "Sida 2" (never its key)."""
    page = definition.page(page_key)
    if page.title is not None:
        return page.title.in_language(language)
    return _("Page %(number)d") % {"number": definition.page_position(page_key) + 1}


@login_required
def survey_preview(request: HttpRequest, key: str) -> HttpResponse:
    survey = _survey_for(request, key)
    wanted = request.GET.get("version", "")
    if wanted and not wanted.isdigit():
        raise Http404("version: not a version number")
    versions = survey.versions.order_by("-number")
    version = versions.filter(number=int(wanted)).first() if wanted else versions.first()
    if version is None:
        raise Http404
    definition = queries.definition_of(version)
    language = request.GET.get("lang") if request.GET.get("lang") in definition.languages else get_language()
    page_key = request.GET.get("sida") or first_page_key(definition, {})
    if page_key not in definition.page_keys:
        raise Http404
    context = {
        "survey": survey,
        "version": version,
        "title": definition.title.in_language(language or "sv"),
        "page_title": _page_title(definition, page_key, language or "sv"),
        "pages": [(key, _page_title(definition, key, language or "sv")) for key in definition.page_keys],
        "current": page_key,
        "blocks": page_view(definition, page_key, {}, language=language or "sv", every_question=True),
    }
    return render(request, "surveys/preview.html", context)


@login_required
@require_POST
def survey_publish(request: HttpRequest, key: str) -> HttpResponse:
    survey = _survey_for(request, key)
    version = survey.versions.order_by("-number").first()
    if version is not None:
        try:
            actions.publish(version, actor=actor_of(request))
        except ValidationError as exc:  # English texts missing: back to the editor, which flags them
            messages.error(request, str(exc).split(": ", 1)[-1])
            return redirect("surveys:editor", key=key)
        messages.success(request, _("Version %(n)d is published.") % {"n": version.number})
    return redirect("surveys:detail", key=key)


@login_required
@require_POST
def survey_open(request: HttpRequest, key: str) -> HttpResponse:
    survey = _survey_for(request, key)
    units = Unit.objects.filter(path__startswith=survey.owner.path, valid_to__isnull=True)
    form = OpenForUnitsForm(request.POST, units=units)
    if form.is_valid():
        try:
            for unit in form.cleaned_data["units"]:
                actions.open_distribution(
                    survey, unit, channel=form.cleaned_data["channel"], actor=actor_of(request)
                )
        except KundpulsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The survey is open for the chosen units."))
    else:
        messages.error(request, _("Choose at least one unit."))
    return redirect("surveys:detail", key=key)


def _chosen_distributions(survey: Survey, raw: list[str]) -> list[Distribution]:
    if not all(value.isdigit() for value in raw):
        raise Http404("utskick: not a distribution number")
    chosen = list(
        survey.distributions.filter(pk__in=[int(v) for v in raw], closed_at__isnull=True).select_related(
            "unit"
        )
    )
    if len(chosen) != len(set(raw)):
        raise Http404("utskick: no such open distribution of this survey")
    return chosen


@login_required
def survey_close(request: HttpRequest, key: str) -> HttpResponse:
    """Close one unit's link, several, or the whole survey: a confirmation page first (no JavaScript)."""
    survey = _survey_for(request, key)
    source = request.POST if request.method == "POST" else request.GET
    whole = source.get("alla") == "1"
    subtree = Unit.objects.filter(code=source.get("enhet", "")).first() if source.get("enhet") else None
    if source.get("enhet") and subtree is None:
        raise Http404("enhet: no such unit")
    open_links = survey.distributions.filter(closed_at__isnull=True).select_related("unit")
    if whole:
        chosen = list(open_links)
    elif subtree is not None:  # a unit and every unit under it
        chosen = list(open_links.filter(unit__path__startswith=subtree.path))
    else:
        chosen = _chosen_distributions(survey, source.getlist("utskick"))
    if not whole and not chosen:
        messages.error(request, _("Choose the link to close."))
        return redirect("surveys:detail", key=key)
    if request.method == "POST" and request.POST.get("bekrafta") == "1":
        if whole:
            actions.close_survey(survey, actor=actor_of(request))
            messages.success(request, _("The survey is closed for every unit."))
        else:
            count = actions.close_distributions(survey, chosen, actor=actor_of(request))
            messages.success(request, _("%(n)d link(s) closed.") % {"n": count})
        return redirect("surveys:detail", key=key)
    answers = dict(queries.responses_per_distribution(survey))
    rows = [{"distribution": d, "responses": answers.get(d.pk, 0)} for d in chosen]
    total = sum(answers.get(d.pk, 0) for d in chosen)
    below = None
    if not whole and subtree is None and len(chosen) == 1:
        unit = chosen[0].unit
        count = open_links.filter(unit__path__startswith=unit.path).count()
        below = {"unit": unit, "count": count} if count > 1 else None
    context = {
        "survey": survey,
        "whole": whole,
        "rows": rows,
        "total": total,
        "below": below,
        "subtree": subtree,
    }
    return render(request, "surveys/close.html", context)


@login_required
@require_POST
def survey_reopen(request: HttpRequest, key: str) -> HttpResponse:
    """Open a closed link again, under its old address."""
    survey = _survey_for(request, key)
    raw = request.POST.get("utskick", "")
    distribution = survey.distributions.filter(pk=int(raw) if raw.isdigit() else -1).first()
    if distribution is None:
        raise Http404("utskick: no such distribution of this survey")
    try:
        actions.reopen_distribution(distribution, actor=actor_of(request))
    except KundpulsError as exc:
        messages.error(request, str(exc).split(": ", 1)[-1])
    else:
        messages.success(request, _("The link of %(unit)s is open again.") % {"unit": distribution.unit.name})
    return redirect("surveys:detail", key=key)


@login_required
def distribution_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    distribution = get_object_or_404(Distribution.objects.select_related("survey__owner", "unit"), pk=pk)
    if outside_organisations(request.user, distribution.survey.owner):
        raise Http404
    allowed = can(request.user, Capability.MANAGE_SURVEYS, distribution.survey.owner) or can(
        request.user, Capability.VIEW_RESULTS, distribution.unit
    )
    if not allowed:
        raise PermissionDenied
    if kind not in CONTENT_TYPES:
        raise Http404
    content = distribution_file(distribution, kind, language=get_language() or "sv")
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    return attachment(response, distribution.survey.title, distribution.unit.name, extension=kind)
