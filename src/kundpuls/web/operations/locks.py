"""One runner per job at a time, across processes and machines.

* PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on the worker's own connection. It is held
  while the job runs and released at its end — or by the server the moment the process dies (a killed
  worker leaves no lock behind), whatever the machines' clocks say.
* SQLite (every process on one machine, by the nature of a database file): the job's row is the lock. A
  process takes it with one conditional ``UPDATE`` when nobody holds it, when the holder's lease has run
  out (``LEASE_SECONDS``, a backstop), or when the holder is a process of this machine that no longer
  exists (killed midway). SQLite serialises the writes, so two processes never both take it.

Either way the row records who holds it (``lease_owner``), which the status page shows.
"""

from __future__ import annotations

import os
import socket
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q

from kundpuls.web.operations.models import JobRecord

LEASE_SECONDS = 6 * 3600
"""On SQLite a holder that is neither gone nor finished after this long is presumed stuck."""
_NAMESPACE = 0x4B50  # "KP": the first key of Kundpuls' advisory locks, the second is the job's CRC-32


def owner_name() -> str:
    """This process: ``host:pid``."""
    return f"{socket.gethostname()[:150]}:{os.getpid()}"


def _owner_is_gone(owner: str) -> bool:
    """Whether ``owner`` (``host:pid``) is a process of this machine that no longer runs."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname()[:150] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        return False
    return False


def _advisory_key(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


@contextmanager
def job_lock(name: str, *, now: datetime) -> Iterator[bool]:
    """Hold the lock of job ``name`` for the block; yields False (and holds nothing) when another has it."""
    JobRecord.objects.get_or_create(name=name)
    owner = owner_name()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_NAMESPACE, _advisory_key(name)])
            taken = bool(cursor.fetchone()[0])
        if not taken:
            yield False
            return
        JobRecord.objects.filter(name=name).update(lease_owner=owner, lease_until=None)
        try:
            yield True
        finally:
            JobRecord.objects.filter(name=name, lease_owner=owner).update(lease_owner="")
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_NAMESPACE, _advisory_key(name)])
        return
    holder = JobRecord.objects.filter(name=name).values_list("lease_owner", flat=True).first() or ""
    free = Q(lease_owner="") | Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    if holder and _owner_is_gone(holder):
        free |= Q(lease_owner=holder)
    taken = (
        JobRecord.objects.filter(free, name=name).update(
            lease_owner=owner, lease_until=now + timedelta(seconds=LEASE_SECONDS)
        )
        == 1
    )
    if not taken:
        yield False
        return
    try:
        yield True
    finally:
        JobRecord.objects.filter(name=name, lease_owner=owner).update(lease_owner="", lease_until=None)
