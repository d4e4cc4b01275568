"""The cost of disclosure control across outputs on the demo data, against per-table suppression.

Run: ``python benchmarks/disclosure.py [--quick] [--json]``. A throw-away data folder gets the demo
(organisation, surveys, two years of responses, the lake). Then, from a cold cache each time:

* **baseline**: every index frame a reader can ask for (month, quarter and year; the whole group and each
  background variable) with each table suppressed on its own (``index_frame(..., tree=...)``, the path
  before issue 17);
* **linked**: the same frames through the one results path, which first decides for every index which
  cells may be released at all (:mod:`kundpuls.reports.disclosure`);
* the time the rule itself takes for every index (``deciding_s``: the counts it reads and the solver);
* how many cells with at least the threshold's respondents the rule hides (complementary suppression),
  for the whole group and for the segments, by period kind;
* with ``--audit``, for the main index of every demo survey, how many small groups (1 … threshold − 1
  respondents) a reader could still recover: by differencing one sum at a time (the rule's own model of
  the reader: 0 unless the rule is broken) and by solving every sum at once (exact linear algebra,
  :func:`kundpuls.analytics.suppression.exactly_determined`; minutes per survey).

With ``--json`` stdout ends with one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _setup(folder: Path) -> None:
    os.environ["KUNDPULS_DATA_DIR"] = str(folder)
    os.environ.setdefault("KUNDPULS_SECRET_KEY", "benchmark-secret-key-" + "x" * 40)
    os.environ["KUNDPULS_DEBUG"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kundpuls.web.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from kundpuls.web.demo_setup import load_demo

    load_demo()


def _frames(lake: str, plan: object, variables: list[str], *, linked: bool) -> float:
    from kundpuls.analytics.period_kinds import REPORT_PERIOD_KINDS
    from kundpuls.analytics.rollup import lake_unit_tree, open_lake
    from kundpuls.reports import cache
    from kundpuls.reports.index_frames import index_frame

    cache.clear()
    tree = None if linked else lake_unit_tree(open_lake(lake)[1])
    start = time.perf_counter()
    for kind in REPORT_PERIOD_KINDS:
        for segment in [None, *variables]:
            index_frame(lake, plan, period_kind=kind, segment=segment, tree=tree)  # type: ignore[arg-type]
    return time.perf_counter() - start


def _audit(lake: str) -> dict[str, object]:
    """Small groups recoverable from the released cells of each demo survey's main index."""
    from django.conf import settings

    from kundpuls.analytics.suppression import derivable, exactly_determined, linked_suppression
    from kundpuls.reports.disclosure import disclosure_grid
    from kundpuls.reports.index_frames import plan_for_lake
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    out: dict[str, object] = {}
    for survey in Survey.objects.order_by("key"):
        version = current_version(survey)
        if version is None:
            continue
        setting = int(settings.KUNDPULS_ANONYMITY_THRESHOLD)
        plan = plan_for_lake(lake, definition_of(version), threshold_setting=setting)
        key = plan.main_index
        if key is None:
            continue
        grid = disclosure_grid(lake, plan, key, plan.items[key], None)
        start = time.perf_counter()
        released = linked_suppression(
            grid.counts,
            grid.releasable,
            grid.relations,
            threshold=plan.threshold,
            known_empty=grid.known_empty,
        )
        known = derivable(released | grid.known_empty, grid.relations, grid.counts)
        small = (grid.counts > 0) & (grid.counts < plan.threshold)
        solved = exactly_determined(known, grid.relations)
        out[f"audit_{survey.key}"] = {
            "index": key,
            "small_cells": int(small.sum()),
            "recovered_one_sum_at_a_time": int((known & small).sum()),
            "recovered_by_solving": int((solved & small).sum()),
            "audit_s": round(time.perf_counter() - start, 1),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repetition instead of three")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--audit", action="store_true", help="also solve every demo survey's sums exactly")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup(Path(folder))
        from django.conf import settings

        from kundpuls.analytics.rollup import open_lake
        from kundpuls.reports.disclosure import released_cells
        from kundpuls.reports.index_frames import plan_for_lake
        from kundpuls.web.surveys.models import Survey
        from kundpuls.web.surveys.queries import current_version, definition_of

        lake = str(settings.KUNDPULS_LAKE_DIR)
        version = current_version(Survey.objects.get(key="nki"))
        assert version is not None
        definition = definition_of(version)
        plan = plan_for_lake(lake, definition, threshold_setting=int(settings.KUNDPULS_ANONYMITY_THRESHOLD))
        variables = sorted(open_lake(lake)[1].surveys["nki"].get("background", []))
        repeats = 1 if args.quick else 3
        baseline = min(_frames(lake, plan, variables, linked=False) for _ in range(repeats))
        linked = min(_frames(lake, plan, variables, linked=True) for _ in range(repeats))
        from kundpuls.reports import cache

        cache.clear()
        start = time.perf_counter()
        found = {key: released_cells(lake, plan, key) for key in plan.indices}
        decide = time.perf_counter() - start
        shares: dict[str, list[int]] = {}
        for cells in found.values():
            for (_, period, segment, _), n in cells.counts.items():
                if n < plan.threshold:
                    continue
                kind = "year" if len(period) == 4 else "quarter" if "Q" in period else "month"
                shares.setdefault(f"{'segment' if segment else 'whole'}_{kind}", [0, 0])[0] += 1
        for cells in found.values():
            for cell, n in cells.counts.items():
                if n >= plan.threshold and not cells.cells[cell]:
                    period, segment = cell[1], cell[2]
                    kind = "year" if len(period) == 4 else "quarter" if "Q" in period else "month"
                    shares[f"{'segment' if segment else 'whole'}_{kind}"][1] += 1
        result: dict[str, object] = {
            "frames": 3 * (1 + len(variables)),
            "baseline_s": round(baseline, 3),
            "linked_s": round(linked, 3),
            "ratio": round(linked / baseline, 2),
            "deciding_s": round(decide, 3),
        }
        for name, (total, hidden) in sorted(shares.items()):
            result[f"hidden_{name}"] = f"{hidden}/{total} ({hidden / max(total, 1):.1%})"
        if args.audit:
            result.update(_audit(lake))
        for name, value in result.items():
            print(f"{name:>20}: {value}")
        if args.json:
            print(json.dumps(result))


if __name__ == "__main__":
    main()
