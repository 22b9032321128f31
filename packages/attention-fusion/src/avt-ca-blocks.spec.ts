import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mer/backend';
import fx from './fixtures/avt-ca-blocks.json';
import { Conv1dBlock, CrossSelfAttention, IntermediateTransformerFusion } from './index';
import { flat, maxAbsDiff, setWeightsFromArrays } from './testing';

describe('AVT-CA blocks against PyTorch references', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('Conv1dBlock (conv k3 valid → BatchNorm → ReLU → MaxPool(2, 1)): training and eval outputs, running stats, gradients', () => {
    const f = fx.conv_block;
    const block = new Conv1dBlock({ inputDim: 3, outputDim: 4, poolSize: 2 });
    setWeightsFromArrays(block, [...f.weights, [0, 0, 0, 0], [1, 1, 1, 1]]);
    tf.tidy(() => {
      const x = tf.tensor(f.x);
      const R = tf.tensor(f.R);
      const vars = block.variables();
      const { value, grads } = tf.variableGrads(() => {
        const y = block.apply(x, { training: true }) as tf.Tensor;
        expect(y.shape).toEqual([2, 9 - 2 - 1, 4]);
        expect(maxAbsDiff(y.dataSync(), flat(f.out_train))).toBeLessThan(1e-4);
        return tf.sum(tf.mul(y, R)) as tf.Scalar;
      }, vars);
      value.dispose();
      expect(maxAbsDiff(grads[vars[0].name].dataSync(), flat(f.grad_kernel))).toBeLessThan(1e-4);
      const [mean, variance] = block.getWeights().slice(4);
      expect(maxAbsDiff(mean.dataSync(), f.running_mean)).toBeLessThan(1e-5);
      expect(maxAbsDiff(variance.dataSync(), f.running_var)).toBeLessThan(1e-5);
      expect(maxAbsDiff((block.apply(x) as tf.Tensor).dataSync(), flat(f.out_eval))).toBeLessThan(1e-4);
    });
    // Input gradient in eval mode is checked by the backend's conv fills; here the training-mode one:
    tf.tidy(() => {
      const fresh = new Conv1dBlock({ inputDim: 3, outputDim: 4, poolSize: 2 });
      setWeightsFromArrays(fresh, [...f.weights, [0, 0, 0, 0], [1, 1, 1, 1]]);
      const gx = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fresh.apply(x, { training: true }) as tf.Tensor, tf.tensor(f.R))) as tf.Scalar)(tf.tensor(f.x));
      expect(maxAbsDiff(gx.dataSync(), flat(f.grad_x))).toBeLessThan(1e-4);
      expect(fresh.outputLength(9)).toBe(6);
      fresh.dispose();
    });
    block.dispose();
  });

  it('IntermediateTransformerFusion (audio queries video; LN on q and k, no qkv bias, MLP ratio 2)', () => {
    const f = fx.fusion;
    const layer = new IntermediateTransformerFusion({ queryDim: 8, keyDim: 4, numHeads: 2, dropout: 0 });
    setWeightsFromArrays(layer, f.weights);
    tf.tidy(() => {
      const x = tf.tensor(f.x);
      const y = tf.tensor(f.y);
      const R = tf.tensor(f.R);
      expect(maxAbsDiff((layer.apply([x, y]) as tf.Tensor).dataSync(), flat(f.out))).toBeLessThan(1e-4);
      const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layer.apply([a, b]) as tf.Tensor, R)) as tf.Scalar)([x, y]);
      expect(maxAbsDiff(gx.dataSync(), flat(f.grad_x))).toBeLessThan(1e-4);
      expect(maxAbsDiff(gy.dataSync(), flat(f.grad_y))).toBeLessThan(1e-4);
    });
    layer.dispose();
  });

  it('CrossSelfAttention (o′a = A(a→v) + A(a→a), o′v = A(v→a) + A(v→v)) across different lengths', () => {
    const f = fx.cross_self;
    const layer = new CrossSelfAttention({ dim: 8, numHeads: 2, dropout: 0 });
    setWeightsFromArrays(layer, f.weights);
    tf.tidy(() => {
      const a = tf.tensor(f.a);
      const v = tf.tensor(f.v);
      const [oa, ov] = layer.apply([a, v]) as unknown as tf.Tensor[];
      expect(maxAbsDiff(oa.dataSync(), flat(f.out_a))).toBeLessThan(1e-4);
      expect(maxAbsDiff(ov.dataSync(), flat(f.out_v))).toBeLessThan(1e-4);
      const Ra = tf.tensor(f.Ra);
      const Rv = tf.tensor(f.Rv);
      const [ga, gv] = tf.grads((x: tf.Tensor, y: tf.Tensor) => {
        const [p, q] = layer.apply([x, y]) as unknown as tf.Tensor[];
        return tf.add(tf.sum(tf.mul(p, Ra)), tf.sum(tf.mul(q, Rv))) as tf.Scalar;
      })([a, v]);
      expect(maxAbsDiff(ga.dataSync(), flat(f.grad_a))).toBeLessThan(1e-4);
      expect(maxAbsDiff(gv.dataSync(), flat(f.grad_v))).toBeLessThan(1e-4);
    });
    layer.dispose();
  });
});
