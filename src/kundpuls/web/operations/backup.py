"""Backups of a running installation and their restore: the database, the lake and the settings that matter.

A backup is one tar file (``kundpuls backup --out FILE``):

* ``kundpuls-backup.json``: what it holds — format, Kundpuls version, time, database vendor, the applied
  migrations, the settings that matter (never a secret: no secret key, no SMTP password, no token), and the
  size and SHA-256 of every other member;
* ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the service writes) or
  ``database.pgdump`` (``pg_dump`` in the custom format: one consistent snapshot of a running PostgreSQL);
* ``lake/…``: the lake's manifest and the Parquet files it lists, copied under the lake's writer lock (a
  sync or an erasure waits meanwhile). The lake is copied before the database, so the restored lake is
  never ahead of the restored database: the worker's next sync takes up what the database has beyond it.

``kundpuls restore FILE`` verifies the whole file first, then writes into an empty database (SQLite: no
file yet; PostgreSQL: a database without tables) and an empty lake folder, and refuses anything else.
The secret key is not in a backup: restore with the same ``KUNDPULS_SECRET_KEY`` (kept apart from the
backups) or the personal invitation links already sent stop working.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection

from kundpuls.analytics.lake.layout import MANIFEST_NAME
from kundpuls.config import release_version
from kundpuls.errors import ConfigurationError, InvalidArgument, KundpulsError

FORMAT = "kundpuls-backup/1"
MANIFEST = "kundpuls-backup.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
LAKE_PREFIX = "lake/"
_CHUNK = 1 << 20


class BackupRefused(InvalidArgument):
    """A backup file that is not whole, or a restore target that is not empty."""


@dataclass(frozen=True)
class BackupSummary:
    path: str
    vendor: str
    bytes: int
    members: int
    lake_files: int
    responses: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def settings_that_matter() -> dict[str, Any]:
    """The settings a restored installation should run with again (never a secret)."""
    from kundpuls.config import get_config

    config = get_config()
    return {
        "KUNDPULS_BASE_URL": config.base_url,
        "KUNDPULS_ALLOWED_HOSTS": ",".join(config.allowed_hosts),
        "KUNDPULS_ANONYMITY_THRESHOLD": config.anonymity_threshold,
        "KUNDPULS_CONTACT_RETENTION_DAYS": config.contact_retention_days,
        "KUNDPULS_CASE_CONTACT_RETENTION_DAYS": config.case_contact_retention_days,
        "KUNDPULS_UNUSED_CONTACT_RETENTION_DAYS": config.unused_contact_retention_days,
        "KUNDPULS_MAIL_FROM": config.mail_from,
        "KUNDPULS_SMTP_HOST": config.smtp_host,
        "KUNDPULS_RATE_LIMIT_POSTS": config.rate_limit_posts,
        "KUNDPULS_RATE_LIMIT_GETS": config.rate_limit_gets,
        "KUNDPULS_TRUSTED_PROXIES": config.trusted_proxies,
        "job_intervals_seconds": dict(config.job_intervals),
        "secret_key": "not in the backup: restore with the same KUNDPULS_SECRET_KEY",
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from Django's settings; the password goes in the env."""
    db = connection.settings_dict
    arguments = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        arguments += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        arguments += ["--port", str(db["PORT"])]
    if db.get("USER"):
        arguments += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return arguments, env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ConfigurationError(
            f"{name}: not found on PATH; install the PostgreSQL client programs (Debian: apt install "
            "postgresql-client, the same major version as the server or newer)"
        )
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise KundpulsError(
            f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()[-1000:]}"
        )


