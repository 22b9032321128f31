/**
 * Model benchmark: for each network and preset, forward and forward+backward (one AdamW step) time
 * per batch on one or more tfjs backends, next to the same networks in PyTorch eager
 * (tools/reference/bench.py: CUDA when torch sees it, else CPU with one thread like wasm).
 * Each backend runs in its own worker process (models-worker.ts: one tfjs backend per process), the
 * peer in another; all stay up for the whole run and take turns row by row — peer, then each backend —
 * so both sides of a ratio see the machine in the same state (this VM's speed drifts by tens of
 * percent over minutes). Each figure is a median of N calls after a warm-up, each call ended by an
 * awaited read (on webgpu: the GPU has finished); with --rounds R the turns repeat R times and the
 * row reports the median of the R medians.
 *
 * Run: npm run bench:models -- [--backend wasm,webgpu] [--only lite,paper] [--net maven,avt-ca]
 *   [--rounds 3] [--reps 7] [--no-torch] [--torch-device auto|cpu|cuda] [--torch-threads 1]
 *   [--torch-python /usr/bin/python3] [--json tmp/bench-models.json] [--budget-s 300]
 *   [--force-software] [--model '<json>'] [--verbose]
 *   npm run bench:models -- --table tmp/bench-models.json: the table of a saved run.
 * --backend: tensorflow | webgpu | wasm | cpu | auto (default auto: the backend mer would choose).
 * --model: config fields laid over every selected preset (e.g. --net maven --model
 *   '{"encoderAttention":"beit-dot"}'), for mer and the peer alike; rows then carry `overrides`.
 * --budget-s: no row starts after that many seconds (the rest are listed as not run); the JSON file is
 *   rewritten after every row, so a run killed from outside keeps what it finished.
 * Software adapters (SwiftShader) run only what software-adapter-rule.ts allows; --force-software runs all.
 * Output: one JSON line per row and backend (stdout), a table at the end, and the JSON file
 * ({backends, peer, rows}); `train_peak_mb`: tensor memory of one training step above what was held
 * before it (tf.profile). Shapes from SPEC: MAVEN B=16 T=64; TCN-fusion B=16 T=300; AVT-CA B=8,
 * 15 video frames + 156 MFCC frames (raw 224×224 mode at B=1 on wasm, whose heap B=8 outgrows).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { allPresetConfigs, BENCH_SHAPES, BenchNet, benchBatch } from './bench-models';
import { BenchMessage, BenchProcess } from './bench-process';
import { BenchTableInput, formatBenchTable } from './bench-table';
import { SOFTWARE_ADAPTER_MAX_GFLOP, SOFTWARE_ADAPTER_MAX_TRAIN_GFLOP, SOFTWARE_ADAPTER_REPS } from './software-adapter-rule';

const ROOT = path.join(__dirname, '../..');

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

const round1 = (x: number) => +x.toFixed(1);

/** What one backend's worker said when it started. */
interface BackendEntry {
  requested: string;
  name?: string;
  info?: string;
  adapter?: unknown;
  software?: boolean;
  failed?: string;
}

/** One network, preset and backend: the figures the table and the JSON file show. */
export interface BenchRow {
  network: BenchNet;
  preset: string;
  backend: string;
  backend_info?: string;
  overrides?: Record<string, unknown>;
  batch: number;
  frames: number;
  parameters?: number;
  forward_ms?: number;
  train_step_ms?: number | null;
  train_peak_mb?: number | null;
  train_skipped?: string;
  skipped?: string;
  error?: string;
  torch_forward_ms?: number;
  torch_train_step_ms?: number;
  torch_device?: string;
  torch_threads?: number;
  torch_error?: string;
  forward_ratio?: number;
  train_ratio?: number | null;
  rounds?: Record<string, number[]>;
}

class Worker {
  process: BenchProcess;
  constructor(
    readonly entry: BackendEntry,
    private readonly verbose: boolean,
  ) {
    this.process = Worker.spawn(entry.requested, verbose);
  }

