import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { alignedCrops, eyeLineAngle } from './aligned-crops';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Row of the brightest pixel's centroid in columns [c0, c1) of an [S, S, 3] crop. */
function spotRow(crop: Float32Array, size: number, c0: number, c1: number): number {
  let sum = 0;
  let weight = 0;
  for (let y = 0; y < size; y++) {
    for (let x = c0; x < c1; x++) {
      const v = crop[(y * size + x) * 3];
      if (v > 100) {
        sum += y * v;
        weight += v;
      }
    }
  }
  return sum / weight;
}

describe('face crops turned upright by the eye line', () => {
  it('two "eyes" on a slope end up level in the crop', async () => {
    const size = 100;
    const img = new Int32Array(size * size * 3);
    const dot = (cx: number, cy: number) => {
      for (let y = cy - 2; y <= cy + 2; y++) for (let x = cx - 2; x <= cx + 2; x++) img.set([255, 255, 255], (y * size + x) * 3);
    };
    dot(30, 40); // right eye (image left)
    dot(70, 60); // left eye, 20 px lower: the head is tilted
    const frame = tf.tensor3d(img, [size, size, 3], 'int32');
    const face = { box: [0.2, 0.2, 0.8, 0.8] as [number, number, number, number], keypoints: [[0.3, 0.4], [0.7, 0.6]] as [number, number][] };
    expect(eyeLineAngle(face, size, size)).toBeCloseTo(Math.atan2(20, 40), 6);
    const tilted = tf.image.cropAndResize(tf.expandDims(tf.cast(frame, 'float32'), 0) as tf.Tensor4D, [[0.2, 0.2, 0.8, 0.8]], [0], [60, 60]);
    const before = (await tilted.data()) as Float32Array;
    expect(spotRow(before, 60, 30, 60) - spotRow(before, 60, 0, 30)).toBeGreaterThan(15);
    const crops = alignedCrops(frame, [face], 60, { scale: 1 });
    expect(crops.shape).toEqual([1, 60, 60, 3]);
    const after = (await crops.data()) as Float32Array;
    expect(Math.abs(spotRow(after, 60, 30, 60) - spotRow(after, 60, 0, 30))).toBeLessThan(1.5);
    tf.dispose([frame, tilted, crops]);
  });
});

describe('crops from the face’s neighbourhood equal crops from the whole frame', () => {
  /** The plain computation: rotate the whole frame, cut at `via`, resize to 64 (human's pipeline). */
  function wholeFrame(frame: tf.Tensor3D, box: [number, number, number, number], angle: number): tf.Tensor4D {
    const [h, w] = frame.shape;
    return tf.tidy(() => {
      const half = (Math.max((box[2] - box[0]) * w, (box[3] - box[1]) * h) * 1.4) / 2;
      const [l, t, r, b] = [((box[0] + box[2]) / 2) * w - half, ((box[1] + box[3]) / 2) * h - half, ((box[0] + box[2]) / 2) * w + half, ((box[1] + box[3]) / 2) * h + half].map(Math.round);
      const image = tf.expandDims(tf.cast(frame, 'float32'), 0) as tf.Tensor4D;
      const up = angle ? tf.image.rotateWithOffset(image, angle, 0, [(l + r) / 2 / w, (t + b) / 2 / h]) : image;
      return tf.image.resizeBilinear(tf.image.cropAndResize(up, [[t / h, l / w, b / h, r / w]], [0], [256, 256]), [64, 64]);
    });
  }

  it.each([
    ['centre, upright', [0.43, 0.17, 0.59, 0.33], 0],
    ['centre, tilted', [0.43, 0.17, 0.59, 0.33], 0.3],
    ['over the top-left corner, tilted', [-0.02, -0.06, 0.12, 0.15], -0.3],
  ] as const)('%s', async (_name, box, angle) => {
    const frame = tf.cast(tf.randomUniform([180, 320, 3], 0, 255, 'float32', 7), 'int32') as tf.Tensor3D;
    // Eyes placed so the eye line has the wanted angle.
    const [cx, cy] = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
    const dx = 0.03;
    const keypoints: [number, number][] = [[cx - dx, cy - (Math.tan(angle) * dx * 320) / 180], [cx + dx, cy + (Math.tan(angle) * dx * 320) / 180]];
    const ours = await alignedCrops(frame, [{ box: [...box] as [number, number, number, number], keypoints }], 64, { via: 256 }).data();
    const plain = await wholeFrame(frame, [...box] as [number, number, number, number], angle).data();
    let worst = 0;
    ours.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - plain[i]))));
    expect(worst).toBeLessThan(0.01); // of 255: float rounding only
    // From the decoded bytes (only the neighbourhood copied): the same crop exactly.
    const bytes = { data: Uint8Array.from(await frame.data()), height: 180, width: 320 };
    const fromBytes = await alignedCrops(bytes, [{ box: [...box] as [number, number, number, number], keypoints }], 64, { via: 256 }).data();
    expect(Array.from(fromBytes)).toEqual(Array.from(ours));
    tf.dispose(frame);
  });
});
