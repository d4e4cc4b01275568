"""The fitted comment model kept on disk, so that a process starting does not fit it again.

Fitting the comment reader (:func:`kundpuls.text.reading.comment_model`) costs about 40 s of CPU; every web
worker, command and test process used to pay it when it first read a comment, and the first results page
after a server started waited for it. Where a folder is set (:func:`use_folder`: the web project sets the
installation's cache folder, beside the comment vectors), the fitted model is written there once and read
back by every later process in about a second.

- **What is kept**: the model exactly as fitted, pickled (scikit-learn's models have no other complete
  format). It holds what the package ships — the tuning comments' words, letter sequences, vectors and
  labels — and nothing a respondent wrote.
- **Which model**: the file's name carries a fingerprint of everything the fit depends on: the source and
  data files of :mod:`kundpuls.text`, the versions of Python, NumPy, SciPy and scikit-learn, and whether
  the encoder runs here. A changed taxonomy file, lexicon, tuning comment or line of the reader gives
  another name, so a stale model is never read; the files of older fingerprints are removed when a new one
  is written.
- **Trust**: a pickle runs code when it is read, so the file starts with an HMAC-SHA-256 of the rest,
  keyed with the installation's secret, and is only unpickled when the HMAC matches: a file someone else
  wrote or changed is ignored (logged) and the model fitted again. The file is written atomically and
  readable by its owner only.
- **Several processes**: the first to need the model fits it under a lock file beside it; the others wait
  for it (at most ``WAIT`` seconds) and read what it wrote, instead of fitting the same model each.
  Nothing here ever stops the model from being fitted: an unwritable folder, a lock that cannot be taken
  or a broken file each means one more fit, logged once.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import logging
import os
import pickle
import platform
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

_LOG = logging.getLogger(__name__)
WAIT = 180.0
"""Seconds a process waits for another that is fitting the model before it fits the model itself."""
POLL = 0.25
"""Seconds between two tries to take the lock while another process holds it."""
PREFIX = "comment-model-"
_FOLDER: list[tuple[Path, bytes]] = []
_GUARD = threading.Lock()


def use_folder(folder: str | Path | None, *, secret: bytes = b"") -> None:
    """Keep the fitted model in ``folder`` from now on (None: fit it in every process).

    ``secret`` keys the HMAC that guards the file (the web project gives the installation's secret key).
    """
    with _GUARD:
        _FOLDER.clear()
        if folder is not None:
            _FOLDER.append((Path(folder), secret))


def current_folder() -> Path | None:
    """The folder set by :func:`use_folder`, if any."""
    with _GUARD:
        return _FOLDER[0][0] if _FOLDER else None


def fingerprint(uses_meaning: bool) -> str:
    """A digest of everything the fit depends on (see the module docstring)."""
    import numpy
    import scipy
    import sklearn

    digest = hashlib.sha256()
    versions = (platform.python_version(), numpy.__version__, scipy.__version__, sklearn.__version__)
    digest.update(f"{versions}\nmeaning={uses_meaning}\n".encode())
    root = resources.files("kundpuls.text")
    files = sorted(_files(root), key=lambda item: item[0])
    for name, entry in files:
        digest.update(f"{name}\n".encode())
        digest.update(hashlib.sha256(entry.read_bytes()).digest())
    return digest.hexdigest()[:32]


def _files(folder: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """The source and data files under ``folder`` (a package resource), with their relative names."""
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _files(entry, f"{name}/")
        elif not entry.name.endswith((".pyc", ".pyo")):
            yield name, entry


def _sealed(payload: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).digest() + payload


def _opened(data: bytes, secret: bytes) -> bytes | None:
    """The payload of a sealed file, or None when its HMAC does not match."""
    mac, payload = data[:32], data[32:]
    expected = hmac.new(secret, payload, hashlib.sha256).digest()
    return payload if len(mac) == 32 and hmac.compare_digest(mac, expected) else None


def read(path: Path, secret: bytes) -> Any | None:
    """The model in ``path``, or None where there is none, or it is broken or not sealed with ``secret``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        _LOG.warning("the saved comment model %s cannot be read (%s): fitting it again", path, error)
        return None
    payload = _opened(data, secret)
    if payload is None:
        _LOG.warning("the saved comment model %s is not sealed with this installation's key: ignored", path)
        return None
    try:
        return pickle.loads(payload)  # sealed above with the installation's secret
    except Exception as error:  # a sealed file from an incompatible library build: fit again
        _LOG.warning("the saved comment model %s could not be loaded (%s): fitting it again", path, error)
        return None


def write(path: Path, model: Any, secret: bytes) -> bool:
    """Write ``model`` to ``path`` atomically, readable by its owner only; remove older fingerprints' files.

    Returns whether it was written (a folder that cannot be written leaves it unwritten, logged).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = _sealed(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), secret)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        for old in path.parent.glob(f"{PREFIX}*.pickle"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
        return True
    except OSError as error:
        _LOG.warning("the fitted comment model could not be kept in %s: %s", path.parent, error)
        return False


@contextlib.contextmanager
def _fitting_turn(path: Path) -> Iterator[None]:
    """Hold the lock file beside ``path`` while fitting; where it cannot be had in ``WAIT`` s, go on."""
    lock_path = path.parent / f"{PREFIX}fitting.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        _LOG.warning(
            "no lock for fitting the comment model in %s (%s): fitting without it", path.parent, error
        )
        yield
        return
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    _LOG.warning(
                        "another process has fitted the comment model for over %.0f s: fitting", WAIT
                    )
                    yield
                    return
                time.sleep(POLL)
            except OSError as error:  # a file system without locks
                _LOG.warning("the comment model's lock cannot be taken (%s): fitting without it", error)
                yield
                return
        yield
    finally:
        os.close(handle)  # releases the lock


def load_or_fit(fit: Callable[[], Any], uses_meaning: bool) -> Any:
    """The model from the folder set by :func:`use_folder`, or ``fit()`` (then kept there)."""
    with _GUARD:
        folder, secret = _FOLDER[0] if _FOLDER else (None, b"")
    if folder is None:
        return fit()
    path = folder / f"{PREFIX}{fingerprint(uses_meaning)}.pickle"
    model = read(path, secret)
    if model is not None:
        return model
    with _fitting_turn(path):
        model = read(path, secret)  # another process may have written it while this one waited
        if model is None:
            model = fit()
            write(path, model, secret)
    return model


__all__ = ["PREFIX", "WAIT", "current_folder", "fingerprint", "load_or_fit", "read", "use_folder", "write"]
