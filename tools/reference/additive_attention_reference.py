"""Independent PyTorch reference for MAVEN's additive attention (§3.6, eq. 21-24) and the encoder layer
that uses it (pre-LN, layer-scale, GELU MLP ratio 4: BeitLayer of fusion_blocks_reference.py with the
attention replaced).

    d[t, s] = tanh(W_d h_t + W'_d h_s + b_d)      (21)
    alpha[t, s] = v_d . d[t, s]                    (22)
    a[t, :] = softmax(alpha[t, :])                 (23)  padded keys get -1e9
    out_t = sum_s a[t, s] h_s                      (24)

Written from the equations, computing the whole [B, T, T, Da] tensor (no chunking), in float64.
Run: /usr/bin/python3 tools/reference/additive_attention_reference.py   (Debian python3-torch 1.13)
Writes packages/attention-fusion/src/fixtures/additive-attention.json: for the attention alone and
for the encoder layer, weights in mer's `layer.weights` order (kernels [in, out]), input, key mask,
R, output, and the gradients of L = sum(out * R) with respect to the input and every weight.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "../../packages/attention-fusion/src/fixtures")


def t(x):
    return x.detach().cpu().tolist()


class AdditiveAttention(nn.Module):
    def __init__(self, D, Da=None):
        super().__init__()
        Da = Da or D
        self.wd = nn.Linear(D, Da, bias=False)  # W_d
        self.wd2 = nn.Linear(D, Da)  # W'_d and b_d
        self.v = nn.Parameter(torch.empty(Da).uniform_(-Da ** -0.5, Da ** -0.5))  # v_d

    def forward(self, h, key_mask=None):  # h [B, T, D], key_mask [B, T] 1 = real
        d = torch.tanh(self.wd(h)[:, :, None, :] + self.wd2(h)[:, None, :, :])  # [B, T, T, Da]
        alpha = d @ self.v  # [B, T, T]
        if key_mask is not None:
            alpha = alpha + (1 - key_mask)[:, None, :] * -1e9
        return alpha.softmax(-1) @ h  # [B, T, D]

    def mer_weights(self):
        return [t(self.wd.weight.T), t(self.wd2.weight.T), t(self.wd2.bias), t(self.v)]

    def mer_params(self):
        return [self.wd.weight, self.wd2.weight, self.wd2.bias, self.v]


class AdditiveEncoderLayer(nn.Module):
    """x = x + g1 * Additive(LN1(x)); x = x + g2 * fc2(GELU(fc1(LN2(x))))."""

    def __init__(self, D, ls=0.1):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.attn = AdditiveAttention(D)
        self.fc1, self.fc2 = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)
        self.g1 = nn.Parameter(torch.full((D,), float(ls)))
        self.g2 = nn.Parameter(torch.full((D,), float(ls)))

    def forward(self, x, key_mask):
        x = x + self.g1 * self.attn(self.ln1(x), key_mask)
        return x + self.g2 * self.fc2(F.gelu(self.fc1(self.ln2(x))))

    def mer_params(self):
        """mer order: γ1, fc1, fc2, γ2, then norm1, attention, norm2."""
        return [self.g1, self.fc1.weight, self.fc1.bias, self.fc2.weight, self.fc2.bias, self.g2,
                self.ln1.weight, self.ln1.bias, *self.attn.mer_params(), self.ln2.weight, self.ln2.bias]

    def mer_weights(self):
        return [t(p.T) if p.dim() == 2 else t(p) for p in self.mer_params()]


def case(module, x, mask, params):
    y = module(x, mask)
    R = torch.randn_like(y)
    (y * R).sum().backward()
    return {"weights": module.mer_weights(), "x": t(x), "key_mask": t(mask), "R": t(R), "out": t(y), "grad_x": t(x.grad),
            "grad_weights": [t(p.grad.T) if p.dim() == 2 else t(p.grad) for p in params]}


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(29)
    D, Da, T = 8, 6, 5
    mask = torch.tensor([[1.0] * T, [1.0, 1.0, 1.0, 0.0, 0.0]])
    attn = AdditiveAttention(D, Da)
    nn.init.normal_(attn.wd2.bias, 0.0, 0.3)  # a non-zero b_d, so the fixture checks it
    x = torch.randn(2, T, D, requires_grad=True)
    attention = case(attn, x, mask, attn.mer_params())

    layer = AdditiveEncoderLayer(D)
    with torch.no_grad():
        for ln in (layer.ln1, layer.ln2):
            ln.weight.normal_(1.0, 0.1)
            ln.bias.normal_(0.0, 0.1)
        layer.g1.add_(torch.randn(D) * 0.01)
        layer.g2.add_(torch.randn(D) * 0.01)
        layer.attn.wd2.bias.normal_(0.0, 0.3)
    x2 = torch.randn(2, T, D, requires_grad=True)
    encoder_layer = case(layer, x2, mask, layer.mer_params())

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "additive-attention.json"), "w") as f:
        json.dump({"dim": D, "attention_dim": Da, "attention": attention, "encoder_layer": encoder_layer}, f)
    print("additive-attention fixture written")


if __name__ == "__main__":
    main()
