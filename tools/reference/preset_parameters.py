"""Parameter counts of every preset, from the independent PyTorch implementations (networks.py).

Run: npx tsx tools/reference/dump-presets.ts > tmp/presets.json && /usr/bin/python3 tools/reference/preset_parameters.py tmp/presets.json
Writes apps/<net>/src/fixtures/preset-parameters.json: {preset: {config, parameters}}.
"""
import json
import os
import sys

import torch

from networks import AvtCa, Maven, TcnFusion, parameter_count

torch.set_default_dtype(torch.float32)
ROOT = os.path.join(os.path.dirname(__file__), "../..")
BUILDERS = {"maven": Maven, "tcn-fusion": TcnFusion, "avt-ca": AvtCa}

presets = json.load(open(sys.argv[1]))
for net, configs in presets.items():
    out = {}
    for name, cfg in configs.items():
        with torch.no_grad():
            out[name] = {"config": cfg, "parameters": parameter_count(BUILDERS[net](cfg))}
        print(net, name, out[name]["parameters"])
    with open(os.path.join(ROOT, "apps", net, "src", "fixtures", "preset-parameters.json"), "w") as f:
        json.dump(out, f, indent=1)
