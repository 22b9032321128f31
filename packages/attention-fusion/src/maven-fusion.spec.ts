import * as tf from '@tensorflow/tfjs-core';
import { initBackend, readAndDispose, specBackend } from '@mer/backend';
import fx from './fixtures/maven-fusion.json';
import { BidirectionalCrossModalBlock, SelfAttentionRefinement } from './index';
import { maxAbsDiffs, setWeightsFromArrays } from './testing';

describe('MAVEN fusion: six-pathway bidirectional cross-modal block + self-attention refinement', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('matches the PyTorch reference (queries from the receiver, key-padding mask): E, R and input gradients ≤ 1e-4', async () => {
    const block = new BidirectionalCrossModalBlock({ dim: fx.dim, numHeads: fx.heads, dropout: 0 });
    setWeightsFromArrays(block, fx.block_weights);
    const refine = fx.refine_weights.map((w) => {
      const r = new SelfAttentionRefinement({ dim: fx.dim, numHeads: fx.heads, dropout: 0 });
      setWeightsFromArrays(r, w);
      return r;
    });
    const tensors = tf.tidy(() => {
      const xs = fx.inputs.map((x) => tf.tensor(x));
      const mask = tf.tensor(fx.key_mask);
      const run = (inputs: tf.Tensor[]) => {
        const E = block.apply(inputs, { keyMask: mask }) as unknown as tf.Tensor[];
        return { E, R: E.map((e, m) => refine[m].apply(e, { keyMask: mask }) as tf.Tensor) };
      };
      const { E, R } = run(xs);
      const weights = fx.Rw.map((w) => tf.tensor(w));
      const grads = tf.grads((...ins: tf.Tensor[]) => tf.addN(run(ins).R.map((r, m) => tf.sum(tf.mul(r, weights[m])))) as tf.Scalar)(xs);
      return [...E, ...R, ...grads];
    });
    const diffs = await maxAbsDiffs(tensors, [...fx.E, ...fx.R, ...fx.grads]);
    expect(diffs).toHaveLength(9); // three streams: E, R and the input gradient of each
    diffs.forEach((d) => expect(d).toBeLessThan(1e-4));
    expect(block.parameterCount()).toBe(6 * (4 * 8 * 8 + 4 * 8) + 3 * 2 * 8);
    block.dispose();
    refine.forEach((r) => r.dispose());
  });

  it("queryFrom 'source' swaps the roles and still gives aligned streams", async () => {
    const block = new BidirectionalCrossModalBlock({ dim: 8, numHeads: 2, queryFrom: 'source' });
    const out = tf.tidy(() => {
      const xs = [0, 1, 2].map((s) => tf.randomNormal([1, 5, 8], 0, 1, 'float32', s));
      return block.apply(xs, { training: true }) as unknown as tf.Tensor[];
    });
    expect(out.map((o) => o.shape)).toEqual([[1, 5, 8], [1, 5, 8], [1, 5, 8]]);
    const values = await Promise.all(out.map(readAndDispose));
    expect(values.every((v) => Array.from(v).every(Number.isFinite))).toBe(true);
    expect(() => tf.tidy(() => block.apply([tf.zeros([1, 2, 8])]) as tf.Tensor[])).toThrow(/expected 3 streams, got 1/);
    block.dispose();
  });
});
