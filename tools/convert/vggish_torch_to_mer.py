"""Converts a torchvggish state_dict (e.g. vggish-10086976.pth, optionally the PCA params
vggish_pca_params-970ea276.pth) into the folder @mer/feature-extractors' VggishNetwork loads:
model.json (tensor names and shapes) + weights.bin (float32, in that order).

Usage: python3 tools/convert/vggish_torch_to_mer.py vggish.pth OUT_DIR [pca_params.pth]
Needs PyTorch (e.g. Debian python3-torch); only for conversion, never at run time.
"""
import json
import os
import sys

import numpy as np


def write_mer_vggish(state, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    names = [k for k in state.keys() if k.startswith(("features.", "embeddings.", "pproc."))]
    tensors = []
    with open(os.path.join(out_dir, "weights.bin"), "wb") as f:
        for k in names:
            a = np.ascontiguousarray(np.asarray(state[k], dtype=np.float32))
            f.write(a.tobytes())
            tensors.append({"name": k, "shape": list(a.shape)})
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump({"format": "mer-vggish", "tensors": tensors}, f, indent=1)


def main():
    import torch

    state = {k: v.numpy() for k, v in torch.load(sys.argv[1], map_location="cpu").items()}
    if len(sys.argv) > 3:
        pca = torch.load(sys.argv[3], map_location="cpu")
        state["pproc._pca_matrix"] = np.asarray(pca["pca_eigen_vectors"], dtype=np.float32)
        state["pproc._pca_means"] = np.asarray(pca["pca_means"], dtype=np.float32).reshape(-1)
    write_mer_vggish(state, sys.argv[2])
    print(f"wrote {sys.argv[2]}/model.json and weights.bin ({sum(np.asarray(v).size for v in state.values())} values)")


if __name__ == "__main__":
    main()
