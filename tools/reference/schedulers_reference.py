"""Reference learning-rate trajectories of torch.optim.lr_scheduler for @mer/backend's schedulers.

Run: /usr/bin/python3 tools/reference/schedulers_reference.py   (Debian python3-torch 1.13)
"""
import json

import torch

metrics = [0.10, 0.20, 0.20, 0.19, 0.21, 0.2101, 0.18, 0.17, 0.30, 0.29, 0.28, 0.27, 0.26, 0.25, 0.24]
p = torch.nn.Parameter(torch.zeros(1))
opt = torch.optim.SGD([p], lr=1.0)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=2, threshold=1e-3, cooldown=1, min_lr=0.1)
plateau_lrs = []
for m in metrics:
    plateau.step(m)
    plateau_lrs.append(opt.param_groups[0]["lr"])

opt2 = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.06)
step = torch.optim.lr_scheduler.StepLR(opt2, step_size=3, gamma=0.1)
step_lrs = []
for _ in range(8):
    step_lrs.append(opt2.param_groups[0]["lr"])
    opt2.step()
    step.step()
print(json.dumps({"metrics": metrics, "plateau": plateau_lrs, "step": step_lrs}))
