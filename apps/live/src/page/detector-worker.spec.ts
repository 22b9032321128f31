import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { locateFfmpeg } from '@mer/media';
import { EXPRESSION_DETECTION, FaceDetector, graphModelArtifacts, GraphModelJson, graphModelShardPaths } from '@mer/feature-extractors';
import { serveDetector, WorkerDetector } from './detector-worker';
import type { WorkerBackend } from './page-backend';

const HUMAN = path.join(path.dirname(path.dirname(require.resolve('@vladmandic/human'))), 'models');
const PORTRAIT = path.join(path.dirname(require.resolve('@vladmandic/human')), '../assets/screenshot-faceid.jpg');

/** BlazeFace's graph as the page fetches it. */
function blazeface() {
  const json = JSON.parse(fs.readFileSync(path.join(HUMAN, 'blazeface.json'), 'utf8')) as GraphModelJson;
  return graphModelArtifacts(json, graphModelShardPaths(json).map((p) => new Uint8Array(fs.readFileSync(path.join(HUMAN, p)))));
}

/** The backends the in-process workers were asked to start (this process' wasm backend is already running). */
const started: WorkerBackend[] = [];
const BACKEND: WorkerBackend = { name: 'wasm', wasmBase: 'http://127.0.0.1:1/wasm/' };

/**
 * A worker in this process: messages go both ways structured-cloned and asynchronously, as postMessage
 * does. `startBackend` stands in for the worker's own backend start.
 */
function inProcessWorker(startBackend = async (b: WorkerBackend) => void started.push(b)): Worker {
  const scope = { onmessage: null as ((e: MessageEvent) => void) | null, postMessage: (reply: unknown) => setTimeout(() => page.onmessage?.({ data: structuredClone(reply) } as MessageEvent)) };
  const page = {
    onmessage: null as ((e: MessageEvent) => void) | null,
    onerror: null,
    postMessage: (request: unknown) => setTimeout(() => scope.onmessage?.({ data: structuredClone(request) } as MessageEvent)),
    terminate: () => undefined,
  };
  // The bundle evaluates after the page has made the worker: it answers from then on.
  setTimeout(() => serveDetector(scope, startBackend));
  return page as unknown as Worker;
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe("BlazeFace in the page's worker (the page fetches the graph, the worker starts the page's backend, opens and runs it)", () => {
  it('finds on a frame the faces the page-thread detector finds, in the same geometry', async () => {
    const raw = execFileSync(locateFfmpeg().ffmpeg, ['-loglevel', 'error', '-i', PORTRAIT, '-vf', 'scale=640:360', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const frame = { data: new Uint8Array(raw), width: 640, height: 360 };
    const before = frame.data.slice();
    const worker = WorkerDetector.spawn('live.js', () => inProcessWorker());
    expect(worker.stage).toBe('loading its script');
    await worker.open(blazeface(), 'models/blazeface.json', BACKEND);
    expect(worker.stage).toBe('ready');
    expect(started).toEqual([BACKEND]);
    const here = await FaceDetector.load({ model: blazeface(), letterbox: false, runtime: 'tfjs' });
    const expected = await here.detectPixels(frame, { geometry: EXPRESSION_DETECTION.eyes, largest: true });
    const [a, b] = await Promise.all([worker.detect(frame, EXPRESSION_DETECTION.eyes), worker.detect(frame, EXPRESSION_DETECTION.eyes)]);
    expect(expected.length).toBeGreaterThanOrEqual(1);
    expect(a.faces).toEqual(expected);
    expect(b.faces).toEqual(expected);
    expect(a.ms).toBeGreaterThan(0);
    expect(frame.data).toEqual(before); // the page keeps its frame (a copy goes to the worker)
    here.dispose();
    worker.dispose();
  });

  it('a graph the worker cannot open, or a backend it cannot start, rejects naming it', async () => {
    const broken = WorkerDetector.spawn('live.js', () => inProcessWorker());
    await expect(broken.open({ ...blazeface(), weightData: new ArrayBuffer(12) }, 'models/blazeface.json', BACKEND)).rejects.toThrow(/^the face detector's worker: models\/blazeface\.json: .*should have \d+ values/);
    broken.dispose();
    const failing = async (b: WorkerBackend) => {
      throw new Error(`the ${b.name} backend failed to start in the worker`);
    };
    const noBackend = WorkerDetector.spawn('live.js', () => inProcessWorker(failing));
    await expect(noBackend.open(blazeface(), 'models/blazeface.json', BACKEND)).rejects.toThrow("the face detector's worker: the wasm backend failed to start in the worker");
    noBackend.dispose();
  });
});
