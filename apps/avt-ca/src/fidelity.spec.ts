import * as tf from '@tensorflow/tfjs-core';
import { maxAbsDiff, setWeightsFromArrays } from '@mer/attention-fusion';
import { initBackend } from '@mer/backend';
import fx from './fixtures/avt-ca-reference.json';
import { AvtCaConfig, AvtCaModel } from './index';

describe('AVT-CA against an independent PyTorch implementation', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('same parameter count (BatchNorm statistics included); logits and input gradients ≤ 1e-4 (eval mode)', () => {
    const model = new AvtCaModel(fx.config as AvtCaConfig);
    expect(model.parameterCount()).toBe(fx.parameters);
    setWeightsFromArrays(model, fx.weights);
    tf.tidy(() => {
      const xs = fx.inputs.map((x) => tf.tensor(x));
      const R = tf.tensor(fx.R);
      expect(maxAbsDiff((model.apply(xs) as tf.Tensor).dataSync(), (fx.out as number[][]).flat())).toBeLessThan(1e-4);
      const grads = tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(model.apply(ins) as tf.Tensor, R)) as tf.Scalar)(xs);
      grads.forEach((g, i) => expect(maxAbsDiff(g.dataSync(), (fx.grads[i] as number[][][]).flat(2))).toBeLessThan(1e-4));
    });
    model.dispose();
  });
});
