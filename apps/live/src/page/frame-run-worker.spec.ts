import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, memoryFiles } from '@mer/backend';
import type { PixelFrame } from '@mer/feature-extractors';
import { createPipeline, FrameRun, generateVaDemo, readManifest } from '@mer/pipelines';
import type { KeptPrediction } from './frame-prediction';
import { FrameRunCore } from './frame-run-core';
import { FrameRunFiles, serveFrameRun } from './frame-run-worker';
import { liveRunKind } from './live-run-kind';
import { LiveFrameRun } from './live-frame-run';
import type { WorkerBackend } from './page-backend';
import type { LiveAudio } from './live-audio';
import { inProcessWorker } from '../../tools/in-process-worker';
import { bestFiles, humanGraph } from '../../tools/run-files-on-disk';

// A frame run (TCN-fusion lite on the centred square's face rows, pooled log-mel + eGeMAPS, log-mel
// halves) fed the same microphone samples, crops and frames on this thread and through its worker.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-frame-run-worker-'));
const BACKEND: WorkerBackend = { name: 'wasm', wasmBase: 'http://127.0.0.1:1/wasm/' };
let files: FrameRunFiles;

/** 7 s of a voice-like signal at 16 kHz, 1024-sample chunks, and 30 fps frames (random pixels, fixed seed), in the page's order. */
function* stream(): Generator<{ chunk: Float32Array } | { frame: PixelFrame; t: number }> {
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const rate = 16000;
  const x = Float32Array.from({ length: 7 * rate }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 140 * i) / rate) * (1 + 0.5 * Math.sin((2 * Math.PI * 3 * i) / rate)) + 0.01 * (rand() - 0.5));
  let heard = 0;
  for (let k = 0; k < 210; k++) {
    const t = 0.05 + k / 30;
    for (; heard + 1024 <= Math.min(x.length, t * rate); heard += 1024) yield { chunk: x.slice(heard, heard + 1024) };
    yield { frame: { data: Uint8Array.from({ length: 96 * 64 * 3 }, () => Math.floor(rand() * 256)), width: 96, height: 64 }, t };
  }
}

