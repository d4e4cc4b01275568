"""The taxonomy pages: parse, call the actions and queries, render. Editors only (see queries)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundpuls.errors import KundpulsError, NotFound
from kundpuls.reports.theme_discovery import discovery_periods
from kundpuls.text.taxonomy import TERM_KINDS
from kundpuls.text.tokens import LANGUAGES
from kundpuls.web.language import page_language
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.org.tenancy import outside_organisations
from kundpuls.web.surveys.queries import survey_by_key, surveys_of
from kundpuls.web.themes import actions, queries
from kundpuls.web.themes.forms import AcceptForm, DiscoveryForm, ThemeForm, UploadForm
from kundpuls.web.themes.problems import TaxonomyInvalid

View = Callable[..., HttpResponse]


def editors_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not queries.editable_organisations(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


SESSION_ORGANISATION = "themes_organisation"


def _organisation(request: HttpRequest) -> Unit:
    """The organisation whose taxonomy the pages show and change: one whose taxonomy the person may edit,
    chosen with ``?organisation=CODE`` (remembered in the session) when they may edit several."""
    choices = queries.editable_organisations(request.user)
    by_code = {unit.code: unit for unit in choices}
    wanted = request.GET.get("organisation")
    if wanted in by_code:
        request.session[SESSION_ORGANISATION] = wanted
    remembered = request.session.get(SESSION_ORGANISATION)
    return by_code.get(str(remembered), choices[0])


def _yaml_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@editors_only
def theme_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    taxonomy = queries.taxonomy_in_force(organisation)
    usage = queries.theme_usage(organisation, taxonomy.keys)
    counted = queries.comments_per_theme(organisation, taxonomy)
    language = page_language()
    term_columns = [("sv", _("Swedish terms")), ("en", _("English terms"))]
    rows = []
    for theme in taxonomy.themes:
        terms: dict[str, dict[str, list[str]]] = {
            lang: {kind: list(getattr(theme.terms[lang], kind)) for kind in TERM_KINDS}
            for lang in LANGUAGES
            if lang in theme.terms
        }
        rows.append(
            {
                "key": theme.key,
                "label": theme.label_in(language),
                "label_sv": theme.label.get("sv", ""),
                "label_en": theme.label.get("en", ""),
                "terms": terms,
                "term_cells": [
                    {
                        "language": lang,
                        "heading": heading,
                        "terms": terms.get(lang),
                        "count": sum(len(found) for found in terms.get(lang, {}).values()),
                    }
                    for lang, heading in term_columns
                ],
                "usage": usage.get(theme.key),
                "comments": None if counted is None else counted.counts.get(theme.key, 0),
                "share": None if counted is None else counted.share(theme.key),
                "complaints": None if counted is None else counted.complaints.get(theme.key, 0),
                "praise": None if counted is None else counted.praise.get(theme.key, 0),
            }
        )
    context = {
        "rows": rows,
        "revision": queries.current_revision(organisation),
        "counted": counted,
        "not_counted": queries.survey_titles(organisation, counted.hidden) if counted else [],
        "organisation": organisation,
        "organisations": queries.editable_organisations(request.user),
    }
    return render(request, "themes/list.html", context)


def _theme_form_page(request: HttpRequest, key: str | None) -> HttpResponse:
    organisation = _organisation(request)
    taxonomy = queries.taxonomy_in_force(organisation)
    new = key is None
    if not new and key not in taxonomy.keys:
        raise Http404(f"theme: no theme {key!r}")
    if request.method == "POST":
        form = ThemeForm(request.POST, new=new)
        if form.is_valid():
            theme_key = form.cleaned_data["key"] if new else str(key)
            values = form.node_values()
            node = actions.theme_node(
                label=values["label"], terms=values["terms"], description=values["description"]
            )
            try:
                actions.save_theme(
                    organisation,
                    theme_key,
                    node,
                    actor=actor_of(request),
                    new=new,
                    note=form.cleaned_data.get("note", ""),
                )
            except TaxonomyInvalid as exc:
                form.add_problems(exc)
            except KundpulsError as exc:
                form.add_error("key" if new else None, str(exc))
            else:
                messages.success(request, _("The theme %(key)s was saved.") % {"key": theme_key})
                return redirect("themes:list")
    else:
        initial = {} if new else ThemeForm.initial_for(taxonomy.theme(str(key)))
        form = ThemeForm(initial=initial, new=new)
    usage = None if new else queries.theme_usage(organisation, [str(key)]).get(str(key))
    known = not new and key in taxonomy.keys
    name = taxonomy.theme(str(key)).label_in(get_language() or "sv") if known else key
    context = {"form": form, "key": key, "name": name, "new": new, "usage": usage}
    return render(request, "themes/edit.html", context, status=400 if form.errors else 200)


@editors_only
def theme_new(request: HttpRequest) -> HttpResponse:
    return _theme_form_page(request, None)


@editors_only
def theme_edit(request: HttpRequest, key: str) -> HttpResponse:
    return _theme_form_page(request, key)


@editors_only
@require_POST
def theme_remove(request: HttpRequest, key: str) -> HttpResponse:
    organisation = _organisation(request)
    try:
        actions.remove_theme(organisation, key, actor=actor_of(request))
    except KundpulsError as exc:
        messages.error(request, str(exc))
        return (
            redirect("themes:edit", key=key)
            if key in queries.taxonomy_in_force(organisation).keys
            else redirect("themes:list")
        )
    messages.success(request, _("The theme %(key)s was removed.") % {"key": key})
    return redirect("themes:list")


@editors_only
def history(request: HttpRequest) -> HttpResponse:
    return render(request, "themes/history.html", {"revisions": queries.revisions(_organisation(request))})


@editors_only
@require_POST
def restore(request: HttpRequest, number: int) -> HttpResponse:
    try:
        actions.restore(_organisation(request), number, actor=actor_of(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except KundpulsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Revision %(n)d is in force again (as a new revision).") % {"n": number})
    return redirect("themes:history")


@editors_only
def download(request: HttpRequest, number: int | None = None) -> HttpResponse:
    if number is None:
        text, name = queries.taxonomy_in_force(_organisation(request)).to_yaml(), "teman.yaml"
    else:
        try:
            text, name = queries.revision(_organisation(request), number).text, f"teman-r{number}.yaml"
        except NotFound as exc:
            raise Http404(str(exc)) from exc
    return _yaml_response(text, name)


@editors_only
def upload(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            raw = form.cleaned_data["file"].read()
            try:
                text = raw.decode("utf-8-sig")
                note = form.cleaned_data.get("note", "")
                actions.import_text(_organisation(request), text, actor=actor_of(request), note=note)
            except UnicodeDecodeError:
                errors = [_("(root): the file is not UTF-8 text")]
            except TaxonomyInvalid as exc:
                errors = exc.messages()
            except KundpulsError as exc:
                errors = [str(exc)]
            else:
                messages.success(request, _("The uploaded taxonomy is in force."))
                return redirect("themes:list")
    else:
        form = UploadForm()
    status = 400 if (errors or form.errors) else 200
    return render(request, "themes/upload.html", {"form": form, "errors": errors}, status=status)


def _discovery_choices(request: HttpRequest) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    surveys = [(s.url_key, s.title) for s in surveys_of(request.user).order_by("key")]
    units = units_where(request.user, Capability.VIEW_COMMENTS).order_by("path")
    return surveys, [(u.code, f"{'– ' * u.depth}{u.name} ({u.code})") for u in units]


def _periods(request: HttpRequest, reference: str | None) -> list[str]:
    """The quarters the survey ``reference`` (``KEY`` or ``ORG:KEY``) has comments in (by its lake key)."""
    if not reference:
        return []
    try:
        survey = survey_by_key(reference, actor=request.user)
        return discovery_periods(str(settings.KUNDPULS_LAKE_DIR), survey.lake_key)
    except (KundpulsError, LookupError, OSError):
        return []


@editors_only
def discover(request: HttpRequest) -> HttpResponse:
    surveys, units = _discovery_choices(request)
    source = request.POST if request.method == "POST" else request.GET
    survey_key = source.get("survey") or (surveys[0][0] if surveys else None)
    form = DiscoveryForm(
        source if request.method == "POST" else None,
        initial={"survey": survey_key},
        surveys=surveys,
        units=units,
        periods=_periods(request, survey_key),
    )
    if request.method == "POST" and form.is_valid():
        survey = survey_by_key(form.cleaned_data["survey"], actor=request.user)
        unit = Unit.objects.get(code=form.cleaned_data["unit"])
        try:
            run = actions.run_discovery(
                survey, unit, actor=actor_of(request), period=form.cleaned_data["period"]
            )
        except KundpulsError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("themes:discovery", pk=run.pk)
    context = {"form": form, "runs": queries.discovery_runs(request.user)}
    return render(request, "themes/discover.html", context, status=400 if form.errors else 200)


def _run_for(request: HttpRequest, pk: int) -> Any:
    try:
        run = queries.discovery_run(pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if outside_organisations(request.user, run.unit):
        raise Http404
    if not can(request.user, Capability.VIEW_COMMENTS, run.unit):
        raise PermissionDenied
    if not queries.may_edit_taxonomy(request.user, run.survey.organisation):
        raise PermissionDenied
    return run


def _accept_form(run: Any, index: int, themes: list[tuple[str, str]], data: Any = None) -> AcceptForm:
    proposal = run.proposals[index]
    terms = list(proposal["top_terms"])
    return AcceptForm(
        data,
        prefix=f"p{index + 1}",
        themes=themes,
        terms=terms,
        initial={"words": terms, "target": AcceptForm.NEW},
    )


def _run_page(request: HttpRequest, run: Any, forms: dict[int, AcceptForm] | None = None) -> HttpResponse:
    language = page_language()
    taxonomy = queries.taxonomy_in_force(run.survey.organisation)
    themes = [(t.key, f"{t.label_in(language)} ({t.key})") for t in taxonomy.themes]
    forms = forms or {}
    proposals = [
        {"index": i + 1, "data": p, "form": forms.get(i) or _accept_form(run, i, themes)}
        for i, p in enumerate(run.proposals)
    ]
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "themes/discovery.html", {"run": run, "proposals": proposals}, status=status)


@editors_only
def discovery_run(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, _run_for(request, pk))


@editors_only
@require_POST
def discovery_accept(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    run = _run_for(request, pk)
    if not 1 <= index <= len(run.proposals):
        raise Http404("proposal")
    language = page_language()
    taxonomy = queries.taxonomy_in_force(run.survey.organisation)
    themes = [(t.key, f"{t.label_in(language)} ({t.key})") for t in taxonomy.themes]
    form = _accept_form(run, index - 1, themes, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        new = data["target"] == AcceptForm.NEW
        try:
            revision = actions.accept_proposal(
                run,
                index - 1,
                actor=actor_of(request),
                key=data["key"] if new else data["target"],
                label={"sv": data["label_sv"], "en": data["label_en"]} if new else None,
                words=data["words"],
            )
        except TaxonomyInvalid as exc:
            for message in exc.messages():
                form.add_error("key" if new else None, message)
        except KundpulsError as exc:
            form.add_error("key" if new else "target", str(exc))
        else:
            messages.success(
                request, _("Accepted: the taxonomy is now revision %(n)d.") % {"n": revision.number}
            )
            return redirect("themes:discovery", pk=run.pk)
    return _run_page(request, run, {index - 1: form})
