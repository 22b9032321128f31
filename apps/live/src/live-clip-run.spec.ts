import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { extractFaceTrack, FaceDetector, FaceEmbedder, type FrameEmbedder, Mfcc, pixelRows } from '@mer/feature-extractors';
import { decodeAudio, folderFiles, locateFfmpeg } from '@mer/media';
import { ClipRun, extractDataset, readManifest, trainRun } from '@mer/pipelines';
import { bundleLivePage } from '../tools/page-bundle';
import { LiveClip, makeLiveClip } from '../tools/live-clip';
import { launchWithFakeDevices, openLivePage, pollRunList } from '../tools/live-browser';
import { LiveServer, startLiveServer } from './live-server';
import type { LiveClip as ScoredClip } from './page/live-clip-run';

// `mer live --run` with a clip run: AVT-CA (lite: the shipped face CNN's rows + MFCCs) trained here on
// RAVDESS-named cuts of the generated face clip, the page in headless Chromium seeing that face on its
// fake camera and hearing the clip's synthetic speech on its fake microphone.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-live-clip-run-'));
const run = path.join(dir, 'run');
const data = path.join(dir, 'ravdess');
let pageDir: string;
let clip: LiveClip;
let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  clip = await makeLiveClip(path.join(dir, 'clip'), null);
  const { ffmpeg } = locateFfmpeg();
  fs.mkdirSync(data);
  // Two actors, happy (03) and sad (04), two cuts each: 4 s of the face, the voice raised or lowered.
  for (const actor of ['01', '02']) {
    for (const [emotion, rate] of [['03', 1.25], ['04', 0.8]] as const) {
      for (const rep of ['01', '02']) {
        const out = path.join(data, `01-01-${emotion}-01-01-${rep}-${actor}.mp4`);
        const audio = `asetrate=${Math.round(48000 * rate)},aresample=48000,volume=${actor === '01' ? 1 : 0.6}`;
        execFileSync(ffmpeg, ['-loglevel', 'error', '-y', '-ss', rep === '01' ? '0.5' : '3', '-t', '4', '-i', clip.video, '-af', audio, '-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv444p', '-c:a', 'aac', out]);
      }
    }
  }
  await extractDataset({ pipeline: 'avt-ca', dataset: `ravdess:${data}`, split: 'speaker:02', out: path.join(dir, 'features'), preset: 'lite' });
  await trainRun({ features: path.join(dir, 'features'), out: run, preset: 'lite', training: { epochs: 2, batchSize: 4 } });
  pageDir = (await bundleLivePage(path.join(dir, 'page'), { minify: false })).dir;
  server = await startLiveServer({ port: 0, pageDir, run });
  browser = await launchWithFakeDevices(clip, [], { loopAudio: true });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Largest |page − mer extract| over a crop's values (0–255). Measured: 0 in all 45 crops of a run (the
 * generated clip's frames reach the fake camera as the same pixels); one level allows Chromium and
 * ffmpeg to round a colour conversion differently.
 */
const MAX_PIXEL_DIFF = 1;

/** Per coefficient, the mean over rows of [frames, k] MFCCs. */
function coefficientMeans(data: ArrayLike<number>, k: number): number[] {
  const rows = data.length / k;
  return Array.from({ length: k }, (_, j) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += data[r * k + j];
    return s / rows;
  });
}

/** Each of `clips`' face rows (15 a clip) is `offline`'s row (one frame of the still face) within `relative` of its largest value. */
function expectFaceRows(clips: ScoredClip[], stream: string, offline: Float32Array, relative: number): void {
  const dim = offline.length;
  const scale = Math.max(...Array.from(offline, Math.abs));
  for (const c of clips) {
    const rows = c.features[stream];
    for (let r = 0; r < 15; r++) {
      const diff = rows.slice(r * dim, (r + 1) * dim).reduce((m, v, j) => Math.max(m, Math.abs(v - offline[j])), 0);
      expect(diff / scale).toBeLessThanOrEqual(relative);
    }
  }
}

