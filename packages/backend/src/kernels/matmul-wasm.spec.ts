import * as tf from '@tensorflow/tfjs-core';
import { createRng, onBackend, relativeError } from '../index';

describe('wasm matMul with transposed operands', () => {
  for (const [ta, tb] of [[false, true], [true, false], [true, true]] as const) {
    it(`transposeA=${ta} transposeB=${tb}: equals cpu, incl. batched/broadcast and fused bias+relu`, async () => {
      const r = createRng(51);
      const a = Float32Array.from({ length: 2 * 6 * 5 }, () => r.normal());
      const b = Float32Array.from({ length: 5 * 4 }, () => r.normal());
      const bias = Float32Array.from({ length: 4 }, () => r.normal());
      const aShape = ta ? [2, 5, 6] : [2, 6, 5];
      const bShape = tb ? [4, 5] : [5, 4];
      const run = (backend: 'cpu' | 'wasm') =>
        onBackend(backend, () =>
          tf.tidy(() => {
            const A = tf.tensor3d(a, aShape as [number, number, number]);
            const B = tf.tensor2d(b, bShape as [number, number]);
            const plain = tf.matMul(A, B, ta, tb).dataSync().slice();
            const A2 = tf.reshape(A, ta ? [10, 6] : [12, 5]) as tf.Tensor2D;
            const fusedShapeOk = !ta; // [12,5]·[5,4] untransposed only makes sense for 2-D when not transposed
            const fused = fusedShapeOk
              ? tf.fused.matMul({ a: A2, b: B, transposeA: false, transposeB: tb, bias: tf.tensor1d(bias), activation: 'relu' }).dataSync().slice()
              : new Float32Array(0);
            return [plain, fused];
          }),
        );
      const [cpuPlain, cpuFused] = await run('cpu');
      const before = await onBackend('wasm', () => tf.memory().numTensors);
      const [wasmPlain, wasmFused] = await run('wasm');
      expect(relativeError(wasmPlain, cpuPlain)).toBeLessThan(1e-5);
      expect(relativeError(wasmFused, cpuFused)).toBeLessThan(1e-5);
      // The temporary transposes are freed inside the kernel.
      expect(await onBackend('wasm', () => tf.memory().numTensors)).toBe(before);
    });
  }
});

describe('wasm batched and broadcast matMul (with the transposed-operand path)', () => {
  for (const [name, aShape, bShape, ta, tb] of [
    ['batched × batched', [3, 50, 60], [3, 60, 70], false, false],
    ['batched × broadcast', [2, 2, 50, 60], [60, 70], false, false],
    ['broadcast × batched, transposed B', [50, 60], [4, 70, 60], false, true],
    ['batched, transposed A', [3, 60, 50], [3, 60, 70], true, false],
  ] as const) {
    it(`${name}: equals cpu`, async () => {
      const r = createRng(52);
      const a = Float32Array.from({ length: aShape.reduce((x, y) => x * y, 1) }, () => r.normal());
      const b = Float32Array.from({ length: bShape.reduce((x, y) => x * y, 1) }, () => r.normal());
      const run = (backend: 'cpu' | 'wasm') =>
        onBackend(backend, () =>
          tf.tidy(() => {
            const out = tf.matMul(tf.tensor(a, [...aShape]), tf.tensor(b, [...bShape]), ta, tb);
            return { shape: out.shape, data: out.dataSync().slice() };
          }),
        );
      const cpu = await run('cpu');
      const before = await onBackend('wasm', () => tf.memory().numBytes);
      const wasm = await run('wasm');
      expect(wasm.shape).toEqual(cpu.shape);
      expect(relativeError(wasm.data, cpu.data)).toBeLessThan(1e-5);
      expect(await onBackend('wasm', () => tf.memory().numBytes)).toBe(before);
    });
  }
});
