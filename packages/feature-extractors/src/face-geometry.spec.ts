import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { initBackend } from '@mer/backend';
import { locateFfmpeg, writeDisplayRotated } from '@mer/media';
import { DETECTION_WINDOWS, detectionWindows, extractFaceTrack, FaceDetector, FaceEmbedder, FaceTrack, minimumFaceSize, windowPixels } from './index';

// mer predict's face side (extractFaceTrack) on the same face stored in different ways: the portrait in
// human's FaceID screenshot (MIT, shipped in its npm package) drifting over a grey 640 × 360 canvas.
const portrait = path.join(path.dirname(require.resolve('@vladmandic/human')), '../assets/screenshot-faceid.jpg');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-face-geometry-'));
const ffmpeg = (args: string[]) => execFileSync(locateFfmpeg().ffmpeg, ['-loglevel', 'error', '-y', ...args]);
const lossless = ['-c:v', 'libx264', '-qp', '0', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

let detector: FaceDetector;
let embedder: FaceEmbedder;
let upright: string;
let reference: FaceTrack;

/** Row r's box [x, y, w, h] in the video's pixels. */
const box = (t: FaceTrack, r: number) => Array.from(t.faces.boxes.subarray(r * 4, r * 4 + 4));
const largestGap = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  detector = await FaceDetector.load();
  embedder = await FaceEmbedder.load('expression');
  upright = path.join(dir, 'upright.mp4');
  const filter = "[0]crop=160:160:4:132,scale=200:200[f];color=c=gray:s=640x360:r=10[bg];[bg][f]overlay=x='200+20*t':y=80:shortest=1,format=yuv420p[v]";
  ffmpeg(['-loop', '1', '-i', portrait, '-filter_complex', filter, '-map', '[v]', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', upright]);
  reference = await extractFaceTrack(upright, detector, embedder, { detectEvery: 5 });
  expect(Array.from(reference.mask).every((m) => m === 1)).toBe(true);
}, 60_000);
afterAll(() => {
  detector.dispose();
  embedder.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('where the detector looks', () => {
  it('the whole frame letterboxed; tiles only where the frame is larger than 16 × the minimum face', () => {
    expect(detectionWindows(640, 360)).toEqual([{ x: 0, y: 0, side: 640 }]);
    expect(detectionWindows(360, 640)).toEqual([{ x: 0, y: 0, side: 640 }]);
    expect(detectionWindows(1280, 720)).toEqual([{ x: 0, y: 0, side: 1280 }, { x: 0, y: 0, side: 720 }, { x: 560, y: 0, side: 720 }]);
    expect(detectionWindows(1280, 360).slice(1)).toEqual([0, 320, 640].map((x) => ({ x, y: 0, side: 640 })));
    expect(detectionWindows(1920, 1080)).toHaveLength(3);
    expect([minimumFaceSize(640, 360), minimumFaceSize(1280, 720), minimumFaceSize(1920, 1080)]).toEqual([40, 45, 67.5]);
    for (const [w, h] of [[1280, 360], [1280, 720], [1920, 1080], [4000, 300]]) {
      const [whole, ...tiles] = detectionWindows(w, h);
      // Every face the whole frame may miss (box < long side / 16) lies whole in some tile, with context.
      const missed = (whole.side * DETECTION_WINDOWS.minInputBox) / DETECTION_WINDOWS.inputSize;
      for (let x = 0; x + missed <= w; x += 7) expect(tiles.some((t) => t.x <= x && x + missed <= t.x + t.side)).toBe(true);
      for (const t of tiles) expect((t.side * DETECTION_WINDOWS.minInputBox) / DETECTION_WINDOWS.inputSize).toBeLessThanOrEqual(minimumFaceSize(w, h) + 1e-9);
    }
  });

  it('a window is the zero-padded frame resampled as resizeBilinear does (no corner alignment)', () => {
    const frame = { data: Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => 10 * i), width: 4, height: 2 };
    const out = windowPixels(frame, { x: 0, y: 0, side: 4 }, 2); // every other pixel of the 4 × 4 padded square
    expect(Array.from(out)).toEqual([0, 10, 20, 60, 70, 80, 0, 0, 0, 0, 0, 0]);
    const shifted = windowPixels(frame, { x: -1, y: 0, side: 2 }, 2); // left of the frame: zeros
    expect(Array.from(shifted)).toEqual([0, 0, 0, 0, 10, 20, 0, 0, 0, 120, 130, 140]);
  });
});

describe('mer predict: face tracks follow the face, not how the video was stored', () => {
  it('rotation metadata (phones): boxes in displayed pixels and the same features as the upright clip', async () => {
    const turned = await writeDisplayRotated(upright, path.join(dir, 'phone.mp4'), 270);
    const t = await extractFaceTrack(turned, detector, embedder, { detectEvery: 5 });
    expect(t.frames).toBe(reference.frames);
    for (let r = 0; r < t.frames; r++) expect(largestGap(box(t, r), box(reference, r))).toBeLessThanOrEqual(1);
    let worst = 0;
    t.features.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - reference.features[i]))));
    expect(worst).toBeLessThan(1e-3);
  });

  it('the same pixels padded to 1280 × 720 or to a 640 × 640 square: the same boxes, moved, and the same features (crops square in pixels)', async () => {
    for (const [w, h, dx, dy] of [[1280, 720, 320, 180], [640, 640, 0, 140]]) {
      const padded = path.join(dir, `padded-${w}x${h}.mp4`);
      ffmpeg(['-i', upright, '-vf', `pad=${w}:${h}:${dx}:${dy}`, ...lossless, padded]);
      const t = await extractFaceTrack(padded, detector, embedder, { detectEvery: 5 });
      expect(Array.from(t.mask).every((m) => m === 1)).toBe(true);
      for (let r = 0; r < t.frames; r++) {
        const [x, y, bw, bh] = box(reference, r);
        expect(largestGap(box(t, r), [x + dx, y + dy, bw, bh])).toBeLessThanOrEqual(6);
      }
      // Cosine similarity of each frame's features (the crops differ only by the boxes' few pixels).
      const cosine = Array.from({ length: t.frames }, (_, r) => {
        const [a, b] = [reference.features.subarray(r * t.dim, (r + 1) * t.dim), t.features.subarray(r * t.dim, (r + 1) * t.dim)];
        const dot = (u: Float32Array, v: Float32Array) => u.reduce((s, x, k) => s + x * v[k], 0);
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
      });
      expect(cosine.reduce((s, c) => s + c, 0) / cosine.length).toBeGreaterThan(0.93);
    }
  });

  it('two people side by side in 1280 × 360: the left and the right person each on ≥ 95 % of frames', async () => {
    const side = path.join(dir, 'side-by-side.mp4');
    ffmpeg(['-i', upright, '-filter_complex', '[0:v]split[a][b];[b]hflip[c];[a][c]hstack', ...lossless, side]);
    for (const select of ['left', 'right'] as const) {
      const t = await extractFaceTrack(side, detector, embedder, { detectEvery: 5, select });
      const onSide = Array.from({ length: t.frames }, (_, r) => box(t, r)).filter(([x, , w]) => (select === 'left' ? x + w / 2 < 640 : x + w / 2 > 640)); // NaN where no face
      expect(onSide.length).toBeGreaterThanOrEqual(0.95 * t.frames);
    }
  });
});
