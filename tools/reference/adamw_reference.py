"""Reference trajectory of torch.optim.AdamW for @mer/backend's AdamW spec.

Run: /usr/bin/python3 tools/reference/adamw_reference.py   (Debian python3-torch 1.13)
Loss: sum(c * (p - t)^2); five steps; prints the parameters after each step as JSON.
"""
import json

import torch

torch.set_default_dtype(torch.float64)
p = torch.nn.Parameter(torch.tensor([0.5, -1.2, 2.0, 0.1]))
t = torch.tensor([1.0, 0.0, -1.0, 0.3])
c = torch.tensor([1.0, 2.0, 0.5, 3.0])
opt = torch.optim.AdamW([p], lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05)
trajectory = []
for _ in range(5):
    opt.zero_grad()
    loss = (c * (p - t) ** 2).sum()
    loss.backward()
    opt.step()
    trajectory.append([round(v, 10) for v in p.detach().tolist()])
print(json.dumps({"torch": torch.__version__, "trajectory": trajectory}))
