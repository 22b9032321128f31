import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';
import { crossValidate } from './cross-validation';
import { clipMetrics, summariseMetrics } from './evaluation';
import { loadPipeline } from './pipeline-loading';
import { datasetItems } from './dataset-items';
import { extractDataset, readFeatureIndex, recordedSpeaker, toItems } from './workflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-cv-'));
const data = path.join(dir, 'emodb');
// EmoDB-named recordings: 3 speakers × (anger W, sadness T) × 2, the class carried by the tone.
for (const speaker of ['03', '08', '10']) {
  for (const [k, emotion] of ['W', 'T', 'W', 'T'].entries()) {
    generateTestClip(path.join(data, `${speaker}a0${k + 1}${emotion}a.wav`), { seconds: 1, toneHz: emotion === 'W' ? 880 : 220 });
  }
}
const features = path.join(dir, 'features');
const training = { epochs: 2, batchSize: 4, learningRate: 1e-3 };

describe('speaker-independent evaluation', () => {
  beforeAll(async () => {
    await extractDataset({ pipeline: 'avt-ca', dataset: `emodb:${data}`, out: features, extractor: { faces: 'none' }, preset: 'lite' });
  });

  it('--split speaker:<ids> holds those speakers out; unknown ids are named', () => {
    const items = datasetItems(`emodb:${data}`, { split: 'speaker:08' }).items;
    expect(items.filter((i) => i.split === 'test').map((i) => i.speaker)).toEqual(['08', '08', '08', '08']);
    expect(items.filter((i) => i.split === 'train')).toHaveLength(8);
    expect(() => datasetItems(`emodb:${data}`, { split: 'speaker:09' })).toThrow('unknown speaker(s) 09; the dataset has 03, 08, 10');
    expect(readFeatureIndex(features).items[0].speaker).toBe('03');
  });

  it("an item's speaker: recorded, else from the dataset's file names (folders written before speakers were recorded)", () => {
    expect(recordedSpeaker('emodb:/d', { file: '/d/08a01Wa.wav' })).toBe('08');
    expect(recordedSpeaker('ravdess:/d', { file: '/d/Actor_07/01-01-05-01-01-01-07.mp4' })).toBe('07');
    expect(recordedSpeaker('crema-d:/d', { file: '/d/1001_DFA_ANG_XX.flv' })).toBe('1001');
    expect(recordedSpeaker('ravdess:/d', { file: '/d/not-a-ravdess-name.mp4' })).toBeUndefined();
    expect(recordedSpeaker('affwild2:/d', { file: '/d/video1.mp4' })).toBeUndefined();
    expect(recordedSpeaker('emodb:/d', { file: '/d/08a01Wa.wav', speaker: 'x' })).toBe('x');
    const old = { pipeline: 'avt-ca', dataset: 'emodb:/d', extractor: {}, items: [{ id: '10a01Wa', file: '/d/10a01Wa.wav', split: 'train' }] };
    expect(toItems(old)[0].speaker).toBe('10');
  });

  it('LOSO: every speaker held out once, selected on another training speaker; a killed run resumes per fold', async () => {
    const out = path.join(dir, 'cv');
    const first = await crossValidate({ features, out, folds: 'loso', preset: 'lite', training });
    expect(first.folds.map((f) => [f.heldOut, f.validation, f.trainItems, f.testItems])).toEqual([
      [['03'], ['08'], 4, 4],
      [['08'], ['10'], 4, 4],
      [['10'], ['03'], 4, 4],
    ]);
    // Each fold's UAR is its confusion matrix's mean recall; the summary is their mean and sample std.
    const uars = first.folds.map((f) => {
      const cm = f.metrics['confusionMatrix'] as number[][];
      const recalls = cm.map((row, k) => row[k] / row.reduce((a, b) => a + b, 0)).filter(Number.isFinite);
      expect(f.metrics['uar']).toBeCloseTo(recalls.reduce((a, b) => a + b, 0) / recalls.length, 12);
      expect(f.metrics['items']).toBe(4);
      return f.metrics['uar'] as number;
    });
    const mean = uars.reduce((a, b) => a + b, 0) / 3;
    expect(first.summary['uar'].mean).toBeCloseTo(mean, 12);
    expect(first.summary['uar'].std).toBeCloseTo(Math.sqrt(uars.reduce((a, b) => a + (b - mean) ** 2, 0) / 2), 12);
    expect(fs.existsSync(path.join(out, 'cv.json'))).toBe(true);
    // A kill during fold 2 (its result not yet written) and before fold 3 started.
    fs.rmSync(path.join(out, 'fold-2', 'result.json'));
    fs.rmSync(path.join(out, 'fold-3'), { recursive: true });
    const seen: string[] = [];
    const again = await crossValidate({ features, out, folds: 'loso', preset: 'lite', training, onFold: (f, how) => seen.push(`${f.fold}:${how}`) });
    expect(seen).toEqual(['1:done', '2:resumed', '3:new']);
    expect(again.folds.map((f) => f.metrics)).toEqual(first.folds.map((f) => f.metrics));
  });

  it('a committee per fold: each member selects on other training speakers; the held-out speakers get their mean probabilities', async () => {
    const data4 = path.join(dir, 'emodb4');
    for (const speaker of ['03', '08', '10', '11']) {
      for (const [k, emotion] of ['W', 'T'].entries()) generateTestClip(path.join(data4, `${speaker}a0${k + 1}${emotion}a.wav`), { seconds: 1, toneHz: emotion === 'W' ? 880 : 220 });
    }
    const features4 = path.join(dir, 'features4');
    await extractDataset({ pipeline: 'avt-ca', dataset: `emodb:${data4}`, out: features4, extractor: { faces: 'none' }, preset: 'lite' });
    const out = path.join(dir, 'cv-committee');
    const first = await crossValidate({ features: features4, out, folds: 'loso', preset: 'lite', training, members: 2 });
    expect(first.folds[0].heldOut).toEqual(['03']);
    expect(first.folds[0].members!.map((m) => m.validation)).toEqual([['08'], ['10']]);
    expect(first.folds[3].members!.map((m) => m.validation)).toEqual([['03'], ['08']]);
    // Fold 1's metrics are those of the two member networks' averaged class probabilities.
    const index = readFeatureIndex(features4);
    const test = toItems({ ...index, items: index.items.filter((i) => i.speaker === '03') });
    const scores: Float32Array[] = [];
    for (const m of [1, 2]) {
      const p = await loadPipeline(path.join(out, 'fold-1', `member-${m}`));
      scores.push(await p.scores(test, { featuresDir: features4 }));
      p.dispose();
    }
    const mean = scores[0].map((v, i) => (v + scores[1][i]) / 2);
    expect(first.folds[0].metrics).toEqual(summariseMetrics(clipMetrics(test, mean, { classes: index.classes! })));
    expect(first.folds[0].innerScore).toBeCloseTo((first.folds[0].members![0].innerScore! + first.folds[0].members![1].innerScore!) / 2, 10);
    // The inner figures are the kept network's on its own validation speaker (what bench:real-data ranks by).
    const member1 = await loadPipeline(path.join(out, 'fold-1', 'member-1'));
    const validation = toItems({ ...index, items: index.items.filter((i) => i.speaker === '08') });
    const own = summariseMetrics(clipMetrics(validation, await member1.scores(validation, { featuresDir: features4 }), { classes: index.classes! })) as { uar: number };
    member1.dispose();
    const m1 = first.folds[0].members![0];
    expect(m1.innerMetrics!.uar).toBeCloseTo(own.uar, 5);
    expect(m1.innerMetrics!.macroF1).toBeCloseTo(m1.innerScore!, 10);
    expect(first.folds[0].innerMetrics!.uar).toBeCloseTo((m1.innerMetrics!.uar + first.folds[0].members![1].innerMetrics!.uar) / 2, 10);
    // Killed in fold 2's second member: the first member is kept, the second resumes, the metrics repeat.
    fs.rmSync(path.join(out, 'fold-2', 'result.json'));
    fs.rmSync(path.join(out, 'fold-2', 'member-2', 'member.json'));
    const seen: string[] = [];
    const again = await crossValidate({ features: features4, out, folds: 'loso', preset: 'lite', training, members: 2, onFold: (f, how) => seen.push(`${f.fold}:${how}`) });
    expect(seen).toEqual(['1:done', '2:resumed', '3:done', '4:done']);
    expect(again.folds.map((f) => f.metrics)).toEqual(first.folds.map((f) => f.metrics));
    await expect(crossValidate({ features: features4, out, folds: 'loso', preset: 'lite', training })).rejects.toThrow('its folds were run with other settings (members 2 → 1); use another --out, or --overwrite to start over');
    await expect(crossValidate({ features: features4, out: path.join(dir, 'cv3'), folds: 'loso', preset: 'lite', training, members: 3 })).rejects.toThrow('3 networks per fold need 5 speaker folds');
  });
});