/** Feeds the stream to a run as the page does (`between` called after the first `held` items), then waits until its predictions stop coming. */
async function feed(run: LiveFrameRun, predictions: KeptPrediction[], held = -1, between: () => Promise<void> = async () => undefined): Promise<void> {
  let hear: (chunk: Float32Array, start: number) => void = () => undefined;
  run.listen({ samples: (cb: typeof hear) => (hear = cb) } as unknown as LiveAudio);
  let n = 0;
  let called = held < 0;
  for (const item of stream()) {
    if (n++ === held) {
      await between();
      called = true;
    }
    if ('chunk' in item) hear(item.chunk, 0);
    else await run.frame(item.frame, null, item.t);
  }
  if (!called) throw new Error(`the stream has ${n} items, none held past ${held}`);
  for (let last = -1; last !== predictions.length; ) {
    last = predictions.length;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

let onThread: KeptPrediction[] | null = null;
/** The run's predictions on this thread (`?runner=main`). */
async function threadPredictions(): Promise<KeptPrediction[]> {
  if (onThread) return onThread;
  const here: KeptPrediction[] = [];
  const run = await LiveFrameRun.create(files, 'main', (p) => here.push(p));
  expect(run.where).toEqual({ runner: 'main', pending: null });
  await feed(run, here);
  await run.dispose();
  return (onThread = here);
}

/** The same predictions: times, window sizes, valence/arousal and the rows predicted. */
function expectSame(a: KeptPrediction[], b: KeptPrediction[]): void {
  expect(a.map((p) => [p.time, p.frames])).toEqual(b.map((p) => [p.time, p.frames]));
  a.forEach((p, i) => {
    expect(Array.from(p.va)).toEqual(Array.from(b[i].va));
    for (const [name, r] of Object.entries(p.window)) {
      expect(Array.from(r.data)).toEqual(Array.from(b[i].window[name].data));
      expect(Array.from(r.mask)).toEqual(Array.from(b[i].window[name].mask));
    }
  });
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  const items = generateVaDemo({ dir: path.join(dir, 'va'), train: 2, test: 1, seconds: 3 });
  const p = await createPipeline('tcn-fusion', { preset: 'lite', extractor: { faces: 'none' }, training: { epochs: 1, batchSize: 2, learningRate: 1e-3, window: { size: 24, hop: 12 } } });
  const run = path.join(dir, 'run');
  await p.fit(items.filter((i) => i.split === 'train'), { runDir: run });
  p.dispose();
  const manifest = readManifest(run);
  const kind = liveRunKind(manifest);
  if (kind.kind !== 'frame') throw new Error(`expected a frame run, got ${kind.kind}`);
  files = { manifest, ...bestFiles(run), plan: kind.plan, emotion: humanGraph('emotion') };
}, 300_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("a frame run's worker (the page holds the feed until the worker has the run open)", () => {
  it('predicts what the run predicts on the page thread, from the feed held before it started and sent after', async () => {
    const here = await threadPredictions();
    expect(here.length).toBeGreaterThanOrEqual(3);
    expect(Object.values(here[here.length - 1].window).map((r) => r.frames)).toEqual([24, 24, 24]);
    const there: KeptPrediction[] = [];
    const errors: Error[] = [];
    const started: WorkerBackend[] = [];
    const run = await LiveFrameRun.create(files, 'worker', (p) => there.push(p));
    run.onError = (e) => errors.push(e);
    expect(run.where).toEqual({ runner: 'worker', pending: "the run's worker is waiting for the first result" });
    // Six of the seven seconds are held (crops and frames more than 5 s ahead of the rows when they come
    // at once), then the worker starts and gets them, then the rest goes straight to it.
    await feed(run, there, 270, async () => {
      expect(there).toHaveLength(0);
      await run.toWorker('live.js', BACKEND, () => inProcessWorker(serveFrameRun, async (b) => void started.push(b)));
    });
    expect(run.where).toEqual({ runner: 'worker', pending: null });
    expect([run.note, errors, started]).toEqual([null, [], [BACKEND]]);
    expectSame(there, here);
    await run.dispose();
  }, 300_000);

  it('rows hold the face of their time when the crops run more than 5 s ahead of the rows (a held feed sent at once)', async () => {
    const predictions: KeptPrediction[] = [];
    const core = new FrameRunCore(FrameRun.load(files.manifest, memoryFiles(files.location, new Map(files.files))), files.plan, (p) => predictions.push(p));
    const face = files.plan.face?.name ?? '';
    const dim = files.manifest.streams.find((st) => st.name === face)?.dim ?? 0;
    const times = Array.from({ length: 210 }, (_, k) => 0.05 + k / 30);
    // Every frame's face row first (row k holds k), then the microphone, then the frames.
    times.forEach((t, k) => core.face({ t, face: true, data: new Float32Array(dim).fill(k) }));
    const rate = 16000;
    const x = Float32Array.from({ length: 7 * rate }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 140 * i) / rate));
    for (let i = 0; i + 1024 <= x.length; i += 1024) core.hear(x.slice(i, i + 1024), 0);
    for (const t of times) await core.frame(t);
    expect(predictions.length).toBeGreaterThanOrEqual(8);
    for (const p of predictions) {
      const rows = p.window[face];
      expect(Array.from(rows.mask).every((m) => m === 1)).toBe(true);
      // The window's last row is the frame at the prediction's time.
      const k = Math.round((p.time - 0.05) * 30);
      expect(rows.data[(rows.frames - 1) * dim]).toBe(k);
    }
    await core.dispose();
  }, 120_000);

  it('a frame run on FaceRes rows is refused with the reason (FaceRes on every frame; clip runs take them: live-clip-run.spec)', () => {
    const streams = files.manifest.streams.map((st) => (st.name === files.plan.face?.name ? { ...st, extractor: 'centre-crop+faceres', dim: 1024 } : st));
    const kind = liveRunKind({ ...files.manifest, streams });
    expect(kind).toEqual({ kind: 'refused', problem: expect.stringContaining(`this run has its stream '${files.plan.face?.name}' (centre-crop+faceres): FaceRes takes about 80 ms a face on wasm, and a frame run embeds every frame at 30 fps`) });
  });

  it('a worker that cannot start the backend leaves the run on the page thread, with the held feed and the reason', async () => {
    const here = await threadPredictions();
    const there: KeptPrediction[] = [];
    const run = await LiveFrameRun.create(files, 'worker', (p) => there.push(p));
    const failing = async (b: WorkerBackend) => {
      throw new Error(`the ${b.name} backend failed to start in the worker`);
    };
    await feed(run, there, 100, () => run.toWorker('live.js', BACKEND, () => inProcessWorker(serveFrameRun, failing)));
    expect(run.where).toEqual({ runner: 'main', pending: null });
    expect(run.note).toBe("the run stays on the page's thread: the run's worker: the wasm backend failed to start in the worker");
    expectSame(there, here);
    await run.dispose();
  }, 300_000);
});
