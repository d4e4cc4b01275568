"""Server CPU per completed survey on the respondent pages, in-process: a figure a loaded machine repeats.

    python benchmarks/collect_cpu.py [--quick] [--json] [--skip-postgresql] [--walks N] [--rounds R]
                                     [--profile] [--data-dir DIR] [--postgresql-url URL]

Where ``benchmarks/collect.py`` measures throughput against the production server (and so depends on what
else the cores are doing), this one counts CPU time, which other jobs on the machine barely change. For each
database it sets up the demo (``kundpuls demo --no-serve``; PostgreSQL: a fresh ``kundpuls_bench_cpu``
database on 127.0.0.1:5432) and runs, in a child process, the production WSGI application
(``kundpuls.web.wsgi``, every middleware, settings with debug off) called directly — no sockets, no server.
Each respondent walk is what a browser without JavaScript sends on the demo's four-page NKI survey: GET the
first page, POST every page (the signed state, one option per radio group, empty text fields, a comment),
GET the thank-you page: six requests. Only the CPU inside the application is counted (``process_time``
around each WSGI call), so parsing the pages and filling the forms (the client's work) is left out.

The baseline, measured in the same rounds through the same application: six ``GET /healthz`` (the full
middleware stack, a view that runs ``SELECT 1`` and answers JSON) per walk — the floor any request pays.
Rounds alternate the baseline and the walks; the figure is the median over rounds.

Also reported: CPU and database queries per request kind (one walk under ``CaptureQueriesContext``) and,
with ``--profile``, the top functions of a cProfile of the walks (own time and cumulative time).
``--data-dir`` and ``--postgresql-url`` reuse a demo set up once (SQLite in that dir, PostgreSQL in that
database) instead of setting up a new one per run, e.g. to compare two checkouts turn by turn.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from collect import browser_form, environment, set_up_demo  # the sibling benchmark's client and set-up

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH_DB = "kundpuls_bench_cpu"
HOST = "127.0.0.1:8000"
REQUEST_KINDS = ("GET page 1", "POST page 1", "POST page 2", "POST page 3", "POST page 4", "GET thanks")


# ------------------------------------------------------------------------------------------ in the child
class WsgiClient:
    """Calls the WSGI application as gunicorn would, counting the CPU time spent inside it."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application
        self.cpu = 0.0
        self.profiler: cProfile.Profile | None = None  # enabled inside the application only

    def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
        path, _, query = path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": urllib.parse.unquote(path),
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": HOST,
            "HTTP_USER_AGENT": "kundpuls-collect-cpu-benchmark",
            "HTTP_ACCEPT": "text/html",
            "HTTP_ACCEPT_LANGUAGE": "sv-SE,sv;q=0.9,en;q=0.8",
            "HTTP_ACCEPT_ENCODING": "gzip",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if method == "POST":
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environ["CONTENT_LENGTH"] = str(len(body))
        reply: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            reply["status"] = int(status.split()[0])
            reply["headers"] = {k.lower(): v for k, v in headers}

        started = time.process_time()
        if self.profiler is not None:
            self.profiler.enable()
        result = self.application(environ, start_response)
        try:
            raw = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # request_finished: Django's per-request cleanup, as under gunicorn
            if self.profiler is not None:
                self.profiler.disable()
        self.cpu += time.process_time() - started
        headers = reply["headers"]
        content = gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw
        return reply["status"], headers, content