/** Each clip of `scored` has the run's probabilities, label and notes in Node on the page's rows, standardised with the clips before it and itself. */
async function expectNodeScores(runDir: string, clips: ScoredClip[], scored = clips): Promise<void> {
  const manifest = readManifest(runDir);
  const node = ClipRun.load(manifest, folderFiles(path.join(runDir, 'best')));
  try {
    const inputs = clips.map((c) => Object.fromEntries(Object.entries(c.features).map(([k, v]) => [k, { data: Float32Array.from(v), mask: Uint8Array.from(c.masks[k]), frames: c.frames[k] }])));
    for (const c of scored) {
      const k = clips.indexOf(c);
      const [s] = await node.score(inputs.slice(0, k + 1), { only: [k] });
      manifest.classes!.forEach((cls, j) => expect(Math.abs(c.probabilities[cls] - s.probabilities[j])).toBeLessThan(1e-4));
      expect(c.label).toBe(s.label);
      expect(c.notes).toEqual(s.notes);
    }
  } finally {
    node.dispose();
  }
}

/** Where the page scores its run, and why not in the worker: `['worker', null]` once the run's worker scores. */
async function runnerOf(page: Page): Promise<[string | null, string | null]> {
  return page.evaluate(() => (({ runner, runnerNote }) => [runner, runnerNote] as [string | null, string | null])((globalThis as unknown as { mer: { status(): { runner: string | null; runnerNote: string | null } } }).mer.status()));
}

/**
 * The first `count` clips the page scores with `runDir` served (`mer live --run`), once it scores them in
 * the run's worker and asked no other host; the page and its server are closed after.
 */
async function clipsOfRun(runDir: string, count: number): Promise<ScoredClip[]> {
  const runServer = await startLiveServer({ port: 0, pageDir, run: runDir });
  try {
    const { page, elsewhere, run: opened } = await openLivePage(browser, runServer.url);
    expect(opened).toBe('avt-ca');
    const clips = await pollRunList<ScoredClip>(page, 'clips', (cs) => cs.length >= count);
    expect(await runnerOf(page)).toEqual(['worker', null]);
    expect(elsewhere).toEqual([]);
    await page.close();
    return clips;
  } finally {
    await runServer.close();
  }
}

/** `mer extract`'s face row (`embedder`'s) of one frame of the still face: BlazeFace, the face row's margin, the embedder's side. */
async function offlineFaceRow(embedder: FrameEmbedder): Promise<Float32Array> {
  const detector = await FaceDetector.load();
  try {
    const offline = await extractFaceTrack(clip.video, detector, embedder, { frameIndices: [30] });
    expect(offline.mask[0]).toBe(1);
    return offline.features;
  } finally {
    detector.dispose();
  }
}

