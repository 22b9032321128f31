import * as tf from '@tensorflow/tfjs-core';
import { initBackend, readAndDispose, specBackend } from '@mer/backend';
import { GatedFusion, MultiHeadAttention, temporalPool } from './index';

describe('gated fusion, temporal pooling, cross-width attention', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('GatedFusion mixes the two streams convexly: equal inputs pass through', async () => {
    const g = new GatedFusion({ dim: 4 });
    const [v, same, a, mixed] = tf.tidy(() => {
      const v = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
      const a = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 2);
      return [v, g.apply([v, v]) as tf.Tensor, a, g.apply([v, a]) as tf.Tensor];
    });
    const [vs, sames, as, out] = await Promise.all([v, same, a, mixed].map(readAndDispose));
    expect(Array.from(sames)).toEqual(Array.from(vs).map((x) => expect.closeTo(x, 5)));
    out.forEach((x, i) => expect(x >= Math.min(vs[i], as[i]) - 1e-6 && x <= Math.max(vs[i], as[i]) + 1e-6).toBe(true));
    expect(GatedFusion.fromConfig(GatedFusion, g.getConfig())).toBeInstanceOf(GatedFusion);
    g.dispose();
  });

  it('temporalPool ignores masked frames (mean and max) and never returns -inf for all-masked rows', async () => {
    const pooled = tf.tidy(() => {
      const x = tf.tensor3d([[[1], [3], [100]], [[5], [7], [9]]]);
      const mask = tf.tensor2d([[1, 1, 0], [0, 0, 0]]);
      return [temporalPool(x, 'mean', mask), temporalPool(x, 'max', mask), temporalPool(x, 'max')];
    });
    const [mean, max, unmasked] = await Promise.all(pooled.map(readAndDispose));
    expect(Array.from(mean)).toEqual([2, 0]);
    expect(Array.from(max)).toEqual([3, 0]);
    expect(Array.from(unmasked)).toEqual([100, 9]);
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