def walk(
    client: WsgiClient, path: str, rng: random.Random, on_request: Callable[[str], Any] | None = None
) -> str:
    """One respondent from the first page to the thank-you page; returns the receipt."""

    def step(kind: str, method: str, target: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
        if on_request is None:
            return client.request(method, target, body)
        with on_request(kind):
            return client.request(method, target, body)

    status, headers, page = step("GET page 1", "GET", path)
    for number in range(1, 20):
        if status != 200 or b'class="errors"' in page:
            raise RuntimeError(f"{path}: status {status}: {page[:300]!r}")
        body = urllib.parse.urlencode(browser_form(page, rng)).encode()
        status, headers, page = step(f"POST page {number}", "POST", path, body)
        if status == 302:
            location = urllib.parse.urlsplit(headers["location"]).path
            status, _, thanks = step("GET thanks", "GET", location)
            receipt = location.rstrip("/").rsplit("/", 1)[1]
            if status != 200 or receipt.encode() not in thanks:
                raise RuntimeError(f"{location}: thank-you page status {status}")
            return receipt
    raise RuntimeError(f"{path}: never reached the thank-you page")


def floor(client: WsgiClient) -> None:
    for _ in REQUEST_KINDS:
        status, _, _ = client.request("GET", "/healthz")
        if status != 200:
            raise RuntimeError(f"/healthz answered {status}")


def child(walks: int, rounds: int, profile: bool) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundpuls.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kundpuls.web.surveys.queries import open_links

    call_command("collectstatic", interactive=False, verbosity=0)  # as `kundpuls serve` does
    from kundpuls.web.wsgi import application

    paths = [link["url"].removeprefix("http://x") for link in open_links("http://x", survey_key="nki")]
    if not paths:
        raise RuntimeError("the demo has no open link to the NKI survey")
    client = WsgiClient(application)
    rng = random.Random(3)
    for i in range(5):  # warm up: imports, template and definition caches, connections
        walk(client, paths[i % len(paths)], rng)
        floor(client)

    flow_ms: list[float] = []
    floor_ms: list[float] = []
    done = 0
    for _ in range(rounds):
        client.cpu = 0.0
        for _ in range(walks):
            floor(client)
        floor_ms.append(client.cpu / walks * 1000)
        client.cpu = 0.0
        for _ in range(walks):
            walk(client, paths[done % len(paths)], rng)
            done += 1
        flow_ms.append(client.cpu / walks * 1000)

    per_kind_cpu: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, int] = {}
    statements: dict[str, list[str]] = {}

    class Timed:
        def __init__(self, kind: str) -> None:
            self.kind = kind

        def __enter__(self) -> None:
            self.before = client.cpu

        def __exit__(self, *exc: object) -> None:
            per_kind_cpu[self.kind].append((client.cpu - self.before) * 1000)

    for i in range(walks):
        walk(client, paths[i % len(paths)], rng, on_request=Timed)

    class Counted:
        def __init__(self, kind: str) -> None:
            self.kind = kind
            self.capture = CaptureQueriesContext(connection)

        def __enter__(self) -> None:
            self.capture.__enter__()

        def __exit__(self, *exc: Any) -> None:
            self.capture.__exit__(*exc)
            queries[self.kind] = len(self.capture.captured_queries)
            statements[self.kind] = [q["sql"] for q in self.capture.captured_queries]

    walk(client, paths[0], rng, on_request=Counted)

    figures: dict[str, Any] = {
        "cpu_ms_per_complete": statistics.median(flow_ms),
        "floor_cpu_ms_per_six_requests": statistics.median(floor_ms),
        "rounds_cpu_ms_per_complete": flow_ms,
        "rounds_floor_ms": floor_ms,
        "cpu_ms_per_request": {k: statistics.median(v) for k, v in per_kind_cpu.items()},
        "queries_per_request": queries,
        "walks_per_round": walks,
    }
    if profile:
        client.profiler = cProfile.Profile(time.process_time)  # CPU time: other jobs do not count
        for i in range(walks):
            walk(client, paths[i % len(paths)], rng)
        report = io.StringIO()
        stats = pstats.Stats(client.profiler, stream=report)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(45)
        figures["profile"] = report.getvalue()
        figures["statements"] = statements
    return figures


# ----------------------------------------------------------------------------------------- in the parent
def fresh_postgresql_database() -> str | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {POSTGRES_BENCH_DB}")
    except Exception as exc:  # no server: the PostgreSQL half is reported as skipped
        print(f"PostgreSQL not available ({type(exc).__name__}: {exc}); skipping it", file=sys.stderr)
        return None
    return f"postgresql://postgres@127.0.0.1:5432/{POSTGRES_BENCH_DB}"


def run_child(env: dict[str, str], walks: int, rounds: int, profile: bool) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--walks",
        str(walks),
        "--rounds",
        str(rounds),
    ]
    if profile:
        command.append("--profile")
    out = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, cwd=env["KUNDPULS_DATA_DIR"])
    return dict(json.loads(out.stdout.decode().strip().splitlines()[-1]))


def has_demo(database_url: str) -> bool:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=3) as connection:
        row = connection.execute("SELECT to_regclass('surveys_survey') IS NOT NULL").fetchone()
    return bool(row and row[0])


