"""Dashboard speed on the demo data: the unit page's server time and batch PDFs, against a pandas baseline.

Run: ``python benchmarks/pages.py [--quick] [--json]``. A throw-away data folder gets the demo (organisation,
surveys, two years of responses, the lake). Then, in this process:

* **unit page**: the server time of ``/portal/resultat/enheter/VOF-HT-N/`` (Django test client, logged in as
  the unit's manager) over N requests after one warm-up (p50/p95; target p95 ≤ 300 ms);
* **baseline**: the same headline numbers computed straight from the transactional tables with pandas
  (read the responses, build the NKI per respondent, group by unit subtree × quarter) per request;
* **batch PDF**: ``kundpuls report --all-units`` time per unit from a cold cache, in as many processes as
  the command starts by default (one per two cores), and in one process for comparison (target ≤ 0.2 s
  per unit);
* **the command, end to end**: ``kundpuls report --survey nki --all-units`` in a fresh process (imports,
  lake check, every unit with responses and their parents), once as shipped and once with
  ``KUNDPULS_CHART_FONTS=system`` as the baseline (vl-convert measuring text with the system's font files,
  as before :mod:`kundpuls.render.chart_fonts`).

With ``--json`` stdout ends with one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
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


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _baseline(unit_code: str) -> float:
    """Headline NKI per quarter of the unit's subtree straight from the database with pandas."""
    import numpy as np
    import pandas as pd

    from kundpuls.web.org.models import Unit
    from kundpuls.web.responses.models import Response

    unit = Unit.objects.get(code=unit_code)
    rows = Response.objects.filter(survey__key="nki", unit__path__startswith=unit.path).values_list(
        "submitted_at", "answers"
    )
    frame = pd.DataFrame(list(rows), columns=["submitted_at", "answers"])
    answers = pd.json_normalize(frame["answers"].tolist())
    items = ["nki_helhet", "nki_forvantan", "nki_ideal"]
    values = answers.reindex(columns=items).apply(pd.to_numeric, errors="coerce")
    index = (100 * (values - 1) / 9).mean(axis=1).where(values.notna().all(axis=1))
    local = pd.to_datetime(frame["submitted_at"], utc=True).dt.tz_convert("Europe/Stockholm")
    quarter = local.dt.tz_localize(None).dt.to_period("Q")
    table = index.groupby(quarter).agg(["mean", "std", "count"])
    half = 1.96 * table["std"] / np.sqrt(table["count"])
    return float((table["mean"] + half).sum())


