"""Compare two sets of comment vectors (A = baseline, B = candidate) on the TEST rounds.

Prints a per-label precision/recall/F1 table at threshold 0.5, a paired bootstrap (500 resamples of the
test comments, seed 0) of the difference in mean F1 over the 14 labels, and the mean F1 per test round.
Each probe reuses the C chosen by probe.py, so run probe.py on both files first.

Run with the PyTorch venv (needs numpy and scikit-learn):
  python compare.py A.npy B.npy [--work DIR]        (bare names = in the work folder)
"""

from __future__ import annotations

import argparse
import json

import comment_splits as splits
import numpy as np
import probe
from paths import in_work, work_dir
from sklearn.metrics import f1_score

RESAMPLES = 500


def predictions(path):
    E = np.load(path)
    res = json.loads(path.with_name(path.stem + "_probe.json").read_text())
    P = [
        probe.lr(r["C"]).fit(E[splits.TRAIN], splits.Y[splits.TRAIN, j]).predict_proba(E[splits.TEST])[:, 1]
        >= 0.5
        for j, r in enumerate(res)
    ]
    return res, np.array(P).T


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", help="baseline vectors (.npy, probed by probe.py)")
    ap.add_argument("b", help="candidate vectors (.npy, probed by probe.py)")
    ap.add_argument("--work", default=None, help="work folder (default $ENCODER_TUNING_WORK or ./work)")
    args = ap.parse_args()
    work = work_dir(args.work)
    ra, pa = predictions(in_work(args.a, work))
    rb, pb = predictions(in_work(args.b, work))
    Y = splits.Y[splits.TEST]
    print("| label | A P | A R | A F1 | B P | B R | B F1 | dF1 |")
    print("|---|---|---|---|---|---|---|---|")
    for a, b in zip(ra, rb, strict=True):
        print(
            f"| {a['label']} | {a['P05']:.3f} | {a['R05']:.3f} | {a['F05']:.3f} | {b['P05']:.3f} | "
            f"{b['R05']:.3f} | {b['F05']:.3f} | {b['F05'] - a['F05']:+.3f} |"
        )

    def mean_f1(P, ix):
        return np.mean([f1_score(Y[ix, j], P[ix, j]) for j in range(Y.shape[1])])

    rng = np.random.default_rng(0)
    n = len(Y)
    d = []
    for _ in range(RESAMPLES):
        ix = rng.integers(0, n, n)
        d.append(mean_f1(pb, ix) - mean_f1(pa, ix))
    d = np.array(d)
    full = mean_f1(pb, np.arange(n)) - mean_f1(pa, np.arange(n))
    lo, hi = np.percentile(d, [2.5, 97.5])
    print(
        f"\nmean F1@0.5 ({Y.shape[1]} labels) B-A = {full:+.4f}; paired bootstrap over {n} test comments, "
        f"{RESAMPLES} resamples: 95% interval [{lo:+.4f}, {hi:+.4f}], fraction <= 0: {(d <= 0).mean():.3f}"
    )
    rounds = (splits.IDS // 1000)[splits.TEST]
    for rd in np.unique(rounds):
        ix = np.where(rounds == rd)[0]
        print(f"round {rd} (n={len(ix)}): mean F1@0.5 A {mean_f1(pa, ix):.3f}  B {mean_f1(pb, ix):.3f}")


if __name__ == "__main__":
    main()
