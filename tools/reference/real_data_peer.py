#!/usr/bin/env python3
"""The classic peer of `npm run bench:real-data`: an independent, small speech-emotion baseline.

MFCC(13) + delta, their per-utterance mean and std, and log-energy mean and std (54 values) →
standardise (training speakers' statistics) → logistic regression (scikit-learn). Leave-one-speaker-out
over the EmoDB folder; C is chosen by an inner leave-one-speaker-out over the training speakers only.
Run with Debian's python3 (python3-sklearn, python3-scipy): /usr/bin/python3 tools/reference/real_data_peer.py <emodb-dir> [--speaker-norm]
`--speaker-norm` first standardises each speaker's feature vectors with that speaker's own mean and std
(transductive: the held-out speaker's unlabelled recordings are used, never their labels).
Prints one JSON line per fold, then a summary line.
"""
import json
import os
import sys
import time

import numpy as np
from scipy.fft import dct
from scipy.io import wavfile

EMOTIONS = "WLEAFTN"  # anger, boredom, disgust, fear, happiness, sadness, neutral


def mel_filters(sr, nfft, bands=26):
    mel = lambda f: 2595 * np.log10(1 + f / 700)
    inv = lambda m: 700 * (10 ** (m / 2595) - 1)
    edges = inv(np.linspace(mel(0), mel(sr / 2), bands + 2))
    freqs = np.arange(nfft // 2 + 1) * sr / nfft
    fb = np.zeros((bands, len(freqs)))
    for b in range(bands):
        lo, c, hi = edges[b : b + 3]
        fb[b] = np.clip(np.minimum((freqs - lo) / (c - lo), (hi - freqs) / (hi - c)), 0, None)
    return fb


def features(path):
    sr, x = wavfile.read(path)
    x = x.astype(np.float64)
    if x.ndim > 1:
        x = x.mean(axis=1)
    x /= 32768.0
    win, hop = int(0.025 * sr), int(0.010 * sr)
    nfft = 1 << (win - 1).bit_length()
    frames = np.stack([x[i : i + win] * np.hamming(win) for i in range(0, max(1, len(x) - win), hop)])
    power = np.abs(np.fft.rfft(frames, nfft)) ** 2
    logmel = np.log(power @ mel_filters(sr, nfft).T + 1e-10)
    mfcc = dct(logmel, type=2, norm="ortho", axis=1)[:, :13]
    pad = np.pad(mfcc, ((2, 2), (0, 0)), mode="edge")
    delta = sum(n * (pad[2 + n : len(pad) - 2 + n] - pad[2 - n : len(pad) - 2 - n]) for n in (1, 2)) / 10
    energy = np.log(power.sum(axis=1) + 1e-10)
    return np.concatenate([mfcc.mean(0), mfcc.std(0), delta.mean(0), delta.std(0), [energy.mean(), energy.std()]])


def main():
    # scikit-learn only for the classifier (bench/extract_peer.py imports features() without it).
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score
    from sklearn.model_selection import LeaveOneGroupOut
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    root = [a for a in sys.argv[1:] if not a.startswith("--")][0]
    t0 = time.time()
    files = sorted(f for f in os.listdir(root) if f.endswith(".wav"))
    X = np.stack([features(os.path.join(root, f)) for f in files])
    y = np.array([EMOTIONS.index(f[5]) for f in files])
    groups = np.array([f[:2] for f in files])
    speaker_norm = "--speaker-norm" in sys.argv
    if speaker_norm:
        for g in set(groups):
            X[groups == g] = (X[groups == g] - X[groups == g].mean(0)) / (X[groups == g].std(0) + 1e-9)
    grid = [0.01, 0.1, 1.0, 10.0]
    rows = []
    for speaker in sorted(set(groups)):
        train, test = groups != speaker, groups == speaker
        inner = {}
        for C in grid:
            scores = []
            for itr, iva in LeaveOneGroupOut().split(X[train], y[train], groups[train]):
                m = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))
                m.fit(X[train][itr], y[train][itr])
                scores.append(balanced_accuracy_score(y[train][iva], m.predict(X[train][iva])))
            inner[C] = float(np.mean(scores))
        best = max(grid, key=lambda c: inner[c])
        m = make_pipeline(StandardScaler(), LogisticRegression(C=best, max_iter=2000)).fit(X[train], y[train])
        p = m.predict(X[test])
        row = {
            "system": "peer: MFCC+delta stats, logistic regression (scikit-learn)" + (", per-speaker standardised" if speaker_norm else ""),
            "fold": speaker,
            "C": best,
            "inner_uar": inner[best],
            "uar": balanced_accuracy_score(y[test], p),
            "macroF1": f1_score(y[test], p, average="macro"),
            "accuracy": accuracy_score(y[test], p),
            "test_items": int(test.sum()),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    summary = {k: [float(np.mean([r[k] for r in rows])), float(np.std([r[k] for r in rows], ddof=1))] for k in ("uar", "macroF1", "accuracy")}
    print(json.dumps({"system": rows[0]["system"], "summary": summary, "seconds": time.time() - t0}), flush=True)


if __name__ == "__main__":
    main()
