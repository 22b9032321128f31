import * as tf from '@tensorflow/tfjs-core';
import { createRng, numericalGradient, onBackend, readAndDispose, relativeError, specBackend } from '../index';

const TOL = 1e-3;
/** The backend under test (wasm; webgpu in the webgpu CI leg), checked against cpu. */
const B = specBackend();
const readAll = (ts: tf.Tensor[]) => Promise.all(ts.map(readAndDispose));
const rand = (n: number, seed: number) => {
  const r = createRng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
};
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

interface DwCase {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number;
  pad: 'same' | 'valid';
  dilations: number;
}

const CASES: DwCase[] = [
  { name: '3×3 same multiplier 1', x: [2, 6, 6, 3], f: [3, 3, 3, 1], strides: 1, pad: 'same', dilations: 1 },
  { name: '3×3 valid stride 2 multiplier 2', x: [1, 7, 7, 2], f: [3, 3, 2, 2], strides: 2, pad: 'valid', dilations: 1 },
  { name: '3×3 same dilation 2', x: [1, 7, 6, 2], f: [3, 3, 2, 1], strides: 1, pad: 'same', dilations: 2 },
  { name: '2×2 valid dilation 3 multiplier 2', x: [2, 7, 8, 2], f: [2, 2, 2, 2], strides: 1, pad: 'valid', dilations: 3 },
];

const loss = (c: DwCase, x: tf.Tensor, w: tf.Tensor, r: tf.Tensor) =>
  tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations), r)) as tf.Scalar;

describe('DepthwiseConv2dNative gradient fill', () => {
  for (const c of CASES) {
    it(`${c.name}: ${B} gradients match cpu finite differences`, async () => {
      const oShape = await onBackend('cpu', () =>
        tf.tidy(() => tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations).shape),
      );
      const xs = rand(size(c.x), 11);
      const ws = rand(size(c.f), 12);
      const rs = rand(size(oShape), 13);
      const [dx, dw] = await onBackend(B, () =>
        readAll(
          tf.tidy(() => {
            const r = tf.tensor(rs, oShape);
            const g = tf.grads((x: tf.Tensor, w: tf.Tensor) => loss(c, x, w, r));
            return g([tf.tensor(xs, c.x), tf.tensor(ws, c.f)]);
          }),
        ),
      );
      const [nx, nw] = await onBackend('cpu', () =>
        tf.tidy(() => {
          const r = tf.tensor(rs, oShape);
          const x = tf.tensor(xs, c.x);
          const w = tf.tensor(ws, c.f);
          return [
            numericalGradient((v) => loss(c, v, w, r), x, 0.5).dataSync().slice(),
            numericalGradient((v) => loss(c, x, v, r), w, 0.5).dataSync().slice(),
          ];
        }),
      );
      expect(relativeError(dx, nx)).toBeLessThan(TOL);
      expect(relativeError(dw, nw)).toBeLessThan(TOL);
    });
  }

  it(`undilated: the ${B} gradient equals the cpu native backprop kernels`, async () => {
    const c = CASES[1];
    const xs = rand(size(c.x), 14);
    const ws = rand(size(c.f), 15);
    const run = (backend: 'cpu' | typeof B) =>
      onBackend(backend, () =>
        readAll(
          tf.tidy(() =>
            tf.grads((x: tf.Tensor, w: tf.Tensor) =>
              tf.sum(tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad))),
            )([tf.tensor(xs, c.x), tf.tensor(ws, c.f)]),
          ),
        ),
      );
    const [cx, cw] = await run('cpu');
    const [wx, ww] = await run(B);
    expect(relativeError(wx, cx)).toBeLessThan(TOL);
    expect(relativeError(ww, cw)).toBeLessThan(TOL);
  });
});
