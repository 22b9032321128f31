import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, memoryFiles } from '@mer/backend';
import type { PixelFrame } from '@mer/feature-extractors';
import { PageFaceRows } from './page-face-rows';
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
  files = { manifest, ...bestFiles(run), plan: kind.plan, faceGraph: humanGraph('emotion') };
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

  it('FaceRes rows in the worker: crops more than 0.5 s behind the newest are not embedded, the rows hold the last face, the notes say how many were', async () => {
    // The same run trained on FaceRes's rows of the centred square (1024-d).
    const demo = generateVaDemo({ dir: path.join(dir, 'va'), train: 2, test: 1, seconds: 3 });
    const p = await createPipeline('tcn-fusion', { preset: 'lite', extractor: { faces: 'none', visualModel: 'faceres' }, training: { epochs: 1, batchSize: 2, learningRate: 1e-3, window: { size: 24, hop: 12 } } });
    const faceresRun = path.join(dir, 'faceres-run');
    await p.fit(demo.filter((i) => i.split === 'train'), { runDir: faceresRun });
    p.dispose();
    const manifest = readManifest(faceresRun);
    const kind = liveRunKind(manifest);
    if (kind.kind !== 'frame') throw new Error(kind.kind === 'refused' ? kind.problem : `expected a frame run, got ${kind.kind}`);
    expect(kind.plan.face).toMatchObject({ source: 'centre', model: 'faceres' });
    const graph = humanGraph('faceres');
    const predictions: KeptPrediction[] = [];
    const run = await LiveFrameRun.create({ manifest, ...bestFiles(faceresRun), plan: kind.plan, faceGraph: graph }, 'worker', (q) => predictions.push(q));
    const errors: Error[] = [];
    run.onError = (e) => errors.push(e);
    // The first 7 s is held and comes to the worker at once: only the crops of its last 0.5 s are
    // embedded. Then 2 s more (the same frames and voice again, 7 s later) come one frame every 33 ms
    // (the worker here shares this thread, so these come no faster than it embeds them).
    let hear: (chunk: Float32Array, start: number) => void = () => undefined;
    run.listen({ samples: (cb: typeof hear) => (hear = cb) } as unknown as LiveAudio);
    const items = [...stream()];
    for (const item of items) {
      if ('chunk' in item) hear(item.chunk, 0);
      else await run.frame(item.frame, null, item.t);
    }
    await run.toWorker('live.js', BACKEND, () => inProcessWorker(serveFrameRun));
    const later = items.filter((i) => !('frame' in i) || i.t < 2).map((i) => ('frame' in i ? { ...i, t: i.t + 7 } : i));
    for (const item of later) {
      if ('chunk' in item) hear(item.chunk, 0);
      else {
        await run.frame(item.frame, null, item.t);
        await new Promise((r) => setTimeout(r, 1000 / 30));
      }
    }
    for (let waited = 0; predictions.length === 0 && waited < 120; waited++) await new Promise((r) => setTimeout(r, 1000));
    for (let last = -1; last !== predictions.length; ) {
      last = predictions.length;
      await new Promise((r) => setTimeout(r, 3000));
    }
    expect([errors.map((e) => e.message), run.where, run.note]).toEqual([[], { runner: 'worker', pending: null }, null]);
    expect(predictions.length).toBeGreaterThanOrEqual(3);
    const name = kind.plan.face!.name;
    // Each prediction says how many of the frames taken so far FaceRes embedded: of the held 7 s at most
    // its last 0.5 s (16 crops; fewer when the next frames come before they are reached), then some.
    const counts = predictions.map((q) => /FaceRes embedded (\d+) of (\d+) frames/.exec(q.notes.find((n) => n.startsWith(`${name}: FaceRes embedded`)) ?? '')?.slice(1).map(Number));
    const afterBurst = counts.find((c) => c && c[1] >= 210)!;
    expect(afterBurst[0]).toBeLessThanOrEqual(16 + afterBurst[1] - 210); // the burst's last 16 at most, and the frames after it
    const [embedded, of] = counts.at(-1)!;
    expect(embedded).toBeGreaterThanOrEqual(1);
    expect(embedded).toBeLessThan(of);
    const newestP = predictions.at(-1)!;
    expect(newestP.time).toBeGreaterThan(7);
    // The newest row holds FaceRes's embedding (224 × 224 centred square) of a frame of the 0.5 s before it.
    const frames = later.filter((i): i is { frame: PixelFrame; t: number } => 'frame' in i);
    const candidates = frames.filter((f) => f.t <= newestP.time + 0.5 / 30 && f.t >= newestP.time - 0.5);
    const faceres = await PageFaceRows.create(graph, 'faceres');
    const rows = newestP.window[name];
    expect(rows.mask[rows.frames - 1]).toBe(1);
    const newest = rows.data.slice((rows.frames - 1) * 1024, rows.frames * 1024);
    const distances: number[] = [];
    for (const f of candidates) {
      const expected = await faceres.row(f.frame, null, f.t, 'centre');
      const scale = Math.max(...Array.from(expected.data, Math.abs));
      distances.push(Math.max(...Array.from(newest, (v, j) => Math.abs(v - expected.data[j]))) / scale);
    }
    faceres.dispose();
    expect(Math.min(...distances)).toBeLessThan(1e-5);
    // Held: rows of neighbouring frames repeat the face (fewer distinct rows than frames).
    const distinct = new Set(Array.from({ length: rows.frames }, (_, r) => rows.data.slice(r * 1024, r * 1024 + 4).join()));
    expect(distinct.size).toBeLessThan(rows.frames);
    await run.dispose();
  }, 300_000);

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
