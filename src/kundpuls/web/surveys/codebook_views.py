"""The codebook tab's detail pages: one index (kind, weights, positive answers) and the driver model.

Parse, call, render, as the rest of the editor (``editor_views``): the form writes the stored codebook,
``actions.save_draft`` validates the whole definition, and its problems are placed on their fields.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kundpuls.instruments import DefinitionErrors, parse_definition, stored_items
from kundpuls.web.surveys.codebook_forms import DriverModelForm, IndexDetailForm
from kundpuls.web.surveys.definition_messages import describe_path, in_language
from kundpuls.web.surveys.editor_views import _data, _language, _save, _shown
from kundpuls.web.surveys.views import _survey_for


def _items(data: dict[str, Any]) -> list[Any]:
    try:
        return stored_items(parse_definition(data, stored=True))
    except DefinitionErrors:
        return []


@login_required
def editor_index(request: HttpRequest, key: str, name: str) -> HttpResponse:
    """One index: how it is counted, the weight of each question, which answers count as positive."""
    survey = _survey_for(request, key)
    data = _data(survey)
    codebook = data.get("codebook", {})
    stored = codebook.get("indices", {}).get(name)
    if stored is None:
        raise Http404(f"index: no index {name!r}")
    items = {item.key: item for item in _items(data)}
    form = IndexDetailForm(request.POST or None, name=name, index=stored, items=items, language=_language())
    if request.method == "POST" and form.is_valid():
        changed = data | {"codebook": codebook | {"indices": codebook["indices"] | {name: form.index()}}}
        problems = _save(request, survey, changed)
        if problems is None:
            return redirect("surveys:editor_codebook", key=key)
        for problem in problems:
            form.add_error(_index_field(form, name, problem), in_language(problem))
    context = {"survey": survey, "form": form, "name": name, "label": _shown(stored.get("label"))}
    return render(request, "surveys/editor/index.html", context, status=400 if form.errors else 200)


def _index_field(form: IndexDetailForm, name: str, problem: Any) -> str | None:
    path = problem.field or ""
    prefix = f"codebook.indices.{name}"
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix) :]
    key = re.match(r"^\.(?:weights|positive)\.([A-Za-z0-9_]+)", rest)
    named = key.group(1) if key else (problem.value if isinstance(problem.value, str) else None)
    if rest.startswith(".weights") and named in form.keys:
        return f"weight_{form.keys.index(named)}"
    if rest.startswith(".positive") and named in form.answer_fields:
        return form.answer_fields[named]
    if rest.startswith((".items", ".kind", ".positive")):
        return "kind"
    return None


def _ratings(data: dict[str, Any], language: str) -> list[tuple[str, str]]:
    return [
        (item.key, f"{item.text.in_language(language)[:70]} ({item.key})")
        for item in _items(data)
        if item.kind == "numeric" and item.integer
    ]


@login_required
def editor_driver_model(request: HttpRequest, key: str) -> HttpResponse:
    """The driver (PLS path) model: which index drives which, and the questions measuring each."""
    survey = _survey_for(request, key)
    data = _data(survey)
    codebook = data.get("codebook", {})
    form = DriverModelForm(
        request.POST or None, codebook=codebook, ratings=_ratings(data, _language()), language=_language()
    )
    if request.method == "POST" and form.is_valid():
        model = form.driver_model()
        changed_codebook = {k: v for k, v in codebook.items() if k != "driver_model"}
        if model is not None:
            changed_codebook["driver_model"] = model
        problems = _save(request, survey, data | {"codebook": changed_codebook})
        if problems is None:
            return redirect("surveys:editor_codebook", key=key)
        for problem in problems:
            path = problem.field or ""
            field = _driver_field(form, path)
            own = field or path.startswith("codebook.driver_model")
            form.add_error(
                field, in_language(problem) if own else f"{describe_path(path)}: {in_language(problem)}"
            )
    context = {"survey": survey, "form": form}
    return render(request, "surveys/editor/driver_model.html", context, status=400 if form.errors else 200)


def _driver_field(form: DriverModelForm, path: str) -> str | None:
    prefix = "codebook.driver_model"
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix) :]
    if rest.startswith(".outcome"):
        return "outcome"
    if rest.startswith(".drivers"):
        return "drivers"
    construct = re.match(r"^\.constructs\.([A-Za-z0-9_]+)", rest)
    if construct:
        return form.field_of_construct(construct.group(1))
    row = re.match(r"^\.paths\[(\d+)\]", rest)
    if row:
        filled = [
            k
            for k in range(form.path_count)
            if form.data.get(f"path_from_{k}") or form.data.get(f"path_to_{k}")
        ]
        n = int(row.group(1))
        return f"path_from_{filled[n]}" if n < len(filled) else "drivers"
    return None  # the paths as a whole (a circle): said above the form
