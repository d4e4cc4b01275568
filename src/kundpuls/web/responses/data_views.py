"""Staff pages for a survey's respondent data: old responses in (``…/import/``), respondent data out
(``…/export/``).

The import page takes a file (CSV, Excel, SPSS) and an optional mapping, shows how every column is read —
editable, one choice per column — and checks the whole file as a dry run; only a file without problems can
then be imported, all of it at once (:func:`kundpuls.web.responses.actions.import_history`). Between the
check and the import the upload waits in a private temporary folder under a random token bound to the
user, and is deleted when imported (or after a few hours).

The export page gives a zip file with the data (CSV, Excel, SPSS or Parquet) and its codebook
(:func:`kundpuls.web.responses.actions.export_responses`, which checks permission and anonymity).
"""

from __future__ import annotations

import io
import secrets
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kundpuls.errors import ImportRowsError, KundpulsError, NotFound, ValidationError
from kundpuls.instruments.history_mapping import HistoryMapping, importable_items
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, can, units_where
from kundpuls.web.responses.actions import export_responses, import_history
from kundpuls.web.responses.export import FORMATS, SelectionTooSmall, parse_month
from kundpuls.web.responses.history import (
    HISTORY_LIMITS,
    MAX_MAPPING_CHARS,
    plan_file,
    read_history,
    read_mapping,
)
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import current_version, definition_of, survey_by_key

PENDING_SECONDS = 6 * 3600
SPECIALS = ("id", "unit", "submitted", "language", "channel")


