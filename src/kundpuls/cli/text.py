"""``kundpuls text``: redact, theme and contrast the open comments of a CSV file (no server needed).

Commands::

    kundpuls text redact comments.csv --text-column kommentar --out redacted.csv
    kundpuls text themes comments.csv --score-column nki --group-column enhet [--taxonomy themes.yaml]
    kundpuls text terms comments.csv --score-column nki --group-column enhet --low-max 4 --high-min 8
    kundpuls text taxonomy export teman.yaml | import teman.yaml   (the stored taxonomy; needs the database)

Every command takes ``--json`` (one JSON document on stdout). Long work shows a progress bar on stderr.
"""

from __future__ import annotations

import csv
import math
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import InsufficientData, KundpulsError, ValidationError
from kundpuls.render.formula_guard import csv_frame

if TYPE_CHECKING:  # numpy and pandas load only inside the commands (fast `kundpuls --help`)
    import numpy as np
    import pandas as pd

text_app = typer.Typer(
    name="text",
    help="Öppna kommentarer: maskning av personuppgifter, teman, ord som skiljer missnöjda från nöjda. / "
    "Open comments: redaction, themes, distinguishing terms.",
    no_args_is_help=True,
)

CHUNK_ROWS = 50_000
FileArg = Annotated[
    Path, typer.Argument(help="CSV-fil med kommentarer / CSV file of comments", show_default=False)
]
TextColumn_ = Annotated[str, typer.Option("--text-column", help="Kolumn med kommentaren / comment column")]
ScoreColumn = Annotated[str | None, typer.Option("--score-column", help="Kolumn med betyget / score column")]
GroupColumn = Annotated[
    str | None, typer.Option("--group-column", help="Kolumn med grupp/enhet / group column")
]
LanguageOpt = Annotated[str, typer.Option("--language", help="sv, en eller auto")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Skriv ett JSON-dokument / write one JSON document")]
SepOpt = Annotated[str, typer.Option("--sep", help="Fältavgränsare / field separator")]


def _stderr() -> Console:
    return Console(stderr=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr(),
        transient=True,
    )


def _count_rows(path: Path) -> int:
    lines = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


def _read(path: Path, columns: list[str], *, sep: str, as_json: bool, label: str) -> pd.DataFrame:
    """Read the named columns of ``path`` in chunks, with a progress bar for large files."""
    if not path.is_file():
        fail(
            ValidationError(f"file: {str(path)!r} does not exist", field="file", value=str(path)),
            as_json=as_json,
        )
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f, delimiter=sep), [])
    missing = [c for c in columns if c not in header]
    if missing:
        fail(
            ValidationError(
                f"{missing[0]}: no such column in {path.name} (columns: {', '.join(header)})",
                field=missing[0],
                value=missing[0],
            ),
            as_json=as_json,
        )
    import pandas as pd

    total = _count_rows(path)
    parts = []
    with _progress() as progress:
        task = progress.add_task(label, total=total or None)
        reader = pd.read_csv(
            path,
            sep=sep,
            usecols=columns,
            dtype=str,
            keep_default_na=False,
            chunksize=CHUNK_ROWS,
            encoding="utf-8-sig",
        )
        for chunk in reader:
            parts.append(chunk)
            progress.advance(task, len(chunk))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _scores(frame: pd.DataFrame, column: str, *, as_json: bool) -> np.ndarray:
    import pandas as pd

    values = pd.to_numeric(frame[column].str.replace(",", ".", regex=False), errors="coerce")
    bad = frame[column][values.isna() & (frame[column].str.strip() != "")]
    if len(bad):
        row = int(bad.index[0]) + 2
        fail(
            ValidationError(
                f"{column}: row {row} has {bad.iloc[0]!r}, not a number", field=column, value=bad.iloc[0]
            ),
            as_json=as_json,
        )
    return values.to_numpy(dtype=float)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()})
    return out


def _check_language(language: str, as_json: bool) -> None:
    if language not in ("sv", "en", "auto"):
        fail(
            ValidationError(
                f"language: {language!r} is not one of sv, en, auto", field="language", value=language
            ),
            as_json=as_json,
        )


