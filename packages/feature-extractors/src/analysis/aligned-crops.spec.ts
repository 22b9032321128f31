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
