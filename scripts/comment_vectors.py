"""Write the encoder's vectors of the tuning comments, shipped with the package.

    python scripts/comment_vectors.py

Encodes every comment of ``src/kundpuls/text/data/comments_tuning.jsonl`` with the sentence encoder of
:mod:`kundpuls.text.meaning` and writes ``src/kundpuls/text/data/comments_tuning.vectors.npz`` (the
SHA-256 of each text and its vector as 16-bit floats), so that fitting the comment reader does not encode
them in every process. Run it after adding comments to the tuning part; ``tests/text/test_meaning.py``
fails while the file lacks a tuning comment or differs from what the encoder gives.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kundpuls.text import meaning  # noqa: E402
from kundpuls.text.learned import labelled_comments  # noqa: E402


def main() -> None:
    target = ROOT / "src" / "kundpuls" / "text" / meaning.VECTORS_FILE
    start = time.perf_counter()
    written = meaning.write_shipped_vectors([r.text for r in labelled_comments()], target)
    seconds = time.perf_counter() - start
    print(f"{written} vectors ({meaning.ENCODER}) written to {target.relative_to(ROOT)} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
