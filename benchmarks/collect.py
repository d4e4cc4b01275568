"""Respondents without JavaScript against the production server: completes/s, latency, lost or doubled.

    python benchmarks/collect.py [--quick] [--json] [--workers W] [--threads T] [--skip-postgresql]

Sets up the demo (``kundpuls demo --no-serve``) in a temporary data dir, starts ``kundpuls serve`` (gunicorn,
the server of ``make demo``) as a subprocess, and sends a bounded loopback load of virtual respondents, each
on a new connection: GET the first page of the demo's multi-page NKI survey, POST every page with the fields
a browser sends (the signed ``state``, every answer, empty text fields, the pressed button), follow the
redirect to the thank-you page. 10 and 50 respondents at a time for 40 s each (``--quick``: 8 s), on SQLite
and on PostgreSQL (a fresh ``kundpuls_bench`` database on 127.0.0.1:5432). After each level the stored rows
are counted in the database and compared with the receipts the clients saw (nothing lost, nothing twice).
Also: time to first byte of the first page (sequential GETs on new connections) and its cold weight
(HTML + CSS as transferred with gzip).

The peer is LimeSurvey 6.14 measured on the same two cores (the figures below); the targets are ten times
its completes per second with no errors, a first byte within 20 ms and a first page of at most 30 KB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import random
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH_DB = "kundpuls_bench"
LEVELS = (10, 50)
REQUEST_TIMEOUT_S = 30.0

# LimeSurvey 6.14 on the same two cores (measured by the project, see docs/benchmarks.md).
PEER: dict[str, Any] = {
    "name": "LimeSurvey 6.14",
    "completes_per_s_10": 3.2,
    "p95_ms_10": 1200.0,
    "completes_per_s_50": 3.5,
    "p95_ms_50": 5400.0,
    "ttfb_p50_ms": 151.0,
    "first_page_bytes": 1_240_000,
}
TARGETS = {"completes_ratio": 10.0, "ttfb_p50_ms": 20.0, "first_page_bytes": 30 * 1024}

STATE = re.compile(rb'name="state" value="([^"]+)"')
INPUT = re.compile(rb"<input\b([^>]*)>")
TEXTAREA = re.compile(rb"<textarea\b([^>]*)>")
ATTRIBUTE = re.compile(rb'([a-z-]+)="([^"]*)"')
STYLESHEET = re.compile(rb'<link rel="stylesheet" href="([^"]+)"')
COMMENTS = ["Bra bemötande.", "Lång väntetid i telefon.", "Tydlig information, tack!", ""]


# ---------------------------------------------------------------------------------------------- HTTP client
@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    wire_bytes: int  # status line, headers and body as received
    seconds: float
    first_byte_seconds: float


class Connection:
    """One HTTP/1.1 keep-alive connection over asyncio streams, as a browser tab would hold."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()

    async def request(self, method: str, path: str, body: bytes = b"", *, accept: str = "text/html") -> Reply:
        if self.writer is None or self.reader is None or self.writer.is_closing():
            await self.open()
        assert self.reader is not None and self.writer is not None
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{self.port}",
            "User-Agent: kundpuls-collect-benchmark",
            f"Accept: {accept}",
            "Accept-Language: sv-SE,sv;q=0.9,en;q=0.8",
            "Accept-Encoding: gzip",
            "Connection: keep-alive",
        ]
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        started = time.perf_counter()
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        first_byte = time.perf_counter() - started
        if not status_line:
            raise ConnectionError("the server closed the connection")
        wire = len(status_line)
        headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            wire += len(line)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            raw = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            raw = await self._chunked()
        else:
            raw = await self.reader.read()
        wire += len(raw)
        if headers.get("connection", "").lower() == "close":
            await self.close()
            self.writer = None
        body_bytes = gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw
        status = int(status_line.split()[1])
        return Reply(status, headers, body_bytes, wire, time.perf_counter() - started, first_byte)

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readline()).split(b";")[0], 16)
            if size == 0:
                await self.reader.readline()
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()


