"""PyTorch peer timings for tools/bench/models.ts (same networks, presets and shapes), eager mode.

Run by the benchmark itself as a server: bench.py --serve [--device auto|cpu|cuda] [--threads N] reads
one JSON request per line ({"net", "preset", "config", "batch", "reps"?}) and answers each with one
`@@bench {...}` line (first line: `@@bench {"ready": true, "torch": ..., "device": ...}`). auto takes
CUDA when torch sees it. On CUDA every timed call ends with torch.cuda.synchronize().
Alone: /usr/bin/python3 tools/reference/bench.py tmp/presets.json [threads] prints one JSON line per
network/preset: forward and forward+backward (AdamW step) ms per batch.
"""
import json
import statistics
import sys
import time

import torch

from networks import AvtCa, Maven, TcnFusion, parameter_count

torch.set_default_dtype(torch.float32)
SHAPES = {"maven": (16, 64), "tcn-fusion": (16, 300), "avt-ca": (8, 15)}
BUILDERS = {"maven": Maven, "tcn-fusion": TcnFusion, "avt-ca": AvtCa}


def inputs(net, cfg, B, T, device):
    randn = lambda *s: torch.randn(*s, device=device)
    ones = torch.ones(B, T, device=device)
    if net == "maven":
        dims = {"visual": cfg["visualDim"], "audio": cfg["audioDim"], "text": cfg["textDim"]}
        xs = [randn(B, T, dims[m]) for m in cfg["modalities"]]
        return lambda m: m(xs, ones)
    if net == "tcn-fusion":
        v, g, l = randn(B, T, cfg["visualDim"]), randn(B, T, cfg["vggishDim"]), randn(B, T, cfg["logmelDim"])
        return lambda m: m(v, g, l, ones)
    a = randn(B, 156, cfg["audioDim"])
    v = torch.rand(B, T, 224, 224, 3, device=device) if cfg["mode"] == "raw" else randn(B, T, cfg["videoDim"])
    return lambda m: m(a, v)


def timed(fn, reps, device):
    def call():
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    call()  # warm-up
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        call()
        out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(out)


class Row:
    """One network at one preset and batch, its inputs and optimizer, on one device."""

    def __init__(self, net, cfg, B, device):
        T = SHAPES[net][1]
        self.model = BUILDERS[net](cfg).to(device)
        self.run = inputs(net, cfg, B, T, device)
        self.heavy = parameter_count(self.model) > 50e6
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=1e-4)
        self.device, self.B, self.T = device, B, T

    def measure(self, reps=None):
        model = self.model
        model.eval()
        with torch.no_grad():
            fwd = timed(lambda: self.run(model), reps or (3 if self.heavy else 7), self.device)
        model.train()

        def step():
            self.opt.zero_grad()
            self.run(model).square().mean().backward()
            self.opt.step()

        train = timed(step, reps or (2 if self.heavy else 7), self.device)
        return {"batch": self.B, "frames": self.T, "torch_forward_ms": round(fwd, 1), "torch_train_step_ms": round(train, 1),
                "torch_threads": torch.get_num_threads(), "torch_device": describe(self.device)}


def describe(device):
    return f"cuda ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else "cpu"


def option(flag, default):
    return sys.argv[sys.argv.index(flag) + 1] if flag in sys.argv else default


def serve():
    want = option("--device", "auto")
    device = torch.device("cuda" if want == "cuda" or (want == "auto" and torch.cuda.is_available()) else "cpu")
    torch.set_num_threads(int(option("--threads", "1")))
    torch.set_num_interop_threads(1)
    say = lambda o: print("@@bench " + json.dumps(o), flush=True)
    say({"ready": True, "torch": torch.__version__, "device": describe(device), "threads": torch.get_num_threads(), "cuda_available": torch.cuda.is_available()})
    key, row = None, None
    for line in sys.stdin:
        req = json.loads(line)
        try:
            k = json.dumps([req["net"], req["config"], req["batch"]], sort_keys=True)
            if k != key:
                key, row = None, None
                if device.type == "cuda":
                    torch.cuda.empty_cache()
                row, key = Row(req["net"], req["config"], req["batch"], device), k
            say({"id": req["id"], **row.measure(req.get("reps"))})
        except Exception as e:  # one row's failure (CUDA out of memory, ...) leaves the server up
            key, row = None, None
            say({"id": req["id"], "error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"})


def from_file():
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    torch.set_num_interop_threads(1)
    presets = json.load(open(sys.argv[1]))
    batches = presets.pop("__batch__", {})
    for net, configs in presets.items():
        for name, cfg in configs.items():
            B = batches.get(f"{net}/{name}", SHAPES[net][0])
            print(json.dumps({"network": net, "preset": name, **Row(net, cfg, B, torch.device("cpu")).measure()}), flush=True)


if __name__ == "__main__":
    serve() if "--serve" in sys.argv else from_file()
