"""Old responses in and respondent data out, against storing the same responses directly.

    python benchmarks/respondent_data.py [--quick] [--json] [--responses N]

In a fresh SQLite database (a temporary data folder, the demo organisation and surveys), N synthetic NKI
responses for four units are stored through ``responses.actions.import_responses`` — the path the API and
the demo take, validated and redacted: the **baseline**. Then, in the same run:

* ``export csv`` / ``export sav``: the respondent data of those responses (query, rows, the file);
* ``check file``: the CSV read back and every row checked (``history.read_history``: table reader,
  column plan, recoding, validation and redaction of every row) for a copy of the survey;
* ``import file``: the checked rows stored into the copy (``actions.import_history``: distributions,
  ``import_responses`` once more, the audit event).

Each figure is the median of the rounds; the ratio is against the baseline of the same run (an import of a
file costs about one check plus one baseline, since the rows are validated before and while storing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any


def _timed(action: Callable[[], Any], rounds: int, before: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(rounds):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--responses", type=int, default=None)
    args = parser.parse_args()
    n = args.responses or (1000 if args.quick else 5000)
    rounds = 1 if args.quick else 3

    folder = tempfile.mkdtemp(prefix="kundpuls-bench-data-")
    os.environ.update(
        {
            "KUNDPULS_DATA_DIR": folder,
            "KUNDPULS_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "kundpuls.web.settings",
        }
    )
    os.environ.pop("KUNDPULS_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from kundpuls.demo.responses import UnitProfile, generate_responses
    from kundpuls.instruments import definition_to_dict, parse_definition
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.demo import load_demo_organisation
    from kundpuls.web.org.models import Unit
    from kundpuls.web.responses.actions import (
        IncomingResponse,
        export_responses,
        import_history,
        import_responses,
    )
    from kundpuls.web.responses.history import read_history, read_mapping
    from kundpuls.web.responses.models import Response
    from kundpuls.web.surveys.actions import publish, save_definition
    from kundpuls.web.surveys.demo import load_demo_surveys
    from kundpuls.web.surveys.models import Distribution, Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    call_command("migrate", interactive=False, verbosity=0)
    load_demo_organisation()
    load_demo_surveys()
    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    assert version is not None
    definition = definition_of(version)
    codes = ("VOF-HT-N", "VOF-HT-S", "VOF-HT-C", "KFF-BIB-HUV")
    months = 12
    profiles = [UnitProfile(code=code, volume=n / len(codes) / months) for code in codes]
    generated = generate_responses(
        definition,
        profiles,
        start=datetime(2024, 1, 1, tzinfo=UTC),
        end=datetime(2024, 12, 31, tzinfo=UTC),
        seed=1,
    )
    links = {d.unit.code: d for d in Distribution.objects.select_related("unit").filter(survey=survey)}
    rows = [
        IncomingResponse(links[r.unit], r.submission_id, r.as_input(), r.language, r.submitted_at)
        for r in generated.responses
    ]

    def clear_original() -> None:
        Response.objects.filter(survey=survey).delete()

    baseline = _timed(lambda: import_responses(version, rows, actor=CLI), rounds, clear_original)
    results: dict[str, float] = {}
    results["export csv"] = _timed(lambda: export_responses(survey, file_format="csv", actor=CLI), rounds)
    results["export sav"] = _timed(lambda: export_responses(survey, file_format="sav", actor=CLI), rounds)
    content = export_responses(survey, file_format="csv", actor=CLI).content

    data = definition_to_dict(definition)
    data["key"] = "nki_bench_copy"
    copy_version = save_definition(parse_definition(data), owner=Unit.objects.get(code="EXK"), actor=CLI)
    publish(copy_version, actor=CLI)
    copy = copy_version.survey
    mapping = read_mapping(None)
    results["check file"] = _timed(lambda: read_history(copy, "nki.csv", content, mapping), rounds)
    history = read_history(copy, "nki.csv", content, mapping)

    def clear_copy() -> None:
        Response.objects.filter(survey=copy).delete()

    results["import file"] = _timed(lambda: import_history(history, actor=CLI), rounds, clear_copy)
    stored = Response.objects.filter(survey=copy).count()
    report = {
        "responses": len(rows),
        "stored_by_import": stored,
        "rounds": rounds,
        "baseline_seconds": round(baseline, 3),
        "steps": {
            name: {"seconds": round(seconds, 3), "ratio_to_baseline": round(seconds / baseline, 2)}
            for name, seconds in results.items()
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{len(rows)} NKI responses, {rounds} round(s), SQLite; baseline import_responses {baseline:.2f} s")
    for name, seconds in results.items():
        print(
            f"  {name:<12} {seconds:7.2f} s   {seconds / baseline:5.2f} × baseline   "
            f"{len(rows) / seconds:8.0f} rows/s"
        )


if __name__ == "__main__":
    sys.exit(main())
