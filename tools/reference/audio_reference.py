"""Independent reference for mer's log-mel (VGGish front end) and MFCC (librosa-style) features.

Own numpy code following the published algorithms: VGGish's mel_features (periodic Hann, uncentred
frames, |rfft|, HTK-mel triangles built in mel space, log(mel + 0.01)) and librosa.feature.mfcc
(centred reflect-padded STFT, power, Slaney mel filters with Slaney norm, power_to_db top_db=80,
DCT-II ortho). Writes packages/feature-extractors/src/fixtures/audio-reference.json.

Run: /usr/bin/python3 tools/reference/audio_reference.py
"""
import json
import os
import numpy as np
from scipy.fft import dct


def test_signal(sr, seconds):
    n = np.arange(int(sr * seconds), dtype=np.float64)
    t = n / sr
    x = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1234.5 * t + 0.3)
    x += 0.1 * np.sin(2 * np.pi * (200 * t + 2000 * t * t))  # chirp 200 Hz → rising
    x *= 0.5 + 0.5 * np.sin(2 * np.pi * 3 * t) ** 2  # amplitude envelope
    return x.astype(np.float32)


def hz_to_mel_htk(f):
    return 1127.0 * np.log(1.0 + np.asarray(f) / 700.0)


def vggish_log_mel(x, sr=16000, win=400, hop=160, bands=64, lo=125.0, hi=7500.0, offset=0.01):
    x = x.astype(np.float64)
    fft_len = 2 ** int(np.ceil(np.log2(win)))
    frames = 1 + (len(x) - win) // hop
    idx = np.arange(win)[None, :] + hop * np.arange(frames)[:, None]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(win) / win)  # periodic Hann
    spec = np.abs(np.fft.rfft(x[idx] * window, fft_len))
    nbins = fft_len // 2 + 1
    bins_mel = hz_to_mel_htk(np.linspace(0.0, sr / 2, nbins))
    edges = np.linspace(hz_to_mel_htk(lo), hz_to_mel_htk(hi), bands + 2)
    m = np.zeros((nbins, bands))
    for i in range(bands):
        l, c, u = edges[i : i + 3]
        m[:, i] = np.maximum(0.0, np.minimum((bins_mel - l) / (c - l), (u - bins_mel) / (u - c)))
    m[0, :] = 0.0
    return np.log(spec @ m + offset)


def slaney_mel_filters(sr, n_fft, n_mels):
    def hz_to_mel(f):
        f = np.asarray(f, dtype=np.float64)
        f_sp = 200.0 / 3
        mels = f / f_sp
        min_log_hz = 1000.0
        min_log_mel = min_log_hz / f_sp
        logstep = np.log(6.4) / 27.0
        return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mels)

    def mel_to_hz(m):
        m = np.asarray(m, dtype=np.float64)
        f_sp = 200.0 / 3
        min_log_hz = 1000.0
        min_log_mel = min_log_hz / f_sp
        logstep = np.log(6.4) / 27.0
        return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)

    fftfreqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fftfreqs[None, :]
    w = np.zeros((n_mels, len(fftfreqs)))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        w[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
    return w * enorm[:, None]


def librosa_mfcc(x, sr=22050, n_mfcc=10, n_fft=2048, hop=512, n_mels=128, top_db=80.0):
    x = x.astype(np.float64)
    pad = n_fft // 2
    xp = np.pad(x, pad, mode="reflect")
    frames = 1 + (len(xp) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(frames)[:, None]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    power = np.abs(np.fft.rfft(xp[idx] * window, n_fft)) ** 2
    mel = power @ slaney_mel_filters(sr, n_fft, n_mels).T
    db = 10.0 * np.log10(np.maximum(1e-10, mel))
    db = np.maximum(db, db.max() - top_db)
    return dct(db, type=2, axis=1, norm="ortho")[:, :n_mfcc]


def main():
    x16 = test_signal(16000, 1.0)
    lm = vggish_log_mel(x16)
    x22 = test_signal(22050, 3.6)
    mf = librosa_mfcc(x22)
    out = {
        "command": "/usr/bin/python3 tools/reference/audio_reference.py",
        "logMel": {"sampleRate": 16000, "seconds": 1.0, "frames": lm.shape[0], "bands": lm.shape[1], "rows": [0, 17, 50, lm.shape[0] - 1], "values": [lm[r].round(6).tolist() for r in [0, 17, 50, lm.shape[0] - 1]]},
        "mfcc": {"sampleRate": 22050, "seconds": 3.6, "frames": mf.shape[0], "coefficients": mf.shape[1], "rows": [0, 40, 100, mf.shape[0] - 1], "values": [mf[r].round(5).tolist() for r in [0, 40, 100, mf.shape[0] - 1]]},
    }
    path = os.path.join(os.path.dirname(__file__), "../../packages/feature-extractors/src/fixtures/audio-reference.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print(json.dumps({"logMelFrames": lm.shape[0], "mfccFrames": mf.shape[0]}))


if __name__ == "__main__":
    main()
