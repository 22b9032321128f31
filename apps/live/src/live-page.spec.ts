import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { analyze, AnalyzedFile } from '@mer/pipelines';
import { EXPRESSION_CLASSES } from '@mer/feature-extractors';
import { bundleLivePage } from '../tools/page-bundle';
import { LiveClip, makeLiveClip } from '../tools/live-clip';
import { launchWithFakeDevices, PageStatus, recordOtherHosts, waitForPage } from '../tools/live-browser';
import { LIVE_COLUMNS, LiveRow } from './live-columns';
import { LiveServer, startLiveServer } from './live-server';

// The page in headless Chromium (the system's, driven by puppeteer-core), its camera and microphone
// playing a clip (the real talking clip in ../shared when present, else a generated face and voice),
// compared with `mer analyze` on the same clip.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-live-'));
let clip: LiveClip;
let analyzed: AnalyzedFile;
let analyzedHeader: string;
let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  const page = await bundleLivePage(path.join(dir, 'page'), { minify: false });
  server = await startLiveServer({ port: 0, pageDir: page.dir });
  // MER_LIVE_CLIP=generated: the generated clip even where the real one is present (what CI without ../shared runs).
  clip = await makeLiveClip(path.join(dir, 'clip'), process.env.MER_LIVE_CLIP === 'generated' ? null : undefined);
  const r = await analyze([clip.video], { out: path.join(dir, 'analyze') });
  if (r.failed.length) throw new Error(`mer analyze failed on ${clip.video}: ${r.failed[0].error}`);
  analyzed = r.files[0];
  analyzedHeader = fs.readFileSync(analyzed.csv, 'utf8').split('\n')[0];
  // The audio loops with the video: the rows start when the models are ready, on a busy machine seconds in.
  browser = await launchWithFakeDevices(clip, [], { loopAudio: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('mer live in headless Chromium (fake camera + microphone)', () => {
  it('finds the face, agrees with mer analyze within 0.05 per class, hears the speech, asks no other host, exports analyze CSV columns', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 760 });
    const elsewhere = recordOtherHosts(page, server.url);
    await page.goto(`${server.url}?backend=wasm`);
    // Silero VAD opens and BlazeFace's worker starts after the first result; detection moves to the worker once it has BlazeFace open.
    const ready = await waitForPage(page, (s) => s.models === 'ready' && s.frames > 0 && s.startMs?.vad !== undefined && s.detector === 'worker', 120_000);
    expect(ready.backend).toBe('wasm');
    // tfjs-wasm runs mer's SIMD kernels in the page as in Node (one thread: its heap is not shared).
    expect(ready.kernels).toBe('mer');
    expect(ready.detectorNote).toBeNull();
    expect(ready.frameRead).toBe('VideoFrame');
    // Where the cold start went (ms from navigation start): the steps in order, the first result after the models and the first frame.
    const start = ready.startMs ?? {};
    expect(Object.keys(start).sort()).toEqual(['backend', 'detector', 'devices', 'models', 'modelsFetched', 'script', 'vad', 'video', 'worker']);
    expect(start.script).toBeLessThanOrEqual(start.backend);
    expect(start.backend).toBeLessThanOrEqual(start.modelsFetched);
    expect(start.modelsFetched).toBeLessThanOrEqual(start.detector);
    expect(start.detector).toBeLessThanOrEqual(start.models);
    expect(start.devices).toBeLessThanOrEqual(start.video);
    expect(ready.firstResultMs).toBeGreaterThanOrEqual(Math.max(start.models, start.video));
    expect(start.vad).toBeGreaterThan(start.models);
    expect(start.worker).toBeGreaterThan(start.models);
    // The fake camera and microphone loop the clip: two passes of rows for the expression means (a busy
    // machine processes fewer frames), the first pass for the audio.
    // The README's screenshot, taken mid-utterance: MER_LIVE_SCREENSHOT=docs/live.png writes it there.
    const shot = process.env.MER_LIVE_SCREENSHOT ? path.resolve(__dirname, '../../..', process.env.MER_LIVE_SCREENSHOT) : path.join(dir, 'live.png');
    // The passes are counted from the hand-off: before it the page is still starting (the worker and the
    // VAD load beside it) and processes few frames, unevenly over the clip, which skews the means by up to 0.07.
    const readRows = async () => (await page.evaluate(() => (globalThis as unknown as { mer: { rows(): unknown[] } }).mer.rows())) as LiveRow[];
    const lastTime = (rows: LiveRow[]) => (rows.length ? Number(rows[rows.length - 1].timestamp) : 0);
    const from = lastTime(await readRows());
    const t0 = Date.now();
    let rows: LiveRow[] = [];
    while (Date.now() - t0 < 240_000) {
      rows = await readRows();
      const last = lastTime(rows) - from;
      if (last >= 0.6 * clip.seconds && !fs.existsSync(shot)) await page.screenshot({ path: shot as `${string}.png` });
      if (last >= 2 * clip.seconds) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const passes = rows.filter((r) => Number(r.timestamp) > from && Number(r.timestamp) < from + 2 * clip.seconds);
    const pass = passes.filter((r) => Number(r.timestamp) < from + clip.seconds);
    expect(pass.length).toBeGreaterThanOrEqual(10);
    const withFace = passes.filter((r) => r.success === 1);
    expect(withFace.length / passes.length).toBeGreaterThanOrEqual(0.95);
    // The same models and geometry as analyze: the class means over the passes match analyze's over the file.
    const means = EXPRESSION_CLASSES.map((c) => withFace.reduce((s, r) => s + Number(r[c]), 0) / withFace.length);
    means.forEach((m, k) => expect(Math.abs(m - analyzed.meanProbabilities[k])).toBeLessThanOrEqual(0.05));
    // Speech during the utterance, as analyze finds on the file.
    expect(analyzed.speechFraction).toBeGreaterThan(0.1);
    const speaking = pass.filter((r) => Number(r.speech_prob) > 0.5);
    expect(speaking.length).toBeGreaterThan(0);
    // Prosody from the microphone while speaking: loud, and voiced (F0 in the voice's range) on some rows.
    expect(speaking.filter((r) => Number(r.loudness) > 0.1).length).toBeGreaterThan(speaking.length / 2);
    expect(speaking.filter((r) => Number(r.f0_hz) > 75 && Number(r.f0_hz) < 400).length).toBeGreaterThan(0);
    expect(elsewhere).toEqual([]);
    // The watch sees a request to another host, which the test browser cannot resolve.
    const other = 'http://mer-live-test.invalid/probe';
    expect(await page.evaluate((url) => fetch(url).then(() => 'reached', () => 'refused'), other)).toBe('refused');
    expect(elsewhere).toEqual([other]);
    // Export: analyze's header and one line per row.
    const csv = (await page.evaluate(() => (globalThis as unknown as { mer: { download(): string } }).mer.download())) as string;
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(analyzedHeader);
    expect(lines[0]).toBe(LIVE_COLUMNS.join(','));
    expect(lines.length).toBeGreaterThan(passes.length);
    expect(lines[1].split(',')).toHaveLength(LIVE_COLUMNS.length);
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    // The page reads frames through VideoFrame (copied out as RGBA): the very pixels its fallback, a 2D canvas, reads.
    const read = await page.evaluate(async () => {
      const video = document.getElementById('video') as HTMLVideoElement;
      video.pause();
      await new Promise((r) => setTimeout(r, 100));
      const frame = new VideoFrame(video);
      const options: VideoFrameCopyToOptions = { format: 'RGBA', colorSpace: 'srgb' };
      const copied = new Uint8Array(frame.allocationSize(options));
      await frame.copyTo(copied, options);
      const [width, height] = [frame.displayWidth, frame.displayHeight];
      frame.close();
      const g = Object.assign(document.createElement('canvas'), { width, height }).getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
      g.drawImage(video, 0, 0, width, height);
      const drawn = g.getImageData(0, 0, width, height).data;
      let maxDiff = 0;
      for (let i = 0; i < drawn.length; i++) if (i % 4 !== 3) maxDiff = Math.max(maxDiff, Math.abs(copied[i] - drawn[i]));
      return { width, height, maxDiff };
    });
    expect(read).toEqual({ width: 640, height: 360, maxDiff: 0 });
    await page.close();
  }, 420_000);

  it('auto takes wasm over a software WebGPU adapter (SwiftShader here), and says why', async () => {
    const withWebGpu = await launchWithFakeDevices(null, ['--enable-unsafe-webgpu']);
    try {
      const page = await withWebGpu.newPage();
      await page.goto(server.url);
      const s = (await waitForPage(page, (st) => st.backend !== null, 60_000)) as PageStatus & { backendReason: string };
      const adapter = await page.evaluate(async () => Boolean(await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
      expect(s.backend).toBe('wasm');
      // With an adapter the reason names it as software; a Chromium without one says so instead.
      expect(s.backendReason).toMatch(adapter ? /^wasm: software adapter/ : /^wasm: (no navigator\.gpu|navigator\.gpu gave no adapter)/);
    } finally {
      await withWebGpu.close();
    }
  }, 120_000);

  it('a model the server cannot give makes the page report that file, not run without it', async () => {
    const page = await browser.newPage();
    await page.setRequestInterception(true);
    page.on('request', (req) => (req.url().endsWith('/models/emotion.bin') ? void req.respond({ status: 404, body: 'gone' }) : void req.continue()));
    await page.goto(server.url);
    await expect(waitForPage(page, () => false, 120_000)).rejects.toThrow(/models\/emotion\.bin: HTTP 404/);
    await page.close();
  }, 180_000);
});
