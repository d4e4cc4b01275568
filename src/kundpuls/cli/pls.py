"""``kundpuls pls``: estimate a PLS path model from a CSV file and a YAML model file.

Example::

    kundpuls pls mobi.csv --model mobi_ecsi.yaml --bootstrap 5000 --seed 1 --out estimates.csv

The output CSV is long format with the fixed columns ``statistic,from,to,value`` (``statistic`` one of
``path``, ``total_effect``, ``weight``, ``loading``, ``r_squared``; for weights and loadings ``from`` is the
indicator; for ``r_squared`` ``from`` is empty) and, with ``--bootstrap``, ``se,ci_low,ci_high``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import InvalidArgument, KundpulsError, KundpulsWarning

if TYPE_CHECKING:  # pandas and the estimator load only when a model is estimated (fast `kundpuls --help`)
    import pandas as pd

    from kundpuls.stats.pls import PLSPathModel


def register(app: typer.Typer) -> None:
    """Add the ``pls`` command to the ``kundpuls`` application."""
    app.command("pls", help="PLS-SEM drivkraftsanalys / PLS path model (driver analysis) from CSV + YAML.")(
        pls_command
    )


def pls_command(
    data: Annotated[Path, typer.Argument(help="CSV file with one column per indicator.")],
    model: Annotated[Path, typer.Option("--model", help="YAML model file (constructs, paths).")],
    out: Annotated[Path, typer.Option("--out", help="Write the long-format estimates to this CSV file.")],
    scheme: Annotated[
        str, typer.Option("--scheme", help="Inner weighting scheme: path, centroid or factorial.")
    ] = "path",
    unscaled: Annotated[
        bool, typer.Option("--unscaled", help="Centre but do not standardise the indicators.")
    ] = False,
    missing: Annotated[
        list[float] | None, typer.Option("--missing", help="A missing-value code (repeatable).")
    ] = None,
    missing_strategy: Annotated[
        str, typer.Option("--missing-strategy", help="mean (replacement) or listwise.")
    ] = "mean",
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", help="Number of bootstrap resamples (0 = none).")
    ] = 0,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the bootstrap resamples.")] = None,
    interval: Annotated[
        str, typer.Option("--interval", help="Bootstrap interval: percentile or bca.")
    ] = "percentile",
    confidence: Annotated[
        float, typer.Option("--confidence", help="Confidence level of the intervals.")
    ] = 0.95,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
) -> None:
    """Estimate the model, optionally bootstrap it, and write the long-format estimates."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", KundpulsWarning)
            document = _run(
                data,
                model,
                out,
                scheme=scheme,
                scaled=not unscaled,
                missing=missing or [],
                missing_strategy=missing_strategy,
                bootstrap=bootstrap,
                seed=seed,
                interval=interval,
                confidence=confidence,
                show_progress=True,
            )
    except KundpulsError as error:
        fail(error, as_json=as_json)
    document["warnings"] = [str(w.message) for w in caught if issubclass(w.category, KundpulsWarning)]
    for message in document["warnings"]:
        typer.echo(f"Varning / warning: {message}", err=True)
    if as_json:
        emit_json(document)
    else:
        _print_summary(document)


def _run(
    data: Path,
    model_file: Path,
    out: Path,
    *,
    scheme: str,
    scaled: bool,
    missing: list[float],
    missing_strategy: str,
    bootstrap: int,
    seed: int | None,
    interval: str,
    confidence: float,
    show_progress: bool,
) -> dict[str, Any]:
    if interval not in ("percentile", "bca"):
        raise InvalidArgument(
            f"--interval: must be 'percentile' or 'bca', not {interval!r}", field="interval", value=interval
        )
    if bootstrap < 0 or bootstrap == 1:
        raise InvalidArgument(
            f"--bootstrap: must be 0 (no bootstrap) or at least 2, not {bootstrap}",
            field="bootstrap",
            value=bootstrap,
        )
    from kundpuls.stats.pls import CLI_STATISTICS, PLSPathModel, model_from_yaml

    spec = model_from_yaml(_read_text(model_file, "--model"))
    frame = _read_csv(data)
    fitted = PLSPathModel(
        spec, scheme=scheme, scaled=scaled, missing_codes=tuple(missing), missing_strategy=missing_strategy
    ).fit(frame)
    table = fitted.summary()
    document: dict[str, Any] = {
        "data": str(data),
        "model": str(model_file),
        "scheme": scheme,
        "scaled": scaled,
        "n": fitted.n_,
        "iterations": fitted.n_iter_,
        "converged": fitted.converged_,
        "missing": fitted.missing_report_.as_dict(),
        "r_squared": {k: float(v) for k, v in fitted.r_squared_.items()},
        "gof": fitted.gof_,
        "out": str(out),
    }
    if bootstrap:
        result = _bootstrap(fitted, bootstrap, seed=seed, confidence=confidence, show_progress=show_progress)
        intervals = result.summary(interval, statistics=CLI_STATISTICS)
        table = table.assign(
            se=intervals["se"].to_numpy(),
            ci_low=intervals["ci_low"].to_numpy(),
            ci_high=intervals["ci_high"].to_numpy(),
        )
        document["bootstrap"] = {
            "n_resamples": result.n_resamples,
            "seed": result.seed,
            "interval": interval,
            "confidence": confidence,
            "sign_handling": result.sign_handling,
            "failed": result.n_failed,
            "failures": result.failures,
        }
    from kundpuls.render.formula_guard import csv_frame

    try:
        csv_frame(table).to_csv(out, index=False)
    except OSError as error:
        raise InvalidArgument(
            f"--out: cannot write {str(out)!r} ({error.strerror})", field="out", value=str(out)
        ) from error
    document["estimates"] = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    return document


def _bootstrap(
    fitted: PLSPathModel, n_resamples: int, *, seed: int | None, confidence: float, show_progress: bool
) -> Any:
    if not show_progress:
        return fitted.bootstrap(n_resamples, seed=seed, confidence=confidence)
    columns = (TextColumn("bootstrap"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("bootstrap", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return fitted.bootstrap(n_resamples, seed=seed, confidence=confidence, progress=report)


def _read_text(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidArgument(
            f"{option}: cannot read {str(path)!r} ({error.strerror})",
            field=option.lstrip("-"),
            value=str(path),
        ) from error


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(path)
    except (OSError, ValueError) as error:
        raise InvalidArgument(
            f"DATA: cannot read CSV {str(path)!r} ({error})", field="data", value=str(path)
        ) from error


def _print_summary(document: dict[str, Any]) -> None:
    console = Console()
    table = Table(title=f"PLS ({document['scheme']}, n = {document['n']})")
    has_ci = "bootstrap" in document
    for column in ("from", "to", "path", *(("ci_low", "ci_high") if has_ci else ())):
        table.add_column(column)
    for row in document["estimates"]:
        if row["statistic"] == "path":
            cells = [row["from"], row["to"], f"{row['value']:.4f}"]
            if has_ci:
                cells += [f"{row['ci_low']:.4f}", f"{row['ci_high']:.4f}"]
            table.add_row(*cells)
    console.print(table)
    r2 = ", ".join(f"{k} {v:.3f}" for k, v in document["r_squared"].items())
    console.print(f"R²: {r2}")
    if has_ci and document["bootstrap"]["failed"]:
        console.print(f"[yellow]{document['bootstrap']['failed']} bootstrap draws failed[/yellow]")
    console.print(f"Skrev / wrote {document['out']}")
