import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng } from '@mer/backend';
import { writeCsd } from '@mer/datasets';
import { generateTestClip } from '@mer/media';

const root = path.resolve(__dirname, '../../..');
const main = path.join(__dirname, 'main.ts');
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
const mer = (args: string[]) => spawnSync(process.execPath, [tsx, main, ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-mosei-cli-'));
const sdk = path.join(dir, 'mosei');
const EMOTIONS = ['happy', 'sad', 'anger', 'surprise', 'disgust', 'fear'];

/**
 * A small CMU-MOSEI in the SDK's exact layout: 41 videos of two 4 s segments. Each segment has six
 * hidden signs; FACET (35-d, 30 Hz) carries the first three in its dims 0–2, COVAREP (74-d, 100 Hz,
 * with −inf in dim 10 of every 50th row) the last three; emotion k is present (intensity > 0) exactly
 * when sign k is +. Video v40 is in no fold.
 */
async function writeSdk(): Promise<{ negInf: number }> {
  fs.mkdirSync(sdk, { recursive: true });
  const rng = createRng(7);
  const labels: Record<string, { features: number[][]; intervals: number[][] }> = {};
  const facet: typeof labels = {};
  const covarep: typeof labels = {};
  let negInf = 0;
  for (let v = 0; v < 41; v++) {
    const id = `v${v}`;
    labels[id] = { features: [], intervals: [] };
    facet[id] = { features: [], intervals: [] };
    covarep[id] = { features: [], intervals: [] };
    for (let s = 0; s < 2; s++) {
      const signs = EMOTIONS.map(() => (rng.next() < 0.5 ? -1 : 1));
      labels[id].features.push([signs[0] + 0.2 * (rng.next() - 0.5), ...signs.map((z) => (z > 0 ? 0.33 + rng.next() : 0))]);
      labels[id].intervals.push([4 * s, 4 * s + 4]);
      for (let t = 0; t < 120; t++) {
        facet[id].features.push(Array.from({ length: 35 }, (_, d) => (d < 3 ? signs[d] : 0) + 0.5 * (rng.next() - 0.5)));
        facet[id].intervals.push([4 * s + t / 30, 4 * s + (t + 1) / 30]);
      }
      for (let t = 0; t < 400; t++) {
        const row = Array.from({ length: 74 }, (_, d) => (d < 3 ? signs[3 + d] : 0) + 0.5 * (rng.next() - 0.5));
        if (t % 50 === 0) {
          row[10] = -Infinity;
          negInf++;
        }
        covarep[id].features.push(row);
        covarep[id].intervals.push([4 * s + t / 100, 4 * s + (t + 1) / 100]);
      }
    }
  }
  await writeCsd(path.join(sdk, 'CMU_MOSEI_Labels.csd'), 'All Labels', labels);
  await writeCsd(path.join(sdk, 'CMU_MOSEI_VisualFacet42.csd'), 'FACET 4.2', facet);
  await writeCsd(path.join(sdk, 'CMU_MOSEI_COVAREP.csd'), 'COVAREP', covarep);
  const ids = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => `'v${a + i}'`).join(', ');
  // The SDK's own fold module text.
  fs.writeFileSync(path.join(dir, 'cmu_mosei_std_folds.py'), `standard_train_fold = [${ids(0, 28)}]\nstandard_valid_fold = [${ids(28, 34)}]\nstandard_test_fold = [${ids(34, 40)}]\n`);
  return { negInf };
}

let planted: { negInf: number };
beforeAll(async () => {
  planted = await writeSdk();
}, 120_000);

describe('CMU-MOSEI end to end from the SDK computational sequences (mer extract / train / eval / cv)', () => {
  const feats = path.join(dir, 'feats');
  const run = path.join(dir, 'run');

  it('a missing fold list is an error that says what to pass', () => {
    const r = mer(['extract', '--pipeline', 'avt-ca', '--dataset', `cmu-mosei:${sdk}`, '--out', path.join(dir, 'x')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/no fold list in .*mosei — pass --folds <file>: a JSON .*cmu_mosei_std_folds\.py/);
  });

  it('extract writes the store straight from the sequences: segments, folds, steps, −inf counted', () => {
    const r = mer(['extract', '--pipeline', 'avt-ca', '--dataset', `cmu-mosei:${sdk}`, '--folds', path.join(dir, 'cmu_mosei_std_folds.py'), '--out', feats]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('80 segments written from the computational sequences');
    expect(r.stdout).toContain('80 segments of 82 in the folds (28/6/6 videos); 1 labelled videos in no fold left out');
    expect(r.stdout).toContain('video ← FACET 4.2 (35-d), audio ← COVAREP (74-d)');
    // Only the foldless video's −inf are not read.
    expect(r.stdout).toContain(`audio: ${planted.negInf - 16} −inf/NaN values in COVAREP replaced by 0`);
    const index = JSON.parse(fs.readFileSync(path.join(feats, 'items.json'), 'utf8'));
    expect(index.classes).toEqual(EMOTIONS);
    expect(index.multiLabel).toBe(true);
    const counts = (split: string) => index.items.filter((i: { split: string }) => i.split === split).length;
    expect([counts('train'), counts('validation'), counts('test')]).toEqual([56, 12, 12]);
    expect(index.items[0]).toMatchObject({ id: 'v0[0]', speaker: 'v0' });
    expect(index.items[0].multiLabel).toHaveLength(6);
    // Rerun: every segment is already there.
    expect(mer(['extract', '--pipeline', 'avt-ca', '--dataset', `cmu-mosei:${sdk}`, '--folds', path.join(dir, 'cmu_mosei_std_folds.py'), '--out', feats]).stdout).toContain('0 segments written from the computational sequences, 80 already done (skipped)');
  });

  it('train (binary cross-entropy on the six emotions) learns the planted signal; eval gives per-emotion accuracy, F1 and weighted accuracy', () => {
    const t = mer(['train', '--features', feats, '--out', run, '--preset', 'lite', '--profile', 'paper', '--config', writeConfig({ learningRate: 3e-3, epochs: 40, batchSize: 8 })]);
    expect(t.stderr).not.toContain('mer:');
    expect(t.status).toBe(0);
    const e = mer(['eval', '--run', run, '--split', 'test', '--json']);
    expect(e.status).toBe(0);
    const m = JSON.parse(e.stdout.trim().split('\n').pop()!);
    expect(Object.keys(m.perLabel)).toEqual(EMOTIONS);
    for (const k of EMOTIONS) {
      const p = m.perLabel[k];
      expect(p.positives + p.negatives).toBe(12);
      expect(p.accuracy).toBeGreaterThanOrEqual(0.75);
    }
    expect(m.meanF1).toBeCloseTo(EMOTIONS.reduce((s, k) => s + m.perLabel[k].f1, 0) / 6, 10);
    expect(m.meanWeightedAccuracy).toBeGreaterThan(0.8);
    // The table for people: one row per emotion and the means.
    const table = mer(['eval', '--run', run, '--split', 'test']).stdout;
    expect(table).toMatch(/happy[\s\S]*fear[\s\S]*mean/);
  }, 300_000);

  it('sentiment as 2 classes: negative (< 0) vs non-negative; a video is no input for sequence features', () => {
    const f2 = path.join(dir, 'feats2');
    const r = mer(['extract', '--pipeline', 'avt-ca', '--dataset', `cmu-mosei:${sdk}`, '--folds', path.join(dir, 'cmu_mosei_std_folds.py'), '--labels', 'sentiment2', '--out', f2]);
    expect(r.status).toBe(0);
    const index = JSON.parse(fs.readFileSync(path.join(f2, 'items.json'), 'utf8'));
    expect(index.classes).toEqual(['negative', 'non-negative']);
    expect(index.multiLabel).toBeUndefined();
    expect(index.items.every((i: { classLabel: number }) => i.classLabel === 0 || i.classLabel === 1)).toBe(true);
    const clip = generateTestClip(path.join(dir, 'clip.mp4'), { seconds: 1 });
    const p = mer(['predict', '--run', run, clip, '--out', path.join(dir, 'predictions')]);
    expect(p.status).not.toBe(0);
    expect(p.stderr).toMatch(/'video' \(FACET 4\.2\), 'audio' \(COVAREP\) of this setup come from a dataset's own precomputed features/);
  }, 120_000);

  it('mer cv: folds of videos, multi-label metrics per fold and summarised', () => {
    const r = mer(['cv', '--features', feats, '--out', path.join(dir, 'cv'), '--folds', '2', '--preset', 'lite', '--profile', 'paper', '--epochs', '3', '--json']);
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = lines.pop();
    expect(lines).toHaveLength(2);
    // The summary is the folds' mean; each fold's mean F1 is the mean of its six per-label F1s.
    for (const l of lines) {
      const f1s = Object.values(l.metrics.perLabel as Record<string, { f1: number }>).map((p) => p.f1);
      expect(f1s).toHaveLength(6);
      expect(l.metrics.meanF1).toBeCloseTo(f1s.reduce((a, b) => a + b, 0) / 6, 12);
    }
    expect(summary.summary.meanF1.mean).toBeCloseTo((lines[0].metrics.meanF1 + lines[1].metrics.meanF1) / 2, 12);
  }, 300_000);

  it('mer cv --members: a committee per fold, multi-label probabilities averaged', () => {
    const r = mer(['cv', '--features', feats, '--out', path.join(dir, 'cv-committee'), '--folds', '4', '--members', '2', '--preset', 'lite', '--profile', 'paper', '--epochs', '2', '--json']);
    expect(r.stderr).not.toContain('mer:');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = lines.pop();
    expect(lines).toHaveLength(4);
    expect(lines[0].members.map((m: { validation: string[] }) => m.validation.length > 0)).toEqual([true, true]);
    expect(lines[0].members[0].validation).not.toEqual(lines[0].members[1].validation);
    expect(summary.summary.meanF1.mean).toBeCloseTo(lines.reduce((a: number, l: { metrics: { meanF1: number } }) => a + l.metrics.meanF1, 0) / 4, 12);
    const table = mer(['cv', '--features', feats, '--out', path.join(dir, 'cv-committee'), '--folds', '4', '--members', '2', '--preset', 'lite', '--profile', 'paper', '--epochs', '2']);
    expect(table.stdout).toMatch(/\d+\/2 \d+\/2/);
  }, 300_000);
});

function writeConfig(c: Record<string, unknown>): string {
  const f = path.join(dir, `config-${Object.values(c).join('-')}.json`);
  fs.writeFileSync(f, JSON.stringify(c));
  return f;
}
