"""One process at a time, by an advisory lock on a file, for work that is only shared to save effort.

The comment reader has two such pieces of work: encoding new comments for the shared vector store
(:mod:`kundpuls.text.meaning`) and fitting the comment model (:mod:`kundpuls.text.model_cache`). In both,
a second process should wait for the first and then read what it wrote, but the lock must never stop the
work: where the file cannot be opened or locked (another user's file, a read-only folder, a file system
without ``flock``) or another process holds it too long, the work is done anyway and ``unlocked`` is told
why.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def file_turn(
    lock_path: Path,
    *,
    wait: float,
    poll: float,
    unlocked: Callable[[Path, BaseException], None],
    ready: Callable[[], bool] = lambda: False,
) -> Iterator[None]:
    """Run the body holding an advisory lock on ``lock_path``, or without it after ``wait`` seconds.

    While another process holds the lock, try again every ``poll`` seconds; stop waiting early when
    ``ready()`` is true (what the other process was making is there). The lock file is never reached through
    a symbolic link.
    """
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as error:
        unlocked(lock_path, error)
        yield
        return
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if ready():
                    break
                if time.monotonic() > deadline:
                    unlocked(lock_path, TimeoutError(f"held by another process for over {wait:g} s"))
                    break
                time.sleep(poll)
            except OSError as error:  # a file system without locks
                unlocked(lock_path, error)
                break
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


__all__ = ["file_turn"]