  static spawn(backend: string, verbose: boolean): BenchProcess {
    return new BenchProcess(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'models-worker.ts'), backend], { cwd: ROOT, env: process.env }, verbose);
  }

  async start(): Promise<void> {
    let hello: BenchMessage;
    try {
      hello = await this.process.next();
    } catch (e) {
      this.entry.failed = (e as Error).message;
      return;
    }
    if (hello['failed']) this.entry.failed = String(hello['failed']);
    else Object.assign(this.entry, { name: hello['backend'], info: hello['info'], adapter: hello['adapter'], software: hello['software'] });
    if (this.entry.failed) this.process.close();
  }

  get usable(): boolean {
    return this.entry.failed === undefined;
  }

  /** A request; a worker that died on it (wasm out of memory, a driver crash) is started again for the next row. */
  async request(message: BenchMessage): Promise<BenchMessage> {
    try {
      return await this.process.request(message);
    } catch (e) {
      this.process = Worker.spawn(this.entry.requested, this.verbose);
      await this.process.next().catch(() => undefined);
      return { error: `worker ${(e as Error).message}` };
    }
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const tableOf = arg('--table');
  if (tableOf !== undefined) {
    // The table of a saved run (one cut short included): what tools/device/gpu-check.sh prints.
    console.log(formatBenchTable(JSON.parse(fs.readFileSync(tableOf, 'utf8')) as BenchTableInput));
    return;
  }
  const list = (flag: string) => arg(flag)?.split(',').map((s) => s.trim()).filter(Boolean);
  const backends = list('--backend') ?? ['auto'];
  const onlyPresets = list('--only');
  const onlyNets = list('--net') as BenchNet[] | undefined;
  const overrides = arg('--model') === undefined ? undefined : (JSON.parse(arg('--model') as string) as Record<string, unknown>);
  const rounds = Number(arg('--rounds') ?? 1);
  const reps = arg('--reps') === undefined ? undefined : Number(arg('--reps'));
  const budgetS = arg('--budget-s') === undefined ? Infinity : Number(arg('--budget-s'));
  const jsonFile = path.resolve(arg('--json') ?? path.join(ROOT, 'tmp/bench-models.json'));
  const forceSoftware = argv.includes('--force-software');
  const verbose = argv.includes('--verbose');
  const started = Date.now();

  const all = allPresetConfigs();
  const nets = (Object.keys(all) as BenchNet[]).filter((n) => !onlyNets || onlyNets.includes(n));
  for (const n of onlyNets ?? []) if (!(n in all)) throw new Error(`--net ${n}: not a network (${Object.keys(all).join(', ')})`);
  // Rows preset by preset in --only's order (lite first for `--only lite,paper`), else network by network.
  const selected: { net: BenchNet; preset: string; config: object }[] = [];
  const withOverrides = (c: object) => (overrides ? { ...c, ...overrides } : c);
  if (onlyPresets) {
    for (const p of onlyPresets) for (const net of nets) if (all[net][p]) selected.push({ net, preset: p, config: withOverrides(all[net][p]) });
  } else for (const net of nets) for (const [p, c] of Object.entries(all[net])) selected.push({ net, preset: p, config: withOverrides(c) });
  if (selected.length === 0) throw new Error(`no network has the preset(s) ${onlyPresets?.join(', ')}`);

  const workers = backends.map((b) => new Worker({ requested: b }, verbose));
  for (const w of workers) await w.start();
  for (const w of workers) console.error(`backend ${w.entry.requested}: ${w.entry.failed ? `unavailable: ${w.entry.failed}` : w.entry.info}`);

  const torchPython = arg('--torch-python') ?? '/usr/bin/python3';
  let peer: BenchProcess | undefined;
  let peerInfo: BenchMessage | undefined;
  if (!argv.includes('--no-torch')) {
    peer = new BenchProcess(torchPython, [path.join(ROOT, 'tools/reference/bench.py'), '--serve', '--device', arg('--torch-device') ?? 'auto', '--threads', arg('--torch-threads') ?? '1'], {
      cwd: path.join(ROOT, 'tools/reference'),
      env: { ...process.env, OMP_NUM_THREADS: arg('--torch-threads') ?? '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    try {
      peerInfo = await peer.next();
      console.error(`PyTorch peer: torch ${peerInfo['torch']} eager on ${peerInfo['device']}, ${peerInfo['threads']} thread(s)`);
    } catch (e) {
      peerInfo = { unavailable: (e as Error).message };
      console.error(`PyTorch peer unavailable (${peerInfo['unavailable']}); printing mer timings only`);
      peer = undefined;
    }
  }

  const rows: BenchRow[] = [];
  const doc = {
    command: `npm run bench:models -- ${argv.join(' ')}`.trim(),
    started: new Date(started).toISOString(),
    host: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, platform: `${process.platform}-${process.arch}` },
    backends: workers.map((w) => w.entry),
    peer: peerInfo ?? null,
    rounds,
    rules: {
      timing: 'median of N calls after one warm-up, each ended by an awaited read (webgpu: GPU finished); with rounds, the median of the per-round medians; peer then each backend, row by row',
      software_adapter: `lite presets only, at most ${SOFTWARE_ADAPTER_MAX_GFLOP} GFLOP (2·parameters·batch·frames) per forward, train step only up to ${SOFTWARE_ADAPTER_MAX_TRAIN_GFLOP} GFLOP, ${SOFTWARE_ADAPTER_REPS} timed call after the warm-up${forceSoftware ? ' (overridden by --force-software)' : ''}`,
    },
    rows,
  };
  const save = () => {
    fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
    fs.writeFileSync(jsonFile, `${JSON.stringify(doc, null, 1)}\n`);
  };
  save();

  let nextId = 0;
  for (const { net, preset, config } of selected) {
    const frames = BENCH_SHAPES[net][1];
    const live = workers.filter((w) => w.usable);
    if ((Date.now() - started) / 1000 > budgetS) {
      for (const w of live) rows.push({ network: net, preset, backend: w.entry.name ?? w.entry.requested, batch: benchBatch(net, config, w.entry.name ?? ''), frames, skipped: `not run: the ${budgetS} s budget was spent` });
      save();
      continue;
    }
    const base = (w: Worker) => ({ net, preset, config, batch: benchBatch(net, config, w.entry.name ?? ''), reps, forceSoftware });
    // Plan: which backends run this row (a software adapter may not), so the peer measures only batches in use.
    const plans = new Map<Worker, BenchMessage>();
    for (const w of live) plans.set(w, await w.request({ id: nextId++, plan: true, ...base(w) }));
    const running = live.filter((w) => !plans.get(w)?.['skipped'] && !plans.get(w)?.['error']);
    const peerRuns = new Map<number, BenchMessage[]>();
    const runs = new Map<Worker, BenchMessage[]>(running.map((w) => [w, []]));
    for (let round = 0; round < rounds; round++) {
      for (const batch of new Set(running.map((w) => base(w).batch))) {
        if (!peer?.alive) break;
        const got = await peer.request({ id: nextId++, net, preset, config, batch, reps }).catch((e: Error) => ({ error: `peer ${e.message}` }));
        peerRuns.set(batch, [...(peerRuns.get(batch) ?? []), got]);
      }
      for (const w of running) runs.get(w)?.push(await w.request({ id: nextId++, run: true, peak: round === 0 && !w.entry.software, ...base(w) }));
    }
    for (const w of live) {
      const plan = plans.get(w) as BenchMessage;
      const batch = base(w).batch;
      const row: BenchRow = { network: net, preset, backend: w.entry.name ?? w.entry.requested, backend_info: w.entry.info, ...(overrides ? { overrides } : {}), batch, frames };
      if (typeof plan['parameters'] === 'number') row.parameters = plan['parameters'];
      if (plan['skipped'] || plan['error']) {
        if (plan['skipped']) row.skipped = String(plan['skipped']);
        else row.error = String(plan['error']);
      } else {
        const mine = runs.get(w) as BenchMessage[];
        const good = mine.filter((m) => !m['error']);
        if (good.length === 0) row.error = String(mine[0]?.['error'] ?? 'no result');
        else {
          const fwd = good.map((m) => m['forward_ms'] as number);
          const train = good.map((m) => m['train_step_ms']).filter((x): x is number => typeof x === 'number');
          row.forward_ms = round1(median(fwd));
          row.train_step_ms = train.length ? round1(median(train)) : null;
          const peak = good.find((m) => typeof m['train_peak_mb'] === 'number')?.['train_peak_mb'] as number | undefined;
          row.train_peak_mb = peak === undefined ? null : round1(peak);
          if (good[0]['train_skipped']) row.train_skipped = String(good[0]['train_skipped']);
          row.rounds = { forward_ms: fwd.map(round1), ...(train.length ? { train_step_ms: train.map(round1) } : {}) };
        }
        const theirs = (peerRuns.get(batch) ?? []).filter((m) => !m['error']);
        const peerError = (peerRuns.get(batch) ?? []).find((m) => m['error'])?.['error'];
        if (theirs.length) {
          const tf = median(theirs.map((m) => m['torch_forward_ms'] as number));
          const tt = median(theirs.map((m) => m['torch_train_step_ms'] as number));
          Object.assign(row, { torch_forward_ms: round1(tf), torch_train_step_ms: round1(tt), torch_device: theirs[0]['torch_device'], torch_threads: theirs[0]['torch_threads'] });
          if (row.rounds) Object.assign(row.rounds, { torch_forward_ms: theirs.map((m) => m['torch_forward_ms'] as number), torch_train_step_ms: theirs.map((m) => m['torch_train_step_ms'] as number) });
          if (row.forward_ms !== undefined) row.forward_ratio = +(row.forward_ms / tf).toFixed(2);
          if (row.forward_ms !== undefined) row.train_ratio = typeof row.train_step_ms === 'number' ? +(row.train_step_ms / tt).toFixed(2) : null;
        } else if (peerError) row.torch_error = String(peerError);
      }
      rows.push(row);
      console.log(JSON.stringify(row));
    }
    save();
  }
  for (const w of workers) w.process.close();
  peer?.close();
  console.log('');
  console.log(formatBenchTable(doc));
  console.log(`\nJSON: ${path.relative(process.cwd(), jsonFile) || jsonFile}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
