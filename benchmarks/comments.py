"""Benchmark of reading comments right: themes and polarity against a labelled set written for Kundpuls.

    python benchmarks/comments.py [--quick] [--json] [--part heldout|tuning|both] [--rows N]
    python benchmarks/comments.py --cross-validate     # the tuning part only: figures, thresholds
    python benchmarks/comments.py --cross-validate --by-round   # the same, one round of writing per fold
    python benchmarks/comments.py --agreement FILE   # a second labeller's labels against the set's

The labelled set (``src/kundpuls/text/data/comments_tuning.jsonl``, ids below 13000, and the held-out
round ``tests/text/data/comments_round13.jsonl``, ids from 13001; see ``tests/text/data/README.md`` and
:func:`part_of`) gives each comment its language, its polarity (praise, complaint, neutral) and its themes,
each with a polarity.
:func:`kundpuls.text.reading.read_comments` reads every comment (in its labelled language) with the
shipped taxonomy and polarity lexicon, and the benchmark reports, for the part asked
(default: ``heldout``, the part held out from tuning):

- precision and recall of each theme (a comment either raises the theme or not);
- precision and recall of each polarity (the comment's polarity);
- how often a theme found and labelled got the labelled polarity;
- whether the issue's misfiled examples land right.

The baseline, measured in the same run: themes by Snowball stems of the taxonomy's single words only (no
phrases, word parts or compound splitting) and polarity by counting lexicon words (no phrases, negation or
turning words). The ratio of the mean F1 of both is printed. Speed: ``read_comments`` on synthetic
comments against ``assign_themes`` alone (the cost of polarity), comments per second.
Target (issue 18): precision and recall ≥ 0.85 for every theme and every polarity on the held-out part.
With ``--json`` the human report goes to stderr and stdout ends with one JSON object. A part whose file
is not in the checkout is named as missing (exit code 2), not measured.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kundpuls.text.polarity import POLARITIES, polarity_lexicon, polarity_of_score  # noqa: E402
from kundpuls.text.reading import comment_model, read_comments  # noqa: E402
from kundpuls.text.taxonomy import Taxonomy, default_taxonomy  # noqa: E402
from kundpuls.text.themes import assign_themes  # noqa: E402
from kundpuls.text.tokens import stems, tokenise  # noqa: E402

DATA = ROOT / "tests" / "text" / "data"
PARTS = {
    # the tuning part ships with the package: the comment model learns from it (kundpuls.text.learned)
    "tuning": ROOT / "src" / "kundpuls" / "text" / "data" / "comments_tuning.jsonl",
    # the thirteenth round, written apart from the reader of this round and never used to tune it
    "heldout": DATA / "comments_round13.jsonl",
}
HELDOUT_FROM = 13000
"""Ids from here on are held out; every id below is tuning material (tests/text/data/README.md)."""


def part_of(comment_id: int) -> str:
    """The part of a labelled comment: ids below ``HELDOUT_FROM`` are ``tuning``, the rest ``heldout``.

    Until issue 18's fifth round the later ids were split by a seeded hash; that held-out part (ids
    1001-1179, 2001-2100 and half of 3001-3499) was measured and has since joined the tuning part, so the
    rule is now a plain cut: everything written before the reader was last changed is tuning material.
    The fifth round (ids 5001-5630), the sixth (ids 6001-6505), the seventh (ids 7001-7530), the eighth
    (ids 8001-8520), the ninth (ids 9001-9520), the tenth (ids 10001-10520), the eleventh (ids
    11001-11520) and the twelfth (ids 12001-12520) were each measured once and then joined the tuning part
    too, as did the tuning comments written beside the ninth to twelfth rounds (ids 8601-8999, 9601-9999,
    10601-10999, 11601-11999); the thirteenth round (ids 13001 on, written without sight of the reader's
    errors) is held out.
    """
    return "tuning" if comment_id < HELDOUT_FROM else "heldout"


def missing(part: str, path: Path | None = None) -> str | None:
    """Why ``part`` (read from ``path``, by default its file in ``PARTS``) cannot be measured, or None."""
    path = path or PARTS[part]
    if path.exists():
        return None
    return (
        f"the {part} part is missing: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
        "is not in this checkout "
        f"(the held-out round, ids {HELDOUT_FROM + 1}+, is written apart from the reader; "
        "see tests/text/data/README.md)"
    )


TARGET = 0.85
# The documented floor (docs/comments.md): (precision, recall) per part, theme and polarity;
# tests/text/test_comment_benchmark.py keeps them. "heldout": the thirteenth round's single measurement (ids
# 13001 on, 520 comments, 2026-12-07) with this reader, rounded down to 0.01, less 0.02; the twelfth round's
# floors went with it into the tuning part. "tuning": the reader on the comments it learnt from,
# rounded down to 0.05.
FLOORS: dict[str, dict[str, tuple[float, float]]] = {
    "heldout": {
        "bemotande": (0.9, 0.75),
        "vantetid": (0.88, 0.8),
        "tillganglighet": (0.8, 0.84),
        "information": (0.73, 0.81),
        "kompetens": (0.84, 0.87),
        "pris": (0.94, 0.87),
        "lokaler": (0.9, 0.9),
        "digitala_tjanster": (0.94, 0.91),
        "parkering": (0.94, 0.92),
        "kontinuitet": (0.94, 0.9),
        "kollektivtrafik": (0.96, 0.91),
        "praise": (0.9, 0.83),
        "complaint": (0.86, 0.93),
        "neutral": (0.92, 0.89),
    },
    "tuning": {
        "bemotande": (0.95, 0.95),
        "vantetid": (0.95, 0.95),
        "tillganglighet": (0.95, 0.95),
        "information": (0.95, 0.95),
        "kompetens": (0.95, 0.95),
        "pris": (0.95, 0.95),
        "lokaler": (0.95, 0.95),
        "digitala_tjanster": (0.95, 0.95),
        "parkering": (0.95, 0.95),
        "kontinuitet": (0.95, 0.95),
        "kollektivtrafik": (0.95, 0.95),
        "praise": (0.95, 0.95),
        "complaint": (0.95, 0.95),
        "neutral": (0.95, 0.95),
    },
}
MISFILED = (
    # issue 18: "Telefonkön var helt orimlig" landed under Pris, "tog lång tid att få svar" under Information
    ("Telefonkön var helt orimlig", "sv", {"vantetid": "complaint"}, "complaint"),
    ("Det tog lång tid att få svar", "sv", {"vantetid": "complaint"}, "complaint"),
)


def load(part: str, path: Path | None = None) -> list[dict[str, Any]]:
    """The labelled comments of ``part`` (``tuning`` or ``heldout``); a missing part is a clear error."""
    reason = missing(part, path)
    if reason:
        raise FileNotFoundError(reason)
    with (path or PARTS[part]).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def precision_recall(pairs: list[tuple[bool, bool]]) -> dict[str, Any]:
    """Precision, recall and F1 of (labelled, predicted) booleans, with the counts."""
    tp = sum(1 for gold, pred in pairs if gold and pred)
    fp = sum(1 for gold, pred in pairs if pred and not gold)
    fn = sum(1 for gold, pred in pairs if gold and not pred)
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r > 0 else None
    return {"precision": p, "recall": r, "f1": f1, "support": tp + fn, "predicted": tp + fp}


def evaluate(
    records: list[dict[str, Any]],
    predicted_themes: list[dict[str, str]],
    predicted_polarity: list[str],
    keys: tuple[str, ...],
) -> dict[str, Any]:
    """Per theme and per polarity: precision, recall, F1; theme-polarity agreement; the errors."""
    themes = {
        key: precision_recall(
            [(key in r["themes"], key in got) for r, got in zip(records, predicted_themes, strict=True)]
        )
        for key in keys
    }
    polarity = {
        pol: precision_recall(
            [(r["polarity"] == pol, got == pol) for r, got in zip(records, predicted_polarity, strict=True)]
        )
        for pol in POLARITIES
    }
    both = [
        (r["themes"][k], got[k])
        for r, got in zip(records, predicted_themes, strict=True)
        for k in r["themes"]
        if k in got
    ]
    errors = [
        {
            "id": r["id"],
            "text": r["text"],
            "themes": r["themes"],
            "found": got,
            "polarity": r["polarity"],
            "read": pol,
        }
        for r, got, pol in zip(records, predicted_themes, predicted_polarity, strict=True)
        if set(r["themes"]) != set(got) or r["polarity"] != pol
    ]
    return {
        "comments": len(records),
        "themes": themes,
        "polarity": polarity,
        "theme_polarity_agreement": _ratio(sum(a == b for a, b in both), len(both)),
        "theme_polarity_pairs": len(both),
        "accuracy_polarity": _ratio(
            sum(r["polarity"] == p for r, p in zip(records, predicted_polarity, strict=True)), len(records)
        ),
        "errors": errors,
    }


def read(records: list[dict[str, Any]], taxonomy: Taxonomy) -> tuple[list[dict[str, str]], list[str]]:
    """Themes (with polarity) and polarity of each labelled comment, read in its labelled language."""
    reading = read_comments(
        [r["text"] for r in records], taxonomy, languages=[r["language"] for r in records]
    )
    return [reading.themes_of(i) for i in range(reading.n_docs)], [str(p) for p in reading.polarity]


def baseline(records: list[dict[str, Any]], taxonomy: Taxonomy) -> tuple[list[dict[str, str]], list[str]]:
    """Stems of single taxonomy words only; polarity by counting lexicon words (no negation, no phrases)."""
    lookup: dict[tuple[str, str], set[str]] = {}
    for theme in taxonomy.themes:
        for lang, terms in theme.terms.items():
            for word in terms.words:
                for s in stems(tokenise(word), language=lang):  # type: ignore[arg-type]
                    lookup.setdefault((lang, s), set()).add(theme.key)
    out_themes, out_polarity = [], []
    for r in records:
        lang = r["language"]
        lexicon = polarity_lexicon(lang)
        tokens = tokenise(r["text"])
        found: set[str] = set()
        score = 0
        for token, s in zip(tokens, stems(tokens, language=lang), strict=True):
            found |= lookup.get((lang, s), set())
            score += lexicon._stem_value(token, s)
        out_themes.append(dict.fromkeys(sorted(found), "neutral"))
        out_polarity.append(polarity_of_score(score))
    return out_themes, out_polarity


def mean_f1(result: dict[str, Any]) -> float:
    values = [
        m["f1"] or 0.0 for m in (*result["themes"].values(), *result["polarity"].values()) if m["support"]
    ]
    return sum(values) / len(values)


def _fmt(value: float | None) -> str:
    return "  –  " if value is None else f"{value:5.3f}"


def _row(name: str, m: dict[str, Any], b: dict[str, Any], meets: bool) -> str:
    figures = f"{m['support']:4d} {_fmt(m['precision']):>9} {_fmt(m['recall']):>7} {_fmt(m['f1']):>6}"
    baseline_figures = f"{_fmt(b['precision'])} / {_fmt(b['recall'])}"
    return f"  {name:22} {figures}   {baseline_figures}{'' if meets else '   < target'}"


def report(name: str, result: dict[str, Any], base: dict[str, Any], taxonomy: Taxonomy, say: Any) -> bool:
    """Print the figures of one part; True if every theme and polarity with support meets the target."""
    ok = True
    say(f"\n{name}: {result['comments']} comments")
    say(f"  {'theme':22} {'n':>4} {'precision':>9} {'recall':>7} {'F1':>6}   baseline P / R")
    for key, m in result["themes"].items():
        b = base["themes"][key]
        meets = m["support"] == 0 or ((m["precision"] or 0) >= TARGET and (m["recall"] or 0) >= TARGET)
        ok &= meets
        label = taxonomy.theme(key).label_in("sv")
        say(_row(label, m, b, meets))
    say(f"  {'polarity':22} {'n':>4} {'precision':>9} {'recall':>7} {'F1':>6}   baseline P / R")
    for pol, m in result["polarity"].items():
        b = base["polarity"][pol]
        meets = m["support"] == 0 or ((m["precision"] or 0) >= TARGET and (m["recall"] or 0) >= TARGET)
        ok &= meets
        say(_row(pol, m, b, meets))
    say(
        f"  theme polarity right where the theme was found: {_fmt(result['theme_polarity_agreement'])}"
        f" of {result['theme_polarity_pairs']}"
    )
    ours, theirs = mean_f1(result), mean_f1(base)
    say(f"  mean F1 {ours:.3f}, baseline {theirs:.3f} → ×{ours / theirs:.2f}")
    say(f"  comments with any error: {len(result['errors'])}; target ≥ {TARGET} met: {'yes' if ok else 'no'}")
    return ok


def agreement_report(path: Path, say: Any) -> dict[str, Any]:
    """A second labeller's labels (``path``) scored against the set's labels of the same comments."""
    second = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    labelled = {r["id"]: r for part in PARTS if not missing(part) for r in load(part)}
    unknown = [r["id"] for r in second if r["id"] not in labelled]
    if unknown:
        raise SystemExit(f"{path}: ids not in the labelled set: {unknown[:10]}")
    keys = default_taxonomy().keys
    first = [labelled[r["id"]] for r in second]
    result = evaluate(first, [r["themes"] for r in second], [r["polarity"] for r in second], keys)
    say(f"{path.name}: {len(second)} comments labelled again, scored against the set's labels")
    for name, m in (*result["themes"].items(), *result["polarity"].items()):
        precision, recall, f1 = _fmt(m["precision"]), _fmt(m["recall"]), _fmt(m["f1"])
        say(f"  {name:22} {m['support']:>4} {precision:>9} {recall:>7} {f1:>6}")
    pairs = zip(first, second, strict=True)
    differ = sum(a["themes"] != b["themes"] or a["polarity"] != b["polarity"] for a, b in pairs)
    say(f"  mean F1 {mean_f1(result):.3f}; comments labelled differently: {differ}")
    return {k: v for k, v in result.items() if k != "errors"} | {"mean_f1": mean_f1(result), "differ": differ}


def speed(rows: int, taxonomy: Taxonomy) -> dict[str, float]:
    """Comments per second of read_comments and of assign_themes alone, on synthetic comments."""
    from kundpuls.demo.comments import generate_comments
    from kundpuls.text import meaning

    texts = generate_comments(rows, seed=7)
    start = time.perf_counter()
    assign_themes(texts, taxonomy)
    t_themes = time.perf_counter() - start
    start = time.perf_counter()
    read_comments(texts, taxonomy)  # the comments are new: every vector is encoded
    t_read = time.perf_counter() - start
    start = time.perf_counter()
    read_comments(texts, taxonomy)  # again: the vectors are kept, as after the warming of a page
    t_again = time.perf_counter() - start
    encoded = meaning.available()
    return {
        "rows": rows,
        "read_per_s": rows / t_read,
        "read_again_per_s": rows / t_again,
        "encoder_share": (t_read - t_again) / t_read if encoded else 0.0,
        "themes_per_s": rows / t_themes,
        "ratio": t_themes / t_read,
    }


def _cross_validated(cv: Any, thresholds: dict[str, float], rows: Any) -> dict[str, Any]:
    """Precision and recall per theme (at ``thresholds``) and polarity of the scored ``rows`` of ``cv``."""
    from kundpuls.text.calibration import f1_at

    themes = {}
    for j, key in enumerate(cv.keys):
        p, r, f1 = f1_at(cv.probabilities[rows, j], cv.labelled[rows, j], thresholds[key])
        themes[key] = {"n": int(cv.labelled[rows, j].sum()), "threshold": thresholds[key]}
        themes[key] |= {"precision": float(p), "recall": float(r), "f1": float(f1)}
    polarity = evaluate(
        [{"themes": {}, "polarity": p, "id": 0, "text": ""} for p in cv.labelled_polarity[rows]],
        [{} for _ in range(int(rows.sum()))],
        [str(p) for p in cv.polarity[rows]],
        (),
    )["polarity"]
    return {"comments": int(rows.sum()), "themes": themes, "polarity": polarity}


def cross_validation_report(say: Any, *, by_round: bool = False) -> dict[str, Any]:
    """Grouped 5-fold (or, ``by_round``, leave-one-round-out) cross-validation of the shipped reader.

    Every tuning comment written after the lexicon was tuned (ids 1001-6999) is read by a model fitted on
    the other folds (with ``by_round``: on every other round of writing;
    :func:`kundpuls.text.calibration.cross_validate`), at the shipped per-theme thresholds ("shipped") and
    at the thresholds this run would choose ("chosen"); the figures are also given per language and, with
    ``by_round``, per round. Never reads the held-out part.
    """
    import numpy as np

    from kundpuls.text.calibration import ROUND_BLOCK, choose_thresholds, cross_validate
    from kundpuls.text.learned import THEME_THRESHOLD, THEME_THRESHOLDS, labelled_comments
    from kundpuls.text.reading import _read_lexicon

    taxonomy = default_taxonomy()
    records = labelled_comments()
    languages = [r.language for r in records]
    lexical = _read_lexicon([r.text for r in records], taxonomy, languages=languages)
    start = time.process_time()
    matrix = lexical.assignment.matrix.tocsr()
    cv = cross_validate(records, taxonomy.keys, matrix, lexical.scores, languages, by_round=by_round)
    cpu = time.process_time() - start
    chosen = choose_thresholds(cv)
    shipped = {k: THEME_THRESHOLDS.get(k, THEME_THRESHOLD) for k in taxonomy.keys}
    every = np.ones(len(cv.rows), dtype=bool)
    language = np.asarray([records[i].language for i in cv.rows])
    figures = {
        "shipped": _cross_validated(cv, shipped, every),
        "chosen": _cross_validated(cv, chosen, every),
        "shipped_sv": _cross_validated(cv, shipped, language == "sv"),
        "shipped_en": _cross_validated(cv, shipped, language == "en"),
    }
    ids = [records[i].id for i in cv.rows]
    if by_round:  # each round, read by the models of the other rounds, at the shipped thresholds
        rounds = np.asarray(ids) // ROUND_BLOCK
        for r in np.unique(rounds).tolist():
            figures[f"shipped_round{r}"] = _cross_validated(cv, shipped, rounds == r)
    how = "leave-one-round-out" if by_round else "grouped 5-fold"
    say(
        f"\n{how} cross-validation on the tuning part: "
        f"{len(ids)} comments (ids {min(ids)}-{max(ids)}) read out of fold; CPU {cpu:.1f} s"
    )
    say(
        f"  {'':20} {'n':>4}   {'shipped t':>9} {'P':>6} {'R':>6}   {'chosen t':>8} {'P':>6} {'R':>6}"
        f"   {'sv P':>6} {'sv R':>6} {'en P':>6} {'en R':>6}"
    )
    for key in taxonomy.keys:
        s, c = figures["shipped"]["themes"][key], figures["chosen"]["themes"][key]
        sv, en = figures["shipped_sv"]["themes"][key], figures["shipped_en"]["themes"][key]
        say(
            f"  {key:20} {s['n']:4d}   {s['threshold']:9.2f} {_fmt(s['precision']):>6} {_fmt(s['recall']):>6}"
            f"   {c['threshold']:8.2f} {_fmt(c['precision']):>6} {_fmt(c['recall']):>6}"
            f"   {_fmt(sv['precision']):>6} {_fmt(sv['recall']):>6}"
            f" {_fmt(en['precision']):>6} {_fmt(en['recall']):>6}"
        )
    for pol in POLARITIES:
        s = figures["shipped"]["polarity"][pol]
        sv, en = figures["shipped_sv"]["polarity"][pol], figures["shipped_en"]["polarity"][pol]
        say(
            f"  {pol:20} {s['support']:4d}   {'':9} {_fmt(s['precision']):>6} {_fmt(s['recall']):>6}"
            f"   {'':8} {'':>6} {'':>6}"
            f"   {_fmt(sv['precision']):>6} {_fmt(sv['recall']):>6}"
            f" {_fmt(en['precision']):>6} {_fmt(en['recall']):>6}"
        )
    for name, part in figures.items():
        values = [m["f1"] or 0.0 for m in (*part["themes"].values(), *part["polarity"].values())]
        meets = sum(
            (m["precision"] or 0) >= TARGET and (m["recall"] or 0) >= TARGET
            for m in (*part["themes"].values(), *part["polarity"].values())
        )
        part["mean_f1"], part["meet_target"] = float(sum(values) / len(values)), int(meets)
        say(
            f"  {name:14} {part['comments']:4d} comments: mean F1 {part['mean_f1']:.3f}, "
            f"{meets} of 14 meet ≥ {TARGET}"
        )
    return {
        "figures": figures,
        "chosen": {k: float(v) for k, v in chosen.items()},
        "cpu_seconds": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="the speed run on 2,000 comments instead of 20,000"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--part",
        choices=["heldout", "tuning", "both"],
        default="heldout",
        help="heldout (default): the part held out from tuning; both: tuning and heldout",
    )
    parser.add_argument("--rows", type=int, default=20_000, help="synthetic comments for the speed run")
    parser.add_argument("--errors", action="store_true", help="list every comment read wrong")
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="grouped 5-fold cross-validation on the tuning part only: the shipped reader's figures "
        "(also per language) and the per-theme thresholds it picks",
    )
    parser.add_argument(
        "--by-round",
        action="store_true",
        help="with --cross-validate: each round of writing (ids 1001-1999, 2001-2999, …) is read by a model "
        "fitted on the other rounds, as a held-out round is",
    )
    parser.add_argument(
        "--agreement",
        type=Path,
        metavar="FILE",
        help="score a second labeller's labels (FILE, the set's format) against the set's labels of the same "
        "comments, as if they were a reader's",
    )
    args = parser.parse_args()
    out = sys.stderr if args.json else sys.stdout

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    if args.agreement:
        result = agreement_report(args.agreement, say)
        if args.json:
            print(json.dumps(result))
        return
    if args.cross_validate:
        result = cross_validation_report(say, by_round=args.by_round)
        if args.json:
            print(json.dumps(result))
        return

    taxonomy = default_taxonomy()
    parts = {"both": ["tuning", "heldout"]}.get(args.part, [args.part])
    result: dict[str, Any] = {"target": TARGET, "parts": {}}
    all_ok = True
    absent = []
    for part in parts:
        reason = missing(part)
        if reason:
            say(f"\n{part}: not measured: {reason}")
            result["parts"][part] = {"missing": reason}
            absent.append(part)
            continue
        records = load(part)
        got = evaluate(records, *read(records, taxonomy), taxonomy.keys)
        base = evaluate(records, *baseline(records, taxonomy), taxonomy.keys)
        all_ok &= report(part, got, base, taxonomy, say)
        if args.errors:
            for e in got["errors"]:
                say(f"    #{e['id']} {e['text']!r}")
                say(f"       labelled {e['polarity']} {e['themes']}")
                say(f"       read     {e['read']} {e['found']}")
        result["parts"][part] = {
            **{k: v for k, v in got.items() if k != "errors"},
            "errors": len(got["errors"]),
            "mean_f1": mean_f1(got),
            "baseline_mean_f1": mean_f1(base),
            "baseline": {k: base[k] for k in ("themes", "polarity")},
        }
    misfiled = []
    for text, lang, themes, polarity in MISFILED:
        reading = read_comments([text], taxonomy, languages=[lang])
        right = reading.themes_of(0) == themes and reading.polarity[0] == polarity
        misfiled.append(
            {"text": text, "read": reading.themes_of(0), "polarity": str(reading.polarity[0]), "right": right}
        )
        verdict = "right" if right else "WRONG"
        say(f"  issue example {text!r}: {reading.themes_of(0)} {reading.polarity[0]} → {verdict}")
        row = comment_model().features(
            [text], [lang], assign_themes([text], taxonomy, language=lang).matrix, reading.scores[:1]
        )
        for key in themes:
            why = ", ".join(
                f"{name} {weight:+.2f}" for name, weight in comment_model().explain(row, key, top=4)
            )
            say(f"    why {key}: {why}")
    rows = 2_000 if args.quick else args.rows
    timing = speed(rows, taxonomy)
    say(
        f"  speed on {rows:,} synthetic comments: read_comments {timing['read_per_s']:,.0f} comments/s "
        f"new, {timing['read_again_per_s']:,.0f}/s with their vectors kept "
        f"(the encoder {timing['encoder_share']:.0%} of the first time); "
        f"assign_themes alone {timing['themes_per_s']:,.0f}/s "
        f"(reading costs ×{1 / timing['ratio']:.1f} the time)"
    )
    result.update(
        misfiled=misfiled,
        speed=timing,
        missing=absent,
        meets_target=not absent and all_ok and all(m["right"] for m in misfiled),
    )
    if args.json:
        print(json.dumps(result))
    if absent:
        sys.exit(2)


if __name__ == "__main__":
    main()
