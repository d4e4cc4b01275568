"""The survey editor (staff pages under ``/portal/enkater/<key>/redigera/``): parse, call, render.

The editor edits the survey's draft: the newest version when unpublished; after a publication the first
save makes a new draft version (``actions.save_definition``). Every save is validated by ``instruments``
as an uploaded definition is; its problems are shown next to their fields (``definition_messages``).
Structure changes (add, move, remove) are plain POST forms, so the editor works without JavaScript.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundpuls.errors import KundpulsError, NotFound, ValidationError
from kundpuls.instruments import DefinitionErrors, load_template, parse_definition, stored_items
from kundpuls.instruments.loading import definition_to_dict
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.surveys import actions, drafts, english_gaps, queries, version_diff
from kundpuls.web.surveys.condition_picker import Place, conditions_at, readings
from kundpuls.web.surveys.condition_reading import reading
from kundpuls.web.surveys.definition_messages import describe_path, in_language, split_by_field
from kundpuls.web.surveys.editor_forms import (
    AddPageForm,
    AddQuestionForm,
    BlockForm,
    CodebookForm,
    PageForm,
    StartForm,
    SurveyTextsForm,
)
from kundpuls.web.surveys.models import Survey, SurveyVersion
from kundpuls.web.surveys.question_form import TYPE_LABELS, QuestionForm
from kundpuls.web.surveys.views import _survey_for


def _latest(survey: Survey) -> SurveyVersion:
    version = survey.versions.order_by("-number").first()
    if version is None:
        raise Http404
    return version


def _data(survey: Survey) -> dict[str, Any]:
    return copy.deepcopy(_latest(survey).definition)


def _language() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def _shown(text: dict[str, str] | None) -> str:
    if not text:
        return ""
    return text.get(_language()) or text.get("sv", "")


def _save(
    request: HttpRequest, survey: Survey, data: dict[str, Any], *, renamed: tuple[str, str] | None = None
) -> list[Any] | None:
    """Save ``data`` as the draft; the problems (``DefinitionError``s) when refused, else None."""
    try:
        version = actions.save_draft(survey, data, renamed=renamed, actor=actor_of(request))
    except DefinitionErrors as exc:
        return list(exc.errors)
    except ValidationError as exc:
        return [exc]
    messages.success(request, _("Saved in draft version %(n)d.") % {"n": version.number})
    return None


def _refused(request: HttpRequest, problems: list[Any]) -> None:
    for problem in problems:
        where = (
            describe_path(problem.field or "")
            if (problem.field or "").startswith(("pages", "codebook"))
            else ""
        )
        text = in_language(problem)
        messages.error(request, f"{where}: {text}" if where else text)


def _pages(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The outline: pages, their sections (blocks) and questions, each saying whether a text of its own
    lacks English (flagged whether or not English is offered yet: texts can be translated first)."""
    pages = []
    for p, page in enumerate(data["pages"]):
        blocks = []
        for b, block in enumerate(page["blocks"]):
            questions = [
                {
                    "key": question["key"],
                    "type": TYPE_LABELS.get(question["type"], question["type"]),
                    "text": _shown(question["text"]),
                    "untranslated": bool(english_gaps.missing_in(question)),
                    "required": question.get("required", False),
                    "show_if": question.get("show_if", ""),
                    "reading": reading(question["show_if"], data, language=_language())
                    if question.get("show_if")
                    else None,
                }
                for question in block["questions"]
            ]
            blocks.append(
                {
                    "key": block["key"],
                    "title": _shown(block.get("title")) or _("Section %(number)d") % {"number": b + 1},
                    "untranslated": bool(english_gaps.missing_in(block)),
                    "first": p == 0 and b == 0,
                    "last": p == len(data["pages"]) - 1 and b == len(page["blocks"]) - 1,
                    "questions": questions,
                    "condition": _condition_said(block.get("show_if"), data),
                }
            )
        pages.append(
            {
                "key": page["key"],
                "number": p + 1,
                "title": _shown(page.get("title")) or _("Page %(number)d") % {"number": p + 1},
                "untranslated": bool(english_gaps.missing_in(page)),
                "blocks": blocks,
                "questions": [q for block in blocks for q in block["questions"]],
                "condition": _condition_said(page.get("show_if"), data),
            }
        )
    return pages


