import * as tf from '@tensorflow/tfjs-core';
import { maxAbsDiff, setWeightsFromArrays } from '@mer/attention-fusion';
import { initBackend } from '@mer/backend';
import fx from './fixtures/tcn-fusion-reference.json';
import { TcnFusionConfig, TcnFusionModel } from './index';

describe('TCN-fusion against an independent PyTorch implementation', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('same parameter count; outputs and input gradients ≤ 1e-4 (masked attention)', () => {
    const model = new TcnFusionModel(fx.config as TcnFusionConfig);
    expect(model.parameterCount()).toBe(fx.parameters);
    setWeightsFromArrays(model, fx.weights);
    tf.tidy(() => {
      const xs = fx.inputs.map((x) => tf.tensor(x));
      const mask = tf.tensor(fx.mask);
      const R = tf.tensor(fx.R);
      expect(maxAbsDiff((model.apply(xs, { mask }) as tf.Tensor).dataSync(), (fx.out as number[][][]).flat(2))).toBeLessThan(1e-4);
      const grads = tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(model.apply(ins, { mask }) as tf.Tensor, R)) as tf.Scalar)(xs);
      grads.forEach((g, i) => expect(maxAbsDiff(g.dataSync(), (fx.grads[i] as number[][][]).flat(2))).toBeLessThan(1e-4));
    });
    model.dispose();
  });
});
