"""Labels and splits of the project's labelled comments (src/kundpuls/text/data/comments_tuning.jsonl).

Splits by comment id (the thousands give the collection round):
  TEST  = ids >= 11000 (rounds 11-12, writers not in training; never used for any choice)
  TRAIN = ids <  11000, of which VAL = round 10 (ids 10000-10999) and TR9 = rounds 0-9 (ids < 10000).
  Fine-tuning uses TR9 only; VAL chooses learning rate, epoch, probe C and thresholds.
14 labels: 11 "theme:<key>" (theme present) + 3 "pol:<value>" (polarity one-vs-rest).

Imported by the other scripts (rows are read at import). ``python comment_splits.py`` prints the sizes.
"""

from __future__ import annotations

import json

import numpy as np
from paths import COMMENTS

with COMMENTS.open(encoding="utf-8") as _f:
    ROWS = [json.loads(line) for line in _f if line.strip()]
THEMES = sorted({k for r in ROWS for k in r["themes"]})
POLS = sorted({r["polarity"] for r in ROWS})
LABELS = [f"theme:{t}" for t in THEMES] + [f"pol:{p}" for p in POLS]
IDS = np.array([r["id"] for r in ROWS])
TEST = IDS >= 11000
TRAIN = IDS < 11000
VAL = (IDS >= 10000) & (IDS < 11000)
TR9 = IDS < 10000
Y = np.zeros((len(ROWS), len(LABELS)), np.int64)
for _i, _r in enumerate(ROWS):
    for _t in _r["themes"]:
        Y[_i, THEMES.index(_t)] = 1
    Y[_i, len(THEMES) + POLS.index(_r["polarity"])] = 1
POLIDX = np.array([POLS.index(r["polarity"]) for r in ROWS])
TEXTS = [r["text"] for r in ROWS]

if __name__ == "__main__":
    print(
        f"{len(ROWS)} comments; TRAIN {TRAIN.sum()} (rounds 0-9: {TR9.sum()}, VAL round 10: {VAL.sum()}); "
        f"TEST {TEST.sum()}"
    )
    print("labels:", ", ".join(LABELS))