def _condition_said(source: str | None, data: dict[str, Any]) -> str:
    """A page's or section's condition in the page's language ("Visas bara om …."), or "" without one."""
    said = dict(readings(source, data))
    return said.get(_language(), "")


def _page_choices(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(page["key"], page["title"]) for page in _pages(data)]


@login_required
def editor(request: HttpRequest, key: str) -> HttpResponse:
    """The draft's outline (pages and questions with their buttons) and the survey's texts."""
    survey = _survey_for(request, key)
    version = _latest(survey)
    data = copy.deepcopy(version.definition)
    form = SurveyTextsForm(request.POST or None, initial=SurveyTextsForm.initial_from(data))
    status = 200
    if request.method == "POST" and form.is_valid():
        problems = _save(request, survey, form.apply(data))
        if problems is None:
            return redirect("surveys:editor", key=key)
        _placed, rest = split_by_field(problems, "", form.fields)
        for text in rest:
            form.add_error(None, text)
        for name, field in (("title", "title_en"), ("intro", "intro_en"), ("outro", "outro_en")):
            for problem in problems:
                if (problem.field or "").startswith(f"{name}."):
                    form.add_error(
                        field if problem.field.endswith(".en") else f"{name}_sv", in_language(problem)
                    )
    if form.errors:
        status = 400
    context = {
        "survey": survey,
        "version": version,
        "published": queries.current_version(survey),
        "form": form,
        "pages": _pages(data),
        "add_question": AddQuestionForm(pages=_page_choices(data), auto_id="id_fraga_%s"),
        "add_page": AddPageForm(auto_id="id_sida_%s"),
        "english": "en" in data.get("languages", []),
        "missing_english": len(english_gaps.missing_english(data)),
    }
    return render(request, "surveys/editor/outline.html", context, status=status)


@login_required
@require_POST
def editor_change(request: HttpRequest, key: str) -> HttpResponse:
    """One structure change: add a question or a page, move or remove a question or a page."""
    survey = _survey_for(request, key)
    data = _data(survey)
    operation = request.POST.get("op", "")
    target = request.POST.get("target", "")
    then = redirect("surveys:editor", key=key)
    try:
        if operation == "add_question":
            form = AddQuestionForm(request.POST, pages=_page_choices(data))
            if not form.is_valid():
                raise ValidationError(_("Choose a question type and a page."), field="type", value=None)
            new_key = drafts.free_key(data, "fraga")
            data = drafts.add_question(
                data, form.cleaned_data["page"], drafts.default_question(form.cleaned_data["type"], new_key)
            )
            then = redirect("surveys:editor_question", key=key, question=new_key)
        elif operation == "add_page":
            page_form = AddPageForm(request.POST)
            if not page_form.is_valid():
                raise ValidationError(_("Choose the type of the first question."), field="type", value=None)
            new_key = drafts.free_key(data, "fraga")
            title = page_form.cleaned_data["title_sv"].strip()
            title_en = page_form.cleaned_data["title_en"].strip()
            data = drafts.add_page(
                data,
                ({"sv": title} | ({"en": title_en} if title_en else {})) if title else None,
                drafts.default_question(page_form.cleaned_data["type"], new_key),
            )
            then = redirect("surveys:editor_question", key=key, question=new_key)
        elif operation in ("up", "down"):
            data = drafts.move_question(data, target, -1 if operation == "up" else 1)
        elif operation == "remove":
            data = drafts.remove_question(data, target)
        elif operation in ("page_up", "page_down"):
            data = drafts.move_page(data, target, -1 if operation == "page_up" else 1)
        elif operation == "page_remove":
            data = drafts.remove_page(data, target)
        elif operation in ("block_up", "block_down"):
            data = drafts.move_block(data, target, -1 if operation == "block_up" else 1)
            then = redirect(f"{reverse('surveys:editor', args=[key])}#b-{target}")
        else:
            raise ValidationError(
                _("op: unknown change %(value)r") % {"value": operation}, field="op", value=operation
            )
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:editor", key=key)
    problems = _save(request, survey, data)
    if problems is not None:
        _refused(request, problems)
        return redirect("surveys:editor", key=key)
    return then


