"""Independent PyTorch references for @mer/attention-fusion blocks.

Run: /usr/bin/python3 tools/reference/fusion_blocks_reference.py   (Debian python3-torch 1.13)
Writes packages/attention-fusion/src/fixtures/<block>.json: weights in mer's layout (kernels [in, out]),
inputs, outputs, and gradients of L = sum(out * R) for a fixed random R.
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)  # float64 reference; mer runs float32
OUT = os.path.join(os.path.dirname(__file__), "../../packages/attention-fusion/src/fixtures")


def t(x):
    return x.detach().cpu().tolist()


def save(name, obj):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(obj, f)


def mha_fixture():
    D, H = 8, 2
    m = nn.MultiheadAttention(D, H, batch_first=True)
    q = torch.randn(2, 4, D, requires_grad=True)
    kv = torch.randn(2, 5, D, requires_grad=True)
    pad = torch.tensor([[False] * 5, [False, False, False, True, True]])  # True = padding
    out, _ = m(q, kv, kv, key_padding_mask=pad)
    R = torch.randn_like(out)
    (out * R).sum().backward()
    W, b = m.in_proj_weight, m.in_proj_bias
    weights = {  # mer order: wq wk wv wo bq bk bv bo
        "wq": t(W[:D].T), "wk": t(W[D:2 * D].T), "wv": t(W[2 * D:].T), "wo": t(m.out_proj.weight.T),
        "bq": t(b[:D]), "bk": t(b[D:2 * D]), "bv": t(b[2 * D:]), "bo": t(m.out_proj.bias),
    }
    gW, gb = W.grad, b.grad
    grads = {"q": t(q.grad), "kv": t(kv.grad), "wq": t(gW[:D].T), "wk": t(gW[D:2 * D].T), "wv": t(gW[2 * D:].T),
             "wo": t(m.out_proj.weight.grad.T), "bo": t(m.out_proj.bias.grad)}
    save("multi-head-attention", {"dim": D, "heads": H, "weights": weights, "q": t(q), "kv": t(kv),
                                  "key_mask": (~pad).double().tolist(), "R": t(R), "out": t(out), "grads": grads})


class WNConv(nn.Module):
    """Weight-normed Conv1d: w = g · v / ||v|| (norm over in-channels and taps, per out-channel)."""

    def __init__(self, cin, cout, k, dilation, causal):
        super().__init__()
        self.v = nn.Parameter(torch.randn(cout, cin, k) * 0.3)
        self.g = nn.Parameter(torch.rand(cout) + 0.5)
        self.b = nn.Parameter(torch.randn(cout) * 0.1)
        self.k, self.d, self.causal = k, dilation, causal

    def forward(self, x):  # x [B, C, T]
        w = self.g[:, None, None] * self.v / self.v.norm(dim=(1, 2), keepdim=True)
        total = (self.k - 1) * self.d
        pad = (total, 0) if self.causal else (total // 2, total - total // 2)
        return F.conv1d(F.pad(x, pad), w, self.b, dilation=self.d)


class TcnLevel(nn.Module):
    def __init__(self, cin, cout, k, d, causal, slope=0.01):
        super().__init__()
        self.c1, self.c2 = WNConv(cin, cout, k, d, causal), WNConv(cout, cout, k, d, causal)
        self.res = nn.Conv1d(cin, cout, 1) if cin != cout else None
        self.slope = slope

    def forward(self, x):
        y = F.leaky_relu(self.c1(x), self.slope)
        y = F.leaky_relu(self.c2(y), self.slope)
        r = x if self.res is None else self.res(x)
        return F.leaky_relu(y + r, self.slope)


def tcn_fixture():
    B, T, Cin, C = 2, 20, 3, 4
    out = {}
    for causal in (True, False):
        torch.manual_seed(1)
        levels = nn.ModuleList([TcnLevel(Cin if i == 0 else C, C, 3, 2 ** i, causal) for i in range(3)])
        x = torch.randn(B, T, Cin, requires_grad=True)
        h = x.transpose(1, 2)
        for lv in levels:
            h = lv(h)
        y = h.transpose(1, 2)  # [B, T, C]
        R = torch.randn_like(y)
        (y * R).sum().backward()
        weights = []
        for lv in levels:  # mer order per level: conv1 v, g, b; conv2 v, g, b; residual kernel, bias
            for c in (lv.c1, lv.c2):
                weights += [t(c.v.permute(2, 1, 0)), t(c.g), t(c.b)]  # v as [K, Cin, Cout]
            if lv.res is not None:
                weights += [t(lv.res.weight[:, :, 0].T), t(lv.res.bias)]
        out["causal" if causal else "noncausal"] = {
            "weights": weights, "x": t(x), "R": t(R), "out": t(y), "grad_x": t(x.grad),
            "grad_v0": t(levels[0].c1.v.grad.permute(2, 1, 0)), "grad_g0": t(levels[0].c1.g.grad),
        }
    save("temporal-conv-net", {"in": Cin, "channels": C, "kernel": 3, "dilations": [1, 2, 4], **out})


class BeitLayer(nn.Module):
    """Pre-LN transformer layer with 1-D relative position bias and layer-scale (BEiT-style)."""

    def __init__(self, D, H, max_len, ls=0.1):
        super().__init__()
        self.H, self.max_len = H, max_len
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv = nn.Linear(D, 3 * D)
        self.proj = nn.Linear(D, D)
        self.rel = nn.Parameter(torch.randn(2 * max_len - 1, H) * 0.2)
        self.fc1, self.fc2 = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)
        self.g1 = nn.Parameter(torch.full((D,), ls) + torch.randn(D) * 0.01)
        self.g2 = nn.Parameter(torch.full((D,), ls) + torch.randn(D) * 0.01)
        for ln in (self.ln1, self.ln2):
            nn.init.normal_(ln.weight, 1.0, 0.1)
            nn.init.normal_(ln.bias, 0.0, 0.1)

    def forward(self, x, key_mask):
        B, T, D = x.shape
        H, dh = self.H, D // self.H
        qkv = self.qkv(self.ln1(x)).reshape(B, T, 3, H, dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        logits = q @ k.transpose(-1, -2) / math.sqrt(dh)
        idx = torch.arange(T, device=x.device)[:, None] - torch.arange(T, device=x.device)[None, :] + self.max_len - 1
        logits = logits + self.rel[idx].permute(2, 0, 1)[None]
        logits = logits + (1 - key_mask)[:, None, None, :] * -1e9
        a = logits.softmax(-1) @ v
        x = x + self.g1 * self.proj(a.transpose(1, 2).reshape(B, T, D))
        return x + self.g2 * self.fc2(F.gelu(self.fc1(self.ln2(x))))


def beit_fixture():
    torch.manual_seed(2)
    D, H, L, T = 8, 2, 6, 5
    m = BeitLayer(D, H, L)
    x = torch.randn(2, T, D, requires_grad=True)
    mask = torch.tensor([[1.0] * T, [1.0, 1.0, 1.0, 0.0, 0.0]])
    y = m(x, mask)
    R = torch.randn_like(y)
    (y * R).sum().backward()
    W, b = m.qkv.weight, m.qkv.bias
    weights = {  # mer order
        "ln1_gamma": t(m.ln1.weight), "ln1_beta": t(m.ln1.bias),
        "wq": t(W[:D].T), "wk": t(W[D:2 * D].T), "wv": t(W[2 * D:].T), "wo": t(m.proj.weight.T),
        "bq": t(b[:D]), "bk": t(b[D:2 * D]), "bv": t(b[2 * D:]), "bo": t(m.proj.bias),
        "rel_bias": t(m.rel), "gamma1": t(m.g1),
        "ln2_gamma": t(m.ln2.weight), "ln2_beta": t(m.ln2.bias),
        "fc1_kernel": t(m.fc1.weight.T), "fc1_bias": t(m.fc1.bias), "fc2_kernel": t(m.fc2.weight.T), "fc2_bias": t(m.fc2.bias),
        "gamma2": t(m.g2),
    }
    save("beit-encoder-layer", {"dim": D, "heads": H, "max_len": L, "weights": weights, "x": t(x), "key_mask": t(mask),
                                "R": t(R), "out": t(y), "grad_x": t(x.grad), "grad_rel_bias": t(m.rel.grad),
                                "grad_wq": t(W.grad[:D].T)})


def mha_weights(m, D):
    W, b = m.in_proj_weight, m.in_proj_bias
    return [t(W[:D].T), t(W[D:2 * D].T), t(W[2 * D:].T), t(m.out_proj.weight.T), t(b[:D]), t(b[D:2 * D]), t(b[2 * D:]), t(m.out_proj.bias)]


def ln_weights(ln):
    return [t(ln.weight), t(ln.bias)]


def maven_fusion_fixture():
    """Six-pathway bidirectional cross-modal attention + per-stream self-attention refinement (eval mode)."""
    torch.manual_seed(3)
    D, H, B, T, M = 8, 2, 2, 4, 3
    path = {(n, m): nn.MultiheadAttention(D, H, batch_first=True) for n in range(M) for m in range(M) if n != m}
    norms = [nn.LayerNorm(D) for _ in range(M)]
    refine = [nn.MultiheadAttention(D, H, batch_first=True) for _ in range(M)]
    rnorms = [nn.LayerNorm(D) for _ in range(M)]
    for ln in norms + rnorms:
        nn.init.normal_(ln.weight, 1.0, 0.1)
        nn.init.normal_(ln.bias, 0.0, 0.1)
    xs = [torch.randn(B, T, D, requires_grad=True) for _ in range(M)]
    mask = torch.tensor([[1.0] * T, [1.0, 1.0, 1.0, 0.0]])
    pad = mask == 0
    E = []
    for m in range(M):  # queries from the receiver m, keys/values from the source n
        a = sum(path[(n, m)](xs[m], xs[n], xs[n], key_padding_mask=pad)[0] for n in range(M) if n != m)
        E.append(norms[m](xs[m] + a))
    R = [rnorms[m](refine[m](E[m], E[m], E[m], key_padding_mask=pad)[0] + E[m]) for m in range(M)]
    Rs = [torch.randn_like(r) for r in R]
    sum((r * w).sum() for r, w in zip(R, Rs)).backward()
    block_weights = [w for n in range(M) for m in range(M) if n != m for w in mha_weights(path[(n, m)], D)]
    block_weights += [w for ln in norms for w in ln_weights(ln)]
    refine_weights = [mha_weights(refine[m], D) + ln_weights(rnorms[m]) for m in range(M)]
    save("maven-fusion", {"dim": D, "heads": H, "block_weights": block_weights, "refine_weights": refine_weights,
                          "inputs": [t(x) for x in xs], "key_mask": t(mask), "E": [t(e) for e in E], "R": [t(r) for r in R],
                          "Rw": [t(w) for w in Rs], "grads": [t(x.grad) for x in xs]})


class IntermediateFusion(nn.Module):
    """X + (h + MLP(LN(h))), h = Attn(q = LN(X), kv = LN(Y)), no q/k/v/out biases, MLP ratio 2, GELU."""

    def __init__(self, dq, dk, heads):
        super().__init__()
        self.nq, self.nk, self.nm = nn.LayerNorm(dq), nn.LayerNorm(dk), nn.LayerNorm(dq)
        self.attn = nn.MultiheadAttention(dq, heads, bias=False, kdim=dk, vdim=dk, batch_first=True)
        self.fc1, self.fc2 = nn.Linear(dq, 2 * dq), nn.Linear(2 * dq, dq)
        for ln in (self.nq, self.nk, self.nm):
            nn.init.normal_(ln.weight, 1.0, 0.1)
            nn.init.normal_(ln.bias, 0.0, 0.1)

    def forward(self, x, y):
        ky = self.nk(y)
        h = self.attn(self.nq(x), ky, ky)[0]
        return x + h + self.fc2(F.gelu(self.fc1(self.nm(h))))


def avtca_blocks_fixture():
    torch.manual_seed(4)
    # Conv1d(k3, valid) → BatchNorm1d (training) → ReLU → MaxPool1d(2, stride 1); then eval mode.
    conv, bn = nn.Conv1d(3, 4, 3), nn.BatchNorm1d(4)
    nn.init.normal_(bn.weight, 1.0, 0.2)
    nn.init.normal_(bn.bias, 0.0, 0.2)
    x = torch.randn(2, 9, 3, requires_grad=True)  # [B, T, C] (mer layout)
    def block(inp):
        return F.max_pool1d(F.relu(bn(conv(inp.transpose(1, 2)))), 2, stride=1).transpose(1, 2)
    y = block(x)
    R = torch.randn_like(y)
    (y * R).sum().backward()
    conv_block = {"weights": [t(conv.weight.permute(2, 1, 0)), t(conv.bias), t(bn.weight), t(bn.bias)],
                  "x": t(x), "R": t(R), "out_train": t(y), "grad_x": t(x.grad), "grad_kernel": t(conv.weight.grad.permute(2, 1, 0)),
                  "running_mean": t(bn.running_mean), "running_var": t(bn.running_var)}
    bn.eval()
    conv_block["out_eval"] = t(block(x))

    # Intermediate transformer fusion, audio (dq 8) querying video (dk 4), 2 heads.
    fus = IntermediateFusion(8, 4, 2)
    xa = torch.randn(2, 7, 8, requires_grad=True)
    xv = torch.randn(2, 3, 4, requires_grad=True)
    out = fus(xa, xv)
    R2 = torch.randn_like(out)
    (out * R2).sum().backward()
    W = fus.attn
    fusion = {"weights": [t(fus.fc1.weight.T), t(fus.fc1.bias), t(fus.fc2.weight.T), t(fus.fc2.bias),
                          t(fus.nq.weight), t(fus.nq.bias), t(fus.nk.weight), t(fus.nk.bias),
                          t(W.q_proj_weight.T), t(W.k_proj_weight.T), t(W.v_proj_weight.T), t(W.out_proj.weight.T),
                          t(fus.nm.weight), t(fus.nm.bias)],
              "x": t(xa), "y": t(xv), "R": t(R2), "out": t(out), "grad_x": t(xa.grad), "grad_y": t(xv.grad)}

    # Cross-self-attention: o'_a = A(a→v) + A(a→a), o'_v = A(v→a) + A(v→v), 2 heads, width 8.
    mh = [nn.MultiheadAttention(8, 2, batch_first=True) for _ in range(4)]  # a2v, a2a, v2a, v2v
    a = torch.randn(2, 6, 8, requires_grad=True)
    v = torch.randn(2, 3, 8, requires_grad=True)
    oa = mh[0](a, v, v)[0] + mh[1](a, a, a)[0]
    ov = mh[2](v, a, a)[0] + mh[3](v, v, v)[0]
    Ra, Rv = torch.randn_like(oa), torch.randn_like(ov)
    ((oa * Ra).sum() + (ov * Rv).sum()).backward()
    cross = {"weights": [w for m in mh for w in mha_weights(m, 8)], "a": t(a), "v": t(v), "Ra": t(Ra), "Rv": t(Rv),
             "out_a": t(oa), "out_v": t(ov), "grad_a": t(a.grad), "grad_v": t(v.grad)}
    save("avt-ca-blocks", {"conv_block": conv_block, "fusion": fusion, "cross_self": cross})


class Conv2dBnT(nn.Module):
    def __init__(self, ci, co, k, stride=1, dilation=1, depthwise=False, bias=False, bn=True, relu=True):
        super().__init__()
        self.conv = nn.Conv2d(ci, co, k, stride, (k // 2) * dilation, dilation, groups=ci if depthwise else 1, bias=bias)
        self.bn = nn.BatchNorm2d(co) if bn else None
        self.relu, self.depthwise, self.ci = relu, depthwise, ci
        if self.bn is not None:
            nn.init.normal_(self.bn.weight, 1.0, 0.1)
            nn.init.normal_(self.bn.bias, 0.1, 0.1)
            self.bn.running_mean.normal_(0, 0.1)
            self.bn.running_var.uniform_(0.5, 1.5)

    def forward(self, x):
        y = self.conv(x)
        if self.bn is not None:
            y = self.bn(y)
        return F.relu(y) if self.relu else y

    def trainable(self):
        w = self.conv.weight
        if self.depthwise:  # [Co, 1, kh, kw] with Co = Ci·M → mer [kh, kw, Ci, M]
            kernel = w.reshape(self.ci, -1, *w.shape[2:]).permute(2, 3, 0, 1)
        else:  # [Co, Ci, kh, kw] → [kh, kw, Ci, Co]
            kernel = w.permute(2, 3, 1, 0)
        out = [t(kernel)] + ([t(self.conv.bias)] if self.conv.bias is not None else [])
        return out + ([t(self.bn.weight), t(self.bn.bias)] if self.bn is not None else [])

    def stats(self):
        return [t(self.bn.running_mean), t(self.bn.running_var)] if self.bn is not None else []


class ModulatorT(nn.Module):
    def __init__(self, c, reduction=16, dilation=4):
        super().__init__()
        r = max(1, c // reduction)
        self.fc1, self.fc2 = nn.Linear(c, r), nn.Linear(r, c)
        self.spatial = nn.ModuleList([Conv2dBnT(c, r, 1, bias=True), Conv2dBnT(r, r, 3, dilation=dilation, bias=True),
                                      Conv2dBnT(r, r, 3, dilation=dilation, bias=True), Conv2dBnT(r, 1, 1, bias=True, bn=False, relu=False)])

    def forward(self, x):
        mc = self.fc2(F.relu(self.fc1(x.mean((2, 3)))))[:, :, None, None]
        ms = x
        for c in self.spatial:
            ms = c(ms)
        return x + x * torch.sigmoid(mc + ms)

    def convs(self):
        return list(self.spatial)


class LocalT(nn.Module):
    def __init__(self, ci, co):
        super().__init__()
        self.p = nn.ModuleList([nn.ModuleList([Conv2dBnT(ci, co, 3, 2, depthwise=True), Conv2dBnT(co, co, 3, depthwise=True)]) for _ in range(4)])

    def forward(self, x):
        H, W = x.shape[2] // 2, x.shape[3] // 2
        patches = [x[:, :, :H, :W], x[:, :, H:, :W], x[:, :, :H, W:], x[:, :, H:, W:]]
        o = [b(a(pt)) for (a, b), pt in zip(self.p, patches)]
        return torch.cat([torch.cat([o[0], o[1]], 2), torch.cat([o[2], o[3]], 2)], 3)

    def convs(self):
        return [c for pair in self.p for c in pair]


def shuffle(x):
    B, C, H, W = x.shape
    return x.view(B, 2, C // 2, H, W).transpose(1, 2).reshape(B, C, H, W)


class InvResT(nn.Module):
    def __init__(self, inp, oup, stride):
        super().__init__()
        bf = oup // 2
        self.stride = stride
        self.b1 = nn.ModuleList([Conv2dBnT(inp, inp, 3, stride, depthwise=True, relu=False), Conv2dBnT(inp, bf, 1)]) if stride > 1 else nn.ModuleList()
        self.b2 = nn.ModuleList([Conv2dBnT(inp if stride > 1 else bf, bf, 1), Conv2dBnT(bf, bf, 3, stride, depthwise=True, relu=False), Conv2dBnT(bf, bf, 1)])

    def forward(self, x):
        run = lambda mods, h: [h := m(h) for m in mods][-1]
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            return shuffle(torch.cat([x1, run(self.b2, x2)], 1))
        return shuffle(torch.cat([run(self.b1, x), run(self.b2, x)], 1))

    def convs(self):
        return list(self.b1) + list(self.b2)


class EfficientFaceT(nn.Module):
    def __init__(self, repeats, ch):
        super().__init__()
        self.stem = Conv2dBnT(3, ch[0], 3, 2)
        cin, stages = ch[0], []
        for s, cout in enumerate(ch[1:4]):
            stages.append(nn.ModuleList([InvResT(cin if i == 0 else cout, cout, 2 if i == 0 else 1) for i in range(repeats[s])]))
            cin = cout
        self.stages = nn.ModuleList(stages)
        self.mod, self.local, self.head = ModulatorT(ch[1]), LocalT(ch[0], ch[1]), Conv2dBnT(ch[3], ch[4], 1)

    def forward(self, x):
        stem = self.stem(x)
        pooled = F.max_pool2d(stem, 3, 2, 1)
        h = pooled
        for u in self.stages[0]:
            h = u(h)
        h = self.mod(h) + self.local(pooled)
        for st in self.stages[1:]:
            for u in st:
                h = u(h)
        return self.head(h).mean((2, 3))

    def convs_in_mer_order(self):
        units = [u for st in self.stages for u in st]
        return [self.stem] + [c for u in units for c in u.convs()] + self.mod.convs() + self.local.convs() + [self.head]

    def mer_weights(self):
        convs = self.convs_in_mer_order()
        # Trainable in traversal order: stem, stage units, modulator (own fc weights first), local, head; then every BN's statistics.
        units = [u for st in self.stages for u in st]
        w = self.stem.trainable() + [x for u in units for c in u.convs() for x in c.trainable()]
        w += [t(self.mod.fc1.weight.T), t(self.mod.fc1.bias), t(self.mod.fc2.weight.T), t(self.mod.fc2.bias)]
        w += [x for c in self.mod.convs() for x in c.trainable()] + [x for c in self.local.convs() for x in c.trainable()] + self.head.trainable()
        return w + [x for c in convs for x in c.stats()]


def efficient_face_fixture():
    torch.manual_seed(5)
    repeats, ch = [2, 2, 1], [4, 8, 16, 16, 12]
    m = EfficientFaceT(repeats, ch).eval()
    x = torch.randn(2, 3, 16, 16, requires_grad=True)
    y = m(x)
    R = torch.randn_like(y)
    (y * R).sum().backward()
    params = sum(p.numel() for p in m.parameters()) + sum(b.numel() for n, b in m.named_buffers() if "running" in n)
    save("efficient-face", {"repeats": repeats, "channels": ch, "weights": m.mer_weights(), "x": t(x.permute(0, 2, 3, 1)), "R": t(R),
                            "out": t(y), "grad_x": t(x.grad.permute(0, 2, 3, 1)), "parameters": params})


if __name__ == "__main__":
    efficient_face_fixture()
    avtca_blocks_fixture()
    maven_fusion_fixture()
    mha_fixture()
    tcn_fixture()
    beit_fixture()
    print("fixtures written to", os.path.normpath(OUT))