def redact_command(
    file: FileArg,
    text_column: TextColumn_ = "text",
    out: Annotated[
        Path | None, typer.Option("--out", help="Skriv maskad CSV hit / write redacted CSV here")
    ] = None,
    language: LanguageOpt = "sv",
    sep: SepOpt = ",",
    as_json: JsonOpt = False,
) -> None:
    """Maska personuppgifter i kommentarerna / redact personal data in the comments."""
    import pandas as pd

    from kundpuls.text.redaction import redact

    _check_language(language, as_json)
    path = Path(file)
    if not path.is_file():
        fail(
            ValidationError(f"file: {str(path)!r} does not exist", field="file", value=str(path)),
            as_json=as_json,
        )
    header = pd.read_csv(path, sep=sep, nrows=0, encoding="utf-8-sig").columns.tolist()
    if text_column not in header:
        fail(
            ValidationError(
                f"{text_column}: no such column in {path.name} (columns: {', '.join(header)})",
                field=text_column,
                value=text_column,
            ),
            as_json=as_json,
        )
    total = _count_rows(path)
    found: Counter[str] = Counter()
    rows = changed = 0
    examples: list[dict[str, Any]] = []
    keep_all = out is None and as_json
    first = True
    with _progress() as progress:
        task = progress.add_task("Maskerar / redacting", total=total or None)
        for chunk in pd.read_csv(
            path, sep=sep, dtype=str, keep_default_na=False, chunksize=CHUNK_ROWS, encoding="utf-8-sig"
        ):
            results = [redact(t, language=language) for t in chunk[text_column].tolist()]
            chunk[text_column] = [r.text for r in results]
            for r in results:
                found.update(r.kinds())
                changed += r.changed
                if (keep_all or (len(examples) < 5 and r.changed)) and (keep_all or not as_json):
                    examples.append({"text": r.text, "found": [list(f) for f in r.found]})
            rows += len(chunk)
            if out is not None:
                csv_frame(chunk).to_csv(out, sep=sep, index=False, mode="w" if first else "a", header=first)
            elif not as_json:
                csv_frame(chunk).to_csv(sys.stdout, sep=sep, index=False, header=first)
            first = False
            progress.advance(task, len(chunk))
    summary = {
        "rows": rows,
        "redacted_rows": changed,
        "found": dict(sorted(found.items())),
        "out": str(out) if out else None,
    }
    if as_json:
        if keep_all:
            summary["comments"] = examples
        emit_json(summary)
    elif out is not None:
        typer.echo(
            f"{rows} rader, {changed} maskerade ({', '.join(f'{k}: {v}' for k, v in sorted(found.items()))})"
            f" → {out}"
        )


