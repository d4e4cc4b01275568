"""Scale on PostgreSQL: N responses, the lake sync from empty, an incremental sync, the unit page.

Run: ``python benchmarks/scale_postgresql.py [--responses N] [--quick] [--json] [--keep]`` (default
10,000,000; ``--quick``: 100,000). A PostgreSQL database of its own (``--database-url``, default
``postgresql://postgres@127.0.0.1:5432/kundpuls_scale``; made afresh and dropped afterwards unless
``--keep``) gets the demo organisation and surveys, then N NKI responses spread over the units with an NKI
link and two years, bulk-loaded with ``COPY`` (as an installation that has run for years would have them).
Then, in this process:

* **full sync**: ``sync_to_lake`` into an empty lake (rows/s; target: 10M in under 10 minutes). Baseline:
  reading the same rows' columns from PostgreSQL with one plain ``COPY … TO STDOUT`` (the floor any sync
  has to pay), printed as a ratio;
* **incremental sync**: 10,000 new responses loaded the same way, then ``sync_to_lake`` (target < 5 s);
* **unit page**: ``/portal/resultat/enheter/CODE/?survey=nki`` for every unit with an NKI link, as the
  administrator (Django test client, server time): the first request after the sync (it computes the
  survey's frames) and p50/p95 over several rounds (target p95 < 300 ms). Baseline: ``/healthz``'s p95 in
  the same process.

``--sync-only`` measures the two syncs and leaves the page out. Every run also prints the sync process's
peak RSS, the load average at the start and the end, and the lake's size and file count.

Measured 2026-12-06 (2 shared cores, load average 18–22), ``--responses 1000000 --sync-only``: full sync
114 s, 8,753 rows/s, 7.7 x the plain COPY out, 17.6 s CPU in this process (62.8 s before the sync read its
batches as columns), incremental 10,000 in 1.6 s, peak RSS 445 MB (docs/benchmarks.md, *Scale on
PostgreSQL*).
Measured 2026-12-06 on a quiet machine (load 0.8–2.9), ``--responses 10000000 --incremental 10000``: full
sync 208 s (48,068 rows/s, 5.3 x the plain COPY out), incremental 10,000 in 0.31 s, peak RSS 480 MB, unit
page p95 26.5 ms after warming (37.2 s cold): all three targets met.

With ``--json`` stdout ends with one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

COLUMNS = (
    "submission_id",
    "survey_id",
    "version_id",
    "distribution_id",
    "unit_id",
    "channel",
    "language",
    "submitted_at",
    "stored_at",
    "answers",
    "consented",
    "followup_pending",
)
VARIANTS = 4096  # distinct answer sets, drawn at random per response


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def _recreate(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _setup(folder: Path, url: str) -> None:
    os.environ["KUNDPULS_DATA_DIR"] = str(folder)
    os.environ["KUNDPULS_DATABASE_URL"] = url
    os.environ.setdefault("KUNDPULS_SECRET_KEY", "benchmark-secret-key-" + "x" * 40)
    os.environ["KUNDPULS_DEBUG"] = "1"
    os.environ["KUNDPULS_LAKE_REFRESH_SECONDS"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kundpuls.web.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from kundpuls.web.org.demo import load_demo_organisation
    from kundpuls.web.surveys.demo import load_demo_surveys

    load_demo_organisation()
    load_demo_surveys()


def _answer_variants(definition: Any, rng: random.Random) -> list[str]:
    """``VARIANTS`` JSON answer sets for the survey's stored items (ratings, choices, yes/no, a comment in
    twenty)."""
    from kundpuls.instruments import stored_items

    items = list(stored_items(definition))
    variants = []
    for _ in range(VARIANTS):
        answers: dict[str, Any] = {}
        for item in items:
            if item.kind == "numeric" and item.scale_max is not None:
                low = int(item.scale_min if item.scale_min is not None else 1)
                answers[item.key] = rng.randint(low, int(item.scale_max))
            elif item.kind == "choice" and item.options:
                answers[item.key] = rng.choice(list(item.options))
            elif item.kind == "boolean":
                answers[item.key] = rng.random() < 0.8
            elif item.kind == "text" and rng.random() < 0.05:
                answers[item.key] = rng.choice(
                    ["Trevlig personal.", "Lång väntetid i telefon.", "Bra bemötande, men stressat."]
                )
        variants.append(json.dumps(answers, ensure_ascii=False))
    return variants


def _bulk_load(count: int, *, seed: int, end: datetime) -> float:
    """COPY ``count`` NKI responses into the responses table; returns the seconds it took."""
    from django.db import connection

    from kundpuls.web.surveys.models import Distribution, Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    survey = Survey.objects.get(key="nki")
    version = current_version(survey)
    assert version is not None
    links = list(Distribution.objects.filter(survey=survey).values_list("pk", "unit_id"))
    rng = random.Random(seed)
    variants = _answer_variants(definition_of(version), rng)
    span = 2 * 365 * 86400
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection  # psycopg 3
    columns = ", ".join(COLUMNS)
    with raw.cursor() as cursor, cursor.copy(f"COPY responses_response ({columns}) FROM STDIN") as copy:
        chunk = io.StringIO()
        for i in range(count):
            distribution, unit = links[rng.randrange(len(links))]
            submitted = end - timedelta(seconds=rng.randrange(span))
            stored = submitted.isoformat()
            answers = variants[rng.randrange(VARIANTS)].replace("\\", "\\\\")
            chunk.write(
                f"{uuid.UUID(int=rng.getrandbits(128), version=4)}\t{survey.pk}\t{version.pk}\t{distribution}"
                f"\t{unit}\tweb\tsv\t{stored}\t{stored}\t{answers}\tf\tf\n"
            )
            if i % 20_000 == 19_999:
                copy.write(chunk.getvalue())
                chunk = io.StringIO()
        copy.write(chunk.getvalue())
    raw.commit()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE responses_response")
    return time.perf_counter() - started


def _copy_out_seconds() -> float:
    """Baseline: every response's columns out of PostgreSQL with one plain COPY (no Python per row)."""
    from django.db import connection

    started = time.perf_counter()
    raw = connection.connection
    size = 0
    with (
        raw.cursor() as cursor,
        cursor.copy("COPY (SELECT * FROM responses_response ORDER BY id) TO STDOUT") as out,
    ):
        for block in out:
            size += len(block)
    return time.perf_counter() - started


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _first_page_cold() -> float:
    """Seconds of the first unit page after a sync with nothing computed beforehand (the baseline)."""
    from django.test import Client

    from kundpuls.reports import cache
    from kundpuls.web.accounts.models import User

    cache.clear()
    admin = User.objects.get(email="admin@kundpuls.example")
    User.objects.filter(pk=admin.pk).update(is_demo=False)
    admin.refresh_from_db()
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin, backend="kundpuls.web.accounts.backends.EmailBackend")
    code = sorted(_nki_units())[0]
    started = time.perf_counter()
    status = client.get(f"/portal/resultat/enheter/{code}/?survey=nki").status_code
    if status != 200:
        raise SystemExit(f"the unit page answered {status}")
    return round(time.perf_counter() - started, 3)


