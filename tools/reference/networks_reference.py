"""Independent PyTorch references of the three whole networks (small widths) for the apps' fidelity specs.

Run: /usr/bin/python3 tools/reference/networks_reference.py   (Debian python3-torch 1.13)
Writes apps/<net>/src/fixtures/<net>-reference.json: config, weights in mer's `model.weights` order,
inputs, outputs (eval mode) and input gradients of L = sum(out * R); plus the reference's parameter count.
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from fusion_blocks_reference import BeitLayer, IntermediateFusion, TcnLevel, ln_weights, mha_weights, t

torch.set_default_dtype(torch.float64)
ROOT = os.path.join(os.path.dirname(__file__), "../..")


def save(app, name, obj):
    d = os.path.join(ROOT, "apps", app, "src", "fixtures")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".json"), "w") as f:
        json.dump(obj, f)


def n_params(mods):
    return sum(p.numel() for m in mods for p in m.parameters()) + sum(b.numel() for m in mods for n, b in m.named_buffers() if "running" in n)


def tcn_weights(levels):
    w = []
    for lv in levels:
        for c in (lv.c1, lv.c2):
            w += [t(c.v.permute(2, 1, 0)), t(c.g), t(c.b)]
        if lv.res is not None:
            w += [t(lv.res.weight[:, :, 0].T), t(lv.res.bias)]
    return w


# ---------------------------------------------------------------- TCN-fusion
class MultiScale(nn.Module):
    def __init__(self, cin, c, kernels, dilations):
        super().__init__()
        self.branches = nn.ModuleList([nn.ModuleList([TcnLevel(cin if i == 0 else c, c, k, d, False) for i, d in enumerate(dilations)]) for k in kernels])

    def forward(self, x):  # [B, T, C]
        outs = []
        for levels in self.branches:
            h = x.transpose(1, 2)
            for lv in levels:
                h = lv(h)
            outs.append(h.transpose(1, 2))
        return torch.cat(outs, -1)


def tcn_fusion_reference():
    torch.manual_seed(10)
    cfg = {"visualDim": 6, "vggishDim": 4, "logmelDim": 4, "visualChannels": 4, "audioChannels": 2, "kernelSizes": [3, 5, 7],
           "dilations": [1, 2], "tcnDropout": 0, "causal": False, "attentionDim": 8, "attentionHeads": 2, "fusion": "concat",
           "headHidden": 8, "headDropout": 0, "tanh": False}
    vt = MultiScale(6, 4, [3, 5, 7], [1, 2])
    gt = MultiScale(4, 2, [3, 5, 7], [1, 2])
    lt = MultiScale(4, 2, [3, 5, 7], [1, 2])
    att = [nn.MultiheadAttention(8, 2, batch_first=True, kdim=6, vdim=6) for _ in range(2)]
    # mer's cross-modal attention: q from the 12-d visual stream, k/v from the 6-d audio streams, width 8.
    qproj = [nn.Linear(12, 8) for _ in range(2)]
    ln, fc1, fc2 = nn.LayerNorm(28), nn.Linear(28, 8), nn.Linear(8, 2)
    nn.init.normal_(ln.weight, 1.0, 0.1)
    nn.init.normal_(ln.bias, 0.0, 0.1)
    B, T = 2, 10
    xs = [torch.randn(B, T, d, requires_grad=True) for d in (6, 4, 4)]
    mask = torch.tensor([[1.0] * T, [1.0] * 7 + [0.0] * 3])

    def attend(i, v, a):
        m = att[i]
        q = qproj[i](v)
        k = a @ m.k_proj_weight.T + m.in_proj_bias[8:16]
        val = a @ m.v_proj_weight.T + m.in_proj_bias[16:]
        B_, T_, _ = q.shape
        split = lambda z: z.reshape(B_, -1, 2, 4).transpose(1, 2)
        logits = split(q) @ split(k).transpose(-1, -2) / 2.0 + (1 - mask)[:, None, None, :] * -1e9
        ctx = (logits.softmax(-1) @ split(val)).transpose(1, 2).reshape(B_, T_, 8)
        return m.out_proj(ctx)

    v, g, l = vt(xs[0]), gt(xs[1]), lt(xs[2])
    fused = torch.cat([v, attend(0, v, g), attend(1, v, l)], -1)
    out = fc2(F.gelu(fc1(ln(fused))))
    R = torch.randn_like(out)
    (out * R).sum().backward()
    weights = []
    for ms in (vt, gt, lt):
        for levels in ms.branches:
            weights += tcn_weights(levels)
    for i in range(2):
        m = att[i]
        weights += [t(qproj[i].weight.T), t(m.k_proj_weight.T), t(m.v_proj_weight.T), t(m.out_proj.weight.T),
                    t(qproj[i].bias), t(m.in_proj_bias[8:16]), t(m.in_proj_bias[16:]), t(m.out_proj.bias)]
    weights += [t(fc1.weight.T), t(fc1.bias), t(fc2.weight.T), t(fc2.bias)] + ln_weights(ln)
    params = n_params([vt, gt, lt, ln, fc1, fc2]) + 2 * (12 * 8 + 8 + 2 * 6 * 8 + 2 * 8 + 8 * 8 + 8)
    save("tcn-fusion", "tcn-fusion-reference", {"config": cfg, "weights": weights, "inputs": [t(x) for x in xs], "mask": t(mask),
                                                "R": t(R), "out": t(out), "grads": [t(x.grad) for x in xs], "parameters": params})


# ---------------------------------------------------------------- MAVEN
class BeitStack(nn.Module):
    def __init__(self, D, H, depth, L):
        super().__init__()
        self.layers = nn.ModuleList([BeitLayer(D, H, L) for _ in range(depth)])
        self.norm = nn.LayerNorm(D)

    def forward(self, x, mask):
        for lv in self.layers:
            x = lv(x, mask)
        return self.norm(x)

    def mer_weights(self, D):
        w = []
        for m in self.layers:
            W, b = m.qkv.weight, m.qkv.bias
            w += [t(m.rel), t(m.g1), t(m.fc1.weight.T), t(m.fc1.bias), t(m.fc2.weight.T), t(m.fc2.bias), t(m.g2)]
            w += ln_weights(m.ln1)
            w += [t(W[:D].T), t(W[D:2 * D].T), t(W[2 * D:].T), t(m.proj.weight.T), t(b[:D]), t(b[D:2 * D]), t(b[2 * D:]), t(m.proj.bias)]
            w += ln_weights(m.ln2)
        return w + ln_weights(self.norm)


def maven_reference():
    torch.manual_seed(11)
    dims = {"visual": 6, "audio": 5, "text": 4}
    D, H, P, L = 8, 2, 8, 16
    cfg = {"visualDim": 6, "audioDim": 5, "textDim": 4, "modalities": ["visual", "audio", "text"], "dim": D, "heads": H, "dropout": 0,
           "queryFrom": "receiver", "projDim": P, "beitDepth": 1, "beitHeads": 2, "beitMode": "sequential", "maxRelativePosition": L,
           "layerScaleInit": 0.1, "headHidden": [8, 4], "headDropout": 0, "pooling": "none", "intensityActivation": "softplus"}
    proj = {m: nn.Linear(d, D) for m, d in dims.items()}
    path = {(n, m): nn.MultiheadAttention(D, H, batch_first=True) for n in range(3) for m in range(3) if n != m}
    norms = [nn.LayerNorm(D) for _ in range(3)]
    refine = [nn.MultiheadAttention(D, H, batch_first=True) for _ in range(3)]
    rnorms = [nn.LayerNorm(D) for _ in range(3)]
    fuse = nn.Linear(3 * D, P)
    enc = [BeitStack(P, 2, 1, L), BeitStack(P, 2, 1, L)]
    head = [nn.Linear(P, 8), nn.Linear(8, 4), nn.Linear(4, 2)]
    B, T = 2, 5
    xs = [torch.randn(B, T, d, requires_grad=True) for d in dims.values()]
    mask = torch.tensor([[1.0] * T, [1.0] * 3 + [0.0] * 2])
    pad = mask == 0
    f = [proj[m](x) for m, x in zip(dims, xs)]
    E = [norms[m](f[m] + sum(path[(n, m)](f[m], f[n], f[n], key_padding_mask=pad)[0] for n in range(3) if n != m)) for m in range(3)]
    R_ = [rnorms[m](refine[m](E[m], E[m], E[m], key_padding_mask=pad)[0] + E[m]) for m in range(3)]
    h = enc[1](enc[0](fuse(torch.cat(R_, -1)), mask), mask)
    z = head[2](F.relu(head[1](F.relu(head[0](h)))))
    I, th = F.softplus(z[..., 0]), z[..., 1]
    out = torch.stack([I * torch.cos(th), I * torch.sin(th)], -1)
    R = torch.randn_like(out)
    (out * R).sum().backward()
    weights = []
    for m in dims:
        weights += [t(proj[m].weight.T), t(proj[m].bias)]
    weights += [t(fuse.weight.T), t(fuse.bias)]
    weights += [w for n in range(3) for m in range(3) if n != m for w in mha_weights(path[(n, m)], D)]
    weights += [w for ln in norms for w in ln_weights(ln)]
    for m in range(3):
        weights += mha_weights(refine[m], D) + ln_weights(rnorms[m])
    weights += enc[0].mer_weights(P) + enc[1].mer_weights(P)
    for lin in head:
        weights += [t(lin.weight.T), t(lin.bias)]
    params = n_params(list(proj.values()) + list(path.values()) + norms + refine + rnorms + [fuse] + enc + head)
    save("maven", "maven-reference", {"config": cfg, "weights": weights, "inputs": [t(x) for x in xs], "mask": t(mask), "R": t(R),
                                      "out": t(out), "grads": [t(x.grad) for x in xs], "parameters": params})


# ---------------------------------------------------------------- AVT-CA
class ConvBlock(nn.Module):
    def __init__(self, cin, cout, same, pool):
        super().__init__()
        self.conv, self.bn, self.same, self.pool = nn.Conv1d(cin, cout, 3, padding=1 if same else 0), nn.BatchNorm1d(cout), same, pool
        nn.init.normal_(self.bn.weight, 1.0, 0.2)
        # Positive shifts keep the ReLUs alive: all-zero rows would make tied maxima over time, where
        # max's gradient is ambiguous (torch picks one position, tfjs splits among all).
        nn.init.normal_(self.bn.bias, 0.5, 0.1)
        self.bn.running_mean.normal_(0, 0.1)
        self.bn.running_var.uniform_(0.5, 1.5)

    def forward(self, x):  # [B, T, C]
        y = F.relu(self.bn(self.conv(x.transpose(1, 2))))
        if self.pool:
            y = F.max_pool1d(y, 2, stride=1)
        return y.transpose(1, 2)

    def trainable(self):
        return [t(self.conv.weight.permute(2, 1, 0)), t(self.conv.bias), t(self.bn.weight), t(self.bn.bias)]

    def stats(self):
        return [t(self.bn.running_mean), t(self.bn.running_var)]


def fusion_weights(fz):
    a = fz.attn
    return [t(fz.fc1.weight.T), t(fz.fc1.bias), t(fz.fc2.weight.T), t(fz.fc2.bias), *ln_weights(fz.nq), *ln_weights(fz.nk),
            t(a.q_proj_weight.T), t(a.k_proj_weight.T), t(a.v_proj_weight.T), t(a.out_proj.weight.T), *ln_weights(fz.nm)]


def avtca_reference():
    torch.manual_seed(12)
    cfg = {"numClasses": 3, "multiLabel": False, "mode": "features", "audioDim": 3, "videoDim": 5, "audioChannels": [4, 6, 8, 4],
           "videoChannels": [4, 2, 6, 4], "fusionHeads": 1, "crossHeads": 2, "dropout": 0, "pooling": "max", "combine": "add"}
    a1 = [ConvBlock(3, 4, False, True), ConvBlock(4, 6, False, True)]
    v1 = [ConvBlock(5, 4, True, False), ConvBlock(4, 2, True, False)]
    fa, fv = IntermediateFusion(6, 2, 1), IntermediateFusion(2, 6, 1)
    a2 = [ConvBlock(6, 8, False, True), ConvBlock(8, 4, False, True)]
    v2 = [ConvBlock(2, 6, True, False), ConvBlock(6, 4, True, False)]
    mh = [nn.MultiheadAttention(4, 2, batch_first=True) for _ in range(4)]
    cls = nn.Linear(4, 3)
    mods = a1 + v1 + [fa, fv] + a2 + v2 + mh + [cls]
    for m in mods:
        m.eval()
    B = 2
    xa = torch.randn(B, 20, 3, requires_grad=True)
    xv = torch.randn(B, 4, 5, requires_grad=True)
    a, v = xa, xv
    for b in a1:
        a = b(a)
    for b in v1:
        v = b(v)
    a, v = fa(a, v), fv(v, a)
    for b in a2:
        a = b(a)
    for b in v2:
        v = b(v)
    oa = mh[0](a, v, v)[0] + mh[1](a, a, a)[0]
    ov = mh[2](v, a, a)[0] + mh[3](v, v, v)[0]
    for o in (oa, ov):  # no tied maxima over time (see ConvBlock)
        top2 = o.topk(2, dim=1).values
        assert (top2[:, 0] - top2[:, 1]).abs().min() > 1e-6, "tied maxima in the reference data"
    out = cls(oa.max(1).values + ov.max(1).values)
    R = torch.randn_like(out)
    (out * R).sum().backward()
    blocks = a1 + v1 + a2 + v2
    # mer order: stage-1 blocks, both fusions, stage-2 blocks, cross-self, classifier, then running stats.
    weights = [w for b in a1 + v1 for w in b.trainable()] + fusion_weights(fa) + fusion_weights(fv)
    weights += [w for b in a2 + v2 for w in b.trainable()]
    weights += [w for m in mh for w in mha_weights(m, 4)] + [t(cls.weight.T), t(cls.bias)]
    weights += [w for b in a1 + v1 + a2 + v2 for w in b.stats()]
    params = n_params(blocks + [fa, fv] + mh + [cls])
    save("avt-ca", "avt-ca-reference", {"config": cfg, "weights": weights, "inputs": [t(xa), t(xv)], "R": t(R), "out": t(out),
                                        "grads": [t(xa.grad), t(xv.grad)], "parameters": params})


if __name__ == "__main__":
    tcn_fusion_reference()
    maven_reference()
    avtca_reference()
    print("network fixtures written")
