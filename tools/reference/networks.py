"""PyTorch implementations of the three mer networks, built from the same typed configs as the apps
(camelCase keys, as in apps/*/src/*-config.ts). Independent code used for the fidelity fixtures
(networks_reference.py) and the peer benchmark (bench.py). `mer_weights()` lists the parameters in
the order of mer's `model.weights`.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from additive_attention_reference import AdditiveEncoderLayer
from fusion_blocks_reference import BeitLayer, EfficientFaceT, IntermediateFusion, TcnLevel, ln_weights, mha_weights, t


def tcn_weights(levels):
    w = []
    for lv in levels:
        for c in (lv.c1, lv.c2):
            w += [t(c.v.permute(2, 1, 0)), t(c.g), t(c.b)]
        if lv.res is not None:
            w += [t(lv.res.weight[:, :, 0].T), t(lv.res.bias)]
    return w


def linear_weights(lin):
    return [t(lin.weight.T), t(lin.bias)] if lin.bias is not None else [t(lin.weight.T)]


class MultiScaleTcn(nn.Module):
    def __init__(self, cin, c, kernels, dilations, causal=False):
        super().__init__()
        self.branches = nn.ModuleList([nn.ModuleList([TcnLevel(cin if i == 0 else c, c, k, d, causal) for i, d in enumerate(dilations)]) for k in kernels])

    def forward(self, x):  # [B, T, C]
        outs = []
        for levels in self.branches:
            h = x.transpose(1, 2)
            for lv in levels:
                h = lv(h)
            outs.append(h.transpose(1, 2))
        return torch.cat(outs, -1)

    def mer_weights(self):
        return [w for levels in self.branches for w in tcn_weights(levels)]


class Mha(nn.Module):
    """Multi-head attention with separate q/k/v/out projections (query and key inputs of any width)."""

    def __init__(self, dq, dk, d, heads, bias=True):
        super().__init__()
        self.q, self.k, self.v, self.o = nn.Linear(dq, d, bias), nn.Linear(dk, d, bias), nn.Linear(dk, d, bias), nn.Linear(d, d, bias)
        self.h, self.d = heads, d

    def forward(self, q, kv, key_mask=None):
        B, Tq, _ = q.shape
        split = lambda z: z.reshape(B, z.shape[1], self.h, self.d // self.h).transpose(1, 2)
        logits = split(self.q(q)) @ split(self.k(kv)).transpose(-1, -2) / math.sqrt(self.d // self.h)
        if key_mask is not None:
            logits = logits + (1 - key_mask)[:, None, None, :] * -1e9
        ctx = (logits.softmax(-1) @ split(self.v(kv))).transpose(1, 2).reshape(B, Tq, self.d)
        return self.o(ctx)

    def mer_weights(self):
        ws = [self.q, self.k, self.v, self.o]
        return [t(l.weight.T) for l in ws] + ([t(l.bias) for l in ws] if self.q.bias is not None else [])


class TcnFusion(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        k, d = c["kernelSizes"], c["dilations"]
        self.vt = MultiScaleTcn(c["visualDim"], c["visualChannels"], k, d, c["causal"])
        self.gt = MultiScaleTcn(c["vggishDim"], c["audioChannels"], k, d, c["causal"])
        self.lt = MultiScaleTcn(c["logmelDim"], c["audioChannels"], k, d, c["causal"])
        fv, fa, da = len(k) * c["visualChannels"], len(k) * c["audioChannels"], c["attentionDim"]
        self.ag, self.al = Mha(fv, fa, da, c["attentionHeads"]), Mha(fv, fa, da, c["attentionHeads"])
        fused = fv + 2 * da
        if c["fusion"] == "gated":
            self.vproj = nn.Linear(fv, da, bias=False)
            self.gate = nn.Linear(2 * da, da)
            fused = da
        self.ln, self.fc1, self.fc2 = nn.LayerNorm(fused), nn.Linear(fused, c["headHidden"]), nn.Linear(c["headHidden"], 2)
        self.drop = nn.Dropout(c["headDropout"])

    def forward(self, v, g, l, mask=None):
        v, g, l = self.vt(v), self.gt(g), self.lt(l)
        x1, x2 = self.ag(v, g, mask), self.al(v, l, mask)
        if self.c["fusion"] == "gated":
            vp, a = self.vproj(v), (x1 + x2) / 2
            gate = torch.sigmoid(self.gate(torch.cat([vp, a], -1)))
            fused = gate * vp + (1 - gate) * a
        else:
            fused = torch.cat([v, x1, x2], -1)
        out = self.fc2(self.drop(F.gelu(self.fc1(self.ln(fused)))))
        return torch.tanh(out) if self.c["tanh"] else out

    def mer_weights(self):
        w = [t(self.vproj.weight.T)] if self.c["fusion"] == "gated" else []
        w += self.vt.mer_weights() + self.gt.mer_weights() + self.lt.mer_weights() + self.ag.mer_weights() + self.al.mer_weights()
        if self.c["fusion"] == "gated":
            w += linear_weights(self.gate)
        return w + linear_weights(self.fc1) + linear_weights(self.fc2) + ln_weights(self.ln)


class BeitStack(nn.Module):
    """Encoder layers + final LayerNorm; attention 'beit-dot' (BEiT's, relative position bias) or 'additive' (MAVEN eq. 21-24)."""

    def __init__(self, D, H, depth, L, ls, attention="beit-dot"):
        super().__init__()
        make = (lambda: AdditiveEncoderLayer(D, ls)) if attention == "additive" else (lambda: BeitLayer(D, H, L, ls))
        self.layers = nn.ModuleList([make() for _ in range(depth)])
        self.norm = nn.LayerNorm(D)

    def forward(self, x, mask):
        for lv in self.layers:
            x = lv(x, mask)
        return self.norm(x)

    def mer_weights(self):
        w = []
        for m in self.layers:
            if isinstance(m, AdditiveEncoderLayer):
                w += m.mer_weights()
                continue
            D = m.ln1.weight.shape[0]
            W, b = m.qkv.weight, m.qkv.bias
            w += [t(m.rel), t(m.g1), *linear_weights(m.fc1), *linear_weights(m.fc2), t(m.g2), *ln_weights(m.ln1)]
            w += [t(W[:D].T), t(W[D:2 * D].T), t(W[2 * D:].T), t(m.proj.weight.T), t(b[:D]), t(b[D:2 * D]), t(b[2 * D:]), t(m.proj.bias)]
            w += ln_weights(m.ln2)
        return w + ln_weights(self.norm)


class Maven(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        mods = c["modalities"]
        widths = {"visual": c["visualDim"], "audio": c["audioDim"], "text": c["textDim"]}
        D, H, M = c["dim"], c["heads"], len(mods)
        self.proj = nn.ModuleList([nn.Linear(widths[m], D) for m in mods])
        self.path = nn.ModuleDict({f"{n}{m}": nn.MultiheadAttention(D, H, batch_first=True) for n in range(M) for m in range(M) if n != m})
        self.norms = nn.ModuleList([nn.LayerNorm(D) for _ in range(M)]) if M > 1 else nn.ModuleList()
        self.refine = nn.ModuleList([nn.MultiheadAttention(D, H, batch_first=True) for _ in range(M)])
        self.rnorms = nn.ModuleList([nn.LayerNorm(D) for _ in range(M)])
        self.fuse = nn.Linear(M * D, c["projDim"])
        # A config without encoderAttention was saved before the field existed: those models were 'beit-dot'.
        attention = c.get("encoderAttention", "beit-dot")
        self.enc = nn.ModuleList([BeitStack(c["projDim"], c["beitHeads"], c["beitDepth"], c["maxRelativePosition"], c["layerScaleInit"], attention) for _ in range(2)])
        widths_h = [c["projDim"] * (2 if c["beitMode"] == "parallel" else 1), *c["headHidden"], 2]
        self.head = nn.ModuleList([nn.Linear(widths_h[i], widths_h[i + 1]) for i in range(len(widths_h) - 1)])
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, xs, mask):
        pad = mask == 0
        f = [p(x) for p, x in zip(self.proj, xs)]
        M = len(f)
        if M > 1:
            E = [self.norms[m](f[m] + self.drop(sum(self.path[f"{n}{m}"](f[m], f[n], f[n], key_padding_mask=pad)[0] for n in range(M) if n != m))) for m in range(M)]
        else:
            E = f
        R = [self.rnorms[m](self.drop(self.refine[m](E[m], E[m], E[m], key_padding_mask=pad)[0]) + E[m]) for m in range(M)]
        h = self.fuse(torch.cat(R, -1))
        h = torch.cat([self.enc[0](h, mask), self.enc[1](h, mask)], -1) if self.c["beitMode"] == "parallel" else self.enc[1](self.enc[0](h, mask), mask)
        for i, lin in enumerate(self.head):
            h = lin(h)
            if i < len(self.head) - 1:
                h = F.relu(h)
        I, th = F.softplus(h[..., 0]), h[..., 1]
        return torch.stack([I * torch.cos(th), I * torch.sin(th)], -1)

    def mer_weights(self):
        M = len(self.proj)
        w = [x for p in self.proj for x in linear_weights(p)] + linear_weights(self.fuse)
        w += [x for n in range(M) for m in range(M) if n != m for x in mha_weights(self.path[f"{n}{m}"], self.c["dim"])]
        w += [x for ln in self.norms for x in ln_weights(ln)]
        for m in range(M):
            w += mha_weights(self.refine[m], self.c["dim"]) + ln_weights(self.rnorms[m])
        w += self.enc[0].mer_weights() + self.enc[1].mer_weights()
        return w + [x for lin in self.head for x in linear_weights(lin)]


class ConvBlock(nn.Module):
    def __init__(self, cin, cout, same, pool):
        super().__init__()
        self.conv, self.bn, self.same, self.pool = nn.Conv1d(cin, cout, 3, padding=1 if same else 0), nn.BatchNorm1d(cout), same, pool

    def forward(self, x):  # [B, T, C]
        y = F.relu(self.bn(self.conv(x.transpose(1, 2))))
        return (F.max_pool1d(y, 2, stride=1) if self.pool else y).transpose(1, 2)

    def trainable(self):
        return [t(self.conv.weight.permute(2, 1, 0)), t(self.conv.bias), t(self.bn.weight), t(self.bn.bias)]

    def stats(self):
        return [t(self.bn.running_mean), t(self.bn.running_var)]


def fusion_weights(fz):
    a = fz.attn
    return [*linear_weights(fz.fc1), *linear_weights(fz.fc2), *ln_weights(fz.nq), *ln_weights(fz.nk),
            t(a.q_proj_weight.T), t(a.k_proj_weight.T), t(a.v_proj_weight.T), t(a.out_proj.weight.T), *ln_weights(fz.nm)]


class AvtCa(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        if c["mode"] == "raw":
            self.backbone = EfficientFaceT(c["backbone"]["stagesRepeats"], c["backbone"]["stagesOutChannels"])
        a1, a2, a3, a4 = c["audioChannels"]
        v1, v2, v3, v4 = c["videoChannels"]
        self.a1 = nn.ModuleList([ConvBlock(c["audioDim"], a1, False, True), ConvBlock(a1, a2, False, True)])
        self.v1 = nn.ModuleList([ConvBlock(c["videoDim"], v1, True, False), ConvBlock(v1, v2, True, False)])
        self.fa, self.fv = IntermediateFusion(a2, v2, c["fusionHeads"]), IntermediateFusion(v2, a2, c["fusionHeads"])
        self.a2 = nn.ModuleList([ConvBlock(a2, a3, False, True), ConvBlock(a3, a4, False, True)])
        self.v2 = nn.ModuleList([ConvBlock(v2, v3, True, False), ConvBlock(v3, v4, True, False)])
        self.mh = nn.ModuleList([nn.MultiheadAttention(a4, c["crossHeads"], batch_first=True) for _ in range(4)])
        self.cls = nn.Linear(2 * a4 if c["combine"] == "concat" else a4, c["numClasses"])

    def blocks(self):
        return list(self.a1) + list(self.v1) + list(self.a2) + list(self.v2)

    def forward(self, a, v):
        if self.c["mode"] == "raw":  # v: [B, T, H, W, 3]
            B, T = v.shape[:2]
            v = self.backbone(v.reshape(B * T, *v.shape[2:]).permute(0, 3, 1, 2)).reshape(B, T, -1)
        for b in self.a1:
            a = b(a)
        for b in self.v1:
            v = b(v)
        a, v = self.fa(a, v), self.fv(v, a)
        for b in self.a2:
            a = b(a)
        for b in self.v2:
            v = b(v)
        oa = self.mh[0](a, v, v)[0] + self.mh[1](a, a, a)[0]
        ov = self.mh[2](v, a, a)[0] + self.mh[3](v, v, v)[0]
        pool = (lambda o: o.max(1).values) if self.c["pooling"] == "max" else (lambda o: o.mean(1))
        pa, pv = pool(oa), pool(ov)
        return self.cls(torch.cat([pa, pv], -1) if self.c["combine"] == "concat" else pa + pv)

    def mer_weights(self):
        w = [x for b in list(self.a1) + list(self.v1) for x in b.trainable()] + fusion_weights(self.fa) + fusion_weights(self.fv)
        w += [x for b in list(self.a2) + list(self.v2) for x in b.trainable()]
        w += [x for m in self.mh for x in mha_weights(m, self.c["audioChannels"][3])] + linear_weights(self.cls)
        return w + [x for b in list(self.a1) + list(self.v1) + list(self.a2) + list(self.v2) for x in b.stats()]


def parameter_count(model):
    return sum(p.numel() for p in model.parameters()) + sum(b.numel() for n, b in model.named_buffers() if "running" in n)
