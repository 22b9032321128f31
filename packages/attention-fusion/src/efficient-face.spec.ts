import * as tf from '@tensorflow/tfjs-core';
import { initBackend, readAndDispose, specBackend } from '@mer/backend';
import fx from './fixtures/efficient-face.json';
import { channelShuffle, EfficientFace, InvertedResidual, LocalFeatureExtractor, overfit } from './index';
import { maxAbsDiffs, setWeightsFromArrays } from './testing';

describe('EfficientFace-style backbone (AVT-CA raw mode)', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('matches the PyTorch reference: stem, inverted residuals, modulator, local patches; parameters, output and input gradient', async () => {
    const net = new EfficientFace({ stagesRepeats: fx.repeats as [number, number, number], stagesOutChannels: fx.channels as [number, number, number, number, number] });
    expect(net.parameterCount()).toBe(fx.parameters);
    setWeightsFromArrays(net, fx.weights);
    const [out, gx] = tf.tidy(() => {
      const x = tf.tensor(fx.x);
      return [net.apply(x) as tf.Tensor, tf.grad((v: tf.Tensor) => tf.sum(tf.mul(net.apply(v) as tf.Tensor, tf.tensor(fx.R))) as tf.Scalar)(x)];
    });
    expect(out.shape).toEqual([2, 12]);
    const [outDiff, gxDiff] = await maxAbsDiffs([out, gx], [fx.out, fx.grad_x]);
    expect(outDiff).toBeLessThan(1e-4);
    expect(gxDiff).toBeLessThan(1e-4);
    net.dispose();
  });

  it(`trains on ${specBackend()} (depthwise/strided conv gradients from @mer/backend): the loss falls on a fixed batch`, async () => {
    const net = new EfficientFace({ stagesRepeats: [1, 1, 1], stagesOutChannels: [4, 8, 8, 8, 6] });
    // A batch of 4 at 64×64 keeps every BatchNorm's batch statistics over more than a couple of values.
    const x = tf.randomNormal([4, 64, 64, 3], 0, 1, 'float32', 1);
    const y = tf.randomNormal([4, 6], 0, 1, 'float32', 2);
    const opt = tf.train.adam(1e-3);
    const loss = () => tf.mean(tf.square(tf.sub(net.apply(x, { training: true }) as tf.Tensor, y))) as tf.Scalar;
    const { first, last } = await overfit(loss, opt, net.variables(), { maxSteps: 30, targetRatio: 0.8 });
    expect(last).toBeLessThan(first);
    opt.dispose();
    tf.dispose([x, y]);
    net.dispose();
  });

  it('channel shuffle interleaves the two halves; shape checks name the problem', async () => {
    const shuffled = tf.tidy(() => channelShuffle(tf.reshape(tf.range(0, 4), [1, 1, 1, 4])));
    expect(Array.from(await readAndDispose(shuffled))).toEqual([0, 2, 1, 3]);
    expect(() => new InvertedResidual({ inputChannels: 6, outputChannels: 8, stride: 1 })).toThrow(/stride 1 needs input channels = output channels/);
    const local = new LocalFeatureExtractor({ inputChannels: 2, outputChannels: 4 });
    expect(() => tf.tidy(() => local.apply(tf.zeros([1, 5, 4, 2])) as tf.Tensor)).toThrow(/even height and width, got 5×4/);
    local.dispose();
  });
});
