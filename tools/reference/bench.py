"""PyTorch peer timings for tools/bench/models.ts (same networks, presets and shapes).

Run by the benchmark itself; alone: /usr/bin/python3 tools/reference/bench.py tmp/presets.json [threads]
Prints one JSON line per network/preset: forward and forward+backward (AdamW step) ms per batch.
"""
import json
import statistics
import sys
import time

import torch

from networks import AvtCa, Maven, TcnFusion, parameter_count

torch.set_default_dtype(torch.float32)
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
torch.set_num_interop_threads(1)
SHAPES = {"maven": (16, 64), "tcn-fusion": (16, 300), "avt-ca": (8, 15)}


def inputs(net, cfg, B, T):
    if net == "maven":
        dims = {"visual": cfg["visualDim"], "audio": cfg["audioDim"], "text": cfg["textDim"]}
        xs = [torch.randn(B, T, dims[m]) for m in cfg["modalities"]]
        return lambda m: m(xs, torch.ones(B, T))
    if net == "tcn-fusion":
        v, g, l = torch.randn(B, T, cfg["visualDim"]), torch.randn(B, T, cfg["vggishDim"]), torch.randn(B, T, cfg["logmelDim"])
        return lambda m: m(v, g, l, torch.ones(B, T))
    a = torch.randn(B, 156, cfg["audioDim"])
    v = torch.rand(B, T, 224, 224, 3) if cfg["mode"] == "raw" else torch.randn(B, T, cfg["videoDim"])
    return lambda m: m(a, v)


def timed(fn, reps):
    fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(out)


presets = json.load(open(sys.argv[1]))
batches = presets.pop("__batch__", {})
for net, configs in presets.items():
    for name, cfg in configs.items():
        B, T = batches.get(f"{net}/{name}", SHAPES[net][0]), SHAPES[net][1]
        model = {"maven": Maven, "tcn-fusion": TcnFusion, "avt-ca": AvtCa}[net](cfg)
        run = inputs(net, cfg, B, T)
        heavy = parameter_count(model) > 50e6
        model.eval()
        with torch.no_grad():
            fwd = timed(lambda: run(model), 3 if heavy else 7)
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

        def step():
            opt.zero_grad()
            run(model).square().mean().backward()
            opt.step()

        train = timed(step, 2 if heavy else 7)
        print(json.dumps({"network": net, "preset": name, "batch": B, "frames": T, "torch_forward_ms": round(fwd, 1),
                          "torch_train_step_ms": round(train, 1), "torch_threads": torch.get_num_threads()}), flush=True)
