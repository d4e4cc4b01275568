"""The editor's section pages: a new section, a section split in two, a section removed (its questions
join the section beside it). Parse, call, render, as the rest of the editor (``editor_views``): the change
is made on the draft's stored form (``drafts``) and saved through ``actions.save_draft``, which validates
the whole definition; its problems are placed on their fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kundpuls.errors import NotFound, ValidationError
from kundpuls.web.surveys import drafts
from kundpuls.web.surveys.definition_messages import describe_path, in_language
from kundpuls.web.surveys.editor_views import _data, _save, _shown
from kundpuls.web.surveys.section_forms import AddSectionForm, SectionTextsForm, SplitSectionForm
from kundpuls.web.surveys.views import _survey_for


def _outline(key: str, block: str) -> HttpResponse:
    return redirect(f"{reverse('surveys:editor', args=[key])}#b-{block}")


def _section_name(block: dict[str, Any], number: int) -> str:
    """A section as people know it: its title, else "Section N" (its place on its page)."""
    return _shown(block.get("title")) or _("Section %(number)d") % {"number": number}


def _positions(data: dict[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The places a new section can go, grouped by page: at the top of the page, or after each section
    (each place once: "after the first" is the same place as "before the second")."""
    groups = []
    for p, page in enumerate(data["pages"]):
        choices = []
        for b, block in enumerate(page["blocks"]):
            if b == 0:
                choices.append((f"before:{block['key']}", _("At the top of the page")))
            title = _shown(block.get("title"))
            label = (
                _("After the section %(name)s") % {"name": title}
                if title
                else _("After section %(number)d") % {"number": b + 1}
            )
            choices.append((f"after:{block['key']}", label))
        title = _shown(page.get("title")) or _("Page %(number)d") % {"number": p + 1}
        groups.append((title, choices))
    return groups


def _place_problems(form: SectionTextsForm, problems: list[Any], path: str) -> None:
    """Each problem on its field: the new section's texts and key; anything else above the form."""
    for problem in problems:
        where = problem.field or ""
        if where == "key" or where == f"{path}.key":
            form.add_error("key", in_language(problem))
            continue
        for name in ("title", "intro"):
            if where.startswith(f"{path}.{name}"):
                form.add_error(f"{name}_{'en' if where.endswith('.en') else 'sv'}", in_language(problem))
                break
        else:
            form.add_error(
                None, f"{describe_path(where)}: {in_language(problem)}" if where else in_language(problem)
            )


def _block_path(data: dict[str, Any], key: str) -> str:
    try:
        p, b = drafts.find_block(data, key)
    except NotFound:
        return "-"
    return f"pages[{p}].blocks[{b}]"


@login_required
def editor_add_section(request: HttpRequest, key: str) -> HttpResponse:
    """A new section on a page, before or after one of its sections, with a first question."""
    survey = _survey_for(request, key)
    data = _data(survey)
    beside = request.GET.get("efter", "")[:40]
    initial = {"key": drafts.free_key(data, "avsnitt"), "position": f"after:{beside}", "type": "rating"}
    form = AddSectionForm(
        request.POST or None, positions=_positions(data), used_keys=drafts.all_keys(data), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        block = form.block()
        place, after = form.place()
        question = drafts.default_question(form.cleaned_data["type"], drafts.free_key(data, "fraga"))
        try:
            changed = drafts.add_block(data, block, beside=place, after=after, question=question)
        except ValidationError as exc:
            _place_problems(form, [exc], "-")
        else:
            problems = _save(request, survey, changed)
            if problems is None:
                return _outline(key, block["key"])
            _place_problems(form, problems, _block_path(changed, block["key"]))
    context = {"survey": survey, "form": form, "action": "add"}
    return render(request, "surveys/editor/section.html", context, status=400 if form.errors else 200)


@login_required
def editor_split_section(request: HttpRequest, key: str, block: str) -> HttpResponse:
    """A section split at one of its questions: from there on its questions form a new section."""
    survey = _survey_for(request, key)
    data = _data(survey)
    try:
        p, b = drafts.find_block(data, block)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    stored = data["pages"][p]["blocks"][b]
    questions = [(q["key"], _shown(q["text"])) for q in stored["questions"][1:]]
    initial = {"key": drafts.free_key(data, block)}
    form = SplitSectionForm(
        request.POST or None, questions=questions, used_keys=drafts.all_keys(data), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        new = form.block()
        try:
            changed = drafts.split_block(data, form.cleaned_data["question"], new)
        except ValidationError as exc:
            _place_problems(form, [exc], "-")
        else:
            problems = _save(request, survey, changed)
            if problems is None:
                return _outline(key, new["key"])
            _place_problems(form, problems, _block_path(changed, new["key"]))
    context = {
        "survey": survey,
        "form": form,
        "action": "split",
        "name": _section_name(stored, b + 1),
        "splittable": bool(questions),
    }
    return render(request, "surveys/editor/section.html", context, status=400 if form.errors else 200)


@login_required
def editor_remove_section(request: HttpRequest, key: str, block: str) -> HttpResponse:
    """A section removed after a confirmation; its questions join the section beside it, none is lost."""
    survey = _survey_for(request, key)
    data = _data(survey)
    try:
        p, b = drafts.find_block(data, block)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    blocks = data["pages"][p]["blocks"]
    stored = blocks[b]
    refusal, receiving = None, None
    try:
        target = drafts.receiving_block(data, block)
    except ValidationError as exc:
        refusal = in_language(exc)
    else:
        t = next(i for i, other in enumerate(blocks) if other["key"] == target)
        receiving = _section_name(blocks[t], t + 1)
    if request.method == "POST" and refusal is None:
        problems = _save(request, survey, drafts.remove_block(data, block))
        if problems is None:
            return _outline(key, target)
        refusal = "; ".join(f"{describe_path(pr.field or '')}: {in_language(pr)}" for pr in problems)
    context = {
        "survey": survey,
        "name": _section_name(stored, b + 1),
        "receiving": receiving,
        "count": len(stored["questions"]),
        "refusal": refusal,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/editor/section_remove.html", context, status=status)
