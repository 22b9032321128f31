import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import { GatedFusion, MultiHeadAttention, temporalPool } from './index';

describe('gated fusion, temporal pooling, cross-width attention', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('GatedFusion mixes the two streams convexly: equal inputs pass through', () => {
    const g = new GatedFusion({ dim: 4 });
    tf.tidy(() => {
      const v = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
      expect(Array.from((g.apply([v, v]) as tf.Tensor).dataSync())).toEqual(Array.from(v.dataSync()).map((x) => expect.closeTo(x, 5)));
      const a = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 2);
      const out = (g.apply([v, a]) as tf.Tensor).dataSync();
      const lo = tf.minimum(v, a).dataSync();
      const hi = tf.maximum(v, a).dataSync();
      out.forEach((x, i) => expect(x >= lo[i] - 1e-6 && x <= hi[i] + 1e-6).toBe(true));
    });
    expect(GatedFusion.fromConfig(GatedFusion, g.getConfig())).toBeInstanceOf(GatedFusion);
    g.dispose();
  });

  it('temporalPool ignores masked frames (mean and max) and never returns -inf for all-masked rows', () => {
    tf.tidy(() => {
      const x = tf.tensor3d([[[1], [3], [100]], [[5], [7], [9]]]);
      const mask = tf.tensor2d([[1, 1, 0], [0, 0, 0]]);
      expect(Array.from(temporalPool(x, 'mean', mask).dataSync())).toEqual([2, 0]);
      expect(Array.from(temporalPool(x, 'max', mask).dataSync())).toEqual([3, 0]);
      expect(Array.from(temporalPool(x, 'max').dataSync())).toEqual([100, 9]);
    });
  });

  it('cross-modal attention between streams of different widths (TCN-fusion: visual 384 queries audio 192 at 256)', () => {
    const cm = new MultiHeadAttention({ dim: 32, numHeads: 4, queryInputDim: 48, keyInputDim: 24 });
    tf.tidy(() => {
      const visual = tf.randomNormal([2, 10, 48]);
      const audio = tf.randomNormal([2, 10, 24]);
      expect((cm.apply([visual, audio, audio]) as tf.Tensor).shape).toEqual([2, 10, 32]);
    });
    expect(cm.parameterCount()).toBe(48 * 32 + 2 * 24 * 32 + 32 * 32 + 4 * 32);
    cm.dispose();
  });
});
