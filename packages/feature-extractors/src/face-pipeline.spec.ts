import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { generateTestClip, probe } from '@mer/media';
import { extractFaceTrack, FaceDetector, FaceEmbedder, humanModelPath, loadGraphModelFromFile } from './index';

let dir: string;
let detector: FaceDetector;
let expression: FaceEmbedder;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-faces-'));
  detector = await FaceDetector.load();
  expression = await FaceEmbedder.load('expression');
});
afterAll(() => {
  detector.dispose();
  expression.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('shipped pretrained face models on mer’s tfjs', () => {
  it('load from the files inside @vladmandic/human; a missing file or shard is a clear error', async () => {
    expect(fs.existsSync(humanModelPath('blazeface'))).toBe(true);
    await expect(loadGraphModelFromFile(path.join(dir, 'none.json'))).rejects.toThrow(/none.json: model file not found/);
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, fs.readFileSync(humanModelPath('emotion')));
    await expect(loadGraphModelFromFile(broken)).rejects.toThrow(/weight shard emotion.bin is missing/);
  });

  it('the detector finds no face in synthetic test patterns (no false positives), boxes stay normalised', async () => {
    for (const src of ['testsrc', 'smptebars', 'rgbtestsrc']) {
      const frame = tf.tidy(() => tf.cast(tf.mul(tf.randomUniform([240, 320, 3], 0, 1, 'float32', 1), 255), 'int32')) as tf.Tensor3D;
      expect(await detector.detect(frame)).toEqual([]);
      frame.dispose();
      const clip = generateTestClip(path.join(dir, `${src}.mp4`), { seconds: 0.4, fps: 10, width: 320, height: 240, videoSource: src, toneHz: false });
      const track = await extractFaceTrack(clip, detector, expression, { detectEvery: 1 });
      expect(track.mask.every((m) => m === 0)).toBe(true);
    }
  });

  it('embedders: expression 256-d (64×64 grayscale), faceres 1024-d (crop sides known before opening); finite, input-dependent', async () => {
    expect(expression.dim).toBe(256);
    const faceres = await FaceEmbedder.load('faceres');
    expect(faceres.dim).toBe(1024);
    for (const e of [expression, faceres]) {
      expect(FaceEmbedder.inputSizeOf(e.name)).toBe(e.inputSize);
      const crops = tf.mul(tf.randomUniform([2, e.inputSize, e.inputSize, 3], 0, 1, 'float32', 2), 255) as tf.Tensor4D;
      const out = await e.embed(crops);
      expect(out.shape).toEqual([2, e.dim]);
      const v = out.dataSync();
      expect(Array.from(v).every(Number.isFinite)).toBe(true);
      expect(Array.from(v.slice(0, e.dim)).some((x, i) => Math.abs(x - v[e.dim + i]) > 1e-6)).toBe(true);
      tf.dispose([crops, out]);
    }
    faceres.dispose();
    await expect(FaceEmbedder.load('swin' as never)).rejects.toThrow(/unknown model 'swin'/);
  });

  it('a face track stays aligned to the decoded frames and masks frames without a face', async () => {
    const clip = generateTestClip(path.join(dir, 'clip.mp4'), { seconds: 1.2, fps: 25, width: 160, height: 120 });
    const counted = await probe(clip, { countFrames: true });
    const track = await extractFaceTrack(clip, detector, expression, { detectEvery: 3, batchSize: 7 });
    expect(track.frames).toBe(counted.video?.frameCount);
    expect(track.features.length).toBe(track.frames * 256);
    expect(track.boxes).toHaveLength(track.frames);
    expect(track.fps).toBe(25);
    expect(Array.from(track.features).every((v) => v === 0)).toBe(true); // no face → zeros + mask 0
  });
});
