import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { readVideoFrames } from '@mer/media';
import { FaceDetector } from '../face-detector';
import { noseMouthAngle } from './aligned-crops';
import { ExpressionClassifier } from './expression-classifier';
import { humanReference, ReferenceDetect } from './fixtures/human-reference';

const clips = path.resolve(__dirname, '../../../../../shared/data/clips');
// A real face that ships with the project: the portrait in human's own FaceID screenshot (MIT).
const portrait = path.join(path.dirname(require.resolve('@vladmandic/human')), '../assets/screenshot-faceid.jpg');

let reference: ReferenceDetect;
let detector: FaceDetector;
let classifier: ExpressionClassifier;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  reference = await humanReference();
  detector = await FaceDetector.load({ letterbox: false });
  classifier = await ExpressionClassifier.load();
}, 60_000);

afterAll(() => {
  detector.dispose();
  classifier.dispose();
});

/** Largest |mer − human| over the classes of every frame where both see a face, and how many such frames. */
async function compare(frames: tf.Tensor3D[]): Promise<{ worst: number; compared: number; tilts: number[] }> {
  let worst = 0;
  let compared = 0;
  const tilts: number[] = [];
  for (const frame of frames) {
    const theirs = await reference(tf.expandDims(frame, 0));
    const faces = await detector.detect(frame);
    if (!theirs || faces.length === 0) continue;
    tilts.push(noseMouthAngle(faces[0], frame.shape[1], frame.shape[0]));
    const crops = classifier.crops(frame, [faces[0]], 'reference');
    const probabilities = await classifier.classify(crops);
    const ours = await probabilities.data();
    tf.dispose([crops, probabilities]);
    theirs.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - ours[c]))));
    compared++;
  }
  return { worst, compared, tilts };
}

async function decode(file: string, every: number): Promise<tf.Tensor3D[]> {
  const frames: tf.Tensor3D[] = [];
  // As `mer analyze` decodes: upright, at the displayed size.
  for await (const b of readVideoFrames(file)) {
    const size = b.height * b.width * 3;
    for (let i = 0; i < b.count; i++) {
      if ((b.firstIndex + i) % every === 0) frames.push(tf.tensor3d(b.data.slice(i * size, (i + 1) * size), [b.height, b.width, 3], 'int32'));
    }
  }
  return frames;
}

describe("expression probabilities equal @vladmandic/human's own detect() with the same model", () => {
  it('a real portrait, upright and tilted both ways (the tilts make both pipelines turn the face upright)', async () => {
    const [image] = await decode(portrait, 1);
    const tilted = [0, 0.35, -0.35].map((a) =>
      tf.tidy(() => (a === 0 ? image.clone() : (tf.cast(tf.squeeze(tf.image.rotateWithOffset(tf.expandDims(tf.cast(image, 'float32'), 0) as tf.Tensor4D, a, 0, [0.1, 0.35]), [0]), 'int32') as tf.Tensor3D))),
    );
    const r = await compare(tilted);
    expect(r.compared).toBe(3);
    expect(Math.abs(r.tilts[0])).toBeLessThan(0.2); // upright: no turn
    expect(Math.min(Math.abs(r.tilts[1]), Math.abs(r.tilts[2]))).toBeGreaterThan(0.2); // tilted: both turn it
    // human truncates its scores to 2 decimals: 0.01 of the 0.02 is that.
    expect(r.worst).toBeLessThanOrEqual(0.02);
    tf.dispose([image, ...tilted]);
  }, 60_000);

  const real = fs.existsSync(clips) ? ['talking-utterance.mp4', 'ravdess-01-01-01-01-01-01-01.mp4'] : [];
  for (const clip of real) {
    it(`the real clip ${clip}, every 5th frame`, async () => {
      const frames = await decode(path.join(clips, clip), 5);
      const r = await compare(frames);
      expect(r.compared).toBeGreaterThanOrEqual(frames.length * 0.95);
      expect(r.worst).toBeLessThanOrEqual(0.02);
      tf.dispose(frames);
    }, 120_000);
  }
});
