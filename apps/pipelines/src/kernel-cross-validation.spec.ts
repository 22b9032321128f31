import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, specBackend } from '@mer/backend';
import { FeatureStore } from '@mer/datasets';
import { crossValidateKernel } from './kernel-cross-validation';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-kernel-cv-'));
const SPEAKERS = ['03', '08', '10', '11'];
const CLASSES = ['anger', 'boredom', 'sadness'];
const DIM = 6;

/** Deterministic noise in [-1, 1]. */
const noise = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 4.1414) * 0.5;

/**
 * Utterance rows: class c raises dimension c by 2 over the speaker's own level; each speaker adds a
 * large offset of their own (a voice) and scale, which per-speaker standardisation removes.
 * `labels` maps (speaker, item) to the class written in items.json (defaults to the true one).
 */
function writeFeatures(dir: string, labels: (speaker: string, item: number, truth: number) => number = (_s, _i, c) => c): void {
  const store = FeatureStore.open(dir, { modality: 'audio', extractor: 'speech-functionals', config: { test: 1 }, dim: DIM });
  const items: { id: string; file: string; classLabel: number; speaker: string }[] = [];
  let k = 0;
  for (const [si, s] of SPEAKERS.entries()) {
    for (let i = 0; i < 9; i++) {
      const c = i % 3;
      const row = Float32Array.from({ length: DIM }, (_, d) => (5 * si + (d === c ? 2 : 0) + 0.4 * noise(++k)) * (1 + si));
      const id = `${s}a0${i}`;
      store.write(id, row);
      items.push({ id, file: `/data/${id}.wav`, classLabel: labels(s, i, c), speaker: s });
    }
  }
  store.flush();
  fs.writeFileSync(path.join(dir, 'items.json'), JSON.stringify({ pipeline: 'avt-ca', dataset: 'emodb:/data', classes: CLASSES, extractor: { faces: 'none' }, items }));
}

describe('crossValidateKernel', () => {
  beforeAll(async () => {
    await initBackend({ backend: specBackend() });
  });

  it('leave-one-speaker-out: γ, λ chosen on training speakers only; learns what separates the classes', async () => {
    const features = path.join(root, 'features');
    writeFeatures(features);
    const before = tf.memory().numTensors;
    const out = path.join(root, 'cv');
    const r = await crossValidateKernel({ features, folds: 'loso', out, grid: { gammaScales: [0.5, 1], lambdas: [0.1, 1] } });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.folds.map((f) => f.heldOut)).toEqual(SPEAKERS.map((s) => [s]));
    for (const f of r.folds) {
      expect(f.innerSpeakers).toEqual(SPEAKERS.filter((s) => s !== f.heldOut[0]));
      expect([f.trainItems, f.testItems]).toEqual([27, 9]);
      expect([0.5, 1]).toContain(f.gammaScale);
      expect([0.1, 1]).toContain(f.lambda);
      // Standardised per speaker, the classes are apart: every held-out speaker is classified well above chance (1/3).
      expect(f.metrics.uar).toBeGreaterThan(0.85);
      expect(f.innerScore).toBeGreaterThan(0.85);
    }
    expect(r.summary.uar.mean).toBeCloseTo(r.folds.reduce((a, f) => a + f.metrics.uar, 0) / 4, 12);
    expect(r.selectedBy).toContain("inner leave-one-speaker-out on each fold's training speakers");
    expect(JSON.parse(fs.readFileSync(path.join(out, 'kernel-cv.json'), 'utf8'))).toMatchObject({ estimator: 'kernel-ridge', standardise: 'speaker', scheme: 'loso' });
  });

  it("a held-out speaker's labels change its score, never what its fold selected", async () => {
    const honest = path.join(root, 'honest');
    const scrambled = path.join(root, 'scrambled');
    writeFeatures(honest);
    // Speaker 10's labels rotated: wrong for every item of theirs.
    writeFeatures(scrambled, (s, _i, c) => (s === '10' ? (c + 1) % 3 : c));
    const grid = { gammaScales: [0.5, 1, 2], lambdas: [0.03, 0.3, 3] };
    const a = await crossValidateKernel({ features: honest, folds: 'loso', grid });
    const b = await crossValidateKernel({ features: scrambled, folds: 'loso', grid });
    const [fa, fb] = [a, b].map((r) => r.folds[SPEAKERS.indexOf('10')]);
    expect([fa.heldOut, fb.heldOut]).toEqual([['10'], ['10']]);
    expect([fb.gamma, fb.lambda, fb.innerScore]).toEqual([fa.gamma, fa.lambda, fa.innerScore]);
    expect(fb.metrics.uar).toBeLessThan(0.2);
    expect(fa.metrics.uar).toBeGreaterThan(0.85);
  });

  it('refuses features without classes, naming the folder', async () => {
    const dir = path.join(root, 'va');
    writeFeatures(dir);
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'items.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'items.json'), JSON.stringify({ ...index, classes: undefined }));
    await expect(crossValidateKernel({ features: dir, folds: 'loso' })).rejects.toThrow(`${dir}: the kernel estimator classifies single-label items`);
  });
});