@login_required
def editor_question(request: HttpRequest, key: str, question: str) -> HttpResponse:
    """One question's form; saving validates the whole definition and places its problems on the fields."""
    survey = _survey_for(request, key)
    data = _data(survey)
    try:
        stored = drafts.question_of(data, question)
        p, b, q = drafts.find_question(data, question)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    kind = stored["type"]
    form = QuestionForm(
        request.POST or None,
        kind=kind,
        conditions=conditions_at(data, Place(p, question=question), language=_language()),
        rows=QuestionForm.row_counts_of(stored),
        initial=QuestionForm.initial_from(stored),
    )
    if request.method == "POST" and form.is_valid() and not form.showing_values:
        changed = form.question(stored)
        problems = _save(
            request,
            survey,
            drafts.replace_question(data, question, changed),
            renamed=(question, changed["key"]),
        )
        if problems is None:
            return redirect(f"{request.path.rsplit('/fraga/', 1)[0]}/#q-{changed['key']}")
        own = [pr for pr in problems if pr.field in (question, changed["key"])]  # a refused change of meaning
        for problem in own:
            offer = _("A free key: %(key)s.") % {"key": drafts.free_key(data, question)}
            form.add_error("key", f"{in_language(problem)} {offer}")
        rest_problems = [pr for pr in problems if pr not in own]
        placed, rest = split_by_field(rest_problems, f"pages[{p}].blocks[{b}].questions[{q}]", form.fields)
        for name, texts in placed.items():
            for text in texts:
                form.add_error(form.condition_field() if name == "show_if" else name, text)
        for text in rest:
            form.add_error(None, text)
    context = {
        "survey": survey,
        "form": form,
        "kind": TYPE_LABELS[kind],
        "question_key": question,
        "question_text": _shown(stored.get("text")) or question,
        "english": "en" in data.get("languages", []),
        "readings": readings(form.picked() if form.showing_values else stored.get("show_if"), data),
    }
    return render(request, "surveys/editor/question.html", context, status=400 if form.errors else 200)


@login_required
def editor_page(request: HttpRequest, key: str, page: str) -> HttpResponse:
    """A page's title and introduction."""
    return _node_texts(request, key, page, block=False)


@login_required
def editor_block(request: HttpRequest, key: str, block: str) -> HttpResponse:
    """A section's (block's) title and introduction."""
    return _node_texts(request, key, block, block=True)


