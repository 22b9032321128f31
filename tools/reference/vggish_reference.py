"""Reference for @mer/feature-extractors' VggishNetwork: torchvggish's layer structure (own code)
at tiny widths with seeded weights, converted by tools/convert/vggish_torch_to_mer.py, plus an input
batch and the expected embeddings (raw and PCA-postprocessed).
Writes packages/feature-extractors/src/fixtures/vggish-tiny/.
Run: /usr/bin/python3 tools/reference/vggish_reference.py
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../convert"))
from vggish_torch_to_mer import write_mer_vggish  # noqa: E402

C = [4, 8, 8, 8, 8, 8]
FC = [16, 16, 6]


class TinyVGGish(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, C[0], 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(C[0], C[1], 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(C[1], C[2], 3, padding=1), nn.ReLU(),
            nn.Conv2d(C[2], C[3], 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(C[3], C[4], 3, padding=1), nn.ReLU(),
            nn.Conv2d(C[4], C[5], 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        )
        self.embeddings = nn.Sequential(
            nn.Linear(C[5] * 6 * 4, FC[0]), nn.ReLU(), nn.Linear(FC[0], FC[1]), nn.ReLU(), nn.Linear(FC[1], FC[2]), nn.ReLU(),
        )

    def forward(self, x):  # x [N, 1, 96, 64], as torchvggish
        x = self.features(x)
        x = torch.transpose(x, 1, 3)
        x = torch.transpose(x, 1, 2)
        x = x.contiguous().view(x.size(0), -1)
        return self.embeddings(x)


def main():
    torch.manual_seed(5)
    net = TinyVGGish().eval()
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(3.0)  # larger than default init so ReLUs pass signal through all layers
    x = torch.randn(2, 1, 96, 64)
    with torch.no_grad():
        emb = net(x)
    pca = torch.randn(FC[2], FC[2]) * 0.3
    means = torch.randn(FC[2]) * 0.1
    post = torch.round((torch.clamp(torch.mm(pca, (emb.t() - means[:, None])).t(), -2, 2) + 2) * (255.0 / 4))
    out = os.path.join(os.path.dirname(__file__), "../../packages/feature-extractors/src/fixtures/vggish-tiny")
    state = {k: v.numpy() for k, v in net.state_dict().items()}
    state["pproc._pca_matrix"] = pca.numpy()
    state["pproc._pca_means"] = means.numpy()
    write_mer_vggish(state, out)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"command": "/usr/bin/python3 tools/reference/vggish_reference.py", "input": x.numpy().reshape(-1).round(6).tolist(), "embeddings": emb.numpy().reshape(-1).tolist(), "postprocessed": post.numpy().reshape(-1).tolist()}, f)
    print("embeddings", emb.numpy().round(4).tolist())


if __name__ == "__main__":
    main()
