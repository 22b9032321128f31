import * as tf from '@tensorflow/tfjs-core';
import { AdamW, initBackend } from '@mer/backend';
import { EarlyStopping, learningRateControl, ReduceLROnPlateau, StepLR } from './index';

// torch.optim.lr_scheduler trajectories. Produced by: /usr/bin/python3 tools/reference/schedulers_reference.py
const METRICS = [0.1, 0.2, 0.2, 0.19, 0.21, 0.2101, 0.18, 0.17, 0.3, 0.29, 0.28, 0.27, 0.26, 0.25, 0.24];
const TORCH_PLATEAU = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25];
const TORCH_STEP = [0.06, 0.06, 0.06, 0.006, 0.006, 0.006, 0.0006, 0.0006];

describe('learning-rate schedulers and early stopping', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('ReduceLROnPlateau follows torch (mode max, factor 0.5, patience 2, threshold 1e-3, cooldown 1, min 0.1)', () => {
    const opt = new AdamW({ learningRate: 1 });
    const s = new ReduceLROnPlateau(opt, { mode: 'max', factor: 0.5, patience: 2, threshold: 1e-3, cooldown: 1, minLr: 0.1 });
    expect(METRICS.map((m) => s.step(m))).toEqual(TORCH_PLATEAU);
    expect(() => s.step(NaN)).toThrow(/not finite/);
    // Resuming from state (with the optimiser's learning rate, checkpointed with it) continues identically.
    const a = new ReduceLROnPlateau(new AdamW({ learningRate: 1 }), { patience: 1 });
    const lrAfter5 = METRICS.slice(0, 5).map((m) => a.step(m)).pop() as number;
    const b = new ReduceLROnPlateau(new AdamW({ learningRate: lrAfter5 }), { patience: 1 });
    b.restore(a.state());
    expect(METRICS.slice(5).map((m) => b.step(m))).toEqual(METRICS.slice(5).map((m) => a.step(m)));
    opt.dispose();
  });

  it('StepLR follows torch on a plain tfjs SGD optimizer (through learningRateControl)', () => {
    const sgd = tf.train.sgd(0.06);
    const control = learningRateControl(sgd);
    const s = new StepLR(control, 3, 0.1);
    const lrs = [control.getLearningRate()];
    for (let i = 0; i < 7; i++) lrs.push(s.step());
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(TORCH_STEP[i], 12));
    const resumed = new StepLR(learningRateControl(tf.train.sgd(0.06)), 3, 0.1);
    resumed.restore({ epoch: 4 });
    expect(resumed.step()).toBeCloseTo(0.006, 12);
  });

  it('EarlyStopping stops after `patience` epochs without improvement and remembers the best epoch', () => {
    const es = new EarlyStopping({ mode: 'max', patience: 2 });
    const steps = [0.1, 0.3, 0.2, 0.25].map((m) => es.step(m));
    expect(steps.map((s) => s.improved)).toEqual([true, true, false, false]);
    expect(steps.map((s) => s.stop)).toEqual([false, false, false, true]);
    expect([es.best, es.bestEpoch]).toEqual([0.3, 1]);
  });

  it('EarlyStopping continues identically from its state (through JSON, as a checkpoint stores it)', () => {
    const metrics = [0.1, 0.3, 0.2, 0.25, 0.24, 0.4, 0.3, 0.3, 0.3];
    const straight = new EarlyStopping({ mode: 'max', patience: 3 });
    const all = metrics.map((m) => straight.step(m));
    const first = new EarlyStopping({ mode: 'max', patience: 3 });
    expect(first.state()).toEqual({ best: null, bestEpoch: -1, epoch: -1 });
    metrics.slice(0, 4).forEach((m) => first.step(m));
    const resumed = new EarlyStopping({ mode: 'max', patience: 3 });
    resumed.restore(JSON.parse(JSON.stringify(first.state())));
    expect([...all.slice(0, 4), ...metrics.slice(4).map((m) => resumed.step(m))]).toEqual(all);
    expect(resumed.state()).toEqual(straight.state());
  });
});