describe('mer live --run (an AVT-CA clip run in the page)', () => {
  it('scores the last 3.6 s of camera and microphone as the run scores the same rows in Node, with face rows as mer extract makes them', async () => {
    const manifest = readManifest(run);
    expect(manifest.streams.map((s) => s.extractor).sort()).toEqual(['blazeface+expression', 'mfcc']);
    const { page, elsewhere, run: opened } = await openLivePage(browser, server.url);
    expect(opened).toBe('avt-ca');
    const clips = await pollRunList<ScoredClip>(page, 'clips', (cs) => cs.length >= 3);
    expect(clips.length).toBeGreaterThanOrEqual(3);
    const video = manifest.streams.find((s) => s.extractor === 'blazeface+expression')!;
    const audio = manifest.streams.find((s) => s.extractor === 'mfcc')!;
    for (const c of clips) {
      // 15 frames over 3.6 s, every one showing the face; 156 MFCC rows of 3.6 s at 22.05 kHz.
      expect(c.frames).toEqual({ [video.name]: 15, [audio.name]: 156 });
      expect(c.faces).toBe(15);
      expect(c.end - c.start).toBeCloseTo(3.6, 6);
    }
    // A clip falls due 1.2 s after the last was handed over, on the next sampled frame (one every 0.24 s;
    // the page may fall behind by a frame or two), and waits there while the last is still being scored.
    const hops = clips.slice(1).map((c, i) => c.end - clips[i].end);
    hops.forEach((h, i) => {
      expect(h).toBeGreaterThan(1.15);
      expect(h - clips[i + 1].waited).toBeLessThan(1.6);
    });

    // The face rows are the `face` extractor's on the same pixels: the still face, detected and cut as
    // `mer extract` does, through the same CNN (on tfjs here, ONNX Runtime in Node).
    const embedder = await FaceEmbedder.load('expression');
    const offline = await offlineFaceRow(embedder).finally(() => embedder.dispose());
    expectFaceRows(clips, video.name, offline, 1e-3);

    // The MFCCs are the `mfcc` extractor's on the microphone's audio. Where in the looped 8 s file a
    // clip's 3.6 s fell is not known to the page, so each clip's per-coefficient means are matched to the
    // nearest of the file's own 3.6 s windows (every 0.1 s, decoded at 22.05 kHz by ffmpeg).
    const once = (await decodeAudio(clip.wav, { sampleRate: 22050 })).samples;
    const looped = new Float32Array(2 * once.length);
    looped.set(once);
    looped.set(once, once.length);
    const mfcc = new Mfcc();
    const windows: number[][] = [];
    for (let at = 0; at < once.length; at += 2205) windows.push(coefficientMeans((await mfcc.compute(looped.subarray(at, at + 79380))).data, 10));
    const nearest = clips.map((c) => {
      const got = coefficientMeans(c.features[audio.name], 10);
      return Math.min(...windows.map((w) => Math.max(...w.map((v, j) => Math.abs(v - got[j])))));
    });
    // Measured: 0.6–2.2 (Chromium's resampler is not ffmpeg's), where the file's windows spread over ~88 in c0.
    const spread = Math.max(...windows.map((w) => w[0])) - Math.min(...windows.map((w) => w[0]));
    expect(spread).toBeGreaterThan(20);
    for (const d of nearest) expect(d).toBeLessThan(5);

    // The page's probabilities are the run's on those rows, each clip standardised with the clips before it and itself.
    await expectNodeScores(run, clips);
    // The panel shows the newest clip's label (read together, as clips keep coming).
    const [panel, newest] = await page.evaluate(() => [document.getElementById('run-title')!.textContent, (globalThis as unknown as { mer: { clips(): { label: string }[] } }).mer.clips().at(-1)!.label]);
    expect(manifest.classes).toContain(newest);
    expect(panel).toBe(`avt-ca run: ${newest}`);
    // Scored in the run's worker (the page's thread only cuts the crops).
    expect(await runnerOf(page)).toEqual(['worker', null]);
    expect(elsewhere).toEqual([]);
    await page.close();
  }, 300_000);

  it("scores AVT-CA's paper preset (face crops through its EfficientFace-style branch): the crops cut as mer extract cuts them, the scores the run's in Node", async () => {
    // The paper preset on the same cuts, at a tiny size (32-pixel crops, a one-unit backbone) so that it trains here.
    const crops = path.join(dir, 'crops-features');
    const cropsRun = path.join(dir, 'paper-run');
    const CROP = 32;
    await extractDataset({ pipeline: 'avt-ca', dataset: `ravdess:${data}`, split: 'speaker:02', out: crops, extractor: { cropSize: CROP } });
    const TINY = { backbone: { stagesRepeats: [1, 1, 1], stagesOutChannels: [4, 8, 8, 8, 8] }, audioChannels: [8, 8, 8, 8], videoChannels: [8, 8, 8, 8], crossHeads: 2, dropout: 0 };
    await trainRun({ features: crops, out: cropsRun, model: TINY, training: { epochs: 2, batchSize: 4 } });
    const manifest = readManifest(cropsRun);
    const video = manifest.streams.find((s) => s.extractor === 'blazeface+pixels')!;
    expect(video).toMatchObject({ values: 'pixels', dim: CROP * CROP * 3 });
    const audio = manifest.streams.find((s) => s.extractor === 'mfcc')!;

    const clips = await clipsOfRun(cropsRun, 3);
    for (const c of clips) {
      expect(c.frames).toEqual({ [video.name]: 15, [audio.name]: 156 });
      expect(c.faces).toBe(15);
    }
    // Each crop is the face-crops extractor's on the same still face: 32 × 32, rounded to 0–255.
    const offline = await offlineFaceRow(pixelRows(CROP));
    const withCrops = clips.filter((c) => c.features[video.name]);
    expect(withCrops.length).toBeGreaterThanOrEqual(3);
    for (const c of withCrops) expect(c.features[video.name].every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    expectFaceRows(withCrops, video.name, offline, MAX_PIXEL_DIFF / 255);
    // The page's probabilities are the run's on those rows: the MFCCs of every clip so far give the statistics, the crops pass as pixels.
    await expectNodeScores(cropsRun, clips, withCrops);
  }, 400_000);

  it('scores a clip run on FaceRes face rows (--visual-model faceres): the server sends FaceRes for it, the rows are the ones mer extract makes', async () => {
    const features = path.join(dir, 'faceres-features');
    const faceresRun = path.join(dir, 'faceres-run');
    await extractDataset({ pipeline: 'avt-ca', dataset: `ravdess:${data}`, split: 'speaker:02', out: features, preset: 'lite', extractor: { visualModel: 'faceres' } });
    await trainRun({ features, out: faceresRun, preset: 'lite', training: { epochs: 2, batchSize: 4 } });
    const video = readManifest(faceresRun).streams.find((s) => s.extractor === 'blazeface+faceres')!;
    expect(video.dim).toBe(1024);
    const clips = await clipsOfRun(faceresRun, 2);
    for (const c of clips) expect(c.faces).toBe(15);
    // FaceRes on tfjs in the page's worker against ONNX Runtime in Node, on the same cut of the still face.
    const embedder = await FaceEmbedder.load('faceres');
    const offline = await offlineFaceRow(embedder).finally(() => embedder.dispose());
    expectFaceRows(clips, video.name, offline, 1e-3);
    await expectNodeScores(faceresRun, clips);
  }, 400_000);

  it('refuses, before serving, a clip run whose streams the page does not compute, naming the stream', async () => {
    const other = path.join(dir, 'crops-run');
    fs.mkdirSync(path.join(other, 'best'), { recursive: true });
    const m = readManifest(run);
    const streams = m.streams.map((s) => (s.extractor === 'mfcc' ? s : { ...s, extractor: 'blazeface+hub:microsoft/swin-base-patch4-window7-224' }));
    fs.writeFileSync(path.join(other, 'pipeline.json'), JSON.stringify({ ...m, streams }));
    await expect(startLiveServer({ port: 0, pageDir, run: other })).rejects.toThrow(/crops-run: mer live --run takes .* clip runs on blazeface\+expression or centre-crop\+expression \+ mfcc \(avt-ca --preset lite or features; blazeface\+faceres or centre-crop\+faceres with --visual-model faceres\) or on blazeface\+pixels or centre-crop\+pixels \+ mfcc \(avt-ca's paper preset: face crops\).*this run has its stream 'video' \(blazeface\+hub:microsoft\/swin-base-patch4-window7-224\): the page computes clip streams of blazeface\+expression, centre-crop\+expression, blazeface\+faceres, centre-crop\+faceres, blazeface\+pixels, centre-crop\+pixels and mfcc only/);
  });
});