def _survey(request: HttpRequest, key: str) -> Survey:
    try:
        return survey_by_key(key, actor=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


# ------------------------------------------------------------------------- the upload between two steps


def _pending_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / "kundpuls-history-uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _keep_upload(user_pk: int, name: str, content: bytes) -> str:
    folder = _pending_dir()
    for old in folder.iterdir():  # forget what was never imported
        try:
            if old.stat().st_mtime < time.time() - PENDING_SECONDS:
                old.unlink()
        except OSError:
            continue
    token = secrets.token_urlsafe(18)
    suffix = Path(name).suffix.lower()[:6]
    (folder / f"{user_pk}-{token}{suffix}").write_bytes(content)
    return f"{token}{suffix}"


def _pending_path(user_pk: int, token: str) -> Path | None:
    if not token or "/" in token or "\\" in token or token.startswith(".") or len(token) > 40:
        return None
    path = _pending_dir() / f"{user_pk}-{token}"
    return path if path.is_file() else None


# ------------------------------------------------------------------------------- import page


def _column_choices(survey: Survey) -> list[tuple[str, str]]:
    version = current_version(survey)
    if version is None:
        return []
    language = get_language() or "sv"
    special_labels = {
        "id": _("Response id"),
        "unit": _("Unit code"),
        "submitted": _("Submitted (date)"),
        "language": _("Language"),
        "channel": _("Channel"),
    }
    choices = [("", _("Ignore the column"))] + [
        (f"special:{name}", special_labels[name]) for name in SPECIALS
    ]
    for item in importable_items(definition_of(version)).values():
        text = item.text.in_language(language)
        if item.kind == "choices":
            for value, option in zip(item.options or (), item.option_texts or (), strict=False):
                choices.append(
                    (f"item:{item.question_key}_{value}", f"{text}: {option.in_language(language)}")
                )
        else:
            choices.append((f"item:{item.key}", text))
    return choices


def _mapping_from(request: HttpRequest, text: str) -> HistoryMapping:
    """The YAML mapping, with the page's choice per column on top of it (when the page sent them)."""
    mapping = read_mapping(text)
    columns = request.POST.getlist("column")[: HISTORY_LIMITS.max_columns]
    roles = request.POST.getlist("role")[: HISTORY_LIMITS.max_columns]
    if not columns or len(columns) != len(roles):
        return mapping
    special = dict(mapping.special)
    mapped = dict(mapping.columns)
    for column, role in zip(columns, roles, strict=True):
        column = column[:200]
        for name, chosen in list(special.items()):
            if chosen == column:
                del special[name]
        if role.startswith("special:") and role[8:] in SPECIALS:
            special[role[8:]] = column
            mapped.pop(column, None)
        elif role.startswith("item:"):
            mapped[column] = role[5:200]
        else:
            mapped[column] = None
    return HistoryMapping(special, dict(mapping.defaults), mapped, dict(mapping.values))


@login_required
def history_import(request: HttpRequest, key: str) -> HttpResponse:
    survey = _survey(request, key)
    if not can(request.user, Capability.MANAGE_SURVEYS, survey.owner):
        raise PermissionDenied
    context: dict[str, Any] = {"survey": survey, "choices": _column_choices(survey), "mapping_text": ""}
    if request.method != "POST":
        return render(request, "responses/history_import.html", context)
    user_pk = int(request.user.pk or 0)
    mapping_text = request.POST.get("mapping", "")[: MAX_MAPPING_CHARS + 1]
    context["mapping_text"] = mapping_text
    upload = request.FILES.get("file")
    token = request.POST.get("token", "")
    name = request.POST.get("name", "")[:200]
    try:
        if upload is not None:
            if upload.size is None or upload.size > HISTORY_LIMITS.max_bytes:
                raise ValidationError(
                    _("file: larger than %(max)d MB") % {"max": HISTORY_LIMITS.max_bytes // 1_000_000},
                    field="file",
                    value=upload.size,
                )
            name = str(upload.name or "upload")[:200]
            token = _keep_upload(user_pk, name, upload.read())
        path = _pending_path(user_pk, token)
        if path is None:
            context["error"] = _("Choose a file to upload (CSV, Excel or SPSS).")
            return render(request, "responses/history_import.html", context, status=400)
        content = path.read_bytes()
        context.update(token=token, name=name)
        mapping = _mapping_from(request, mapping_text) if upload is None else read_mapping(mapping_text)
        _version, definition, _table, plan = plan_file(survey, name, content, mapping)
        context["columns"] = _columns(plan.describe(definition, language=get_language() or "sv"), definition)
        history = read_history(survey, name, content, mapping)
        if request.POST.get("step") == "import":
            report = import_history(history, actor=actor_of(request), file_name=name)
            path.unlink(missing_ok=True)
            messages.success(
                request,
                _("Imported %(stored)d new responses (%(already)d were stored before).")
                % {"stored": report.stored, "already": report.already_stored},
            )
            return redirect("surveys:detail", key=survey.url_key)
        checked = import_history(history, actor=actor_of(request), dry_run=True).summary()
        names = dict(Unit.objects.filter(code__in=checked["per_unit"]).values_list("code", "name"))
        context["report"] = checked
        context["per_unit"] = [(names.get(code, code), n) for code, n in checked["per_unit"].items()]
    except ImportRowsError as exc:
        context["problems"] = exc.listed
        context["more_problems"] = exc.unlisted
        return render(request, "responses/history_import.html", context, status=400)
    except KundpulsError as exc:
        context["error"] = str(exc)
        return render(request, "responses/history_import.html", context, status=400)
    return render(request, "responses/history_import.html", context)


def _columns(rows: list[dict[str, Any]], definition: Any) -> list[dict[str, Any]]:
    """The plan's rows with the value of the page's choice for each (an option by its question's key)."""
    items = importable_items(definition)
    for row in rows:
        if row["role"] == "special":
            row["value"] = f"special:{row['special']}"
        elif row["role"] == "item":
            row["value"] = f"item:{row['item']}"
        elif row["role"] == "option":
            row["value"] = f"item:{items[row['item']].question_key}_{row['option']}"
        else:
            row["value"] = ""
    return rows


# ------------------------------------------------------------------------------- export page


def _export_units(request: HttpRequest, survey: Survey) -> list[Unit]:
    if not units_where(request.user, Capability.EXPORT).exists():
        return []
    return [
        unit
        for unit in Unit.objects.filter(path__startswith=survey.owner.path).order_by("path")
        if can(request.user, Capability.EXPORT, unit)
    ]


FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel (.xlsx)", "sav": "SPSS (.sav)", "parquet": "Parquet"}


def _precision_labels() -> list[tuple[str, str]]:
    return [
        ("quarter", _("Quarter (the first day of its quarter)")),
        ("month", _("Month (the first day of its month)")),
    ]


@login_required
def respondent_export(request: HttpRequest, key: str) -> HttpResponse:
    survey = _survey(request, key)
    units = _export_units(request, survey)
    if not units:
        raise PermissionDenied
    context: dict[str, Any] = {
        "survey": survey,
        "units": units,
        "formats": [(f, FORMAT_LABELS[f]) for f in FORMATS],
        "precisions": _precision_labels(),
        "chosen": {"format": "sav", "unit": units[0].code, "from": "", "to": "", "precision": "quarter"},
    }
    if request.method != "POST":
        return render(request, "responses/export.html", context)
    chosen = {name: request.POST.get(name, "")[:40] for name in ("format", "unit", "from", "to", "precision")}
    chosen["precision"] = chosen["precision"] or "quarter"
    context["chosen"] = chosen
    unit = next((u for u in units if u.code == chosen["unit"]), None)
    try:
        if unit is None:
            raise ValidationError(_("unit: choose a unit"), field="unit", value=chosen["unit"])
        result = export_responses(
            survey,
            file_format=chosen["format"],
            actor=actor_of(request),
            unit=unit,
            first_month=parse_month(chosen["from"], field="from"),
            last_month=parse_month(chosen["to"], field="to"),
            precision=chosen["precision"],
        )
    except SelectionTooSmall as exc:
        names = dict(
            Unit.objects.filter(code__in={g["unit"] for g in exc.groups}).values_list("code", "name")
        )
        context["error"] = _(
            "The selection would show groups smaller than the anonymity threshold (%(threshold)d): "
            "%(groups)s. Choose whole periods, quarters instead of months, or a larger unit."
        ) % {
            "threshold": exc.threshold,
            "groups": ", ".join(
                sorted({f"{names.get(g['unit'], g['unit'])} {g['period']}" for g in exc.groups})
            )[:400],
        }
        return render(request, "responses/export.html", context, status=400)
    except NotFound:
        context["error"] = _("There are no responses in the selection.")
        return render(request, "responses/export.html", context, status=400)
    except ValidationError as exc:
        context["error"] = str(exc)
        return render(request, "responses/export.html", context, status=400)
    archive = io.BytesIO()
    stem = Path(result.file_name).stem
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(result.file_name, result.content)
        bundle.writestr(f"{stem}-kodbok.csv", result.codebook)
    response = HttpResponse(archive.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{stem}.zip"'
    return response
