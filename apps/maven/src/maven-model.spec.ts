import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { overfit } from '@mer/attention-fusion';
import { AdamW, initBackend } from '@mer/backend';
import { vaMseLoss } from '@mer/heads';
import { createMavenModel, loadMavenModel, mavenRecipe, saveMavenModel } from './index';
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

  it('paper preset: additive encoders (eq. 21–24), with the parameter count its architecture implies; beit-dot on request', () => {
    const mha = (d: number) => 4 * d * d + 4 * d;
    const mlpNormsScale = (d: number) => 2 * d + (d * 4 * d + 4 * d) + (4 * d * d + d) + 4 * d; // γ1, γ2, fc1, fc2, two LayerNorms
    const additiveLayer = (d: number) => mlpNormsScale(d) + 2 * d * d + 2 * d; // W_d, W'_d, b_d, v_d
    const dotLayer = (d: number, h: number) => mlpNormsScale(d) + mha(d) + (2 * 512 - 1) * h; // + relative position bias
    const rest =
      (1024 + 1) * 512 + 2 * (768 + 1) * 512 + // projections
      6 * mha(512) + 3 * 2 * 512 + // six pathways + their LayerNorms
      3 * (mha(512) + 2 * 512) + // refinements
      (3 * 512 + 1) * 768 + // concat + projection
      (768 * 512 + 512 + 512 * 256 + 256 + 256 * 2 + 2); // polar head
    const m = createMavenModel('paper');
    expect(m.config.encoderAttention).toBe('additive');
    expect(m.parameterCount()).toBe(rest + 2 * (12 * additiveLayer(768) + 2 * 768));
    expect(m.parameterCount()).toBe(154_280_450);
    expect(m.summary()).toMatch(/BEiT encoder 1 \(additive\)/);
    m.dispose();
    const dot = createMavenModel('paper', { encoderAttention: 'beit-dot' });
    expect(dot.parameterCount()).toBe(rest + 2 * (12 * dotLayer(768, 12) + 2 * 768));
    expect(dot.parameterCount()).toBe(182_923_490);
    dot.dispose();
    expect(() => createMavenModel('lite', { encoderAttention: 'dot' as never })).toThrow(/encoderAttention 'dot' is not one of 'additive' \(eq. 21–24\), 'beit-dot'/);
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
    const { first, last } = await overfit(loss, opt, m.variables());
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

  it("the recipe's model overrides (mer train --config '{\"model\": {\"encoderAttention\": \"beit-dot\"}}') select the encoder attention", () => {
    const widths = { visual: 16, audio: 8, text: 8 };
    const additive = mavenRecipe.build(widths, 'lite');
    const dot = mavenRecipe.build(widths, 'lite', { overrides: { encoderAttention: 'beit-dot' } });
    expect((additive.layer as unknown as { config: { encoderAttention: string } }).config.encoderAttention).toBe('additive');
    expect((dot.layer as unknown as { config: { encoderAttention: string } }).config.encoderAttention).toBe('beit-dot');
    expect(dot.layer.parameterCount() - additive.layer.parameterCount()).toBe(2 * (2 * 64 * 64 + 2 * 64 + (2 * 128 - 1) * 4)); // per encoder: MHA minus additive, plus the position bias
    [additive, dot].forEach((n) => n.layer.dispose());
  });

  it('a model saved before encoderAttention existed loads with the beit-dot encoders it was trained with, exactly (loadMavenModel and the recipe)', async () => {
    const m = createMavenModel('lite', { encoderAttention: 'beit-dot' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-maven-old-'));
    await saveMavenModel(m, folderFiles(dir));
    // Rewrite model.json as an older mer wrote it: the same config without the field.
    const manifestFile = path.join(dir, 'model.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { model: { config: Record<string, unknown> } };
    delete manifest.model.config['encoderAttention'];
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const x = feats(1, 5, 21);
    const inputs = [x.visual, x.audio, x.text];
    const want = tf.tidy(() => Array.from((m.apply(inputs) as tf.Tensor).dataSync()));
    const loaded = loadMavenModel(folderFiles(dir));
    expect(loaded.config.encoderAttention).toBe('beit-dot');
    expect(tf.tidy(() => Array.from((loaded.apply(inputs) as tf.Tensor).dataSync()))).toEqual(want);
    const network = mavenRecipe.load(folderFiles(dir));
    expect(network.layer.parameterCount()).toBe(m.parameterCount());
    [m, loaded, network.layer].forEach((l) => l.dispose());
    tf.dispose(inputs);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
