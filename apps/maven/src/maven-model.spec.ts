import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { overfit } from '@mer/attention-fusion';
import { AdamW, initBackend } from '@mer/backend';
import { vaMseLoss } from '@mer/heads';
import { createMavenModel, loadMavenModel, saveMavenModel } from './index';
import { folderFiles } from '@mer/media';

const feats = (b: number, t: number, seed: number) => ({
  visual: tf.randomNormal([b, t, 1024], 0, 1, 'float32', seed),
  audio: tf.randomNormal([b, t, 768], 0, 1, 'float32', seed + 1),
  text: tf.randomNormal([b, t, 768], 0, 1, 'float32', seed + 2),
});

describe('MAVEN network', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('paper preset builds with the parameter count its architecture implies', () => {
    const m = createMavenModel('paper');
    const mha = (d: number) => 4 * d * d + 4 * d;
    const beitLayer = (d: number, h: number) => (2 * 512 - 1) * h + 2 * d + (d * 4 * d + 4 * d) + (4 * d * d + d) + mha(d) + 4 * d;
    const beit = 12 * beitLayer(768, 12) + 2 * 768;
    const expected =
      (1024 + 1) * 512 + 2 * (768 + 1) * 512 + // projections
      6 * mha(512) + 3 * 2 * 512 + // six pathways + their LayerNorms
      3 * (mha(512) + 2 * 512) + // refinements
      (3 * 512 + 1) * 768 + // concat + projection
      2 * beit +
      (768 * 512 + 512 + 512 * 256 + 256 + 256 * 2 + 2);
    expect(m.parameterCount()).toBe(expected);
    expect(m.summary()).toMatch(/BEiT encoder 1/);
    m.dispose();
  });

  it('lite preset: per-frame polar outputs; official-code concatenates the parallel encoders; ablation with one modality', () => {
    const lite = createMavenModel('lite');
    const x = feats(2, 6, 1);
    const out = lite.predict(x, { mask: tf.ones([2, 6]) });
    expect(out.valence.shape).toEqual([2, 6]);
    expect(Array.from(out.intensity.dataSync()).every((v) => v >= 0)).toBe(true);
    const par = createMavenModel('official-code', { dim: 16, projDim: 16, beitDepth: 1, beitHeads: 2, headHidden: [8] });
    expect(par.forwardFeatures(x).shape).toEqual([2, 6, 32]);
    const visualOnly = createMavenModel('lite', { modalities: ['visual'] });
    expect(visualOnly.crossModal).toBeUndefined();
    expect(visualOnly.predict({ visual: x.visual }).valence.shape).toEqual([2, 6]);
    expect(() => lite.predict({ visual: x.visual })).toThrow(/missing 'audio' features/);
    expect(() => lite.predict({ ...x, text: tf.zeros([2, 6, 300]) })).toThrow(/'text' features are 300-d, the config expects 768/);
    [lite, par, visualOnly].forEach((m) => m.dispose());
  });

  it('lite preset overfits one batch on wasm (MSE on (v, a) falls ≥ 90%); save → load is exact', async () => {
    const m = createMavenModel('lite', { dropout: 0, headDropout: 0 });
    const x = feats(2, 8, 5);
    const target = tf.tidy(() => tf.mul(tf.tanh(tf.randomNormal([2, 8, 2], 0, 1, 'float32', 11)), 0.8));
    const opt = new AdamW({ learningRate: 1e-3 });
    const inputs = [x.visual, x.audio, x.text];
    const loss = () => vaMseLoss(m.apply(inputs, { training: true }) as tf.Tensor, target);
    const { first, last } = overfit(loss, opt, m.variables());
    expect(last).toBeLessThan(first * 0.1);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-maven-'));
    await saveMavenModel(m, folderFiles(dir));
    const loaded = loadMavenModel(folderFiles(dir));
    const a = tf.tidy(() => (m.apply(inputs) as tf.Tensor).dataSync().slice());
    const b = tf.tidy(() => (loaded.apply(inputs) as tf.Tensor).dataSync().slice());
    expect(Array.from(b)).toEqual(Array.from(a));
    fs.rmSync(dir, { recursive: true, force: true });
    opt.dispose();
    m.dispose();
    loaded.dispose();
  });
});
