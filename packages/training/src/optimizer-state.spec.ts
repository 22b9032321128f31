import * as tf from '@tensorflow/tfjs-core';
import { AdamW, initBackend } from '@mer/backend';

import { optimizerState, restoreOptimizerState } from './optimizer-state';

describe('optimizer state capture / restore', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it.each([
    ['AdamW', () => new AdamW({ learningRate: 0.05, weightDecay: 0.01 })],
    ['momentum', () => tf.train.momentum(0.05, 0.9)],
  ])('%s: a restored optimizer continues bit for bit', async (_, make) => {
    const run = async (restoreAfter: number | null) => {
      const w = tf.variable(tf.tensor1d([1, -2, 3]));
      let opt = make();
      for (let step = 0; step < 6; step++) {
        if (step === restoreAfter) {
          const state = await optimizerState(opt);
          opt.dispose();
          opt = make();
          await restoreOptimizerState(opt, state);
        }
        opt.minimize(() => tf.sum(tf.square(tf.sub(tf.mul(w, w), 0.5))) as tf.Scalar, false, [w]);
      }
      const out = Array.from(await w.data());
      w.dispose();
      opt.dispose();
      return out;
    };
    expect(await run(3)).toEqual(await run(null));
  });
});
