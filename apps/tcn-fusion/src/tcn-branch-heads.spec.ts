import * as tf from '@tensorflow/tfjs-core';
import { overfit } from '@mer/attention-fusion';
import { AdamW, initBackend } from '@mer/backend';
import { cccLoss } from '@mer/heads';
import { createTcnFusionModel, TcnBranchHeads } from './index';

const small = { visualDim: 12, vggishDim: 6, logmelDim: 5, visualChannels: 4, audioChannels: 3, kernelSizes: [3, 5], dilations: [1, 2], attentionDim: 8, attentionHeads: 2, headHidden: 8 };
const streams = (b: number, t: number) => ({
  visual: tf.randomNormal([b, t, 12], 0, 1, 'float32', 1) as tf.Tensor3D,
  vggish: tf.randomNormal([b, t, 6], 0, 1, 'float32', 2) as tf.Tensor3D,
  logmel: tf.randomNormal([b, t, 5], 0, 1, 'float32', 3) as tf.Tensor3D,
});

describe('TCN-fusion parts and branch heads (the paper preset’s branch stage)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('parts hold every weight exactly once (concat and gated fusion)', () => {
    for (const fusion of ['concat', 'gated'] as const) {
      const model = createTcnFusionModel('paper', { ...small, fusion });
      const inParts = Object.values(model.parts()).flat().map((v) => v.name);
      expect(new Set(inParts).size).toBe(inParts.length);
      expect(inParts.sort()).toEqual(model.variables().map((v) => v.name).sort());
      model.dispose();
    }
  });

  it('one [B, T, 2] output per branch (batch 1 and 3), no NaN, no tensor left behind; unknown branches are named', () => {
    const model = createTcnFusionModel('paper', small);
    const heads = new TcnBranchHeads(model, ['visual', 'vggish', 'logmel']);
    for (const b of [1, 3]) {
      const x = streams(b, 10);
      const before = tf.memory().numTensors;
      const out = heads.forward(x);
      expect(Object.keys(out)).toEqual(['visual', 'vggish', 'logmel']);
      for (const o of Object.values(out)) {
        if (o.kind !== 'va') throw new Error('expected VA');
        expect(o.va.shape).toEqual([b, 10, 2]);
        expect(Array.from(o.va.dataSync()).every(Number.isFinite)).toBe(true);
      }
      tf.dispose(Object.values(out).map((o) => (o.kind === 'va' ? o.va : o.logits)));
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(Object.values(x));
    }
    expect(() => new TcnBranchHeads(model, ['text'])).toThrow("TCN-fusion: no branch 'text' for a stage head (visual, vggish, logmel)");
    heads.dispose();
    model.dispose();
  });

  it('training the branch TCNs with their heads lowers the summed CCC loss', async () => {
    const model = createTcnFusionModel('paper', { ...small, tcnDropout: 0, headDropout: 0 });
    const heads = new TcnBranchHeads(model, ['visual', 'vggish', 'logmel']);
    const x = streams(2, 12);
    const target = tf.tidy(() => tf.tanh(tf.randomNormal([2, 12, 2], 0, 1, 'float32', 9)));
    const parts = model.parts();
    const variables = [...parts['visual_tcn'], ...parts['vggish_tcn'], ...parts['logmel_tcn'], ...heads.variables()];
    const opt = new AdamW({ learningRate: 3e-3, weightDecay: 0 });
    const loss = () => tf.addN(Object.values(heads.forward(x, { training: true })).map((o) => cccLoss(o.kind === 'va' ? o.va : o.logits, target))) as tf.Scalar;
    const { first, last } = await overfit(loss, opt, variables);
    expect(last).toBeLessThan(first * 0.5);
    opt.dispose();
    tf.dispose([...Object.values(x), target]);
    heads.dispose();
    model.dispose();
  });
});
