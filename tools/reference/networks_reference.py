"""Fidelity fixtures for the three whole networks (small widths), from the independent PyTorch
implementations in networks.py.

Run: /usr/bin/python3 tools/reference/networks_reference.py   (Debian python3-torch 1.13)
(one network: cd tools/reference && /usr/bin/python3 -c "import networks_reference as n; n.maven_reference('additive')")
Writes apps/<net>/src/fixtures/<net>-reference.json: config, weights in mer's `model.weights` order,
inputs, outputs (eval mode) and input gradients of L = sum(out * R), and the parameter count.
"""
import json
import os

import torch
import torch.nn as nn

from fusion_blocks_reference import t
from networks import AvtCa, Maven, TcnFusion, parameter_count

torch.set_default_dtype(torch.float64)
ROOT = os.path.join(os.path.dirname(__file__), "../..")


def save(app, name, obj):
    d = os.path.join(ROOT, "apps", app, "src", "fixtures")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".json"), "w") as f:
        json.dump(obj, f)


def perturb_norms(model):
    """Non-trivial LayerNorm/BatchNorm affine parameters, so the fixtures exercise them."""
    for m in model.modules():
        if isinstance(m, (nn.LayerNorm, nn.BatchNorm1d)):
            nn.init.normal_(m.weight, 1.0, 0.1)
            nn.init.normal_(m.bias, 0.0, 0.1)


def fixture(app, model, inputs, call, extra=None, name=None):
    perturb_norms(model)
    if extra:
        extra(model)
    model.eval()
    out = call(model, inputs)
    R = torch.randn_like(out)
    (out * R).sum().backward()
    save(app, name or f"{app}-reference", {"config": model.c, "weights": model.mer_weights(), "inputs": [t(x) for x in inputs["xs"]],
                                   "mask": t(inputs["mask"]) if "mask" in inputs else None, "R": t(R), "out": t(out),
                                   "grads": [t(x.grad) for x in inputs["xs"]], "parameters": parameter_count(model)})


def tcn_fusion_reference():
    torch.manual_seed(10)
    cfg = {"visualDim": 6, "vggishDim": 4, "logmelDim": 4, "visualChannels": 4, "audioChannels": 2, "kernelSizes": [3, 5, 7],
           "dilations": [1, 2], "tcnDropout": 0, "causal": False, "attentionDim": 8, "attentionHeads": 2, "fusion": "concat",
           "headHidden": 8, "headDropout": 0, "tanh": False}
    B, T = 2, 10
    xs = [torch.randn(B, T, d, requires_grad=True) for d in (6, 4, 4)]
    mask = torch.tensor([[1.0] * T, [1.0] * 7 + [0.0] * 3])
    fixture("tcn-fusion", TcnFusion(cfg), {"xs": xs, "mask": mask}, lambda m, i: m(*i["xs"], i["mask"]))


def maven_reference(attention=None):
    """attention None: the config as first written (no encoderAttention field: 'beit-dot'); 'additive': eq. 21-24."""
    torch.manual_seed(11)
    cfg = {"visualDim": 6, "audioDim": 5, "textDim": 4, "modalities": ["visual", "audio", "text"], "dim": 8, "heads": 2, "dropout": 0,
           "queryFrom": "receiver", "projDim": 8, "beitDepth": 1, "beitHeads": 2, "beitMode": "sequential", "maxRelativePosition": 16,
           "layerScaleInit": 0.1, "headHidden": [8, 4], "headDropout": 0, "pooling": "none", "intensityActivation": "softplus"}
    B, T = 2, 5
    xs = [torch.randn(B, T, d, requires_grad=True) for d in (6, 5, 4)]
    mask = torch.tensor([[1.0] * T, [1.0] * 3 + [0.0] * 2])
    if attention:
        cfg["encoderAttention"] = attention
    fixture("maven", Maven(cfg), {"xs": xs, "mask": mask}, lambda m, i: m(i["xs"], i["mask"]), name=f"maven-{attention}-reference" if attention else None)


def avtca_reference():
    torch.manual_seed(12)
    cfg = {"numClasses": 3, "multiLabel": False, "mode": "features", "audioDim": 3, "videoDim": 5, "audioChannels": [4, 6, 8, 4],
           "videoChannels": [4, 2, 6, 4], "fusionHeads": 1, "crossHeads": 2, "dropout": 0, "pooling": "max", "combine": "add"}

    def live_relus(model):
        # Positive BatchNorm shifts keep the ReLUs alive: all-zero rows would make tied maxima over time,
        # where max's gradient is ambiguous (torch picks one position, tfjs splits among all).
        for b in model.blocks():
            nn.init.normal_(b.bn.bias, 0.5, 0.1)
            b.bn.running_mean.normal_(0, 0.1)
            b.bn.running_var.uniform_(0.5, 1.5)

    xs = [torch.randn(2, 20, 3, requires_grad=True), torch.randn(2, 4, 5, requires_grad=True)]
    fixture("avt-ca", AvtCa(cfg), {"xs": xs}, lambda m, i: m(*i["xs"]), extra=live_relus)


if __name__ == "__main__":
    tcn_fusion_reference()
    maven_reference()
    maven_reference("additive")
    avtca_reference()
    print("network fixtures written")