def measure(name: str, database_url: str | None, args: argparse.Namespace) -> dict[str, Any]:
    """Set up the demo (in a new temporary dir and database, or once in those given) and measure it."""
    reuse = args.postgresql_url if database_url else args.data_dir
    if reuse:
        data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="kundpuls-cpu-")).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        env = environment(data_dir, database_url)
        if not (has_demo(database_url) if database_url else (data_dir / "kundpuls.sqlite3").exists()):
            print(f"[{name}] setting up the demo once …", file=sys.stderr)
            set_up_demo(env)
        print(f"[{name}] measuring …", file=sys.stderr)
        return run_child(env, args.walks, args.rounds, args.profile)
    with tempfile.TemporaryDirectory(prefix=f"kundpuls-cpu-{name}-") as tmp:
        env = environment(Path(tmp), database_url)
        print(f"[{name}] setting up the demo …", file=sys.stderr)
        set_up_demo(env)
        print(f"[{name}] measuring …", file=sys.stderr)
        return run_child(env, args.walks, args.rounds, args.profile)


def print_report(results: dict[str, dict[str, Any]]) -> None:
    names = list(results)
    print(f"{'CPU ms (median of rounds)':40}" + "".join(f"{n:>14}" for n in names))
    rows = [
        ("per completed survey (6 requests)", lambda f: f["cpu_ms_per_complete"]),
        ("floor: 6 × GET /healthz", lambda f: f["floor_cpu_ms_per_six_requests"]),
        ("ratio survey / floor", lambda f: f["cpu_ms_per_complete"] / f["floor_cpu_ms_per_six_requests"]),
    ]
    for label, value in rows:
        print(f"{label:40}" + "".join(f"{value(results[n]):>14.2f}" for n in names))
    print(f"\n{'per request: CPU ms / queries':40}" + "".join(f"{n:>14}" for n in names))
    for kind in REQUEST_KINDS:
        cells = ""
        for n in names:
            cpu = results[n]["cpu_ms_per_request"].get(kind)
            count = results[n]["queries_per_request"].get(kind)
            cells += f"{'–' if cpu is None else f'{cpu:.2f} / {count}':>14}"
        print(f"{kind:40}" + cells)
    print(f"\nmachine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    for n, figures in results.items():
        if "profile" in figures:
            print(f"\n===== {n}: cProfile of {figures['walks_per_round']} walks =====\n{figures['profile']}")
            for kind, sql in figures["statements"].items():
                print(f"--- {n}: {kind}: {len(sql)} queries")
                print("\n".join(f"    {q[:300]}" for q in sql))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer walks and rounds")
    parser.add_argument("--json", action="store_true", help="end stdout with one JSON object")
    parser.add_argument("--skip-postgresql", action="store_true", help="measure SQLite only")
    parser.add_argument("--walks", type=int, help="respondent walks per round (default 40, quick 15)")
    parser.add_argument("--rounds", type=int, help="rounds (default 5, quick 3)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the walks")
    parser.add_argument("--data-dir", help="reuse (or set up once) a SQLite demo in this directory")
    parser.add_argument("--postgresql-url", help="reuse (or set up once) a PostgreSQL demo in this database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.walks = args.walks or (15 if args.quick else 40)
    args.rounds = args.rounds or (3 if args.quick else 5)
    if args.child:
        print(json.dumps(child(args.walks, args.rounds, args.profile)))
        return
    results = {"SQLite": measure("sqlite", None, args)}
    postgres_url = None if args.skip_postgresql else args.postgresql_url or fresh_postgresql_database()
    if postgres_url:
        results["PostgreSQL"] = measure("postgresql", postgres_url, args)
    print(f"\nCollect CPU benchmark: {args.rounds} rounds × {args.walks} walks, in-process WSGI\n")
    print_report(results)
    if args.json:
        summary = {
            name.lower(): {
                "cpu_ms_per_complete": f["cpu_ms_per_complete"],
                "floor_cpu_ms_per_six_requests": f["floor_cpu_ms_per_six_requests"],
                "ratio_to_floor": f["cpu_ms_per_complete"] / f["floor_cpu_ms_per_six_requests"],
                "cpu_ms_per_request": f["cpu_ms_per_request"],
                "queries_per_request": f["queries_per_request"],
            }
            for name, f in results.items()
        }
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
