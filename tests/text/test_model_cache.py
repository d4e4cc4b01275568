"""The fitted comment model kept on disk (kundpuls.text.model_cache): read back, sealed, fitted once."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kundpuls.text import model_cache
from kundpuls.text.reading import _read_lexicon, comment_model
from kundpuls.text.taxonomy import default_taxonomy

SECRET = b"installation-secret"


@pytest.fixture(autouse=True)
def _no_folder_after() -> Any:
    previous = list(model_cache._FOLDER)  # the folder and secret in force before the test
    yield
    folder, secret = previous[0] if previous else (None, b"")
    model_cache.use_folder(folder, secret=secret)


class _Counting:
    """A fit that counts its calls and returns a small picklable model."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, Any]:
        self.calls += 1
        return {"weights": np.arange(5.0), "fit": self.calls}


def test_the_fitted_reader_read_back_reads_every_comment_as_the_one_fitted(tmp_path: Path) -> None:
    model = comment_model()
    path = tmp_path / f"{model_cache.PREFIX}x.pickle"
    assert model_cache.write(path, model, SECRET)
    again = model_cache.read(path, SECRET)
    texts = ["Telefonkön var helt orimlig.", "Trevlig personal men ingen visste något.", "Inget att tillägga"]
    languages = ["sv", "sv", "sv"]
    reading = _read_lexicon(texts, default_taxonomy(), languages=languages)  # the model's evidence
    themes, polarity = model.predict(texts, languages, reading.assignment.matrix, reading.scores)
    themes_again, polarity_again = again.predict(texts, languages, reading.assignment.matrix, reading.scores)
    assert (themes == themes_again).all() and list(polarity) == list(polarity_again)
    assert path.stat().st_mode & 0o777 == 0o600  # readable by its owner only


def test_the_second_process_reads_what_the_first_fitted(tmp_path: Path) -> None:
    model_cache.use_folder(tmp_path, secret=SECRET)
    fit = _Counting()
    first = model_cache.load_or_fit(fit, True)
    second = model_cache.load_or_fit(fit, True)
    assert fit.calls == 1 and second["fit"] == first["fit"] == 1
    assert model_cache.load_or_fit(fit, False)["fit"] == 2  # another fingerprint: without the encoder
    with_encoder = tmp_path / f"{model_cache.PREFIX}{model_cache.fingerprint(True)}.pickle"
    assert with_encoder.exists()  # another release's model is kept a while: both may run during an upgrade
    day_old = time.time() - model_cache.KEEP_OTHERS - 60
    os.utime(with_encoder, (day_old, day_old))
    model_cache.write(tmp_path / f"{model_cache.PREFIX}{model_cache.fingerprint(False)}.pickle", {}, SECRET)
    names = sorted(p.name for p in tmp_path.glob(f"{model_cache.PREFIX}*.pickle"))
    assert names == [f"{model_cache.PREFIX}{model_cache.fingerprint(False)}.pickle"]  # the old one removed


def test_without_a_folder_every_process_fits() -> None:
    model_cache.use_folder(None)
    fit = _Counting()
    model_cache.load_or_fit(fit, True)
    model_cache.load_or_fit(fit, True)
    assert fit.calls == 2


class _Planted:
    """Unpickling this runs code: it writes a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        return (Path.write_text, (self.marker, "ran"))


def test_a_file_not_sealed_with_the_installation_key_is_never_unpickled(tmp_path: Path) -> None:
    model_cache.use_folder(tmp_path, secret=SECRET)
    marker = tmp_path / "ran.txt"
    path = tmp_path / f"{model_cache.PREFIX}{model_cache.fingerprint(True)}.pickle"
    payload = pickle.dumps(_Planted(marker))
    for data in (
        payload,  # no seal at all
        model_cache._sealed(payload, b"someone else's key", path.name),
        model_cache._sealed(payload, SECRET, path.name)[:-1] + b"!",  # sealed, then changed
        model_cache._sealed(payload, SECRET, f"{model_cache.PREFIX}older.pickle"),  # another file's, copied
    ):
        path.write_bytes(data)
        fit = _Counting()
        assert model_cache.load_or_fit(fit, True)["fit"] == 1 and fit.calls == 1  # fitted again instead
        assert not marker.exists()
        assert model_cache.read(path, SECRET)["fit"] == 1  # and the refitted model replaced the file


def test_a_fifo_a_link_or_a_huge_file_at_the_models_place_is_not_read(tmp_path: Path, monkeypatch) -> None:
    model_cache.use_folder(tmp_path, secret=SECRET)
    path = tmp_path / f"{model_cache.PREFIX}{model_cache.fingerprint(True)}.pickle"
    elsewhere = tmp_path / "sealed-elsewhere.pickle"
    model_cache.write(elsewhere, {"fit": "planted"}, SECRET)
    os.mkfifo(path)  # reading it would wait for a writer forever
    assert model_cache.load_or_fit(_Counting(), True)["fit"] == 1  # replaced by the fitted model
    path.unlink()
    path.symlink_to(elsewhere)
    assert model_cache.read(path, SECRET) is None  # never followed
    path.unlink()
    model_cache.write(path, {"fit": "kept"}, SECRET)
    monkeypatch.setattr(model_cache, "MAX_BYTES", 10)
    assert model_cache.read(path, SECRET) is None
    monkeypatch.undo()
    path.chmod(0o666)  # writable by others: anyone could have replaced it
    assert model_cache.read(path, SECRET) is None


def test_without_a_secret_nothing_is_kept(tmp_path: Path) -> None:
    model_cache.use_folder(tmp_path, secret=b"")
    fit = _Counting()
    model_cache.load_or_fit(fit, True)
    model_cache.load_or_fit(fit, True)
    assert fit.calls == 2 and not list(tmp_path.iterdir())


def test_a_folder_that_cannot_be_written_still_gives_a_model(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    model_cache.use_folder(blocker / "cache", secret=SECRET)
    fit = _Counting()
    assert model_cache.load_or_fit(fit, True)["fit"] == 1
    assert model_cache.load_or_fit(fit, True)["fit"] == 2  # nothing kept: fitted again, never an error


def _fit_slowly(log: str) -> dict[str, Any]:
    with open(log, "a", encoding="utf-8") as out:
        out.write("fit\n")
    time.sleep(1.0)
    return {"fit": 1}


def _load_in_process(folder: str, log: str, results: Any) -> None:
    import functools

    model_cache.use_folder(folder, secret=SECRET)
    results.put(model_cache.load_or_fit(functools.partial(_fit_slowly, log), True)["fit"])


def test_processes_starting_together_fit_the_model_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    log = tmp_path / "fits.log"
    processes = [
        context.Process(target=_load_in_process, args=(str(tmp_path / "cache"), str(log), results))
        for _ in range(3)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert sorted(results.get(timeout=5) for _ in processes) == [1, 1, 1]
    assert log.read_text(encoding="utf-8").splitlines() == ["fit"]  # one process fitted, two read its file


def test_the_fingerprint_names_what_the_fit_depends_on() -> None:
    assert model_cache.fingerprint(True) == model_cache.fingerprint(True)
    assert model_cache.fingerprint(True) != model_cache.fingerprint(False)
    names = {name for name, _ in model_cache._files(resources.files("kundpuls.text"))}
    assert {
        "learned.py",
        "data/comments_tuning.jsonl",
        "data/themes_default.yaml",
        "data/polarity.yaml",
    } <= names
    assert not any("__pycache__" in name for name in names)