def themes_command(
    file: FileArg,
    text_column: TextColumn_ = "text",
    score_column: ScoreColumn = None,
    group_column: GroupColumn = None,
    taxonomy_file: Annotated[
        Path | None, typer.Option("--taxonomy", help="Egen temafil (YAML) / taxonomy")
    ] = None,
    discover: Annotated[
        int, typer.Option("--discover", help="Föreslå N nya teman / propose N new themes")
    ] = 0,
    min_n: Annotated[int, typer.Option("--min-n", help="Anonymitetsgräns / anonymity threshold")] = 7,
    language: LanguageOpt = "auto",
    sep: SepOpt = ",",
    seed: Annotated[int, typer.Option("--seed", help="Frö för temaförslag / seed for discovery")] = 0,
    polarity: Annotated[
        bool,
        typer.Option(
            "--polarity",
            help="Beröm och klagomål per kommentar och tema / praise and complaints per comment and theme",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Teman per kommentar, tema × betyg och förslag på nya teman / themes, theme × score, new themes."""
    from kundpuls.text.corpus import build_corpus
    from kundpuls.text.taxonomy import default_taxonomy, load_taxonomy
    from kundpuls.text.themes import assign_themes_to_corpus, theme_score_table

    _check_language(language, as_json)
    try:
        taxonomy = load_taxonomy(taxonomy_file) if taxonomy_file else default_taxonomy()
    except (KundpulsError, OSError) as exc:
        fail(exc if isinstance(exc, KundpulsError) else str(exc), as_json=as_json)
    columns = [c for c in (text_column, score_column, group_column) if c]
    frame = _read(Path(file), list(dict.fromkeys(columns)), sep=sep, as_json=as_json, label="Läser / reading")
    with _stderr().status("Tokeniserar och tilldelar teman / tokenising and assigning themes"):
        corpus = build_corpus(frame[text_column].tolist(), language=language)  # type: ignore[arg-type]
        assignment = assign_themes_to_corpus(corpus, taxonomy)
    document: dict[str, Any] = {
        "rows": len(frame),
        "themes": _records(assignment.summary()),
        "unassigned": int(assignment.unassigned().sum()),
    }
    if polarity:
        from kundpuls.text.reading import read_comments

        with _stderr().status("Läser tonen / reading polarity"):
            reading = read_comments(
                frame[text_column].fillna("").astype(str).tolist(), taxonomy, languages=list(corpus.languages)
            )
        # the learned reader files themes too (docs/comments.md §3b): report its themes
        assignment = reading.assignment
        document.update(themes=_records(assignment.summary()), unassigned=int(assignment.unassigned().sum()))
        by_theme = reading.theme_counts()
        for row in document["themes"]:
            row.update(
                complaints=by_theme[row["theme"]]["complaint"],
                praise=by_theme[row["theme"]]["praise"],
                neutral=by_theme[row["theme"]]["neutral"],
            )
        document["polarity"] = reading.polarity_counts()
    if score_column:
        groups = frame[group_column].to_numpy() if group_column else None
        table = theme_score_table(
            assignment, _scores(frame, score_column, as_json=as_json), groups=groups, min_n=min_n
        )
        document["theme_scores"] = _records(table)
    if discover > 0:
        from kundpuls.text.discovery import discover_themes

        try:
            proposals = discover_themes(
                corpus,
                originals=frame[text_column].tolist(),
                taxonomy=taxonomy,
                n_themes=discover,
                seed=seed,
                min_df=max(2, min(5, len(frame) // 200)),
            )
        except InsufficientData as exc:
            proposals = []
            document["discovery_note"] = str(exc)
        document["proposals"] = [
            {
                "key": p.key,
                "top_terms": list(p.top_terms),
                "n": p.n,
                "language": p.language,
                "examples": list(p.examples),
            }
            for p in proposals
        ]
    if as_json:
        emit_json(document)
        return
    console = Console()
    table_view = Table(title=f"Teman / themes ({len(frame)} kommentarer, {document['unassigned']} utan tema)")
    for col in ("tema", "antal", "andel", *(("klagomål", "beröm") if polarity else ())):
        table_view.add_column(col)
    for row in document["themes"]:
        extra = (str(row["complaints"]), str(row["praise"])) if polarity else ()
        table_view.add_row(row["label"], str(row["n"]), f"{row['share']:.1%}", *extra)
    console.print(table_view)
    if "polarity" in document:
        counts = document["polarity"]
        console.print(
            f"Beröm / praise {counts['praise']}, klagomål / complaint {counts['complaint']}, "
            f"neutrala / neutral {counts['neutral']}"
        )
    if "theme_scores" in document:
        scores = Table(title="Tema × betyg / theme × score")
        for col in ("grupp", "tema", "n", "andel", "medel", "95 % KI", "övriga"):
            scores.add_column(col)
        for row in document["theme_scores"]:
            if row["n"] == 0:
                continue
            ci = "–" if row["suppressed"] else f"{row['ci_low']:.2f}–{row['ci_high']:.2f}"
            mean = "dold (n < min)" if row["suppressed"] else f"{row['estimate']:.2f}"
            others = "–" if row["mean_others"] is None else f"{row['mean_others']:.2f}"
            scores.add_row(
                str(row["group"]), row["label"], str(row["n"]), f"{row['share']:.1%}", mean, ci, others
            )
        console.print(scores)
    if "discovery_note" in document:
        console.print(f"Inga temaförslag / no proposals: {document['discovery_note']}")
    for p in document.get("proposals", []):
        console.print(f"[bold]Förslag {p['key']}[/bold] ({p['n']} kommentarer): {', '.join(p['top_terms'])}")
        for example in p["examples"]:
            console.print(f"  – {example}")


def terms_command(
    file: FileArg,
    text_column: TextColumn_ = "text",
    score_column: Annotated[
        str, typer.Option("--score-column", help="Kolumn med betyget / score column")
    ] = "score",
    group_column: GroupColumn = None,
    low_max: Annotated[
        float | None, typer.Option("--low-max", help="Lågt betyg: ≤ detta / low: at most")
    ] = None,
    high_min: Annotated[
        float | None, typer.Option("--high-min", help="Högt betyg: ≥ detta / high: at least")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Antal ord per sida och grupp / terms per side")] = 10,
    min_count: Annotated[int, typer.Option("--min-count", help="Minsta antal förekomster / min count")] = 5,
    min_n: Annotated[int, typer.Option("--min-n", help="Anonymitetsgräns / anonymity threshold")] = 7,
    taxonomy_file: Annotated[
        Path | None, typer.Option("--taxonomy", help="Egen temafil (YAML) / taxonomy")
    ] = None,
    language: LanguageOpt = "auto",
    sep: SepOpt = ",",
    as_json: JsonOpt = False,
) -> None:
    """Ord och teman som skiljer missnöjda från nöjda / terms and themes separating low from high scorers."""
    from kundpuls.text.corpus import build_corpus
    from kundpuls.text.log_odds import distinguishing_terms, distinguishing_themes
    from kundpuls.text.taxonomy import default_taxonomy, load_taxonomy

    _check_language(language, as_json)
    try:
        taxonomy = load_taxonomy(taxonomy_file) if taxonomy_file else default_taxonomy()
    except (KundpulsError, OSError) as exc:
        fail(exc if isinstance(exc, KundpulsError) else str(exc), as_json=as_json)
    columns = list(dict.fromkeys(c for c in (text_column, score_column, group_column) if c))
    frame = _read(Path(file), columns, sep=sep, as_json=as_json, label="Läser / reading")
    scores = _scores(frame, score_column, as_json=as_json)
    groups = frame[group_column].to_numpy() if group_column else None
    status = _stderr().status("Räknar ord per grupp / counting terms per group")
    status.start()
    corpus = build_corpus(frame[text_column].tolist(), language=language)  # type: ignore[arg-type]
    try:
        terms = distinguishing_terms(
            corpus,
            scores,
            groups=groups,
            low_max=low_max,
            high_min=high_min,
            top=top,
            min_count=min_count,
            min_n=min_n,
        )
        themes = distinguishing_themes(
            corpus, scores, taxonomy=taxonomy, groups=groups, low_max=low_max, high_min=high_min, min_n=min_n
        )
    except KundpulsError as exc:
        status.stop()
        fail(exc, as_json=as_json)
    status.stop()
    if as_json:
        emit_json(
            {
                "rows": len(frame),
                "low_max": low_max,
                "high_min": high_min,
                "terms": _records(terms),
                "themes": _records(themes),
            }
        )
        return
    console = Console()
    for name, part in terms.groupby("group", sort=True):
        if bool(part["suppressed"].iloc[0]):
            console.print(f"[bold]{name}[/bold]: dold, för få låga eller höga svar (n < {min_n})")
            continue
        low = ", ".join(
            f"{t} ({z:.1f})"
            for t, z in part.loc[part["side"] == "low", ["label", "z"]].itertuples(index=False)
        )
        high = ", ".join(
            f"{t} ({z:.1f})"
            for t, z in part.loc[part["side"] == "high", ["label", "z"]].itertuples(index=False)
        )
        console.print(
            f"[bold]{name}[/bold] (låga {int(part['n_low'].iloc[0])}, höga {int(part['n_high'].iloc[0])})"
        )
        console.print(f"  missnöjda / low:  {low}")
        console.print(f"  nöjda / high:     {high}")


def register(app: typer.Typer) -> None:
    """Add the ``text`` command group (``redact``, ``themes``, ``terms``, ``taxonomy``) to the app."""
    from kundpuls.cli.taxonomy import taxonomy_app

    text_app.command("redact")(redact_command)
    text_app.command("themes")(themes_command)
    text_app.command("terms")(terms_command)
    if not any(group.name == "taxonomy" for group in text_app.registered_groups):
        text_app.add_typer(taxonomy_app, name="taxonomy")
    app.add_typer(text_app, name="text")
