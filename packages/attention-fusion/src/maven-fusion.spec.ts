import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import fx from './fixtures/maven-fusion.json';
import { BidirectionalCrossModalBlock, SelfAttentionRefinement } from './index';
import { flat, maxAbsDiff, setWeightsFromArrays } from './testing';

describe('MAVEN fusion: six-pathway bidirectional cross-modal block + self-attention refinement', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('matches the PyTorch reference (queries from the receiver, key-padding mask): E, R and input gradients ≤ 1e-4', () => {
    const block = new BidirectionalCrossModalBlock({ dim: fx.dim, numHeads: fx.heads, dropout: 0 });
    setWeightsFromArrays(block, fx.block_weights);
    const refine = fx.refine_weights.map((w) => {
      const r = new SelfAttentionRefinement({ dim: fx.dim, numHeads: fx.heads, dropout: 0 });
      setWeightsFromArrays(r, w);
      return r;
    });
    tf.tidy(() => {
      const xs = fx.inputs.map((x) => tf.tensor(x));
      const mask = tf.tensor(fx.key_mask);
      const run = (inputs: tf.Tensor[]) => {
        const E = block.apply(inputs, { keyMask: mask }) as unknown as tf.Tensor[];
        return { E, R: E.map((e, m) => refine[m].apply(e, { keyMask: mask }) as tf.Tensor) };
      };
      const { E, R } = run(xs);
      E.forEach((e, m) => expect(maxAbsDiff(e.dataSync(), flat(fx.E[m]))).toBeLessThan(1e-4));
      R.forEach((r, m) => expect(maxAbsDiff(r.dataSync(), flat(fx.R[m]))).toBeLessThan(1e-4));
      const weights = fx.Rw.map((w) => tf.tensor(w));
      const grads = tf.grads((...ins: tf.Tensor[]) => tf.addN(run(ins).R.map((r, m) => tf.sum(tf.mul(r, weights[m])))) as tf.Scalar)(xs);
      grads.forEach((g, m) => expect(maxAbsDiff(g.dataSync(), flat(fx.grads[m]))).toBeLessThan(1e-4));
    });
    expect(block.parameterCount()).toBe(6 * (4 * 8 * 8 + 4 * 8) + 3 * 2 * 8);
    block.dispose();
    refine.forEach((r) => r.dispose());
  });

  it("queryFrom 'source' swaps the roles and still gives aligned streams", () => {
    const block = new BidirectionalCrossModalBlock({ dim: 8, numHeads: 2, queryFrom: 'source' });
    tf.tidy(() => {
      const xs = [0, 1, 2].map((s) => tf.randomNormal([1, 5, 8], 0, 1, 'float32', s));
      const out = block.apply(xs, { training: true }) as unknown as tf.Tensor[];
      expect(out.map((o) => o.shape)).toEqual([[1, 5, 8], [1, 5, 8], [1, 5, 8]]);
      expect(out.every((o) => Array.from(o.dataSync()).every(Number.isFinite))).toBe(true);
    });
    expect(() => tf.tidy(() => block.apply([tf.zeros([1, 2, 8])]) as tf.Tensor[])).toThrow(/expected 3 streams, got 1/);
    block.dispose();
  });
});
