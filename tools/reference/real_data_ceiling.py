#!/usr/bin/env python3
"""How far classic systems go on the bench:real-data folds: an experiment beside the peer, not part of mer.

Leave-one-speaker-out over the EmoDB folder, as the peer (tools/reference/real_data_peer.py), for
stronger classic systems: the peer's 54 MFCC+delta statistics, functionals (mean, std, 20/50/80th
percentiles over valid frames) of mer's 25 eGeMAPS descriptors (a features folder written by
`mer extract --stream audio=egemaps`, e.g. the bench's work folder; packs or older per-item files), and
both, and optionally (--functionals) mer's utterance-level rows such as `--stream audio=speech-functionals`; each globally or
per-speaker standardised (transductive, no labels), with logistic regression or an RBF SVM whose C
is chosen by an inner leave-one-speaker-out over the training speakers only.
  /usr/bin/python3 tools/reference/real_data_ceiling.py <emodb-dir> <egemaps-features-dir> [--functionals <dir>] [--only a,b]
`--only` keeps the systems whose "<features> <standardisation> <model>" contains one of the words.
Prints one JSON line per system (mean ± std UAR over folds, mean inner UAR, seconds).
"""
import json
import os
import sys
import time
import warnings

import numpy as np
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils.class_weight import compute_sample_weight

sys.path.insert(0, os.path.dirname(__file__))
from real_data_peer import EMOTIONS, features  # noqa: E402

warnings.filterwarnings("ignore")


def read_store(root, modality="audio"):
    """Every item of a mer feature folder's stream as {id: (rows [frames, dim] of valid frames)}: the
    packs (`packs/*.idx.jsonl` + `.f32`, later lines win) and, for folders written before packs, `items/`."""
    folder = os.path.join(root, modality)
    dim = json.load(open(os.path.join(folder, "manifest.json")))["dim"]
    out = {}
    items = os.path.join(folder, "items")
    if os.path.isdir(items):
        for f in sorted(os.listdir(items)):
            if f.endswith(".json"):
                meta = json.load(open(os.path.join(items, f)))
                x = np.fromfile(os.path.join(items, f[:-5] + ".f32"), "<f4").reshape(meta["frames"], meta["dim"])
                out[f[:-5]] = x[np.array(meta.get("mask") or [1] * meta["frames"], bool)]
    packs = os.path.join(folder, "packs")
    for f in sorted(os.listdir(packs)) if os.path.isdir(packs) else []:
        if not f.endswith(".idx.jsonl"):
            continue
        data = np.fromfile(os.path.join(packs, f[: -len(".idx.jsonl")] + ".f32"), "<f4")
        for line in open(os.path.join(packs, f)):
            try:
                e = json.loads(line)
            except ValueError:
                continue  # a torn last line (a killed writer)
            start, n = e["offset"] // 4, e["frames"] * dim
            if start + n > len(data):
                continue
            x = data[start : start + n].reshape(e["frames"], dim)
            out[e["id"]] = x[np.array([c == "1" for c in e["mask"]], bool)] if e.get("mask") else x
    return out


def functionals(x):
    return np.concatenate([x.mean(0), x.std(0), *(np.percentile(x, q, 0) for q in (20, 50, 80))])


class BalancedKernelRidge:
    """mer's kernel estimator (@mer/heads KernelRidgeClassifier) in scikit-learn: RBF KernelRidge on
    one-vs-rest ±1 targets, 'balanced' sample weights, gamma = scale / (D · X.var())."""

    def __init__(self, setting):
        self.scale, self.alpha = setting

    def fit(self, X, y):
        self.classes = np.unique(y)
        Y = np.where(y[:, None] == self.classes[None], 1.0, -1.0)
        gamma = self.scale / (X.shape[1] * X.var())
        self.model = KernelRidge(alpha=self.alpha, kernel="rbf", gamma=gamma).fit(X, Y, sample_weight=compute_sample_weight("balanced", y))
        return self

    def predict(self, X):
        return self.classes[self.model.predict(X).argmax(1)]


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
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    data, egemaps = args[0], args[1]
    # --functionals <dir>: also mer's utterance-level rows (e.g. `--stream audio=speech-functionals`) through the same estimators.
    utterance = sys.argv[sys.argv.index("--functionals") + 1] if "--functionals" in sys.argv else None
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    files = sorted(f for f in os.listdir(data) if f.endswith(".wav"))
    ids = [f[:-4] for f in files]
    y = np.array([EMOTIONS.index(f[5]) for f in files])
    groups = np.array([f[:2] for f in files])
    mfcc = np.stack([features(os.path.join(data, f)) for f in files])
    store = read_store(egemaps)
    gemaps = np.stack([functionals(store[i]) for i in ids])
    models = {
        "logistic regression": (lambda c: make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000)), [0.01, 0.1, 1, 10]),
        "RBF SVM": (lambda c: make_pipeline(StandardScaler(), SVC(C=c, kernel="rbf")), [0.1, 1, 10, 100]),
        # No scaler: as mer's, on the (per-speaker) standardised rows; the grid of @mer/heads' DEFAULT_KERNEL_GRID.
        "kernel ridge (balanced)": (BalancedKernelRidge, [(g, a) for g in (0.5, 1, 2) for a in (0.03, 0.1, 0.3, 1, 3)]),
    }
    sets = [("MFCC+delta stats", mfcc), ("eGeMAPS functionals", gemaps), ("both", np.hstack([mfcc, gemaps]))]
    if utterance:
        rows = read_store(utterance)
        sets.append(("mer speech-functionals", np.stack([rows[i].mean(0) for i in ids])))
    for name, X in sets:
        for norm in ("global", "per-speaker"):
            Xn = per_speaker(X, groups) if norm == "per-speaker" else X
            for model, (make, grid) in models.items():
                if only and not any(o in f"{name} {norm} {model}" for o in only):
                    continue
                t0 = time.time()
                uar, inner = loso(Xn, y, groups, make, grid)
                print(json.dumps({"features": name, "standardisation": norm, "model": model, "uar": [float(np.mean(uar)), float(np.std(uar, ddof=1))], "inner_uar": float(np.mean(inner)), "seconds": round(time.time() - t0, 1)}), flush=True)


if __name__ == "__main__":
    main()