# -------------------------------------------------------------------------------------------- respondent
def browser_form(html: bytes, rng: random.Random) -> list[tuple[str, str]]:
    """The fields a browser sends when the respondent answers every question and presses "Next".

    In document order: the hidden state, one checked option per radio group (no to being contacted, so
    the contact fields stay empty), every text field (typed or empty), a comment in the text area, and the
    pressed button. Radios that are not checked are not sent, as in a browser.
    """
    state = STATE.search(html)
    if state is None:
        raise ValueError("no signed state on the page")
    fields: list[tuple[str, str]] = [("state", state.group(1).decode())]
    groups: dict[str, list[str]] = {}
    order: list[tuple[str, str]] = []  # ("radio", name) or ("text", name)
    for match in INPUT.finditer(html):
        attrs = {k.decode(): v.decode() for k, v in ATTRIBUTE.findall(match.group(1))}
        kind, name = attrs.get("type", "text"), attrs.get("name", "")
        if not name or kind in {"hidden", "submit"}:
            continue
        if kind in {"radio", "checkbox"}:
            if name not in groups:
                groups[name] = []
                order.append(("radio", name))
            groups[name].append(attrs.get("value", "on"))
        else:
            order.append(("text", name))
    for kind, name in order:
        if kind == "text":
            fields.append((name, ""))
            continue
        values = groups[name]
        if "no" in values:
            fields.append((name, "no"))
        else:
            answerable = [v for v in values if v != "dont_know"] or values
            numeric = [v for v in answerable if v.isdigit()]
            fields.append((name, rng.choice(numeric[len(numeric) // 2 :] if numeric else answerable)))
    for match in TEXTAREA.finditer(html):
        attrs = {k.decode(): v.decode() for k, v in ATTRIBUTE.findall(match.group(1))}
        fields.append((attrs["name"], rng.choice(COMMENTS)))
    fields.append(("action", "next"))
    return fields


@dataclass
class LoadResult:
    completed: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    receipts: set[str] = field(default_factory=set)
    elapsed: float = 0.0

    def error(self, message: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(message)


async def one_respondent(port: int, path: str, rng: random.Random, result: LoadResult) -> None:
    connection = Connection(port)
    try:
        reply = await connection.request("GET", path)
        result.latencies.append(reply.seconds)
        for _ in range(20):  # a survey has far fewer pages; a loop would be a bug
            if reply.status != 200 or b'class="errors"' in reply.body:
                result.error(f"{path}: status {reply.status}, {reply.body[:200]!r}")
                return
            body = urllib.parse.urlencode(browser_form(reply.body, rng)).encode()
            reply = await connection.request("POST", path, body)
            result.latencies.append(reply.seconds)
            if reply.status == 302:
                location = reply.headers["location"]
                thanks = await connection.request("GET", location)
                result.latencies.append(thanks.seconds)
                match = re.search(r"/tack/([A-Z0-9]{8})/", location)
                if thanks.status != 200 or match is None or match.group(1).encode() not in thanks.body:
                    result.error(f"{location}: thank-you page status {thanks.status}")
                    return
                result.completed += 1
                result.receipts.add(match.group(1))
                return
        result.error(f"{path}: never reached the thank-you page")
    except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, KeyError) as exc:
        result.error(f"{path}: {type(exc).__name__}: {exc}")
    finally:
        await connection.close()


async def run_load(port: int, paths: list[str], concurrency: int, seconds: float, seed: int) -> LoadResult:
    """``concurrency`` respondents at a time; none starts after ``seconds``; the ones under way finish."""
    result = LoadResult()
    rng = random.Random(seed)
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    async def respondent_loop(index: int) -> None:
        number = index
        while time.perf_counter() < deadline:
            path = paths[number % len(paths)]
            try:
                await asyncio.wait_for(one_respondent(port, path, rng, result), REQUEST_TIMEOUT_S * 4)
            except TimeoutError:
                result.error(f"{path}: timed out")
            number += concurrency

    await asyncio.gather(*(respondent_loop(i) for i in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


async def first_page_ttfb(port: int, path: str, count: int) -> list[float]:
    """Time to the first byte of the first page, one GET after the other, each on a new connection."""
    times = []
    for _ in range(count):
        connection = Connection(port)
        started = time.perf_counter()
        await connection.open()
        reply = await connection.request("GET", path)
        times.append(time.perf_counter() - started - (reply.seconds - reply.first_byte_seconds))
        await connection.close()
        if reply.status != 200:
            raise RuntimeError(f"first page answered {reply.status}")
    return times


async def first_page_weight(port: int, path: str) -> dict[str, int]:
    """Bytes on the wire (headers and gzip bodies) of the first page and its style sheets, cold."""
    connection = Connection(port)
    page = await connection.request("GET", path)
    weights = {path: page.wire_bytes}
    for href in STYLESHEET.findall(page.body):
        css = await connection.request("GET", href.decode(), accept="text/css,*/*;q=0.1")
        if css.status != 200:
            raise RuntimeError(f"{href!r} answered {css.status}")
        weights[href.decode()] = css.wire_bytes
    await connection.close()
    return weights


# -------------------------------------------------------------------------------------------- the server
def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUNDPULS_")}
    env["KUNDPULS_DATA_DIR"] = str(data_dir)
    key_file = data_dir / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    env["KUNDPULS_SECRET_KEY_FILE"] = str(key_file)
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    # Every virtual respondent comes from 127.0.0.1: the per-address rate limits (a defence against one
    # address flooding a survey, kundpuls.web.ratelimit) would measure themselves, not the server.
    env["KUNDPULS_RATE_LIMIT_POSTS"] = "0"
    env["KUNDPULS_RATE_LIMIT_GETS"] = "0"
    if database_url:
        env["KUNDPULS_DATABASE_URL"] = database_url
    return env


def set_up_demo(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "kundpuls.cli", "demo", "--no-serve", "--json"],
        env=env,
        cwd=env["KUNDPULS_DATA_DIR"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def nki_paths(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "kundpuls.cli", "surveys", "links", "--survey", "nki", "--json"],
        env=env,
        check=True,
        capture_output=True,
    ).stdout
    paths = [urllib.parse.urlsplit(row["url"]).path for row in json.loads(out)]
    if not paths:
        raise RuntimeError("the demo has no open link to the NKI survey")
    return paths


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    server_env = dict(env)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "kundpuls.cli", "serve"),
            *("--port", str(port), "--workers", str(workers), "--threads", str(threads)),
        ],
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(
                f"the server stopped: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            with socket.create_connection((HOST, port), timeout=0.2) as s:
                s.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return process
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not answer /healthz within 30 s")


def server_cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """User + system CPU time of the server: the gunicorn master and its workers (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [process.pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == process.pid:
                pids.append(int(entry.name))
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


COUNT_SQL = (
    "SELECT r.submission_id FROM responses_response r JOIN surveys_survey s ON s.id = r.survey_id "
    "WHERE s.key = 'nki'"
)


def stored_submissions(env: dict[str, str]) -> list[str]:
    """The submission ids of every stored NKI response (hex, no dashes), read from the database."""
    url = env.get("KUNDPULS_DATABASE_URL")
    if url:
        import psycopg

        with psycopg.connect(url) as connection:
            rows = connection.execute(COUNT_SQL).fetchall()
        return [str(r[0]).replace("-", "") for r in rows]
    with sqlite3.connect(Path(env["KUNDPULS_DATA_DIR"]) / "kundpuls.sqlite3") as connection:
        rows = connection.execute(COUNT_SQL).fetchall()
    return [str(r[0]).replace("-", "") for r in rows]


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


# ------------------------------------------------------------------------------------------ measurement
def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def measure_backend(
    name: str, database_url: str | None, *, seconds: float, ttfb_count: int, workers: int, threads: int
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"kundpuls-bench-{name}-") as tmp:
        env = environment(Path(tmp), database_url)
        print(f"[{name}] setting up the demo …", file=sys.stderr)
        set_up_demo(env)
        paths = nki_paths(env)
        port = free_port()
        server = start_server(env, port, workers, threads)
        try:
            ttfb = asyncio.run(first_page_ttfb(port, paths[0], ttfb_count))
            weights = asyncio.run(first_page_weight(port, paths[0]))
            figures: dict[str, Any] = {
                "ttfb_p50_ms": statistics.median(ttfb) * 1000,
                "first_page_bytes": sum(weights.values()),
                "first_page_parts": weights,
            }
            errors = lost = doubled = 0
            for level in LEVELS:
                before = set(stored_submissions(env))
                print(f"[{name}] {level} respondents at a time for {seconds:g} s …", file=sys.stderr)
                cpu_before, client_before = server_cpu_seconds(server), time.process_time()
                result = asyncio.run(run_load(port, paths, level, seconds, seed=level))
                server_cpu = server_cpu_seconds(server) - cpu_before
                client_cpu = time.process_time() - client_before
                after = stored_submissions(env)
                new = [s for s in after if s not in before]
                stored_receipts = {s[:8].upper() for s in new}
                matched = result.receipts & stored_receipts
                level_lost = result.completed - len(matched)
                level_doubled = len(new) - len(set(new)) + max(0, len(new) - result.completed - result.errors)
                errors += result.errors
                lost += level_lost
                doubled += level_doubled
                figures[f"completes_per_s_{level}"] = result.completed / result.elapsed
                figures[f"p50_ms_{level}"] = percentile(result.latencies, 50) * 1000
                figures[f"p95_ms_{level}"] = percentile(result.latencies, 95) * 1000
                figures[f"completed_{level}"] = result.completed
                per_complete = max(result.completed, 1)
                figures[f"server_cpu_ms_per_complete_{level}"] = server_cpu / per_complete * 1000
                figures[f"client_cpu_ms_per_complete_{level}"] = client_cpu / per_complete * 1000
                # What the cores could complete if server and client had them to themselves (the machine may
                # be shared): CPUs / CPU seconds per complete.
                figures[f"idle_machine_completes_per_s_{level}"] = (os.cpu_count() or 1) / max(
                    (server_cpu + client_cpu) / per_complete, 1e-9
                )
                figures[f"stored_{level}"] = len(new)
                figures[f"errors_{level}"] = result.errors
                figures[f"requests_{level}"] = len(result.latencies)
                if result.error_samples:
                    figures[f"error_samples_{level}"] = result.error_samples
            figures.update(errors=errors, lost=lost, doubled=doubled)
            return figures
        finally:
            stop_server(server)


def print_table(results: dict[str, dict[str, Any]]) -> None:
    rows = [
        ("completed surveys/s at 10", "completes_per_s_10", "{:.1f}", "higher"),
        ("completed surveys/s at 50", "completes_per_s_50", "{:.1f}", "higher"),
        ("request p50 ms at 10", "p50_ms_10", "{:.1f}", None),
        ("request p95 ms at 10", "p95_ms_10", "{:.1f}", "lower"),
        ("request p50 ms at 50", "p50_ms_50", "{:.1f}", None),
        ("request p95 ms at 50", "p95_ms_50", "{:.1f}", "lower"),
        ("first page TTFB p50 ms", "ttfb_p50_ms", "{:.2f}", "lower"),
        ("first page bytes (cold, gzip)", "first_page_bytes", "{:.0f}", "lower"),
        ("server CPU ms per complete at 10", "server_cpu_ms_per_complete_10", "{:.1f}", None),
        ("server CPU ms per complete at 50", "server_cpu_ms_per_complete_50", "{:.1f}", None),
        ("client CPU ms per complete at 50", "client_cpu_ms_per_complete_50", "{:.1f}", None),
        ("CPU-bound completes/s at 50", "idle_machine_completes_per_s_50", "{:.1f}", None),
        ("errors", "errors", "{:.0f}", None),
        ("lost responses", "lost", "{:.0f}", None),
        ("doubled responses", "doubled", "{:.0f}", None),
    ]
    names = list(results)
    header = f"{'measure':32}" + "".join(f"{n:>14}{'× peer':>9}" for n in names) + f"{PEER['name']:>18}"
    print(header)
    print("-" * len(header))
    for label, key, fmt, better in rows:
        line = f"{label:32}"
        for n in names:
            value = results[n].get(key)
            cell = fmt.format(value) if value is not None else "–"
            ratio = ""
            if better and key in PEER and value:
                r = value / PEER[key] if better == "higher" else PEER[key] / value
                ratio = f"{r:.1f}×"
            line += f"{cell:>14}{ratio:>9}"
        peer = PEER.get(key)
        line += f"{fmt.format(peer) if isinstance(peer, float | int) else '':>18}"
        print(line)
    print("(× peer: how many times better than the peer; for times and bytes the peer's figure / ours)")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    for n, figures in results.items():
        verdict = targets_met(figures)
        print(f"{n}: targets {'met' if all(verdict.values()) else 'MISSED'}: {verdict}")


def targets_met(f: dict[str, Any]) -> dict[str, bool]:
    return {
        "completes_10": f["completes_per_s_10"] >= TARGETS["completes_ratio"] * PEER["completes_per_s_10"],
        "completes_50": f["completes_per_s_50"] >= TARGETS["completes_ratio"] * PEER["completes_per_s_50"],
        "no_errors": f["errors"] == 0 and f["lost"] == 0 and f["doubled"] == 0,
        "ttfb": f["ttfb_p50_ms"] <= TARGETS["ttfb_p50_ms"],
        "weight": f["first_page_bytes"] <= TARGETS["first_page_bytes"],
    }


SUMMARY_KEYS = (
    "completes_per_s_10",
    "completes_per_s_50",
    "p95_ms_50",
    "errors",
    "lost",
    "doubled",
    "ttfb_p50_ms",
    "first_page_bytes",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 s per level instead of 40 s")
    parser.add_argument("--json", action="store_true", help="end stdout with one JSON object")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--skip-postgresql", action="store_true", help="measure SQLite only")
    args = parser.parse_args()
    seconds = 8.0 if args.quick else 40.0
    ttfb_count = 50 if args.quick else 200
    options = {"seconds": seconds, "ttfb_count": ttfb_count, "workers": args.workers, "threads": args.threads}
    results = {"SQLite": measure_backend("sqlite", None, **options)}
    postgres_url = None if args.skip_postgresql else fresh_postgresql_database()
    if postgres_url:
        results["PostgreSQL"] = measure_backend("postgresql", postgres_url, **options)
    print(f"\nCollect benchmark: {seconds:g} s per level, {args.workers} workers × {args.threads} threads\n")
    print_table(results)
    for n, figures in results.items():
        for key, value in figures.items():
            if key.startswith("error_samples"):
                print(f"{n} {key}: {value}")
    if args.json:
        summary: dict[str, Any] = {k: results["SQLite"][k] for k in SUMMARY_KEYS}
        summary["postgresql"] = (
            {k: results["PostgreSQL"][k] for k in SUMMARY_KEYS} if "PostgreSQL" in results else None
        )
        summary["peer"] = PEER
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
