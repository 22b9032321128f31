#!/usr/bin/env python3
"""numpy reference for mer's 'speech-functionals' extractor (speech-functionals.spec.ts).

Starts from what tools/reference/export-speech-inputs.ts writes (the recording at 16 kHz as mer
decodes it, and mer's 25 eGeMAPS descriptors with their voiced flags) and recomputes, independently
of mer's code: the 77 eGeMAPS functionals, 7 statistics of each descriptor (voiced frames for the
voice-source ones, sounding frames for the others), and the mean/std of MFCC 0-12 + log energy with
HTK deltas and delta-deltas (25 ms Hamming, 10 ms hop, 26 mel bands, orthonormal DCT-II).
  npx tsx tools/reference/export-speech-inputs.ts <work-dir> <wav>...
  /usr/bin/python3 tools/reference/speech_functionals_reference.py <work-dir> <name>... > packages/feature-extractors/src/fixtures/speech-functionals-reference.json
"""
import json
import os
import sys

import numpy as np
from scipy.fft import dct

LLD = ["loudness", "alphaRatio", "hammarbergIndex", "slope0-500", "slope500-1500", "F0semitoneFrom27.5Hz", "jitterLocal", "shimmerLocaldB", "HNRdBACF",
       "logRelF0-H1-H2", "logRelF0-H1-A3", "F1frequency", "F1bandwidth", "F1amplitudeLogRelF0", "F2frequency", "F2bandwidth", "F2amplitudeLogRelF0",
       "F3frequency", "F3bandwidth", "F3amplitudeLogRelF0", "mfcc1", "mfcc2", "mfcc3", "mfcc4", "spectralFlux"]
VOICED = set(LLD[5:20])


def mean(v):
    return float(np.mean(v)) if len(v) else 0.0


def std(v):
    return float(np.std(v)) if len(v) > 1 else 0.0


def cv(v):
    m = mean(v)
    return std(v) / abs(m) if abs(m) > 1e-12 else 0.0


def pct(v, q):
    return float(np.percentile(v, q)) if len(v) else 0.0


def runs(flags, value):
    out, n = [], 0
    for f in flags:
        if f == value:
            n += 1
        elif n:
            out.append(n)
            n = 0
    if n:
        out.append(n)
    return out


def egemaps_functionals(x, voiced, step):
    vals = []
    for k, name in enumerate(LLD):
        col = x[:, k]
        if name in ("F0semitoneFrom27.5Hz", "loudness"):
            ok = np.ones(len(col), bool) if name == "loudness" else voiced.astype(bool)
            v = col[ok]
            p = [pct(v, q) for q in (20, 50, 80)]
            d = np.diff(col) / step
            both = ok[1:] & ok[:-1]
            rise, fall = d[both & (d > 0)], d[both & (d < 0)]
            vals += [mean(v), cv(v), *p, p[2] - p[0], mean(rise), std(rise), mean(fall), std(fall)]
        elif name in VOICED:
            v = col[voiced.astype(bool)]
            vals += [mean(v), cv(v)]
        elif name in ("alphaRatio", "hammarbergIndex", "slope0-500", "slope500-1500"):
            vals += [mean(col[voiced == 1]), cv(col[voiced == 1]), mean(col[voiced == 0])]
        else:
            vals += [mean(col), cv(col)]
    loud = x[:, 0]
    seconds = max(len(loud) * step, 1e-3)
    peaks = sum(1 for t in range(1, len(loud) - 1) if loud[t] > loud[t - 1] and loud[t] >= loud[t + 1] and loud[t] > loud.mean())
    vr = [n * step for n in runs(voiced, 1)]
    ur = [n * step for n in runs(voiced, 0)]
    vals += [peaks / seconds, len(vr) / seconds, mean(vr), std(vr), mean(ur), std(ur), 10 * np.log10(np.mean(loud**2) + 1e-12)]
    assert len(vals) == 77, len(vals)
    return vals


def stats(col, t, which):
    if len(col) == 0:
        return [0.0] * len(which)
    out = []
    for s in which:
        if s == "mean":
            out.append(float(col.mean()))
        elif s == "std":
            out.append(float(col.std()))
        elif s in ("p20", "p50", "p80"):
            out.append(float(np.percentile(col, int(s[1:]))))
        elif s == "range20-80":
            out.append(float(np.percentile(col, 80) - np.percentile(col, 20)))
        else:
            out.append(float(np.polyfit(t, col, 1)[0]) if len(col) > 1 else 0.0)
    return out


def mel_filters(bins, bin_hz, bands, lo, hi):
    mel = lambda f: 2595 * np.log10(1 + f / 700)
    edges = 700 * (10 ** (np.linspace(mel(lo), mel(hi), bands + 2) / 2595) - 1)
    f = np.arange(bins) * bin_hz
    fb = np.zeros((bands, bins))
    for b in range(bands):
        l, c, h = edges[b : b + 3]
        inside = (f > l) & (f < h)
        fb[b, inside] = np.where(f[inside] <= c, (f[inside] - l) / (c - l), (h - f[inside]) / (h - c))
    return fb


def cepstra(x, sr=16000):
    win, hop, nfft = 400, 160, 512
    frames = max(1, len(x) // hop)
    padded = np.concatenate([np.zeros(win // 2), x, np.zeros(win + hop)])
    w = np.hamming(win)
    fr = np.stack([padded[f * hop : f * hop + win] * w for f in range(frames)])
    power = np.abs(np.fft.rfft(fr, nfft)) ** 2
    logmel = np.log(power @ mel_filters(nfft // 2 + 1, sr / nfft, 26, 0, sr / 2).T + 1e-10)
    energy = power.sum(1)
    base = np.hstack([dct(logmel, type=2, norm="ortho", axis=1)[:, :13], np.log(energy + 1e-10)[:, None]])

    def delta(m):
        p = np.pad(m, ((2, 2), (0, 0)), mode="edge")
        return sum(n * (p[2 + n : len(p) - 2 + n] - p[2 - n : len(p) - 2 - n]) for n in (1, 2)) / 10

    d1 = delta(base)
    return np.hstack([base, d1, delta(d1)]), energy


def functionals(root, name):
    meta = json.load(open(os.path.join(root, name + ".json")))
    x16 = np.fromfile(os.path.join(root, name + ".x16.f32"), "<f4").astype(np.float64)
    llds = np.fromfile(os.path.join(root, name + ".llds.f32"), "<f4").astype(np.float64).reshape(meta["frames"], 25)
    voiced = np.fromfile(os.path.join(root, name + ".voiced.u8"), np.uint8)
    step = meta["timeStep"]
    vals = egemaps_functionals(llds, voiced, step)
    t = np.arange(meta["frames"]) * step
    sounding = llds[:, 0] > 1e-3
    for k, n in enumerate(LLD):
        ok = voiced.astype(bool) if n in VOICED else sounding
        vals += stats(llds[ok, k], t[ok], ["mean", "std", "p20", "p50", "p80", "range20-80", "slope"])
    cep, energy = cepstra(x16)
    ok = energy > 1e-10
    for k in range(cep.shape[1]):
        vals += stats(cep[ok, k], None, ["mean", "std"])
    return vals


def main():
    root, names = sys.argv[1], sys.argv[2:]
    print(json.dumps({"clips": {n: functionals(root, n) for n in names}}))


if __name__ == "__main__":
    main()