def _snapshot_database(folder: Path) -> tuple[str, Path]:
    if connection.vendor == "sqlite":
        source = Path(str(connection.settings_dict["NAME"]))
        target = folder / SQLITE_MEMBER
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        return SQLITE_MEMBER, target
    if connection.vendor == "postgresql":
        target = folder / PG_MEMBER
        arguments, env = _pg_arguments()
        _run([_program("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *arguments], env)
        return PG_MEMBER, target
    raise ConfigurationError(f"database: backups of {connection.vendor} are not supported")


def _lake_dir() -> Path | None:
    from kundpuls.analytics.lake.manifest import lake_location

    location = lake_location(settings.KUNDPULS_LAKE_DIR)
    if not location.is_local:
        raise ConfigurationError(
            f"KUNDPULS_LAKE_DIR: {location.root!r} is not a local folder; back up object storage with its "
            "own tools (the lake can also be rebuilt from the database)"
        )
    return Path(location.root)


def _snapshot_lake(folder: Path) -> list[str]:
    """Copy the manifest and the files it lists into ``folder/lake`` under the lake's writer lock (a sync or
    an erasure waits for the copy); returns their paths relative to the lake."""
    from kundpuls.analytics.lake.manifest import lake_location
    from kundpuls.analytics.lake.writer import writer_lock

    lake = _lake_dir()
    assert lake is not None
    manifest_path = lake / MANIFEST_NAME
    if not manifest_path.is_file():
        return []
    target = folder / "lake"
    with writer_lock(lake_location(lake)):
        raw = manifest_path.read_bytes()
        listed = json.loads(raw.decode("utf-8")).get("files", {})
        paths = [str(f["path"]) for files in listed.values() for f in files]
        for relative in paths:
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(lake / relative, destination)
    (target / MANIFEST_NAME).write_bytes(raw)
    return [MANIFEST_NAME, *paths]


def _applied_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def create_backup(out: Path) -> BackupSummary:
    """Write a backup of this installation to ``out`` (through a temporary file, then renamed)."""
    from kundpuls.web.responses.models import Response

    out = Path(out)
    if out.exists():
        raise InvalidArgument(
            f"--out: {str(out)!r} exists already; name a new file", field="out", value=str(out)
        )
    if not out.parent.is_dir():
        raise InvalidArgument(
            f"--out: folder {str(out.parent)!r} does not exist", field="out", value=str(out)
        )
    with tempfile.TemporaryDirectory(prefix="kundpuls-backup-") as scratch:
        folder = Path(scratch)
        lake_files = _snapshot_lake(folder)  # first: the restored lake is never ahead of the database
        member, database = _snapshot_database(folder)
        responses = Response.objects.count()
        members = {member: database} | {LAKE_PREFIX + p: folder / "lake" / p for p in lake_files}
        manifest = {
            "format": FORMAT,
            "kundpuls_version": release_version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "vendor": connection.vendor,
            "database_member": member,
            "migrations": _applied_migrations(),
            "responses": responses,
            "settings": settings_that_matter(),
            "members": {
                name: {"bytes": p.stat().st_size, "sha256": _sha256(p)} for name, p in members.items()
            },
        }
        temporary = out.with_name(f".{out.name}.partial")
        with tarfile.open(temporary, "w") as archive:
            for name, path in members.items():
                archive.add(path, arcname=name, recursive=False)
            payload = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(payload)
            info.mtime = int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(payload))
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        temporary.replace(out)
    return BackupSummary(
        str(out), connection.vendor, out.stat().st_size, len(members) + 1, len(lake_files), responses
    )


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def verify_backup(path: Path) -> dict[str, Any]:
    """Read the whole backup and check every member against its size and SHA-256; returns its manifest.

    A truncated or altered file, a member the manifest does not list (or one it lists that is missing), a
    name that would leave the restore folder: each is refused with :class:`BackupRefused` naming it.
    """
    path = Path(path)

    def refuse(reason: str) -> BackupRefused:
        return BackupRefused(f"backup {str(path)!r}: {reason}", field="backup", value=str(path))

    if not path.is_file():
        raise refuse("no such file")
    try:
        with tarfile.open(path, "r:") as archive:
            manifest_member = archive.getmember(MANIFEST)
            handle = archive.extractfile(manifest_member)
            if handle is None or manifest_member.size > 10_000_000:
                raise refuse("its manifest is not a file")
            manifest = json.loads(handle.read().decode("utf-8"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise refuse(
                    f"not a Kundpuls backup (format {manifest.get('format')!r}, expected {FORMAT!r})"
                )
            expected: dict[str, Any] = manifest.get("members", {})
            seen: set[str] = set()
            for member in archive:
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or not _safe_member(member.name) or member.name not in expected:
                    raise refuse(f"unexpected member {member.name!r}")
                digest = hashlib.sha256()
                stream = archive.extractfile(member)
                assert stream is not None
                while block := stream.read(_CHUNK):
                    digest.update(block)
                want = expected[member.name]
                if member.size != want["bytes"] or digest.hexdigest() != want["sha256"]:
                    raise refuse(f"member {member.name!r} is damaged (its checksum differs)")
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError) as exc:
        raise refuse(
            f"cannot be read whole ({type(exc).__name__}: {exc}); it is truncated or damaged"
        ) from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise refuse(f"members missing: {', '.join(missing[:5])}")
    if manifest.get("database_member") not in seen:
        raise refuse("no database in it")
    return manifest


@contextmanager
def _opened(path: Path) -> Iterator[tarfile.TarFile]:
    with tarfile.open(path, "r:") as archive:
        yield archive


def _extract(archive: tarfile.TarFile, name: str, target: Path) -> None:
    stream = archive.extractfile(name)
    assert stream is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.partial")
    with temporary.open("wb") as handle:
        shutil.copyfileobj(stream, handle, _CHUNK)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(target)


def _refuse_non_empty_targets(vendor: str, lake: Path) -> None:
    if connection.vendor != vendor:
        raise BackupRefused(
            f"backup: it holds a {vendor} database, but KUNDPULS_DATABASE_URL names {connection.vendor}",
            field="backup",
            value=vendor,
        )
    if vendor == "sqlite":
        name = Path(str(connection.settings_dict["NAME"]))
        connection.close()
        if name.exists() and name.stat().st_size > 0:
            raise BackupRefused(
                f"database: {str(name)!r} exists; restore only into an empty data folder (move it away)",
                field="database",
                value=str(name),
            )
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            tables = int(cursor.fetchone()[0])
        if tables:
            database = str(connection.settings_dict["NAME"])
            raise BackupRefused(
                f"database: {database!r} has {tables} tables; restore only into an empty database (createdb)",
                field="database",
                value=database,
            )
    if lake.exists() and any(lake.iterdir()):
        raise BackupRefused(
            f"KUNDPULS_LAKE_DIR: {str(lake)!r} is not empty; restore only into an empty lake folder",
            field="lake",
            value=str(lake),
        )


def restore_backup(path: Path) -> dict[str, Any]:
    """Verify ``path`` whole, then restore its database and lake into empty targets (else refuse)."""
    manifest = verify_backup(path)
    vendor = str(manifest["vendor"])
    lake = _lake_dir()
    assert lake is not None
    _refuse_non_empty_targets(vendor, lake)
    lake_members = [name for name in manifest["members"] if name.startswith(LAKE_PREFIX)]
    with _opened(path) as archive:
        if vendor == "sqlite":
            target = Path(str(connection.settings_dict["NAME"]))
            for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
                leftover.unlink(missing_ok=True)
            _extract(archive, SQLITE_MEMBER, target)
        else:
            with tempfile.TemporaryDirectory(prefix="kundpuls-restore-") as scratch:
                dump = Path(scratch) / PG_MEMBER
                _extract(archive, PG_MEMBER, dump)
                arguments, env = _pg_arguments()
                connection.close()
                restore = [_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
                _run([*restore, *arguments, str(dump)], env)
        # the lake's manifest goes last, so an interrupted restore leaves no lake that lists missing files
        for name in sorted(lake_members, key=lambda n: n == LAKE_PREFIX + MANIFEST_NAME):
            _extract(archive, name, lake / name.removeprefix(LAKE_PREFIX))
    return {
        "restored": str(path),
        "vendor": vendor,
        "created_at": manifest["created_at"],
        "kundpuls_version": manifest["kundpuls_version"],
        "responses": manifest["responses"],
        "lake_files": len(lake_members),
        "settings": manifest["settings"],
    }
