#!/usr/bin/env python3
"""The numpy/scipy peer of `npm run bench:extract`: per-utterance MFCC statistics of every WAV in a folder.

The features of tools/reference/real_data_peer.py (MFCC 13 + deltas, mean and std, log-energy): the
classic extraction a speech-emotion study runs before its classifier. One process, files in order,
the result saved as one .npy so the work is not optimised away.
Run with Debian's python3: /usr/bin/python3 tools/bench/extract_peer.py <wav-folder> <out.npy>
Prints one JSON line: files, seconds (inside the process, after imports).
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "reference"))
import numpy as np  # noqa: E402
from real_data_peer import features  # noqa: E402


def main():
    folder, out = sys.argv[1], sys.argv[2]
    files = sorted(f for f in os.listdir(folder) if f.endswith(".wav"))
    t0 = time.perf_counter()
    rows = np.stack([features(os.path.join(folder, f)) for f in files])
    np.save(out, rows)
    print(json.dumps({"files": len(files), "seconds": round(time.perf_counter() - t0, 3), "dim": int(rows.shape[1])}))


if __name__ == "__main__":
    main()
