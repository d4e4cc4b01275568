"""``kundpuls analyze`` and ``kundpuls lake …``: the response lake from the command line, without Django
(``analyze`` asks the database only for the web lake's survey thresholds:
:mod:`kundpuls.cli.survey_threshold`).

kundpuls lake generate --rows 1000000 --out big-lake --seed 1
kundpuls analyze --survey demo --by unit,quarter,age_group --rollup --out index.xlsx
kundpuls lake info --json

``--lake`` defaults to ``KUNDPULS_LAKE_DIR``, else the data folder's lake (``DATA_DIR/lake``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kundpuls.analytics.period_kinds import PERIOD_KINDS
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import InvalidArgument, KundpulsError
from kundpuls.render.formula_guard import csv_frame, xlsx_strings

LAKE_ENV = "KUNDPULS_LAKE_DIR"
XLSX_MAX_ROWS = 1_048_575

LakeOption = Annotated[
    str | None,
    typer.Option(
        "--lake",
        envvar=LAKE_ENV,
        help="Svarssjöns mapp eller URI / lake folder or URI (standard / default: DATA_DIR/lake)",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Ett JSON-dokument på stdout / one JSON document on stdout")
]


def lake_or_default(lake: str | None) -> str:
    """The ``--lake`` given, else the configured lake (``KUNDPULS_LAKE_DIR`` or ``DATA_DIR/lake``)."""
    from kundpuls.config import lake_dir

    return lake if lake else str(lake_dir())


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and the ``lake`` command group to ``app``."""
    app.command("analyze")(analyze)
    lake = typer.Typer(help="Svarssjön (Parquet) / the response lake", no_args_is_help=True)
    lake.command("generate")(generate)
    lake.command("info")(info)
    lake.command("migrate")(migrate)
    lake.command("compact")(compact)
    lake.command("erase")(erase)
    app.add_typer(lake, name="lake")


@contextmanager
def _progress(enabled: bool = True) -> Iterator[Progress]:
    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not enabled,
    ) as progress:
        yield progress


def parse_by(by: str) -> tuple[str, str | None]:
    """``"unit,quarter,age_group"`` -> ``("quarter", "age_group")``; ``unit`` is implied."""
    period = None
    segment = None
    for token in (t.strip() for t in by.split(",") if t.strip()):
        if token == "unit":
            continue
        if token in PERIOD_KINDS:
            if period is not None:
                raise InvalidArgument(f"--by: two periods {period!r} and {token!r}", field="by", value=by)
            period = token
        elif segment is None:
            segment = token
        else:
            raise InvalidArgument(
                f"--by: at most one segment, got {segment!r} and {token!r}", field="by", value=by
            )
    return period or "month", segment


def write_table(frame: Any, out: Path) -> None:
    """Write a result table as CSV (UTF-8), Parquet or XLSX, chosen by the file suffix."""
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        csv_frame(frame).to_csv(out, index=False, encoding="utf-8")
    elif suffix == ".parquet":
        frame.to_parquet(out, index=False)
    elif suffix == ".xlsx":
        if len(frame) > XLSX_MAX_ROWS:
            raise InvalidArgument(
                f"--out: {len(frame):,} rows do not fit in one Excel sheet; use .csv or .parquet",
                field="out",
                value=str(out),
            )
        import pandas as pd

        with pd.ExcelWriter(out, engine="openpyxl") as excel:
            frame.to_excel(excel, index=False)
            xlsx_strings(excel.book.worksheets)
    else:
        raise InvalidArgument(
            f"--out: {out.name!r} must end in .csv, .parquet or .xlsx", field="out", value=str(out)
        )


