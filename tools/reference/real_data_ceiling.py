#!/usr/bin/env python3
"""How far classic systems go on the bench:real-data folds: an experiment beside the peer, not part of mer.

Leave-one-speaker-out over the EmoDB folder, as the peer (tools/reference/real_data_peer.py), for
stronger classic systems: the peer's 54 MFCC+delta statistics, functionals (mean, std, 20/50/80th
percentiles over valid frames) of mer's 25 eGeMAPS descriptors (a features folder written by
`mer extract --stream audio=egemaps`, e.g. the bench's work folder), and both; each globally or
per-speaker standardised (transductive, no labels), with logistic regression or an RBF SVM whose C
is chosen by an inner leave-one-speaker-out over the training speakers only.
  /usr/bin/python3 tools/reference/real_data_ceiling.py <emodb-dir> <egemaps-features-dir>
Prints one JSON line per system (mean ± std UAR over folds, mean inner UAR).
"""
import json
import os
import sys
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

sys.path.insert(0, os.path.dirname(__file__))
from real_data_peer import EMOTIONS, features  # noqa: E402

warnings.filterwarnings("ignore")


def functionals(root, item):
    meta = json.load(open(os.path.join(root, "audio", "items", item + ".json")))
    x = np.fromfile(os.path.join(root, "audio", "items", item + ".f32"), "<f4").reshape(meta["frames"], meta["dim"])
    x = x[np.array(meta.get("mask") or [1] * meta["frames"], bool)]
    return np.concatenate([x.mean(0), x.std(0), *(np.percentile(x, q, 0) for q in (20, 50, 80))])


def per_speaker(X, groups):
    X = X.copy()
    for g in set(groups):
        X[groups == g] = (X[groups == g] - X[groups == g].mean(0)) / (X[groups == g].std(0) + 1e-9)
    return X


def loso(X, y, groups, make, grid):
    uar, inner_best = [], []
    for speaker in sorted(set(groups)):
        tr, te = groups != speaker, groups == speaker
        inner = {}
        for c in grid:
            splits = LeaveOneGroupOut().split(X[tr], y[tr], groups[tr])
            inner[c] = np.mean([balanced_accuracy_score(y[tr][b], make(c).fit(X[tr][a], y[tr][a]).predict(X[tr][b])) for a, b in splits])
        c = max(grid, key=inner.get)
        uar.append(balanced_accuracy_score(y[te], make(c).fit(X[tr], y[tr]).predict(X[te])))
        inner_best.append(inner[c])
    return uar, inner_best


def main():
    data, egemaps = sys.argv[1], sys.argv[2]
    files = sorted(f for f in os.listdir(data) if f.endswith(".wav"))
    ids = [f[:-4] for f in files]
    y = np.array([EMOTIONS.index(f[5]) for f in files])
    groups = np.array([f[:2] for f in files])
    mfcc = np.stack([features(os.path.join(data, f)) for f in files])
    gemaps = np.stack([functionals(egemaps, i) for i in ids])
    models = {
        "logistic regression": (lambda c: make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000)), [0.01, 0.1, 1, 10]),
        "RBF SVM": (lambda c: make_pipeline(StandardScaler(), SVC(C=c, kernel="rbf")), [0.1, 1, 10, 100]),
    }
    for name, X in (("MFCC+delta stats", mfcc), ("eGeMAPS functionals", gemaps), ("both", np.hstack([mfcc, gemaps]))):
        for norm in ("global", "per-speaker"):
            Xn = per_speaker(X, groups) if norm == "per-speaker" else X
            for model, (make, grid) in models.items():
                uar, inner = loso(Xn, y, groups, make, grid)
                print(json.dumps({"features": name, "standardisation": norm, "model": model, "uar": [float(np.mean(uar)), float(np.std(uar, ddof=1))], "inner_uar": float(np.mean(inner))}), flush=True)


if __name__ == "__main__":
    main()
