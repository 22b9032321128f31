import * as tf from '@tensorflow/tfjs-core';
import { initBackend, specBackend } from '@mer/backend';
import fx from './fixtures/avt-ca-blocks.json';
import { Conv1dBlock, CrossSelfAttention, IntermediateTransformerFusion } from './index';
import { maxAbsDiffs, setWeightsFromArrays } from './testing';

describe('AVT-CA blocks against PyTorch references', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('Conv1dBlock (conv k3 valid → BatchNorm → ReLU → MaxPool(2, 1)): training and eval outputs, running stats, gradients', async () => {
    const f = fx.conv_block;
    const block = new Conv1dBlock({ inputDim: 3, outputDim: 4, poolSize: 2 });
    setWeightsFromArrays(block, [...f.weights, [0, 0, 0, 0], [1, 1, 1, 1]]);
    const tensors = tf.tidy(() => {
      const x = tf.tensor(f.x);
      const R = tf.tensor(f.R);
      const vars = block.variables();
      const kept: tf.Tensor[] = [];
      const { grads } = tf.variableGrads(() => {
        const y = tf.keep(block.apply(x, { training: true }) as tf.Tensor);
        kept.push(y);
        return tf.sum(tf.mul(y, R)) as tf.Scalar;
      }, vars);
      // Running mean and variance after the one training step (copies: getWeights returns the variables).
      const [mean, variance] = block.getWeights().slice(4).map((w) => tf.clone(w));
      return [kept[0], grads[vars[0].name], mean, variance, block.apply(x) as tf.Tensor];
    });
    expect(tensors[0].shape).toEqual([2, 9 - 2 - 1, 4]);
    const [outTrain, gradKernel, mean, variance, outEval] = await maxAbsDiffs(tensors, [f.out_train, f.grad_kernel, f.running_mean, f.running_var, f.out_eval]);
    expect(outTrain).toBeLessThan(1e-4);
    expect(gradKernel).toBeLessThan(1e-4);
    expect(mean).toBeLessThan(1e-5);
    expect(variance).toBeLessThan(1e-5);
    expect(outEval).toBeLessThan(1e-4);
    // Input gradient in eval mode is checked by the backend's conv fills; here the training-mode one:
    const fresh = new Conv1dBlock({ inputDim: 3, outputDim: 4, poolSize: 2 });
    setWeightsFromArrays(fresh, [...f.weights, [0, 0, 0, 0], [1, 1, 1, 1]]);
    const gx = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fresh.apply(x, { training: true }) as tf.Tensor, tf.tensor(f.R))) as tf.Scalar)(tf.tensor(f.x)));
    const [gradX] = await maxAbsDiffs([gx], [f.grad_x]);
    expect(gradX).toBeLessThan(1e-4);
    expect(fresh.outputLength(9)).toBe(6);
    fresh.dispose();
    block.dispose();
  });

  it('IntermediateTransformerFusion (audio queries video; LN on q and k, no qkv bias, MLP ratio 2)', async () => {
    const f = fx.fusion;
    const layer = new IntermediateTransformerFusion({ queryDim: 8, keyDim: 4, numHeads: 2, dropout: 0 });
    setWeightsFromArrays(layer, f.weights);
    const tensors = tf.tidy(() => {
      const x = tf.tensor(f.x);
      const y = tf.tensor(f.y);
      const R = tf.tensor(f.R);
      const out = layer.apply([x, y]) as tf.Tensor;
      return [out, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layer.apply([a, b]) as tf.Tensor, R)) as tf.Scalar)([x, y])];
    });
    const [out, gx, gy] = await maxAbsDiffs(tensors, [f.out, f.grad_x, f.grad_y]);
    expect(out).toBeLessThan(1e-4);
    expect(gx).toBeLessThan(1e-4);
    expect(gy).toBeLessThan(1e-4);
    layer.dispose();
  });

  it('CrossSelfAttention (o′a = A(a→v) + A(a→a), o′v = A(v→a) + A(v→v)) across different lengths', async () => {
    const f = fx.cross_self;
    const layer = new CrossSelfAttention({ dim: 8, numHeads: 2, dropout: 0 });
    setWeightsFromArrays(layer, f.weights);
    const tensors = tf.tidy(() => {
      const a = tf.tensor(f.a);
      const v = tf.tensor(f.v);
      const [oa, ov] = layer.apply([a, v]) as unknown as tf.Tensor[];
      const Ra = tf.tensor(f.Ra);
      const Rv = tf.tensor(f.Rv);
      const [ga, gv] = tf.grads((x: tf.Tensor, y: tf.Tensor) => {
        const [p, q] = layer.apply([x, y]) as unknown as tf.Tensor[];
        return tf.add(tf.sum(tf.mul(p, Ra)), tf.sum(tf.mul(q, Rv))) as tf.Scalar;
      })([a, v]);
      return [oa, ov, ga, gv];
    });
    const [oa, ov, ga, gv] = await maxAbsDiffs(tensors, [f.out_a, f.out_v, f.grad_a, f.grad_v]);
    expect(oa).toBeLessThan(1e-4);
    expect(ov).toBeLessThan(1e-4);
    expect(ga).toBeLessThan(1e-4);
    expect(gv).toBeLessThan(1e-4);
    layer.dispose();
  });
});