def analyze(
    survey: Annotated[str, typer.Option("--survey", help="Enkätnyckel / survey key")],
    lake: LakeOption = None,
    by: Annotated[
        str, typer.Option("--by", help="unit,<month|quarter|year|rolling12|all>[,<bakgrundsvariabel>]")
    ] = "unit,month",
    rollup: Annotated[
        bool, typer.Option("--rollup/--no-rollup", help="Summera underenheter / roll up subtrees")
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", help="table.csv | table.parquet | table.xlsx")] = None,
    items: Annotated[str | None, typer.Option("--items", help="Frågor, kommaseparerade / items")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Första månad YYYY-MM")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Sista månad YYYY-MM")] = None,
    threshold: Annotated[
        int | None,
        typer.Option(
            "--threshold",
            help="Anonymitetsgräns, minst enkätens / anonymity threshold, at least the survey's "
            "(default: the larger of KUNDPULS_ANONYMITY_THRESHOLD and the survey's codebook)",
            show_default=False,
        ),
    ] = None,
    confidence: Annotated[float, typer.Option("--confidence")] = 0.95,
    weighted: Annotated[bool, typer.Option("--weighted", help="Använd vikter / use survey weights")] = False,
    engine: Annotated[str, typer.Option("--engine", help="duckdb | spark")] = "duckdb",
    indices: Annotated[
        bool,
        typer.Option(
            "--indices",
            help="Enkätens index (som sidorna, rapporterna och API:t) i stället för frågor / the survey's "
            "indices (as the pages, reports and API show them) instead of items; rolls up",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Indextabell med konfidensintervall per enhet och period / index table with intervals."""
    from kundpuls.cli.survey_threshold import analysis_threshold, lake_survey_key

    lake = lake_or_default(lake)

    try:
        threshold, threshold_source = analysis_threshold(lake, survey, threshold)
        period, segment = parse_by(by)
        if indices:
            table = _index_rows(lake, survey, period, segment, threshold, confidence)
            rollup = True
        else:
            table = _item_rows(
                lake,
                lake_survey_key(lake, survey),
                items=items,
                period=period,
                segment=segment,
                rollup=rollup,
                weighted=weighted,
                start=start,
                end=end,
                threshold=threshold,
                confidence=confidence,
                engine=engine,
                show_progress=not as_json,
            )
        if out is not None:
            write_table(table, out)
    except KundpulsError as error:
        fail(error, as_json=as_json)
    summary: dict[str, Any] = {
        "survey": survey,
        "period": period,
        "segment": segment,
        "rollup": rollup,
        "rows": len(table),
        "suppressed": int(table["suppressed"].sum()),
        "threshold": threshold,
        "threshold_source": threshold_source,
        "out": None if out is None else str(out),
    }
    if as_json:
        if out is None:
            summary["table"] = _records(table)
        emit_json(summary)
        return
    if out is not None:
        typer.echo(f"{len(table):,} rader skrivna till {out} ({summary['suppressed']:,} undertryckta)")
    else:
        typer.echo(table.to_string(max_rows=60, index=False))


def _item_rows(
    lake: str,
    survey: str,
    *,
    items: str | None,
    period: str,
    segment: str | None,
    rollup: bool,
    weighted: bool,
    start: str | None,
    end: str | None,
    threshold: int,
    confidence: float,
    engine: str,
    show_progress: bool,
) -> Any:
    """Every item per unit × period (× segment): means, NPS and shares with their intervals."""
    from kundpuls.analytics.index_tables import index_table
    from kundpuls.analytics.rollup import sufficient_statistics
    from kundpuls.reports.item_disclosure import released_item_rows

    with _progress(show_progress) as progress:
        task = progress.add_task("Aggregerar / aggregating", total=2)
        stats = sufficient_statistics(
            lake,
            survey,
            items=None if items is None else [i.strip() for i in items.split(",") if i.strip()],
            period=period,
            segment=segment,
            rollup=rollup,
            weighted=weighted,
            start=start,
            end=end,
            threshold=threshold,
            engine=engine,
        )
        progress.update(task, advance=1, description="Intervall / intervals")
        table = index_table(stats, confidence=confidence)
        # the linked rule across every table a reader can get (docs/methods.md, anonymity)
        table = released_item_rows(table, lake, survey, threshold=threshold, segment=segment, rollup=rollup)
        progress.update(task, advance=1)
    return table


def _index_rows(
    lake: str, survey: str, period: str, segment: str | None, threshold: int, confidence: float
) -> Any:
    """The survey's indices per unit (rolled up) × period (× segment): the frame every surface reads."""
    from dataclasses import replace

    from kundpuls.cli.survey_threshold import survey_codebook
    from kundpuls.reports.index_frames import index_frame, plan_for_lake

    definition = survey_codebook(lake, survey)
    plan = replace(plan_for_lake(lake, definition, threshold_setting=threshold), threshold=threshold)
    frame = index_frame(lake, plan, period_kind=period, segment=segment, confidence=confidence)
    frame.insert(frame.columns.get_loc("index") + 1, "label", frame["index"].map(plan.label))
    return frame.drop(columns=["sd", "promoters", "detractors"])


def _records(table: Any) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (missing values as null)."""
    import json

    return list(json.loads(table.to_json(orient="records", force_ascii=False, double_precision=15)))


def generate(
    rows: Annotated[int, typer.Option("--rows", help="Antal svar / responses")],
    out: Annotated[Path, typer.Option("--out", help="Sjöns mapp / lake folder")],
    seed: Annotated[int, typer.Option("--seed")] = 0,
    units: Annotated[int, typer.Option("--units")] = 1000,
    months: Annotated[int, typer.Option("--months")] = 36,
    start: Annotated[str, typer.Option("--start", help="Första månad YYYY-MM")] = "2023-01",
    as_json: JsonOption = False,
) -> None:
    """Skapa en syntetisk svarssjö (demo) / generate a synthetic response lake."""
    from kundpuls.demo.lake import generate_lake

    try:
        with _progress(not as_json) as progress:
            task = progress.add_task("Genererar svar / generating", total=rows)
            report = generate_lake(
                out,
                rows=rows,
                seed=seed,
                units=units,
                months=months,
                start=start,
                progress=lambda done: progress.update(task, completed=done),
            )
    except KundpulsError as error:
        fail(error, as_json=as_json)
    document = {"lake": str(out), **report.__dict__}
    if as_json:
        emit_json(document)
    else:
        typer.echo(f"{report.rows:,} svar, {report.comments:,} kommentarer, {report.units} enheter → {out}")


def info(lake: LakeOption = None, as_json: JsonOption = False) -> None:
    """Visa sjöns manifest i sammandrag / summarise the lake's manifest."""
    from kundpuls.analytics.lake.manifest import lake_location, read_manifest

    lake = lake_or_default(lake)

    try:
        manifest = read_manifest(lake_location(lake))
    except KundpulsError as error:
        fail(error, as_json=as_json)
    document: dict[str, Any] = {
        "lake": os.fspath(lake),
        "schema_version": manifest.schema_version,
        "generation": manifest.generation,
        "watermark": manifest.watermark,
        "timezone": manifest.timezone,
        "updated_at": manifest.updated_at,
        "units": len(manifest.units),
        "surveys": {
            key: {
                "responses": sum(f.rows for f in manifest.table_files("responses", survey=key)),
                "comments": sum(f.rows for f in manifest.table_files("comments", survey=key)),
                "files": len(manifest.table_files("responses", survey=key)),
                "months": [manifest.months(key)[0], manifest.months(key)[-1]] if manifest.months(key) else [],
                "items": sorted(manifest.survey_items(key)),
                "background": manifest.surveys.get(key, {}).get("background", []),
            }
            for key in manifest.survey_keys()
        },
    }
    if as_json:
        emit_json(document)
        return
    typer.echo(
        f"Sjö {lake}: schema {manifest.schema_version}, generation {manifest.generation}, "
        f"vattenmärke {manifest.watermark}"
    )
    for key, entry in document["surveys"].items():
        typer.echo(
            f"  {key}: {entry['responses']:,} svar i {entry['files']} filer, {entry['months']}, "
            f"frågor {entry['items']}"
        )


def migrate(lake: LakeOption = None, as_json: JsonOption = False) -> None:
    """Uppgradera sjön till aktuell schemaversion / migrate the lake to the current schema version."""
    from kundpuls.analytics.lake.migration import migrate_lake

    lake = lake_or_default(lake)

    try:
        report = migrate_lake(lake)
    except KundpulsError as error:
        fail(error, as_json=as_json)
    if as_json:
        emit_json(report.__dict__)
    else:
        typer.echo(
            f"Schema {report.from_version} → {report.to_version}, {report.files_rewritten} filer omskrivna"
        )


def compact(
    lake: LakeOption = None,
    min_files: Annotated[int, typer.Option("--min-files")] = 2,
    as_json: JsonOption = False,
) -> None:
    """Slå ihop små filer per partition / merge small files per partition."""
    from kundpuls.analytics.lake.erasure import compact_lake

    lake = lake_or_default(lake)

    try:
        report = compact_lake(lake, min_files=min_files)
    except KundpulsError as error:
        fail(error, as_json=as_json)
    if as_json:
        emit_json(report.__dict__)
    else:
        typer.echo(
            f"{report.partitions_rewritten} partitioner: {report.files_before} → {report.files_after} filer"
        )


def erase(
    lake: LakeOption = None,
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Inlämnings-id (upprepa) / submission id")
    ] = None,
    ids_file: Annotated[
        Path | None, typer.Option("--ids-file", help="En inlämnings-id per rad / one id per line")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Radera svar ur sjön (GDPR, gallring) / erase responses from the lake."""
    from kundpuls.analytics.lake.erasure import comment_texts, erase_responses
    from kundpuls.config import comment_vectors, get_config
    from kundpuls.text import meaning

    lake = lake_or_default(lake)

    wanted = list(ids or [])
    if ids_file is not None:
        wanted += [line.strip() for line in ids_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        texts = comment_texts(lake, wanted)
        report = erase_responses(lake, wanted)
    except KundpulsError as error:
        fail(error, as_json=as_json)
    vectors = comment_vectors()  # the installation's store of the comment reader's vectors
    removed = 0
    if vectors.exists():
        meaning.use_store(vectors, secret=get_config().secret_key.encode())
        removed = meaning.forget(texts)  # the comment reader's vectors of the erased comments
    elif texts:
        typer.echo(
            f"Ingen vektorlagring i {vectors} (KUNDPULS_COMMENT_VECTORS): inga kommentarsvektorer att radera "
            f"/ no comment vector store there: none to erase",
            err=True,
        )
    if as_json:
        emit_json({**report.__dict__, "comment_vectors_erased": removed})
    else:
        typer.echo(
            f"{report.responses_erased} svar och {report.comments_erased} kommentarer raderade "
            f"({report.partitions_rewritten} partitioner omskrivna, {removed} kommentarsvektorer)"
        )