def _nki_units() -> set[str]:
    from kundpuls.web.surveys.models import Distribution

    return set(Distribution.objects.filter(survey__key="nki").values_list("unit__code", flat=True))


def _pages(rounds: int) -> dict[str, Any]:
    from django.test import Client

    from kundpuls.web.accounts.models import User

    admin = User.objects.get(email="admin@kundpuls.example")
    User.objects.filter(pk=admin.pk).update(is_demo=False)
    admin.refresh_from_db()
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin, backend="kundpuls.web.accounts.backends.EmailBackend")
    codes = sorted(_nki_units())
    urls = [f"/portal/resultat/enheter/{code}/?survey=nki" for code in codes]
    started = time.perf_counter()
    status = client.get(urls[0]).status_code
    first = time.perf_counter() - started
    if status != 200:
        raise SystemExit(f"the unit page answered {status}")
    times = []
    for _ in range(rounds):
        for url in urls:
            t = time.perf_counter()
            answered = client.get(url).status_code
            times.append(time.perf_counter() - t)
            if answered != 200:
                raise SystemExit(f"{url} answered {answered}")
    health = []
    for _ in range(rounds * len(urls)):
        t = time.perf_counter()
        client.get("/healthz")
        health.append(time.perf_counter() - t)
    return {
        "units": len(urls),
        "requests": len(times),
        "first_request_seconds": round(first, 3),
        "p50_ms": round(1000 * statistics.median(times), 1),
        "p95_ms": round(1000 * _percentile(times, 0.95), 1),
        "healthz_p95_ms": round(1000 * _percentile(health, 0.95), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000_000)
    parser.add_argument("--incremental", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="100,000 responses")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over the units for the page p95")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "KUNDPULS_SCALE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/kundpuls_scale"
        ),
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (dropped by default)")
    parser.add_argument(
        "--sync-only", action="store_true", help="measure the full and incremental sync, not the unit page"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    count = 100_000 if args.quick else args.responses
    if not 1_000 <= count <= 100_000_000:
        raise SystemExit(f"--responses: expected 1,000 to 100,000,000, got {count}")
    if not 1 <= args.incremental <= 1_000_000:
        raise SystemExit(f"--incremental: expected 1 to 1,000,000, got {args.incremental}")
    result: dict[str, Any] = {
        "responses": count,
        "cores": os.cpu_count(),
        "load_average_at_start": round(os.getloadavg()[0], 1),
    }
    _recreate(args.database_url)
    try:
        with tempfile.TemporaryDirectory(prefix="kundpuls-scale-") as folder:
            _setup(Path(folder), args.database_url)
            from kundpuls.web.responses.actions import sync_to_lake

            now = datetime.now(UTC)
            load = _bulk_load(count, seed=1, end=now - timedelta(days=1))
            result["copy_in_seconds"] = round(load, 1)
            result["copy_in_rows_per_second"] = round(count / load)
            floor = _copy_out_seconds()
            started, cpu = time.perf_counter(), time.process_time()
            report = sync_to_lake(settle_seconds=0)
            full = time.perf_counter() - started
            result["full_sync_cpu_seconds_this_process"] = round(time.process_time() - cpu, 1)
            assert report.responses == count, (report.responses, count)
            result["full_sync_seconds"] = round(full, 1)
            result["full_sync_rows_per_second"] = round(count / full)
            result["copy_out_seconds"] = round(floor, 1)
            result["full_sync_vs_copy_out"] = round(full / floor, 1)
            result["full_sync_10m_projected_minutes"] = round(full * 10_000_000 / count / 60, 1)
            result["peak_rss_megabytes_after_full_sync"] = _peak_rss_megabytes()

            _bulk_load(args.incremental, seed=2, end=now)
            started = time.perf_counter()
            report = sync_to_lake(settle_seconds=0)
            incremental = time.perf_counter() - started
            assert report.responses == args.incremental, (report.responses, args.incremental)
            result["incremental_responses"] = args.incremental
            result["incremental_sync_seconds"] = round(incremental, 2)
            result["peak_rss_megabytes"] = _peak_rss_megabytes()
            result["load_average"] = round(os.getloadavg()[0], 1)
            lake = Path(folder) / "lake"
            result["lake_megabytes"] = round(sum(p.stat().st_size for p in lake.rglob("*")) / 1e6, 1)
            result["lake_files"] = sum(1 for p in lake.rglob("*.parquet"))
            if not args.sync_only:
                _page_results(result, rounds=args.rounds)
    finally:
        if not args.keep:
            _drop(args.database_url)
    print("\n".join(_lines(result, count=count, incremental=args.incremental, rounds=args.rounds)))
    if args.json:
        print(json.dumps(result))


def _peak_rss_megabytes() -> int:
    """The most memory this process has held so far (``ru_maxrss``, in MB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _page_results(result: dict[str, Any], *, rounds: int) -> None:
    """The unit page after the sync: cold, after warming, and p50/p95 over ``rounds``."""
    result["unit_page_cold"] = _first_page_cold()
    from kundpuls.reports import cache
    from kundpuls.web.dashboards.warming import warm_results

    cache.clear()  # what a server's refresher does after a sync: warm, then the first page reads
    warmed = warm_results()
    result["warm_seconds"] = warmed.seconds
    result["unit_page"] = _pages(rounds)


def _lines(result: dict[str, Any], *, count: int, incremental: int, rounds: int) -> list[str]:
    lines = [
        f"responses: {count:,} (COPY in {result['copy_in_seconds']} s, "
        f"{result['copy_in_rows_per_second']:,} rows/s; load average {result['load_average_at_start']} "
        f"at the start, {result['load_average']} at the end, on {result['cores']} cores)",
        f"full sync: {result['full_sync_seconds']} s, {result['full_sync_rows_per_second']:,} rows/s "
        f"({result['full_sync_vs_copy_out']} x a plain COPY out of {result['copy_out_seconds']} s; "
        f"{result['full_sync_cpu_seconds_this_process']} s CPU in this process); "
        f"10M projected: {result['full_sync_10m_projected_minutes']} min (target < 10)",
        f"incremental sync of {incremental:,}: {result['incremental_sync_seconds']} s (target < 5)",
        f"peak memory: {result['peak_rss_megabytes_after_full_sync']} MB after the full sync, "
        f"{result['peak_rss_megabytes']} MB at the end",
        f"lake: {result['lake_megabytes']} MB in {result['lake_files']} files",
    ]
    if "unit_page" in result:
        page = result["unit_page"]
        lines += [
            f"first unit page after the sync: {result['unit_page_cold']} s computing everything (baseline); "
            f"{page['first_request_seconds']} s after warming ({result['warm_seconds']} s in the refresher), "
            f"{result['unit_page_cold'] / max(page['first_request_seconds'], 0.001):.0f} x faster",
            f"unit page ({page['units']} units x {rounds}): "
            f"p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms (target < 300; "
            f"{page['p95_ms'] / max(page['healthz_p95_ms'], 0.01):.0f} x /healthz's p95 of "
            f"{page['healthz_p95_ms']} ms)",
        ]
    return lines


if __name__ == "__main__":
    main()