def _node_texts(request: HttpRequest, key: str, node: str, *, block: bool) -> HttpResponse:
    """The texts form of a page or a block: title and introduction in Swedish and English."""
    survey = _survey_for(request, key)
    data = _data(survey)
    try:
        if block:
            p, b = drafts.find_block(data, node)
            stored = data["pages"][p]["blocks"][b]
            path = f"pages[{p}].blocks[{b}]"
        else:
            p = drafts.page_index(data, node)
            stored, path = data["pages"][p], f"pages[{p}]"
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    initial = {
        f"{name}_{language}": (stored.get(name) or {}).get(language, "")
        for name in ("title", "intro")
        for language in ("sv", "en")
    }
    form = (BlockForm if block else PageForm)(request.POST or None, initial=initial)
    form.offer(
        conditions_at(data, Place(p, block=node if block else None), language=_language()),
        stored.get("show_if"),
    )
    if request.method == "POST" and form.is_valid() and not form.showing_values:
        replace = drafts.replace_block_texts if block else drafts.replace_page_texts
        changed = replace(data, node, title=form.title(), intro=form.intro(), show_if=form.condition())
        problems = _save(request, survey, changed)
        if problems is None:
            return redirect(f"{reverse('surveys:editor', args=[key])}#{'b' if block else 'p'}-{node}")
        for problem in problems:
            where = problem.field or ""
            if where == f"{path}.show_if":
                form.add_error(form.condition_field(), in_language(problem))
                continue
            for name in ("title", "intro"):
                if where.startswith(f"{path}.{name}"):
                    form.add_error(f"{name}_{'en' if where.endswith('.en') else 'sv'}", in_language(problem))
                    break
            else:
                form.add_error(None, f"{describe_path(where)}: {in_language(problem)}")
    context = {
        "survey": survey,
        "form": form,
        "page_key": node,
        "is_section": block,  # not "block": inside {% block %} Django's own "block" is always set
        "page": p + 1,
        "readings": readings(form.picked() if form.showing_values else stored.get("show_if"), data),
    }
    return render(request, "surveys/editor/page.html", context, status=400 if form.errors else 200)


def _item_choices(data: dict[str, Any]) -> list[tuple[str, str]]:
    try:
        definition = parse_definition(data, stored=True)
    except DefinitionErrors:
        return []
    language = _language()
    return [
        (item.key, f"{item.text.in_language(language)[:80]} ({item.key})")
        for item in stored_items(definition)
        if item.kind in ("numeric", "choice", "boolean")
    ]


@login_required
def editor_codebook(request: HttpRequest, key: str) -> HttpResponse:
    """The codebook: indices and their questions, main index, NPS/CSAT/CES questions, thresholds."""
    survey = _survey_for(request, key)
    data = _data(survey)
    codebook = data.get("codebook", {})
    form = CodebookForm(
        request.POST or None,
        codebook=codebook,
        items=_item_choices(data),
        initial=CodebookForm.initial_from(codebook),
    )
    if request.method == "POST" and form.is_valid():
        problems = _save(request, survey, data | {"codebook": form.codebook()})
        if problems is None:
            return redirect("surveys:editor_codebook", key=key)
        names = list(form.codebook().get("indices", {}))
        for problem in problems:
            path = problem.field or ""
            field = None
            for i, name in enumerate(names):
                if path.startswith(f"codebook.indices.{name}"):
                    field = (
                        f"index_items_{i}"
                        if ".items" in path
                        else f"index_min_{i}"
                        if "min_answered" in path
                        else f"index_name_{i}"
                    )
            for role in ("main_index", "nps", "csat", "ces", "comment_anonymity_threshold"):
                if path == f"codebook.{role}":
                    field = role
            form.add_error(field, in_language(problem))
    context = {"survey": survey, "form": form} | _codebook_summary(codebook)
    return render(request, "surveys/editor/codebook.html", context, status=400 if form.errors else 200)


def _codebook_summary(codebook: dict[str, Any]) -> dict[str, Any]:
    """The stored indices (kind, own weights or not, label without English) and the driver model."""
    indices = [
        {
            "name": name,
            "label": _shown(index.get("label")),
            "untranslated": bool(english_gaps.missing_in({"label": index.get("label")})),
            "positive_share": index.get("kind") == "positive_share",
            "own_weights": isinstance(index.get("weights"), dict),
        }
        for name, index in codebook.get("indices", {}).items()
    ]
    model = codebook.get("driver_model")
    mirrors = len(codebook.get("mirrors", []))
    return {"stored_indices": indices, "driver_model": model, "mirror_count": mirrors}


