import * as tf from '@tensorflow/tfjs-core';
import { Tensor } from '@huggingface/transformers';
import { fromTransformersTensor, initBackend, toTransformersTensor } from './index';

describe('transformers.js ↔ tfjs tensors', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('converts a real transformers.js float32 Tensor with its shape', () => {
    const t = new Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [1, 2, 3]);
    const x = fromTransformersTensor(t);
    expect(x.shape).toEqual([1, 2, 3]);
    expect(x.dtype).toBe('float32');
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    x.dispose();
  });

  it('maps int64 ids to int32 and refuses values that do not fit', () => {
    const ids = new Tensor('int64', BigInt64Array.from([0n, 50264n, 2n]), [1, 3]);
    const x = fromTransformersTensor(ids);
    expect(x.dtype).toBe('int32');
    expect(Array.from(x.dataSync())).toEqual([0, 50264, 2]);
    x.dispose();
    const big = new Tensor('int64', BigInt64Array.from([1n, 2n ** 40n]), [2]);
    expect(() => fromTransformersTensor(big)).toThrow(/int64 value 1099511627776 at flat index 1 does not fit tfjs int32/);
  });

  it('decodes float16 bits and keeps bool', () => {
    // 0x3c00 = 1.0, 0xc000 = −2.0, 0x3555 ≈ 0.3333
    const h = fromTransformersTensor({ type: 'float16', data: Uint16Array.from([0x3c00, 0xc000, 0x3555]), dims: [3] });
    const v = h.dataSync();
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(-2);
    expect(v[2]).toBeCloseTo(1 / 3, 3);
    const m = fromTransformersTensor({ type: 'bool', data: Uint8Array.from([1, 0]), dims: [2] });
    expect(m.dtype).toBe('bool');
    tf.dispose([h, m]);
  });

  it('rejects a data/dims mismatch and string tensors', () => {
    expect(() => fromTransformersTensor({ type: 'float32', data: new Float32Array(5), dims: [2, 3] })).toThrow(
      /data has 5 values but dims \[2,3\] need 6/,
    );
    expect(() => fromTransformersTensor({ type: 'string', data: [] as any, dims: [0] })).toThrow(/'string' has no tfjs equivalent/);
  });

  it('round-trips tfjs → transformers.js → tfjs (float32 and int32 as int64)', async () => {
    const x = tf.tensor2d([[0.5, -1.5], [2, 3]]);
    const t = await toTransformersTensor(x);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.type).toBe('float32');
    expect(t.dims).toEqual([2, 2]);
    const back = fromTransformersTensor(t);
    expect(Array.from(back.dataSync())).toEqual([0.5, -1.5, 2, 3]);

    const ids = tf.tensor1d([101, 7592, 102], 'int32');
    const tids = await toTransformersTensor(ids);
    expect(tids.type).toBe('int64');
    expect(Array.from(tids.data as BigInt64Array)).toEqual([101n, 7592n, 102n]);
    const cast = fromTransformersTensor(tids, { dtype: 'float32' });
    expect(cast.dtype).toBe('float32');
    tf.dispose([x, back, ids, cast]);
  });
});
