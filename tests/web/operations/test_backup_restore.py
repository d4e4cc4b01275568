"""``kundpuls backup`` / ``--verify`` / ``restore`` as real processes: a round trip gives the same results.

The database is whatever the tests run on (SQLite here, PostgreSQL in the database pass, restored into a
database of its own); the lake is a folder of the test's.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from database_url import url_of_test_database as database_url
from kundpuls.analytics.rollup import sufficient_statistics
from kundpuls.web.responses.actions import submit_response, sync_to_lake
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution
from kundpuls.web.surveys.queries import current_version

REPO = Path(__file__).resolve().parents[3]
ITEMS = ["nki_helhet", "nki_forvantan"]


def _submit(n: int, unit: str, score: int) -> None:
    distribution = Distribution.objects.get(survey__key="nki", unit__code=unit)
    version = current_version(distribution.survey)
    assert version is not None
    for i in range(n):
        answers = {"tjanst": "socialtjanst", "nki_helhet": score, "nki_forvantan": 1 + (score + i) % 10}
        submit_response(
            version=version, distribution=distribution, submission_id=uuid.uuid4(), answers=answers
        )


def _kundpuls(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(REPO / "src"), **env}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "kundpuls.cli", *arguments],
        env=full,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def restored_database(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """An empty database to restore into (a SQLite path, or a PostgreSQL database made for the test) and a
    function that runs one SQL query on it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored" / "kundpuls.sqlite3"

        def query(sql: str) -> list[tuple[Any, ...]]:
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return
    import psycopg

    settings = connection.settings_dict
    name = str(settings["NAME"]).removeprefix("test_") + "_restore"
    server = dict(host=settings.get("HOST") or "127.0.0.1", port=settings.get("PORT") or 5432)
    user = settings.get("USER") or "postgres"
    with psycopg.connect(dbname="postgres", user=user, autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')

    def pg_query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(dbname=name, user=user, **server) as db:
            return list(db.execute(sql).fetchall())

    try:
        yield f"postgresql://{user}@{server['host']}:{server['port']}/{name}", pg_query
    finally:
        with psycopg.connect(dbname="postgres", user=user, autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _index(lake: Path) -> Any:
    table = sufficient_statistics(lake, "nki", items=ITEMS, period="all", threshold=1).table
    return table.sort_values(list(table.columns[:3])).reset_index(drop=True)


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_installation_gives_the_same_responses_and_results(
    tmp_path: Path, restored_database: tuple[str, Any]
) -> None:
    from django.conf import settings

    lake = Path(settings.KUNDPULS_LAKE_DIR)
    _submit(9, "VOF-HT-N", 8)
    _submit(8, "VOF-HT-S", 5)
    sync_to_lake()
    _submit(3, "VOF-HT-N", 2)  # stored, not yet in the lake
    here = {"KUNDPULS_DATABASE_URL": database_url(), "KUNDPULS_LAKE_DIR": str(lake)}
    backup = tmp_path / "kundpuls.backup"

    made = _kundpuls("backup", "--out", str(backup), "--json", env=here)
    assert made.returncode == 0, made.stderr[-3000:]
    summary = json.loads(made.stdout)
    assert (
        summary["responses"] == 20 and summary["vendor"] == connection.vendor and summary["lake_files"] >= 2
    )
    verified = _kundpuls("backup", "--verify", str(backup), "--json", env=here)
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"] is True
    assert os.environ["KUNDPULS_SECRET_KEY"].encode() not in backup.read_bytes()

    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size * 2 // 3])
    refused = _kundpuls("backup", "--verify", str(truncated), env=here)
    assert refused.returncode == 1 and "truncated or damaged" in refused.stderr

    url, query = restored_database
    restored_lake = tmp_path / "restored" / "lake"
    there = {
        "KUNDPULS_DATABASE_URL": url,
        "KUNDPULS_LAKE_DIR": str(restored_lake),
        "KUNDPULS_DATA_DIR": str(tmp_path / "restored"),
    }
    assert _kundpuls("restore", str(truncated), env=there).returncode == 1, (
        "a damaged backup restores nothing"
    )
    done = _kundpuls("restore", str(backup), "--json", env=there)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["settings"]["KUNDPULS_ANONYMITY_THRESHOLD"] == 7

    ids = {str(s).replace("-", "") for (s,) in query("SELECT submission_id FROM responses_response")}
    assert ids == {s.hex for s in Response.objects.values_list("submission_id", flat=True)}
    assert query("SELECT count(*) FROM accounts_user")[0][0] > 0
    assert query("SELECT count(*) FROM org_unit")[0][0] == _count("org_unit")
    assert _index(restored_lake).equals(_index(lake)), "the lake's index is the same after the restore"

    again = _kundpuls("restore", str(backup), env=there)
    assert again.returncode == 1 and "restore only into an empty" in again.stderr, "never overwrites"

    assert _kundpuls("migrate", env=there).returncode == 0
    synced = _kundpuls("sync", "--json", env=there)
    assert synced.returncode == 0 and json.loads(synced.stdout)["responses"] == 3, "the lake catches up"
    sync_to_lake()
    assert _index(restored_lake).equals(_index(lake)), "and gives the same results as the original"


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return int(cursor.fetchone()[0])


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_20_respondents_answer_and_the_lake_syncs_restores_whole_responses(
    tmp_path: Path, restored_database: tuple[str, Any]
) -> None:
    import threading

    from django.conf import settings
    from django.db import connections

    lake = Path(settings.KUNDPULS_LAKE_DIR)
    _submit(10, "VOF-HT-N", 6)
    sync_to_lake()
    stop = threading.Event()
    errors: list[BaseException] = []

    def respondent(n: int) -> None:
        try:
            while not stop.is_set():
                _submit(1, ("VOF-HT-N", "VOF-HT-S")[n % 2], 1 + n % 10)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def worker() -> None:
        try:
            while not stop.is_set():
                # as in production (KUNDPULS_LAKE_SETTLE_SECONDS, default 5): a response whose transaction
                # commits after a later one's must not be passed by the watermark
                sync_to_lake(settle_seconds=2)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=respondent, args=(n,)) for n in range(20)]
    threads.append(threading.Thread(target=worker))
    for thread in threads:
        thread.start()
    backup = tmp_path / "busy.backup"
    try:
        made = _kundpuls(
            "backup",
            "--out",
            str(backup),
            "--json",
            env={"KUNDPULS_DATABASE_URL": database_url(), "KUNDPULS_LAKE_DIR": str(lake)},
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert not errors, errors[:3]
    assert made.returncode == 0, made.stderr[-3000:]

    url, query = restored_database
    restored_lake = tmp_path / "restored" / "lake"
    there = {
        "KUNDPULS_DATABASE_URL": url,
        "KUNDPULS_LAKE_DIR": str(restored_lake),
        "KUNDPULS_DATA_DIR": str(tmp_path / "restored"),
    }
    done = _kundpuls("restore", str(backup), "--json", env=there)
    assert done.returncode == 0, done.stderr[-3000:]
    original = {
        r.submission_id.hex: r.answers for r in Response.objects.only("submission_id", "answers").iterator()
    }
    restored = {
        str(s).replace("-", ""): json.loads(a) if isinstance(a, str) else a
        for s, a in query("SELECT submission_id, answers FROM responses_response")
    }
    assert 10 < len(restored) <= len(original), "a snapshot from the middle of the answering"
    assert all(original[s] == answers for s, answers in restored.items()), "every response whole, as stored"
    assert _kundpuls("migrate", env=there).returncode == 0
    synced = _kundpuls("sync", "--json", env=there)
    assert synced.returncode == 0, synced.stderr[-2000:]
    counted = sufficient_statistics(
        restored_lake, "nki", items=["nki_helhet"], period="all", threshold=1
    ).table
    assert int(counted.loc[counted["unit"] == "VOF", "n"].max()) == len(restored), (
        "after the restore and a sync the lake holds each restored response once"
    )
