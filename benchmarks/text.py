"""Benchmark of comment analysis: redaction, theme assignment and distinguishing terms for every unit.

    python benchmarks/text.py [--rows N] [--units U] [--baseline-rows M] [--quick] [--json]

Comments come from :mod:`kundpuls.demo.comments` (default 1,000,000 over 1,000 units). Each stage is
timed and reported as comments per second; the baselines (a plain per-comment loop for each stage) are
measured in the same run on the first ``--baseline-rows`` comments and the ratio of rates is printed.
Target (issue 8): redaction + themes + terms for 1M comments under 2 minutes and 4 GB on 2 cores.
With ``--json`` the human report goes to stderr and stdout ends with one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kundpuls.demo.comments import generate_comment_frame
from kundpuls.text.corpus import build_corpus
from kundpuls.text.language_detection import detect_language
from kundpuls.text.log_odds import distinguishing_terms, weighted_log_odds
from kundpuls.text.redaction import redact, redact_many
from kundpuls.text.taxonomy import default_taxonomy
from kundpuls.text.themes import assign_themes_to_corpus
from kundpuls.text.tokens import stems, stop_words, tokenise

TARGET_SECONDS = 120.0
TARGET_RSS_GB = 4.0
LOW_MAX, HIGH_MIN = 5, 8


def peak_rss_gb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def baseline_themes(texts: list[str]) -> list[set[int]]:
    """Per-comment loop: detect the language, tokenise, stem and look each stem up (words only)."""
    taxonomy = default_taxonomy()
    lookup: dict[tuple[str, str], set[int]] = {}
    for j, theme in enumerate(taxonomy.themes):
        for lang, terms in theme.terms.items():
            for word in terms.words:
                for s in stems(tokenise(word), language=lang):  # type: ignore[arg-type]
                    lookup.setdefault((lang, s), set()).add(j)
    out = []
    for text in texts:
        lang = detect_language(text)
        found: set[int] = set()
        for s in stems(tokenise(text), language=lang):
            found |= lookup.get((lang, s), set())
        out.append(found)
    return out


def baseline_terms(texts: list[str], scores: np.ndarray, units: np.ndarray) -> int:
    """Per-unit loop: count content stems of low and high scorers with Counters, then log-odds per unit."""
    background: Counter[str] = Counter()
    per_unit: dict[str, tuple[Counter[str], Counter[str]]] = {}
    for text, score, unit in zip(texts, scores, units, strict=True):
        lang = detect_language(text)
        stop = stop_words(lang)
        words = stems([t for t in tokenise(text) if t not in stop], language=lang)
        background.update(words)
        low, high = per_unit.setdefault(unit, (Counter(), Counter()))
        if score <= LOW_MAX:
            low.update(words)
        elif score >= HIGH_MIN:
            high.update(words)
    n_terms = 0
    for low, high in per_unit.values():
        vocab = sorted(set(low) | set(high))
        if not vocab or not sum(low.values()) or not sum(high.values()):
            continue
        result = weighted_log_odds(
            [low[w] for w in vocab], [high[w] for w in vocab], prior_counts=[background[w] for w in vocab]
        )
        n_terms += int(np.isfinite(result.z).sum())
    return n_terms


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="50,000 comments, 20,000 for the baselines")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = 50_000 if args.quick else args.rows
    baseline_rows = min(rows, 20_000 if args.quick else args.baseline_rows)
    out = sys.stderr if args.json else sys.stdout

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    say(f"kundpuls text benchmark: {rows:,} comments, {args.units} units, baselines on {baseline_rows:,}")
    frame, t_generate = timed(lambda: generate_comment_frame(rows, seed=args.seed, n_units=args.units))
    texts = frame["text"].tolist()
    scores = frame["score"].to_numpy(dtype=float)
    units = frame["unit"].astype(str).to_numpy()
    say(f"  generate        {t_generate:7.2f} s  ({rows / t_generate:,.0f} comments/s)")

    redacted, t_redact = timed(lambda: redact_many(texts))
    corpus, t_corpus = timed(lambda: build_corpus(texts))
    assignment, t_themes = timed(lambda: assign_themes_to_corpus(corpus))
    terms, t_terms = timed(
        lambda: distinguishing_terms(corpus, scores, groups=units, low_max=LOW_MAX, high_min=HIGH_MIN, top=10)
    )
    stages = {"redaction": t_redact, "tokenise": t_corpus, "themes": t_themes, "terms": t_terms}
    total = sum(stages.values())
    for name, seconds in stages.items():
        say(f"  {name:15} {seconds:7.2f} s  ({rows / seconds:,.0f} comments/s)")
    say(f"  total           {total:7.2f} s  (target < {TARGET_SECONDS:.0f} s)")

    # truth from the generator: was the inserted personal data found?
    kinds = frame["personal_data"].astype(str).to_numpy()
    found_kinds = [set(r.kinds()) for r in redacted]
    synthetic_recall = {
        kind: float(np.mean([kind in found_kinds[i] for i in np.flatnonzero(kinds == kind)]))
        for kind in sorted(set(kinds) - {""})
    }
    topic_lists = frame["topics"].astype(str).str.split(";").tolist()
    keys = assignment.keys
    theme_hits = [
        keys.index(t)
        in assignment.matrix.indices[assignment.matrix.indptr[i] : assignment.matrix.indptr[i + 1]]
        for i, wrote in enumerate(topic_lists[:200_000])
        for t in wrote
    ]

    sample = texts[:baseline_rows]
    _, b_redact = timed(lambda: [redact(t) for t in sample])
    _, b_themes = timed(lambda: baseline_themes(sample))
    _, b_terms = timed(lambda: baseline_terms(sample, scores[:baseline_rows], units[:baseline_rows]))
    fast_rates = {
        "redaction": rows / t_redact,
        "themes": rows / (t_corpus + t_themes),
        "terms": rows / t_terms,
    }
    base_rates = {
        "redaction": baseline_rows / b_redact,
        "themes": baseline_rows / b_themes,
        "terms": baseline_rows / b_terms,
    }
    say("  baseline (plain per-comment loops, same run):")
    for name in fast_rates:
        ratio = fast_rates[name] / base_rates[name]
        say(f"    {name:13} {base_rates[name]:12,.0f} comments/s  → ×{ratio:.1f}")
    rss = peak_rss_gb()
    say(f"  peak RSS        {rss:7.2f} GB  (target < {TARGET_RSS_GB:.0f} GB)")
    say(f"  synthetic redaction recall: {synthetic_recall}")
    say(f"  written drivers found as themes: {np.mean(theme_hits):.3f}")
    say(f"  distinguishing-term rows: {len(terms):,} for {terms['group'].nunique():,} units")
    result = {
        "rows": rows,
        "units": args.units,
        "baseline_rows": baseline_rows,
        "seconds": {"generate": t_generate, **stages, "total": total},
        "comments_per_second": {name: rows / s for name, s in stages.items()},
        "baseline_comments_per_second": base_rates,
        "speedup": {name: fast_rates[name] / base_rates[name] for name in fast_rates},
        "peak_rss_gb": rss,
        "meets_target": total < TARGET_SECONDS and rss < TARGET_RSS_GB,
        "synthetic_redaction_recall": synthetic_recall,
        "driver_theme_recall": float(np.mean(theme_hits)),
    }
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