@login_required
def editor_start(request: HttpRequest) -> HttpResponse:
    """A new survey in the editor: blank, from a template, or a copy of a survey (for another owner too)."""
    owners = units_where(request.user, Capability.MANAGE_SURVEYS).filter(valid_to__isnull=True)
    if not owners.exists():
        raise PermissionDenied
    sources = [
        (survey.key, f"{survey.title} ({survey.key})")
        for survey in Survey.objects.select_related("owner").order_by("title")
        if can(request.user, Capability.MANAGE_SURVEYS, survey.owner)
    ]
    form = StartForm(request.POST or None, owners=owners, sources=sources, language=_language())
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        new_key, owner = cleaned["key"], cleaned["owner"]
        title = {"sv": cleaned["title_sv"].strip()} | (
            {"en": cleaned["title_en"].strip()} if cleaned["title_en"].strip() else {}
        )
        try:
            if cleaned["start"] == "copy":
                source = queries.survey_by_key(cleaned["source"], actor=request.user)
                if not can(request.user, Capability.MANAGE_SURVEYS, source.owner):
                    raise PermissionDenied
                version = actions.copy_survey(source, key=new_key, owner=owner, actor=actor_of(request))
            else:
                if cleaned["start"] == "template":
                    data = definition_to_dict(load_template(cleaned["template"])) | {"key": new_key}
                    if title["sv"]:
                        data["title"] = title | ({} if "en" in title else {"en": data["title"].get("en", "")})
                        data["title"] = {k: v for k, v in data["title"].items() if v}
                else:
                    data = drafts.blank_definition(new_key, title["sv"], title.get("en"))
                version = actions.create_survey(data, owner=owner, actor=actor_of(request))
        except DefinitionErrors as exc:
            for problem in exc.errors:
                form.add_error(
                    "title_en" if (problem.field or "").startswith("title.en") else None, in_language(problem)
                )
        except (KundpulsError, NotFound) as exc:
            form.add_error(
                "key" if getattr(exc, "field", None) == "key" else None, str(exc).split(": ", 1)[-1]
            )
        else:
            messages.success(request, _("The survey is created as a draft; change it here, then publish it."))
            return redirect("surveys:editor", key=version.survey.url_key)
    return render(request, "surveys/editor/start.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def versions(request: HttpRequest, key: str) -> HttpResponse:
    """What changed between two versions (``?fran=1&till=2``; by default the newest and the one before)."""
    survey = _survey_for(request, key)
    numbers = list(survey.versions.order_by("number").values_list("number", flat=True))
    if not numbers:
        raise Http404

    def number(name: str, default: int) -> int:
        raw = request.GET.get(name, "")
        if not raw:
            return default
        if not raw.isdigit() or int(raw) not in numbers:
            raise Http404(f"{name}: no version {raw!r}")
        return int(raw)

    newest = number("till", numbers[-1])
    older = [n for n in numbers if n < newest]
    oldest = number("fran", older[-1] if older else newest)
    old = survey.versions.get(number=oldest)
    new = survey.versions.get(number=newest)
    context = {
        "survey": survey,
        "numbers": numbers,
        "old": old,
        "new": new,
        "differences": version_diff.differences(old.definition, new.definition) if old != new else [],
    }
    return render(request, "surveys/editor/versions.html", context)


@login_required
def definition_file(request: HttpRequest, key: str) -> HttpResponse:
    """A version's definition as the YAML file ``kundpuls surveys import`` and the upload page read
    (``?version=N``; by default the newest)."""
    survey = _survey_for(request, key)
    raw = request.GET.get("version", "")
    if raw and not raw.isdigit():
        raise Http404(f"version: not a version number {raw!r}")
    version = survey.versions.filter(number=int(raw)).first() if raw else _latest(survey)
    if version is None:
        raise Http404(f"version: no version {raw!r}")
    text = yaml.safe_dump(version.definition, allow_unicode=True, sort_keys=False, width=100)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{survey.key}-v{version.number}.yaml"'
    return response
