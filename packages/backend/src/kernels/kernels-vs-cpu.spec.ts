import * as tf from '@tensorflow/tfjs-core';
import { createRng, onBackend } from '../index';
import { sliceAsBlock } from './slice-wasm';

/** Random integers in [-8, 8] as float32: sums of their products are exact, so results must be equal. */
function ints(shape: number[], seed: number): Float32Array {
  const r = createRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.round(r.normal() * 4));
}

async function onBoth(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: { shape: number[]; data: number[] }[]; wasm: { shape: number[]; data: number[] }[] }> {
  const run = () =>
    tf.tidy(() => {
      const out = fn();
      return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, data: Array.from(t.dataSync()) }));
    });
  const cpu = await onBackend('cpu', run);
  const wasm = await onBackend('wasm', run);
  return { cpu, wasm };
}

describe('wasm matMul equals cpu (exact on integer data)', () => {
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['attention scores, transposed B', [2, 3, 13, 8], [2, 3, 11, 8], false, true],
    ['attention values', [2, 3, 13, 11], [2, 3, 11, 9], false, false],
    ['scores gradient, transposed A', [2, 3, 13, 11], [2, 3, 13, 9], true, false],
    ['both transposed, batched', [4, 7, 5], [4, 10, 7], true, true],
    ['batch × broadcast right (folded rows)', [3, 5, 6], [6, 17], false, false],
    ['broadcast left × batch', [5, 6], [3, 6, 17], false, false],
    ['broadcast left transposed × batch', [6, 5], [3, 6, 17], true, false],
    ['single matrix, transposed A, K beyond one panel', [600, 12], [600, 70], true, false],
    ['single, odd sizes', [1, 1], [1, 9], false, false],
    ['narrow output (stock kernel)', [7, 5], [5, 2], false, false],
    ['every column remainder', [9, 4], [4, 13], false, false],
    ['rank-5 batch', [2, 2, 2, 3, 4], [2, 2, 2, 4, 8], false, false],
  ];
  for (const [name, aShape, bShape, ta, tb] of cases) {
    it(name, async () => {
      const a = ints(aShape, 1);
      const b = ints(bShape, 2);
      const { cpu, wasm } = await onBoth(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb));
      expect(wasm).toEqual(cpu);
    });
  }

  it('frees its temporaries', async () => {
    await onBackend('wasm', () => {
      const a = tf.randomNormal([2, 9, 8]);
      const b = tf.randomNormal([2, 10, 8]);
      const before = tf.memory().numBytes;
      tf.tidy(() => {
        tf.matMul(a, b, false, true).dataSync();
        tf.matMul(b, b, true, false).dataSync();
      });
      expect(tf.memory().numBytes).toBe(before);
      tf.dispose([a, b]);
    });
  });
});

describe('wasm Transpose equals cpu', () => {
  const cases: [number[], number[], 'float32' | 'int32'][] = [
    [[37, 29], [1, 0], 'float32'],
    [[3, 33, 65], [0, 2, 1], 'float32'],
    [[2, 5, 3, 8], [0, 2, 1, 3], 'float32'],
    [[2, 5, 3, 6], [0, 2, 1, 3], 'float32'],
    [[4, 3, 5], [1, 0, 2], 'int32'],
    [[2, 3, 4], [2, 1, 0], 'float32'],
    [[1, 6, 1, 7], [3, 2, 1, 0], 'float32'],
  ];
  for (const [shape, perm, dtype] of cases) {
    it(`[${shape}] perm [${perm}] ${dtype}`, async () => {
      const x = ints(shape, 3);
      const { cpu, wasm } = await onBoth(() => tf.transpose(tf.tensor(x, shape, dtype), perm));
      expect(wasm).toEqual(cpu);
    });
  }
});

describe('wasm Sum equals cpu', () => {
  const cases: [number[], number | number[], boolean][] = [
    [[37, 9], 0, false],
    [[4, 37, 9], 1, true],
    [[4, 5, 6, 7], [1, 2], false],
    [[4, 1, 6, 7], [0, 2], false],
    [[4, 5, 6], [0, 2], false],
    [[4, 5, 6], -1, false],
    [[3, 4, 5], [0, 1, 2], false],
  ];
  for (const [shape, axis, keepDims] of cases) {
    it(`[${shape}] over ${JSON.stringify(axis)}${keepDims ? ' keepDims' : ''}`, async () => {
      const x = ints(shape, 4);
      const { cpu, wasm } = await onBoth(() => tf.sum(tf.tensor(x, shape), axis, keepDims));
      expect(wasm).toEqual(cpu);
    });
  }
});