def _command(out: Path, chart_fonts: str) -> tuple[float, int]:
    """Wall time and reports written of ``kundpuls report --all-units`` in a fresh process."""
    environment = {**os.environ, "KUNDPULS_CHART_FONTS": chart_fonts}
    command = [sys.executable, "-m", "kundpuls.cli", "report", "--survey", "nki", "--all-units"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--out", str(out), "--json"], env=environment, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, int(json.loads(done.stdout)["written"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 requests instead of 50")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    requests = 10 if args.quick else 50
    with tempfile.TemporaryDirectory(prefix="kundpuls-bench-") as folder:
        started = time.perf_counter()
        _setup(Path(folder))
        setup_seconds = time.perf_counter() - started

        from django.test import Client

        from kundpuls.web.accounts.models import User

        manager = User.objects.get(email="chef.hemtjanst@kundpuls.example")
        User.objects.filter(pk=manager.pk).update(is_demo=False)  # a normal account outside demo mode
        manager.refresh_from_db()
        client = Client(HTTP_HOST="localhost")
        client.force_login(manager, backend="kundpuls.web.accounts.backends.EmailBackend")
        url = "/portal/resultat/enheter/VOF-HT-N/?survey=nki"
        first = time.perf_counter()
        status = client.get(url).status_code
        cold = time.perf_counter() - first
        if status != 200:
            raise SystemExit(f"the unit page answered {status}")
        times = []
        for _ in range(requests):
            t = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - t)
        baseline = []
        for _ in range(requests):
            t = time.perf_counter()
            _baseline("VOF-HT-N")
            baseline.append(time.perf_counter() - t)

        from django.conf import settings

        from kundpuls.analytics.rollup import open_lake
        from kundpuls.render.unit_batch import default_jobs, write_unit_reports
        from kundpuls.reports import cache
        from kundpuls.web.dashboards.queries import unit_names
        from kundpuls.web.surveys.models import Survey
        from kundpuls.web.surveys.queries import current_version, definition_of

        version = current_version(Survey.objects.get(key="nki"))
        assert version is not None
        definition = definition_of(version)
        lake = str(settings.KUNDPULS_LAKE_DIR)
        _, manifest = open_lake(lake)
        units = sorted(manifest.units)
        jobs = default_jobs()
        batch_by_jobs: dict[int, float] = {}
        for run_jobs in sorted({1, jobs}):
            cache.clear()  # every run starts cold, as a fresh `kundpuls report --all-units` does
            t = time.perf_counter()
            written = write_unit_reports(
                lake,
                definition,
                units,
                Path(folder) / f"pdf-{run_jobs}",
                names=unit_names(),
                jobs=run_jobs,
                threshold_setting=7,
            )
            batch_by_jobs[run_jobs] = time.perf_counter() - t
        batch = batch_by_jobs[jobs]
        pdfs = sum(1 for w in written if w.get("file"))
        command_seconds, command_reports = _command(Path(folder) / "cli-bundled", "bundled")
        system_seconds, _ = _command(Path(folder) / "cli-system", "system")

    p50, p95 = _percentile(times, 0.5), _percentile(times, 0.95)
    b50, b95 = _percentile(baseline, 0.5), _percentile(baseline, 0.95)
    result = {
        "demo_setup_seconds": round(setup_seconds, 1),
        "page_status": status,
        "page_cold_seconds": round(cold, 3),
        "page_requests": requests,
        "page_p50_ms": round(p50 * 1000, 1),
        "page_p95_ms": round(p95 * 1000, 1),
        "page_mean_ms": round(statistics.mean(times) * 1000, 1),
        "baseline_pandas_p50_ms": round(b50 * 1000, 1),
        "baseline_pandas_p95_ms": round(b95 * 1000, 1),
        "ratio_baseline_over_page_p50": round(b50 / p50, 2),
        "batch_units": pdfs,
        "batch_jobs": jobs,
        "batch_seconds": round(batch, 2),
        "batch_seconds_per_unit": round(batch / max(pdfs, 1), 3),
        "batch_one_process_seconds_per_unit": round(batch_by_jobs[1] / max(pdfs, 1), 3),
        "command_reports": command_reports,
        "command_seconds": round(command_seconds, 2),
        "command_seconds_per_report": round(command_seconds / max(command_reports, 1), 3),
        "command_system_fonts_seconds": round(system_seconds, 2),
        "ratio_system_fonts_over_bundled": round(system_seconds / command_seconds, 2),
        "targets": {"page_p95_ms": 300, "batch_seconds_per_unit": 0.2},
    }
    print(f"unit page: p50 {result['page_p50_ms']} ms, p95 {result['page_p95_ms']} ms (cold {cold:.2f} s)")
    print(f"pandas baseline (headline only, from the database): p50 {result['baseline_pandas_p50_ms']} ms")
    print(f"ratio baseline/page p50: {result['ratio_baseline_over_page_p50']}")
    print(
        f"batch PDF: {pdfs} units in {batch:.1f} s in {jobs} process{'es' if jobs > 1 else ''} = "
        f"{result['batch_seconds_per_unit']} s per unit "
        f"(one process: {result['batch_one_process_seconds_per_unit']} s per unit)"
    )
    print(
        f"kundpuls report --all-units, fresh process: {command_reports} reports in {command_seconds:.1f} s "
        f"({result['command_seconds_per_report']} s per report, start-up included); with the system's font "
        f"files {system_seconds:.1f} s (ratio {result['ratio_system_fonts_over_bundled']})"
    )
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
