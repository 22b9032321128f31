import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import type { PixelFrame } from '@mer/feature-extractors';
import { folderFiles } from '@mer/media';
import { ClipRows, ClipRun, createPipeline, DEMO_CLASSES, generateClassDemo, readManifest } from '@mer/pipelines';
import { inProcessWorker } from '../../tools/in-process-worker';
import { bestFiles, humanGraph } from '../../tools/run-files-on-disk';
import { ClipRunFiles, serveClipRun } from './clip-run-worker';
import type { KeptClip } from './clip-score';
import { LiveClipRun } from './live-clip-run';
import { liveRunKind } from './live-run-kind';
import type { WorkerBackend } from './page-backend';

// A clip run (AVT-CA lite on the centred square's face rows and MFCCs) fed a stream of frames and
// samples, scored in its worker (the page holds the feed until the worker is ready) and on this thread.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-clip-run-worker-'));
const BACKEND: WorkerBackend = { name: 'wasm', wasmBase: 'http://127.0.0.1:1/wasm/' };
const RATE = 22050;
let files: ClipRunFiles;
let run: string;

/** `seconds` of 30 fps frames (random pixels, fixed seed) and a tone at 22.05 kHz in 1024-sample blocks, in the page's order. */
function* stream(seconds: number): Generator<{ block: Float32Array } | { frame: PixelFrame; t: number }> {
  let seed = 11;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const x = Float32Array.from({ length: seconds * RATE }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 180 * i) / RATE) * (1 + 0.5 * Math.sin((2 * Math.PI * 2 * i) / RATE)) + 0.01 * (rand() - 0.5));
  let heard = 0;
  for (let k = 0; k < seconds * 30; k++) {
    const t = k / 30;
    for (; heard + 1024 <= Math.min(x.length, t * RATE); heard += 1024) yield { block: x.slice(heard, heard + 1024) };
    yield { frame: { data: Uint8Array.from({ length: 96 * 64 * 3 }, () => Math.floor(rand() * 256)), width: 96, height: 64 }, t };
  }
}

/**
 * Feeds the stream as the page does, each frame a task of its own (so the worker's messages come
 * between frames), `between` called at the first frame at or after `at` seconds; then waits until no
 * more clips come.
 */
async function feed(live: LiveClipRun, clips: KeptClip[], seconds: number, at = Infinity, between: () => Promise<void> = async () => undefined): Promise<void> {
  let called = false;
  for (const item of stream(seconds)) {
    if ('block' in item) {
      live.hear(item.block);
      continue;
    }
    if (!called && item.t >= at) {
      called = true;
      await between();
    }
    await live.frame(item.frame, null, item.t);
    await new Promise((r) => setImmediate(r));
  }
  for (let last = -1; last !== clips.length; ) {
    last = clips.length;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

/** Each clip's probabilities are the run's in Node on the clip's own rows, standardised with the clips before it. */
async function expectRunScores(clips: KeptClip[]): Promise<void> {
  const node = ClipRun.load(files.manifest, folderFiles(path.join(run, 'best')));
  try {
    const inputs = clips.map((c) => Object.fromEntries(Object.entries(c.features).map(([k, v]): [string, ClipRows] => [k, { data: v, mask: c.masks[k], frames: c.frames[k] }])));
    for (const [k, c] of clips.entries()) {
      const [s] = await node.score(inputs.slice(0, k + 1), { only: [k] });
      files.manifest.classes!.forEach((cls, j) => expect(Math.abs(c.probabilities[cls] - s.probabilities[j])).toBeLessThan(1e-6));
      expect(c.clips).toBe(k + 1);
    }
  } finally {
    node.dispose();
  }
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  run = path.join(dir, 'run');
  const p = await createPipeline('avt-ca', { preset: 'lite', classes: DEMO_CLASSES, extractor: { faces: 'none' }, training: { epochs: 1, batchSize: 4 } });
  await p.fit(generateClassDemo({ dir: path.join(dir, 'cls'), perClassTrain: 1, perClassTest: 0 }), { runDir: run });
  p.dispose();
  const manifest = readManifest(run);
  const kind = liveRunKind(manifest);
  if (kind.kind !== 'clip') throw new Error(`expected a clip run, got ${kind.kind}`);
  files = { manifest, ...bestFiles(run), plan: kind.plan, faceGraph: humanGraph('emotion') };
}, 300_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("a clip run's worker (the page holds crops and clips until the worker has the run open)", () => {
  it('scores one clip at a time: the clips due while the worker opens wait (none queued), then each is the run’s score on its rows', async () => {
    const clips: KeptClip[] = [];
    const started: WorkerBackend[] = [];
    const errors: Error[] = [];
    const live = await LiveClipRun.create(files, 'worker', (c) => clips.push(c));
    live.onError = (e) => errors.push(e);
    expect(live.where).toEqual({ runner: 'worker', pending: "the run's worker is waiting for the first result" });
    // 10 s: the first clip is handed over once 3.6 s have been heard; the worker starts at 7 s, so the
    // clips due from 4.8 s on wait behind the first instead of queueing.
    await feed(live, clips, 10, 7, async () => {
      expect(clips).toHaveLength(0);
      expect(live.late).toBeGreaterThan(0);
      await live.toWorker('live.js', BACKEND, () => inProcessWorker(serveClipRun, async (b) => void started.push(b)));
    });
    expect([live.where, live.note, errors, started]).toEqual([{ runner: 'worker', pending: null }, null, [], [BACKEND]]);
    // The first clip ends at the first sampled frame (every 0.24 s) with 3.6 s heard; the next once the
    // first was scored (after 7 s), then every 1.2 s or more.
    expect(clips.length).toBeGreaterThanOrEqual(3);
    expect(clips[0].end).toBeGreaterThanOrEqual(3.6);
    expect(clips[0].end).toBeLessThan(3.6 + 0.25);
    expect(clips[1].end).toBeGreaterThanOrEqual(7);
    // The second clip fell due 1.2 s after the first (on the next sampled frame) and says how long it waited.
    expect(clips[0].waited).toBe(0);
    expect(clips[1].end - clips[1].waited).toBeGreaterThanOrEqual(clips[0].end + 1.2 - 1e-9);
    expect(clips[1].end - clips[1].waited).toBeLessThan(clips[0].end + 1.2 + 0.25);
    clips.slice(1).forEach((c, i) => expect(c.end - clips[i].end).toBeGreaterThanOrEqual(1.2 - 1e-9));
    for (const c of clips) expect(c.frames).toEqual(Object.fromEntries(files.manifest.streams.map((s) => [s.name, s.extractor === 'mfcc' ? 156 : 15])));
    await expectRunScores(clips);
    await live.dispose();
  }, 300_000);

  it('a worker that cannot start the backend leaves the run on the page thread, with the held feed and the reason', async () => {
    const clips: KeptClip[] = [];
    const live = await LiveClipRun.create(files, 'worker', (c) => clips.push(c));
    const failing = async (b: WorkerBackend) => {
      throw new Error(`the ${b.name} backend failed to start in the worker`);
    };
    await feed(live, clips, 6, 3, () => live.toWorker('live.js', BACKEND, () => inProcessWorker(serveClipRun, failing)));
    expect(live.where).toEqual({ runner: 'main', pending: null });
    expect(live.note).toBe("the run stays on the page's thread: the run's worker: the wasm backend failed to start in the worker");
    expect(clips.length).toBeGreaterThanOrEqual(1);
    await expectRunScores(clips);
    await live.dispose();
  }, 300_000);
});