describe('wasm Mean over leading axes equals cpu', () => {
  for (const [shape, axis] of [[[15, 12, 12, 29], [0, 1, 2]], [[4, 37, 9], 1], [[6, 5], 0]] as [number[], number | number[]][]) {
    it(`[${shape}] over ${JSON.stringify(axis)}`, async () => {
      const x = ints(shape, 8);
      const { cpu, wasm } = await onBoth(() => tf.mean(tf.tensor(x, shape), axis));
      expect(wasm.map((t) => t.shape)).toEqual(cpu.map((t) => t.shape));
      wasm[0].data.forEach((v, i) => expect(v).toBeCloseTo(cpu[0].data[i], 5));
    });
  }
});

describe('wasm broadcast Add/Sub/Multiply/RealDiv equal cpu', () => {
  const cases: [number[], number[]][] = [
    [[3, 5, 5, 7], [1, 1, 1, 7]],
    [[1, 1, 7], [3, 5, 7]],
    [[6, 9], [9]],
    [[6, 9], []],
    [[], [6, 9]],
    [[2, 3, 4], [3, 1]],
  ];
  for (const [aShape, bShape] of cases) {
    it(`[${aShape}] ∘ [${bShape}]`, async () => {
      const a = ints(aShape, 9);
      const b = ints(bShape, 10).map((v) => (v === 0 ? 3 : v));
      const { cpu, wasm } = await onBoth(() => {
        const [A, B] = [tf.tensor(a, aShape), tf.tensor(b, bShape)];
        return [tf.add(A, B), tf.sub(A, B), tf.mul(A, B), tf.div(A, B)];
      });
      expect(wasm).toEqual(cpu);
    });
  }
});

describe('wasm max-pool gradient equals cpu', () => {
  const cases: [number[], number, number, 'same' | 'valid' | number][] = [
    [[2, 9, 9, 6], 3, 2, 'same'],
    [[1, 8, 7, 5], 2, 2, 'valid'],
    [[1, 6, 6, 4], 3, 1, 1],
  ];
  for (const [shape, size, stride, pad] of cases) {
    it(`[${shape}] ${size}×${size}/${stride} pad ${pad} (ties on integer data go to the first maximum)`, async () => {
      const x = ints(shape, 12);
      const { cpu, wasm } = await onBoth(() =>
        tf.grad((v: tf.Tensor) => {
          const y = tf.maxPool(v as tf.Tensor4D, size, stride, pad);
          return tf.sum(tf.mul(y, tf.reshape(tf.range(1, y.size + 1), y.shape)));
        })(tf.tensor(x, shape)),
      );
      expect(wasm).toEqual(cpu);
    });
  }
});

describe('wasm Slice and split equal cpu', () => {
  it('strided blocks: the views slices reduce to', () => {
    expect(sliceAsBlock([16, 300, 224], [0, 0, 32], [16, 300, 32])).toEqual({ offset: 32, dims: [1, 4800, 32], strides: [0, 224] });
    expect(sliceAsBlock([4, 5, 6], [1, 0, 0], [2, 5, 6])).toEqual({ offset: 30, dims: [1, 1, 60], strides: [0, 0] });
    expect(sliceAsBlock([4, 5, 6], [0, 1, 2], [4, 3, 1])).toEqual({ offset: 8, dims: [4, 3, 1], strides: [30, 6] });
    expect(sliceAsBlock([2, 3, 4, 5], [0, 1, 1, 1], [2, 2, 2, 2])).toBeUndefined();
  });

  const cases: [number[], number[], number[], 'float32' | 'int32'][] = [
    [[4, 30, 22], [0, 0, 7], [4, 30, 5], 'float32'],
    [[4, 5, 6], [1, 2, 0], [2, 3, 6], 'float32'],
    [[4, 5, 6], [0, 1, 2], [4, 3, 1], 'int32'],
    [[2, 3, 4, 5], [0, 1, 1, 1], [2, 2, 2, 2], 'float32'],
    [[7], [2], [-1], 'float32'],
  ];
  for (const [shape, begin, size, dtype] of cases) {
    it(`[${shape}] from [${begin}] size [${size}] ${dtype}`, async () => {
      const x = ints(shape, 5);
      const { cpu, wasm } = await onBoth(() => tf.slice(tf.tensor(x, shape, dtype), begin, size));
      expect(wasm).toEqual(cpu);
    });
  }

  it('split by sizes along the last and a middle axis', async () => {
    const x = ints([3, 10, 14], 6);
    const { cpu, wasm } = await onBoth(() => [...tf.split(tf.tensor(x, [3, 10, 14]), [3, 5, 6], 2), ...tf.split(tf.tensor(x, [3, 10, 14]), 2, 1)]);
    expect(wasm).toEqual(cpu);
  });
});

describe('wasm Identity shares the buffer and counts references', () => {
  it('a clone outlives its source and frees the buffer with the last reference', async () => {
    await onBackend('wasm', () => {
      const before = tf.memory().numBytes;
      const x = tf.tensor([1, 2, 3]);
      const y = tf.clone(x);
      x.dispose();
      expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
      y.dispose();
      expect(tf.memory().numBytes).toBe(before);
    });
  });
});
