/**
 * bench:models' worker: one tfjs backend per process (argv[2]: tensorflow | webgpu | wasm | cpu | auto),
 * spoken to through bench-process.ts' line protocol. First message: `{ready, backend, info, adapter,
 * software}` or `{failed}`. Requests: `{id, plan | run, net, preset, config, batch, reps?, peak?,
 * forceSoftware?}`. `plan` answers whether the row runs here (the software-adapter rule) and its
 * parameter count; `run` times it: forward and train step, median of `reps` after one warm-up, each
 * call ended by an awaited read (so on webgpu the GPU has finished). The last row's model, inputs and
 * optimizer are kept for the next request on the same row (rounds), and its warm-up done once.
 */
import * as readline from 'node:readline';
import * as tf from '@tensorflow/tfjs-core';
import { MerLayer } from '@mer/attention-fusion';
import { AdamW, BackendInfo, BackendName, describeBackend, initBackend } from '@mer/backend';
import { BENCH_SHAPES, BenchNet, buildBenchModel, forwardPass, trainStep } from './bench-models';
import { MESSAGE_PREFIX } from './bench-process';
import { SOFTWARE_ADAPTER_REPS, softwareAdapterSkip, softwareAdapterTrainSkip } from './software-adapter-rule';

/** Optimiser-state budget for training on wasm (its heap is at most 4 GB, activations need the rest). */
const WASM_TRAIN_BUDGET_BYTES = 1.5e9;

export interface WorkerRequest {
  id: number;
  plan?: boolean;
  run?: boolean;
  net: BenchNet;
  preset: string;
  config: object;
  batch: number;
  reps?: number;
  /** Measure the training step's peak tensor memory (one more profiled step). */
  peak?: boolean;
  forceSoftware?: boolean;
}

interface Row {
  key: string;
  model: MerLayer;
  inputs: tf.Tensor[];
  optimizer: AdamW;
  warm: { forward: boolean; train: boolean };
}

const say = (m: object) => process.stdout.write(`${MESSAGE_PREFIX}${JSON.stringify(m)}\n`);

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

async function timed(fn: () => Promise<void>, reps: number, warmUp: boolean): Promise<number> {
  if (warmUp) await fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

let row: Row | undefined;

function rowFor(req: WorkerRequest): Row {
  const key = JSON.stringify([req.net, req.config, req.batch]);
  if (row?.key === key) return row;
  if (row) {
    row.optimizer.dispose();
    row.model.dispose();
    tf.dispose(row.inputs);
    row = undefined;
  }
  const { model, inputs } = buildBenchModel(req.net, req.config, req.batch);
  row = { key, model, inputs, optimizer: new AdamW({ learningRate: 1e-4 }), warm: { forward: false, train: false } };
  return row;
}

function skipReason(info: BackendInfo, req: WorkerRequest, parameters: number): string | undefined {
  if (!info.adapter?.software || req.forceSoftware) return undefined;
  return softwareAdapterSkip({ preset: req.preset, parameters, batch: req.batch, frames: BENCH_SHAPES[req.net][1] });
}

async function handle(info: BackendInfo, req: WorkerRequest): Promise<object> {
  // The rule's first clause needs no model: a paper preset is not even built on a software adapter.
  if (info.adapter?.software && !req.forceSoftware && req.preset !== 'lite') return { skipped: skipReason(info, req, 0) };
  const r = rowFor(req);
  const parameters = r.model.parameterCount();
  const skipped = skipReason(info, req, parameters);
  if (req.plan || skipped) return { parameters, ...(skipped ? { skipped } : {}) };
  const reps = info.adapter?.software ? SOFTWARE_ADAPTER_REPS : (req.reps ?? (parameters > 50e6 ? 3 : 7));
  const forward = await timed(() => forwardPass(r.model, r.inputs), reps, !r.warm.forward);
  r.warm.forward = true;
  // Training holds weights, gradients and two AdamW moments (16 bytes per parameter) plus activations;
  // the wasm backend's heap (wasm32) cannot hold that for the largest presets.
  const trainBytes = parameters * 16;
  const softwareTrainSkip = info.adapter?.software && !req.forceSoftware ? softwareAdapterTrainSkip({ preset: req.preset, parameters, batch: req.batch, frames: BENCH_SHAPES[req.net][1] }) : undefined;
  if (softwareTrainSkip) return { parameters, forward_ms: forward, train_skipped: softwareTrainSkip };
  if (info.name === 'wasm' && trainBytes >= WASM_TRAIN_BUDGET_BYTES) {
    return { parameters, forward_ms: forward, train_skipped: `needs ~${(trainBytes / 1e9).toFixed(1)} GB of optimiser state: beyond the wasm heap` };
  }
  const train = await timed(() => trainStep(r.model, r.inputs, r.optimizer), reps, !r.warm.train);
  r.warm.train = true;
  let peakMb: number | undefined;
  if (req.peak) {
    const before = tf.memory().numBytes;
    peakMb = ((await tf.profile(() => trainStep(r.model, r.inputs, r.optimizer))).peakBytes - before) / 2 ** 20;
  }
  return { parameters, forward_ms: forward, train_step_ms: train, ...(peakMb === undefined ? {} : { train_peak_mb: peakMb }) };
}

async function main(): Promise<void> {
  const want = process.argv[2] ?? 'auto';
  let info: BackendInfo;
  try {
    info = await initBackend(want === 'auto' ? {} : { backend: want as BackendName });
  } catch (e) {
    say({ failed: (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ') });
    process.exit(0);
  }
  say({ ready: true, backend: info.name, info: describeBackend(info), adapter: info.adapter ?? null, software: Boolean(info.adapter?.software) });
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const req = JSON.parse(line) as WorkerRequest;
    try {
      say({ id: req.id, ...(await handle(info, req)) });
    } catch (e) {
      say({ id: req.id, error: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
