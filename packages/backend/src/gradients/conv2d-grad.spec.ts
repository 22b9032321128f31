import * as tf from '@tensorflow/tfjs-core';
import { createRng, numericalGradient, onBackend, readAndDispose, relativeError, specBackend } from '../index';

const TOL = 1e-3;
/** The backend under test (wasm; webgpu in the webgpu CI leg), checked against cpu. */
const B = specBackend();
const readAll = (ts: tf.Tensor[]) => Promise.all(ts.map(readAndDispose));

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

interface ConvCase {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
  dilations: number | [number, number];
}

const CASES: ConvCase[] = [
  { name: '3×3 same', x: [2, 6, 5, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same', dilations: 1 },
  { name: '3×3 valid stride 2', x: [1, 7, 8, 2], f: [3, 3, 2, 3], strides: 2, pad: 'valid', dilations: 1 },
  { name: '2×3 same stride [2,1]', x: [1, 6, 5, 2], f: [2, 3, 2, 2], strides: [2, 1], pad: 'same', dilations: 1 },
  { name: '3×3 same dilation 2', x: [2, 7, 6, 2], f: [3, 3, 2, 3], strides: 1, pad: 'same', dilations: 2 },
  { name: '3×2 valid dilation [2,3]', x: [1, 8, 9, 2], f: [3, 2, 2, 2], strides: 1, pad: 'valid', dilations: [2, 3] },
  {
    name: 'explicit padding dilation 2',
    x: [1, 5, 6, 2],
    f: [2, 2, 2, 3],
    strides: 1,
    pad: [[0, 0], [1, 2], [2, 0], [0, 0]],
    dilations: 2,
  },
  {
    name: '1-D causal dilation 4 (a TCN layer)',
    x: [2, 1, 20, 3],
    f: [1, 3, 3, 4],
    strides: 1,
    pad: [[0, 0], [0, 0], [8, 0], [0, 0]],
    dilations: [1, 4],
  },
  { name: '1×5 valid stride 3, long rows', x: [1, 2, 31, 5], f: [1, 5, 5, 9], strides: [1, 3], pad: 'valid', dilations: 1 },
];

/** L = Σ r ⊙ conv2d(x, w): bilinear, so finite differences are exact up to rounding. */
function convLoss(c: ConvCase, x: tf.Tensor, w: tf.Tensor, r: tf.Tensor): tf.Scalar {
  const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad as any, 'NHWC', c.dilations);
  return tf.sum(tf.mul(y, r));
}

function outShape(c: ConvCase): number[] {
  return tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.strides, c.pad as any, 'NHWC', c.dilations).shape);
}

describe('Conv2D gradient fill', () => {
  for (const c of CASES) {
    it(`${c.name}: ${B} gradients match cpu finite differences`, async () => {
      const xs = randomArray(c.x.reduce((a, b) => a * b), 1);
      const ws = randomArray(c.f.reduce((a, b) => a * b), 2);
      const oShape = await onBackend('cpu', () => outShape(c));
      const rs = randomArray(oShape.reduce((a, b) => a * b), 3);

      const [dx, dw] = await onBackend(B, () =>
        readAll(
          tf.tidy(() => {
            const r = tf.tensor(rs, oShape);
            const g = tf.grads((x: tf.Tensor, w: tf.Tensor) => convLoss(c, x, w, r));
            return g([tf.tensor(xs, c.x), tf.tensor(ws, c.f)]);
          }),
        ),
      );
      const [nx, nw] = await onBackend('cpu', () => {
        const r = tf.tensor(rs, oShape);
        const x = tf.tensor(xs, c.x);
        const w = tf.tensor(ws, c.f);
        const gx = numericalGradient((v) => convLoss(c, v, w, r), x, 0.5).dataSync().slice();
        const gw = numericalGradient((v) => convLoss(c, x, v, r), w, 0.5).dataSync().slice();
        tf.dispose([r, x, w]);
        return [gx, gw];
      });
      expect(relativeError(dx, nx)).toBeLessThan(TOL);
      expect(relativeError(dw, nw)).toBeLessThan(TOL);
    });
  }

  it(`undilated: cpu native backprop kernels and the ${B} gradient agree`, async () => {
    const c = CASES[1];
    const xs = randomArray(c.x.reduce((a, b) => a * b), 4);
    const ws = randomArray(c.f.reduce((a, b) => a * b), 5);
    const grads = async (backend: 'cpu' | typeof B) =>
      onBackend(backend, () =>
        readAll(
          tf.tidy(() => {
            const g = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
              tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad as any))),
            );
            return g([tf.tensor(xs, c.x), tf.tensor(ws, c.f)]);
          }),
        ),
      );
    const [cpuX, cpuW] = await grads('cpu');
    const [gotX, gotW] = await grads(B);
    expect(relativeError(gotX, cpuX)).toBeLessThan(TOL);
    expect(relativeError(gotW, cpuW)).toBeLessThan(TOL);
  });

  it(`dilated conv1d (a TCN layer) trains on ${B}: loss falls`, async () => {
    await onBackend(B, async () => {
      const rng = createRng(7);
      const x = tf.tensor(Float32Array.from({ length: 2 * 32 * 4 }, () => rng.normal()), [2, 32, 4]);
      const target = tf.tensor(Float32Array.from({ length: 2 * 32 * 3 }, () => rng.normal()), [2, 32, 3]);
      const w = tf.variable(tf.mul(tf.randomNormal([3, 4, 3], 0, 1, 'float32', 3), 0.3));
      const before = tf.memory().numTensors;
      const opt = tf.train.adam(0.05);
      const loss = () => tf.mean(tf.square(tf.sub(tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, 'same', 'NWC', 4), target))) as tf.Scalar;
      const first = (await readAndDispose(tf.tidy(loss)))[0];
      for (let i = 0; i < 60; i++) tf.dispose(opt.minimize(loss, true) ?? []);
      const last = (await readAndDispose(tf.tidy(loss)))[0];
      expect(last).toBeLessThan(first * 0.8);
      opt.dispose();
      // Training leaves nothing behind once the optimiser state is freed.
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, target, w]);
    });
  });

  it(`conv2dTranspose filter gradient on ${B} matches cpu finite differences`, async () => {
    const xs = randomArray(1 * 3 * 3 * 4, 8); // [1, 3, 3, 4] the transposed conv's input
    const ws = randomArray(3 * 3 * 2 * 4, 9); // [3, 3, out 2, in 4]
    const rs = randomArray(1 * 6 * 6 * 2, 10);
    const loss = (x: tf.Tensor, w: tf.Tensor, r: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [1, 6, 6, 2], 2, 'same'), r)) as tf.Scalar;
    const dw = await onBackend(B, () =>
      readAndDispose(
        tf.tidy(() => {
          const r = tf.tensor(rs, [1, 6, 6, 2]);
          const x = tf.tensor(xs, [1, 3, 3, 4]);
          return tf.grad((w: tf.Tensor) => loss(x, w, r))(tf.tensor(ws, [3, 3, 2, 4]));
        }),
      ),
    );
    const nw = await onBackend('cpu', () =>
      tf.tidy(() => {
        const r = tf.tensor(rs, [1, 6, 6, 2]);
        const x = tf.tensor(xs, [1, 3, 3, 4]);
        return numericalGradient((w) => loss(x, w, r), tf.tensor(ws, [3, 3, 2, 4]), 0.5).dataSync().slice();
      }),
    );
    expect(relativeError(dw, nw)).toBeLessThan(TOL);
  });
});
