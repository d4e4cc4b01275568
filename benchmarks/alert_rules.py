"""Benchmark: evaluating alert rules on stored responses, compiled once vs parsed per response.

Usage::

    python benchmarks/alert_rules.py [--quick] [--json] [--responses N] [--seed S]

Synthetic NKI answers (seeded; N default 20,000, ``--quick`` 2,000); a third of them have a comment, some
about "bemötande". The rule set has three rules (a low overall score, a low expectation score and a comment
in the theme "bemotande" with a middling score).

* ``seconds``: the rules compiled once (what the cases app does: once per rule revision and survey
  version), then ``matches`` per response;
* ``baseline_seconds``: parse and validate the rules against the definition for every response.

Both routes must fire the same rules; the number of disagreements is printed (must be 0).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kundpuls.instruments.library import load_template
from kundpuls.web.cases.rules import comment_themes, compile_rules, parse_rules

RULES = {
    "rules": [
        {"key": "low_overall", "when": [{"item": "nki_helhet", "at_most": 3}]},
        {"key": "low_expectation", "when": [{"item": "nki_forvantan", "at_most": 2}]},
        {
            "key": "rude",
            "when": [{"item": "kommentar", "theme": "bemotande"}, {"item": "nki_helhet", "at_most": 6}],
        },
    ]
}
COMMENTS = [
    "Otrevlig personal som inte lyssnade",
    "Lång väntetid i telefon",
    "Bra bemötande och snabb hjälp",
    "Svårt att hitta information på webben",
    "Tack för hjälpen!",
]


def answers(n: int, seed: int) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    scores = rng.integers(1, 11, size=(n, 2))
    comment = rng.integers(0, 3 * len(COMMENTS), size=n)
    rows = []
    for i in range(n):
        row: dict[str, object] = {"nki_helhet": int(scores[i, 0]), "nki_forvantan": int(scores[i, 1])}
        if comment[i] < len(COMMENTS):
            row["kommentar"] = COMMENTS[comment[i]]
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--responses", type=int, default=None)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    n = args.responses or (2_000 if args.quick else 20_000)
    definition = load_template("nki")
    rows = answers(n, args.seed)
    for text in COMMENTS:  # warm the theme cache and the text layer once for both routes
        comment_themes(text)

    start = time.perf_counter()
    compiled = compile_rules(parse_rules(RULES, definition))
    fast = [compiled.matches(r) for r in rows]
    seconds = time.perf_counter() - start

    start = time.perf_counter()
    slow = [compile_rules(parse_rules(RULES, definition)).matches(r) for r in rows]
    baseline = time.perf_counter() - start

    result = {
        "responses": n,
        "seconds": round(seconds, 4),
        "baseline_seconds": round(baseline, 4),
        "speedup": round(baseline / seconds, 1) if seconds else None,
        "microseconds_per_response": round(1e6 * seconds / n, 2),
        "fired": sum(bool(f) for f in fast),
        "disagreements": sum(a != b for a, b in zip(fast, slow, strict=True)),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>28}: {value}")


if __name__ == "__main__":
    main()
