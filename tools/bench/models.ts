/**
 * Model benchmark: for each network and preset, forward and forward+backward (one AdamW step) time
 * per batch on the active backend, next to the same networks in PyTorch (tools/reference/bench.py,
 * Debian python3-torch, one thread like wasm) run in the same invocation, each row just before
 * mer's. One JSON line per row with the ratio mer/torch. Shapes from SPEC: MAVEN B=16 T=64;
 * TCN-fusion B=16 T=300; AVT-CA B=8, 15 video frames + 156 MFCC frames (features mode; raw 224×224
 * mode at B=1 on wasm, whose heap B=8 outgrows).
 * Run: npm run bench:models [-- --only <preset>] [-- --net <maven|tcn-fusion|avt-ca>] [-- --no-torch]
 *   [-- --model '<json>']: config fields laid over every selected preset (e.g. --net maven --model
 *   '{"encoderAttention":"beit-dot"}'), for mer and the peer alike; rows then carry `overrides`.
 * `train_peak_mb`: tensor memory of one training step above what was held before it (tf.profile).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AvtCaConfig } from '@mer/avt-ca';
import { AdamW, describeBackend, initBackend } from '@mer/backend';
import { allPresetConfigs, BENCH_SHAPES as SHAPES, BenchNet as Net, buildBenchModel as build, forwardPass, trainStep } from './bench-models';

/**
 * Raw mode (224×224 face crops through the EfficientFace-style backbone) at B=8 × 15 frames outgrows the
 * wasm heap (the stem alone is 120×112×112×29 floats per activation); on wasm those rows run one clip
 * per batch, and the PyTorch peer runs the same batch.
 */
const RAW_WASM_BATCH = 1;

/** Optimiser-state budget for training on wasm (its heap is at most 4 GB, activations need the rest). */
const WASM_TRAIN_BUDGET_BYTES = 1.5e9;

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function timed(fn: () => void, reps: number): number {
  fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

interface TorchRow {
  torch_forward_ms: number;
  torch_train_step_ms: number;
  torch_threads: number;
}

let onWasm = false;

function batchFor(net: Net, config: object): number {
  return onWasm && (config as Partial<AvtCaConfig>).mode === 'raw' ? RAW_WASM_BATCH : SHAPES[net][0];
}

async function main(): Promise<void> {
  const arg = (flag: string) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : undefined);
  const only = arg('--only');
  const onlyNet = arg('--net');
  const overrides = arg('--model') === undefined ? undefined : (JSON.parse(arg('--model') as string) as Record<string, unknown>);
  const info = await initBackend();
  onWasm = info.name === 'wasm';
  const all = allPresetConfigs();
  for (const net of Object.keys(all) as Net[]) {
    if (onlyNet && net !== onlyNet) delete (all as Partial<typeof all>)[net];
    else for (const p of Object.keys(all[net])) if (only && p !== only) delete all[net][p];
  }
  if (overrides) for (const configs of Object.values(all)) for (const p of Object.keys(configs)) configs[p] = { ...configs[p], ...overrides };

  // The peer runs each row just before mer's, so both sides of a ratio see the machine in the same
  // state (this VM's speed drifts by tens of percent over minutes).
  const withTorch = !process.argv.includes('--no-torch');
  let torchMissing: string | undefined;
  const runPeer = (net: Net, preset: string, config: object): TorchRow | undefined => {
    if (!withTorch || torchMissing !== undefined) return undefined;
    const presetsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mer-bench-')), 'presets.json');
    fs.writeFileSync(presetsFile, JSON.stringify({ [net]: { [preset]: config }, __batch__: { [`${net}/${preset}`]: batchFor(net, config) } }));
    const oneThread = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const py = spawnSync('/usr/bin/python3', [path.join(__dirname, '../reference/bench.py'), presetsFile, '1'], {
      encoding: 'utf8',
      cwd: path.join(__dirname, '../reference'),
      env: { ...process.env, ...oneThread },
    });
    if (py.status !== 0) {
      torchMissing = py.stderr.trim().split('\n').pop() ?? `exit ${py.status}`;
      console.error(`PyTorch peer unavailable (${torchMissing}); printing mer timings only`);
      return undefined;
    }
    return JSON.parse(py.stdout.trim().split('\n').pop() as string) as TorchRow;
  };

  for (const net of Object.keys(all) as Net[]) {
    for (const [preset, config] of Object.entries(all[net])) {
      const peer = runPeer(net, preset, config);
      const batch = batchFor(net, config);
      const { model, inputs } = build(net, config, batch);
      const heavy = model.parameterCount() > 50e6;
      const reps = heavy ? 3 : 7;
      const forward = timed(() => forwardPass(model, inputs), reps);
      // Training holds weights, gradients and two AdamW moments (16 bytes per parameter) plus activations;
      // the wasm backend's heap (wasm32) cannot hold that for the largest presets, which train on tfjs-node.
      const trainBytes = model.parameterCount() * 16;
      const fitsHeap = info.name !== 'wasm' || trainBytes < WASM_TRAIN_BUDGET_BYTES;
      const opt = new AdamW({ learningRate: 1e-4 });
      const train = fitsHeap ? timed(() => trainStep(model, inputs, opt), reps) : undefined;
      const before = tf.memory().numBytes;
      const peak = fitsHeap ? (await tf.profile(() => trainStep(model, inputs, opt))).peakBytes - before : undefined;
      console.log(
        JSON.stringify({
          network: net,
          preset,
          ...(overrides ? { overrides } : {}),
          batch,
          frames: SHAPES[net][1],
          parameters: model.parameterCount(),
          backend: describeBackend(info),
          forward_ms: +forward.toFixed(1),
          train_step_ms: train === undefined ? null : +train.toFixed(1),
          train_peak_mb: peak === undefined ? null : +(peak / 2 ** 20).toFixed(1),
          ...(train === undefined ? { train_skipped: `needs ~${(trainBytes / 1e9).toFixed(1)} GB of optimiser state: beyond the wasm heap` } : {}),
          ...(peer
            ? { ...peer, forward_ratio: +(forward / peer.torch_forward_ms).toFixed(2), train_ratio: train === undefined ? null : +(train / peer.torch_train_step_ms).toFixed(2) }
            : {}),
        }),
      );
      opt.dispose();
      model.dispose();
      tf.dispose(inputs);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
