"""``kundpuls report``: unit reports as PDF, from the web's lake or standalone from an exported file.

* With the database: ``kundpuls report --survey nki --unit VOF-HT-N --out reports/`` or ``--all-units``
  (one PDF per unit that has responses, written by one process per two cores — ``--jobs N`` to
  choose; a progress bar on stderr).
* Standalone, no server or database: ``kundpuls report responses.csv --survey survey.yaml --out
  report.pdf`` — the file (CSV, Excel via python-calamine, SPSS ``.sav`` via pyreadstat) is written to a
  temporary lake and reported through exactly the same code as the web.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kundpuls.analytics.period_kinds import REPORT_PERIOD_KINDS
from kundpuls.analytics.unit_paths import path_from_segments, path_segments
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import InvalidArgument, KundpulsError, NotFound

if TYPE_CHECKING:  # pandas, the instruments and the renderer load only when a report is made
    import pandas as pd

    from kundpuls.instruments import SurveyDefinition
    from kundpuls.text.taxonomy import Taxonomy


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""
    app.command("report")(report)


@contextmanager
def _progress(enabled: bool = True) -> Iterator[Progress]:
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not enabled,
    ) as progress:
        yield progress


def read_responses(path: Path) -> pd.DataFrame:
    """A table of responses from CSV, Excel (.xlsx/.xls/.ods, python-calamine) or SPSS (.sav, pyreadstat)."""
    import pandas as pd

    suffix = path.suffix.lower()
    if not path.exists():
        raise NotFound(f"responses: no file {str(path)!r}")
    if suffix == ".csv":
        return pd.read_csv(path)
    if suffix in (".xlsx", ".xls", ".ods", ".xlsm"):
        return pd.read_excel(path, engine="calamine")
    if suffix == ".sav":
        import pyreadstat

        frame, _meta = pyreadstat.read_sav(str(path))
        return frame
    raise InvalidArgument(
        f"responses: {path.name!r} is not .csv, .xlsx, .xls, .ods or .sav", field="responses", value=str(path)
    )


def _definition(survey: str) -> SurveyDefinition:
    from kundpuls.instruments import load_definition, load_template

    path = Path(survey)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
        return load_definition(path)
    return load_template(survey)


def report(
    responses: Annotated[
        Path | None, typer.Argument(help="Svarsfil (.csv/.xlsx/.sav) / responses file (standalone)")
    ] = None,
    survey: Annotated[
        str, typer.Option(help="Enkätnyckel eller definitionsfil / survey key or definition file")
    ] = "",
    unit: Annotated[list[str] | None, typer.Option(help="Enhetskod / unit code (repeatable)")] = None,
    all_units: Annotated[bool, typer.Option("--all-units", help="Alla enheter / every unit")] = False,
    out: Annotated[Path, typer.Option(help="Mapp eller PDF-fil / folder or PDF file")] = Path("reports"),
    period: Annotated[str | None, typer.Option(help="Period, t.ex. 2026-Q2 / period label")] = None,
    period_kind: Annotated[str, typer.Option("--period-kind", help="month | quarter | year")] = "quarter",
    language: Annotated[str, typer.Option(help="sv | en")] = "sv",
    unit_column: Annotated[
        str, typer.Option("--unit-column", help="Kolumn med enhet / unit column")
    ] = "unit",
    time_column: Annotated[
        str, typer.Option("--time-column", help="Kolumn med tid / time column")
    ] = "submitted_at",
    jobs: Annotated[
        int | None, typer.Option(help="Parallella processer (standard: en per två kärnor) / processes")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON på stdout / JSON on stdout")] = False,
) -> None:
    """Enhetsrapporter som PDF / unit reports as PDF (from the lake, or standalone from a file)."""
    if not survey:
        fail(
            "--survey: give a survey key (with the database) or a definition file (standalone)",
            as_json=as_json,
        )
    if period_kind not in REPORT_PERIOD_KINDS:
        fail(
            f"--period-kind: {period_kind!r} is not one of {', '.join(REPORT_PERIOD_KINDS)}", as_json=as_json
        )
    if language not in ("sv", "en"):
        fail(f"--language: {language!r} is not sv or en", as_json=as_json)
    try:
        if responses is not None:
            written = _standalone(
                responses,
                survey,
                unit or [],
                all_units,
                out,
                period,
                period_kind,
                language,
                unit_column,
                time_column,
                as_json,
                jobs,
            )
        else:
            written = _from_lake(
                survey, unit or [], all_units, out, period, period_kind, language, as_json, jobs
            )
    except KundpulsError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        emit_json({"reports": written, "written": sum(1 for w in written if w.get("file"))})
    else:
        for w in written:
            typer.echo(f"{w['unit']}: {w['file'] or w.get('skipped')}")


def _run(
    lake: str | Path,
    definition: SurveyDefinition,
    units: list[str],
    out: Path,
    names: Mapping[str, str],
    period: str | None,
    period_kind: str,
    language: str,
    as_json: bool,
    jobs: int | None,
    threshold_setting: int,
    taxonomy: Taxonomy | None = None,
) -> list[dict[str, Any]]:
    from kundpuls.render.unit_batch import write_unit_reports

    single = out if out.suffix.lower() == ".pdf" and len(units) == 1 else None
    if out.suffix.lower() == ".pdf" and len(units) > 1:
        raise InvalidArgument(
            "--out: a .pdf file takes one unit; give a folder for several", field="out", value=str(out)
        )
    with _progress(not as_json) as progress:
        task = progress.add_task("Rapporter / reports", total=len(units))
        return write_unit_reports(
            lake,
            definition,
            units,
            out,
            threshold_setting=threshold_setting,
            names=names,
            period=period,
            period_kind=period_kind,
            language=language,
            single_file=single,
            advance=lambda code: progress.update(task, advance=1, description=code),
            jobs=jobs,
            taxonomy=taxonomy,
        )


def _standalone(
    responses: Path,
    survey: str,
    units: list[str],
    all_units: bool,
    out: Path,
    period: str | None,
    period_kind: str,
    language: str,
    unit_column: str,
    time_column: str,
    as_json: bool,
    jobs: int | None,
) -> list[dict[str, Any]]:
    from kundpuls.config import anonymity_threshold
    from kundpuls.reports.frame_lake import ROOT_CODE, lake_from_frame, unit_code_for

    definition = _definition(survey)
    frame = read_responses(responses)
    with tempfile.TemporaryDirectory(prefix="kundpuls-report-") as folder:
        _, names = lake_from_frame(
            frame, definition, Path(folder) / "lake", unit_column=unit_column, time_column=time_column
        )
        if all_units:
            chosen = [c for c in names if c != ROOT_CODE]
        elif units:
            chosen = [unit_code_for(u) for u in units]
        else:
            chosen = [ROOT_CODE]
        return _run(
            Path(folder) / "lake",
            definition,
            chosen,
            out,
            names,
            period,
            period_kind,
            language,
            as_json,
            jobs,
            anonymity_threshold(),  # no database: the variable itself
        )


def _from_lake(
    survey: str,
    units: list[str],
    all_units: bool,
    out: Path,
    period: str | None,
    period_kind: str,
    language: str,
    as_json: bool,
    jobs: int | None,
) -> list[dict[str, Any]]:
    from kundpuls.cli.django_setup import setup_django

    setup_django(language=language)
    from django.conf import settings

    from kundpuls.analytics.rollup import open_lake
    from kundpuls.web.dashboards.queries import unit_names
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.responses.actions import bring_lake_up_to_date
    from kundpuls.web.surveys.queries import current_version, results_definition, survey_by_key
    from kundpuls.web.themes.queries import taxonomy_in_force

    found = survey_by_key(survey, actor=CLI)
    version = current_version(found)
    if version is None:
        raise NotFound(f"--survey: survey {survey!r} has no published version")
    definition = results_definition(found, version)  # keyed by the survey's lake key
    bring_lake_up_to_date(max_age_seconds=0)  # a report run takes in every stored response
    lake = str(settings.KUNDPULS_LAKE_DIR)
    if all_units:
        _, manifest = open_lake(lake)
        paths: dict[str, str] = {}
        for path in manifest.units.values():  # every unit with responses and each of its ancestors
            codes = path_segments(path)
            for depth, code in enumerate(codes, start=1):
                paths.setdefault(code, path_from_segments(codes[:depth]))
        chosen = sorted(paths, key=lambda c: paths[c])
    elif units:
        chosen = list(units)
    else:
        raise InvalidArgument("--unit or --all-units: say which units to report", field="unit", value=None)
    taxonomy = taxonomy_in_force(found.organisation_id)  # the survey's organisation's, as on the dashboard
    return _run(
        lake,
        definition,
        chosen,
        out,
        unit_names(),
        period,
        period_kind,
        language,
        as_json,
        jobs,
        int(settings.KUNDPULS_ANONYMITY_THRESHOLD),  # the web's setting, as the dashboards read it
        taxonomy,
    )
