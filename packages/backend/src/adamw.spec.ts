import * as tf from '@tensorflow/tfjs-core';
import { AdamW, createRng, initBackend, onBackend, specBackend } from './index';
import { hasFusedAdamW } from './kernels/adamw-wasm';

// torch.optim.AdamW(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05) on
// loss = Σ c·(p − t)², five steps. Produced by: /usr/bin/python3 tools/reference/adamw_reference.py
const TORCH_TRAJECTORY = [
  [0.597499999, -1.0940000002, 1.8900000003, 0.1994999992],
  [0.6933739725, -0.9888772259, 1.7806647785, 0.2917933708],
  [0.7864068416, -0.8849094474, 1.6720727812, 0.3647427131],
  [0.874904829, -0.7824168156, 1.5643059396, 0.405308381],
  [0.9566399795, -0.6817659567, 1.457449569, 0.4134367673],
];

describe('AdamW', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('follows torch.optim.AdamW step for step', async () => {
    const p = tf.variable(tf.tensor1d([0.5, -1.2, 2.0, 0.1]), true, 'p');
    const t = tf.tensor1d([1.0, 0.0, -1.0, 0.3]);
    const c = tf.tensor1d([1.0, 2.0, 0.5, 3.0]);
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.05, epsilon: 1e-8 });
    for (const expected of TORCH_TRAJECTORY) {
      tf.dispose(opt.minimize(() => tf.sum(tf.mul(c, tf.square(tf.sub(p, t)))) as tf.Scalar) ?? []);
      const got = Array.from(await p.data());
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    }
    opt.dispose();
    tf.dispose([p, t, c]);
  });

  // About mer's wasm kernel: runs on wasm in the webgpu leg too (the first spec checks webgpu's update).
  it('fused wasm step (one kernel per parameter) equals the op-by-op update on cpu bit for bit', async () => {
    const r = createRng(7);
    const init = [Float32Array.from({ length: 37 }, () => r.normal()), Float32Array.from({ length: 6 }, () => r.normal())];
    const grads = Array.from({ length: 4 }, () => [Float32Array.from({ length: 37 }, () => r.normal() * 1e-3), Float32Array.from({ length: 6 }, () => r.normal())]);
    const run = async () => {
      const w = tf.variable(tf.tensor2d(init[0], [37, 1]), true, 'fused-w');
      const b = tf.variable(tf.tensor1d(init[1]), true, 'fused-b');
      const opt = new AdamW({ learningRate: 0.05, weightDecay: 0.1, decay: (name) => name !== 'fused-b' });
      const fused = hasFusedAdamW();
      for (const [gw, gb] of grads) {
        const g = [
          { name: 'fused-w', tensor: tf.tensor2d(gw, [37, 1]) },
          { name: 'fused-b', tensor: tf.tensor1d(gb) },
        ];
        opt.applyGradients(g);
        tf.dispose(g.map((x) => x.tensor));
      }
      const slots = (await opt.getWeights()).map((x) => Array.from(x.tensor.dataSync()));
      const out = { fused, w: Array.from(w.dataSync()), b: Array.from(b.dataSync()), slots };
      opt.dispose();
      tf.dispose([w, b]);
      return out;
    };
    const cpu = await onBackend('cpu', run);
    const wasm = await onBackend('wasm', run);
    expect([cpu.fused, wasm.fused]).toEqual([false, true]);
    expect(wasm.w).toEqual(cpu.w);
    expect(wasm.b).toEqual(cpu.b);
    expect(wasm.slots).toEqual(cpu.slots);
  });

  it('decays decoupled from the gradient: zero gradient still shrinks θ by lr·λ', async () => {
    const w = tf.variable(tf.tensor1d([2, -4]), true, 'w');
    const opt = new AdamW({ learningRate: 0.5, weightDecay: 0.1 });
    opt.applyGradients([{ name: 'w', tensor: tf.zeros([2]) }]);
    // Adam's step is 0/(0+ε) = 0, so only the decay acts: θ·(1 − 0.5·0.1).
    const [a, b] = Array.from(await w.data());
    expect(a).toBeCloseTo(2 * 0.95, 6);
    expect(b).toBeCloseTo(-4 * 0.95, 6);
    opt.dispose();
    w.dispose();
  });

  it('exempts variables the decay filter rejects', async () => {
    const w = tf.variable(tf.tensor1d([1]), true, 'layer/kernel');
    const b = tf.variable(tf.tensor1d([1]), true, 'layer/bias');
    const opt = new AdamW({ learningRate: 1, weightDecay: 0.5, decay: (name) => !name.endsWith('bias') });
    opt.applyGradients([
      { name: 'layer/kernel', tensor: tf.zeros([1]) },
      { name: 'layer/bias', tensor: tf.zeros([1]) },
    ]);
    expect((await w.data())[0]).toBeCloseTo(0.5, 6);
    expect((await b.data())[0]).toBe(1);
    opt.dispose();
    tf.dispose([w, b]);
  });

  it('round-trips its config through tfjs serialization and keeps memory flat', () => {
    const opt = new AdamW({ learningRate: 3e-4, weightDecay: 0.02 });
    const config = opt.getConfig();
    expect(config['weightDecay']).toBe(0.02);
    const copy = AdamW.fromConfig(AdamW, config) as AdamW;
    expect(copy.getLearningRate()).toBeCloseTo(3e-4, 10);
    expect(copy.weightDecay).toBe(0.02);
    expect(AdamW.className).toBe('AdamW');

    const v = tf.variable(tf.ones([3]), true, 'flat');
    const start = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(copy.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, true) ?? []);
    // Two moment variables appear once; nothing grows per step after that.
    expect(tf.memory().numTensors).toBe(start + 2);
    opt.dispose();
    copy.dispose();
    v.dispose();
  });

  it('refuses a non-finite learning rate', () => {
    const opt = new AdamW();
    expect(() => opt.setLearningRate(NaN)).toThrow(/finite/);
    opt.setLearningRate(0.5);
    expect(opt.getLearningRate()).toBe(0.5);
    opt.dispose();
  });
});
