import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip, probe } from '@mer/media';
import { createPipeline, loadPipeline } from './pipeline-loading';
import { DEMO_CLASSES, generateClassDemo, generateVaDemo } from './demo-data';
import { predictFiles } from './prediction-output';
import { evalRun, extractDataset, trainRun } from './workflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-pipelines-'));
const classItems = generateClassDemo({ dir: path.join(dir, 'cls'), perClassTrain: 2, perClassTest: 1 });
const vaItems = generateVaDemo({ dir: path.join(dir, 'va'), train: 3, test: 1, seconds: 3 });

describe('createPipeline → fit → evaluate → predict (library API)', () => {
  it('avt-ca: trains on clips, evaluates, predicts probabilities on a raw video; save → load gives the same prediction', async () => {
    const p = await createPipeline('avt-ca', { preset: 'lite', classes: DEMO_CLASSES, extractor: { faces: 'none' }, training: { epochs: 2, batchSize: 4, learningRate: 1e-3 } });
    const train = classItems.filter((i) => i.split === 'train');
    const test = classItems.filter((i) => i.split === 'test');
    const runDir = path.join(dir, 'run-avt');
    const history = await p.fit(train, { validation: test, runDir });
    expect(history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    const m = await p.evaluate(test, { featuresDir: path.join(runDir, 'features') });
    expect(m.task).toBe('classification');
    if (m.task === 'classification') expect(m.classification.n).toBe(4);
    const pred = await p.predict(test[0].file);
    expect(pred.task).toBe('classification');
    if (pred.task !== 'classification') return;
    expect(pred.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(DEMO_CLASSES).toContain(pred.label);
    p.dispose();
    const loaded = await loadPipeline(runDir);
    const again = await loaded.predict(test[0].file);
    expect(again.task === 'classification' && again.probabilities).toEqual(pred.probabilities);
    loaded.dispose();
  });

  it('refuses wrong labels and missing files with the file named', async () => {
    const p = await createPipeline('avt-ca', { preset: 'lite', classes: DEMO_CLASSES, extractor: { faces: 'none' } });
    await expect(p.fit([{ id: 'x', file: classItems[0].file, classLabel: 9 }])).rejects.toThrow(/class label 9, expected 0\.\.3/);
    await expect(p.predict(path.join(dir, 'nope.mp4'))).rejects.toThrow('nope.mp4: file not found');
    p.dispose();
    const va = await createPipeline('maven', { preset: 'lite', extractor: { faces: 'none' } });
    await expect(va.fit([{ id: 'y', file: vaItems[0].file }])).rejects.toThrow(/has no per-frame valence\/arousal labels/);
    va.dispose();
  });
});

describe('CLI workflow: extract → train (checkpoints, resume) → eval → predict', () => {
  const features = path.join(dir, 'features-maven');

  it('extracts once, then skips finished items', async () => {
    const first = await extractDataset({ pipeline: 'maven', dataset: 'demo', out: features, items: vaItems, extractor: { faces: 'none' } });
    expect(first.extracted).toHaveLength(4);
    const again = await extractDataset({ pipeline: 'maven', dataset: 'demo', out: features, items: vaItems, extractor: { faces: 'none' } });
    expect(again.skipped).toHaveLength(4);
  });

  it('an interrupted run resumed from its checkpoint ends exactly where an uninterrupted one does', async () => {
    const training = { epochs: 3, batchSize: 2, learningRate: 1e-3, window: { size: 16, hop: 8 } };
    const straight = path.join(dir, 'run-straight');
    const a = await trainRun({ features, out: straight, preset: 'lite', training });
    const resumed = path.join(dir, 'run-resumed');
    await trainRun({ features, out: resumed, preset: 'lite', training, stopAfter: 1 });
    expect(fs.readFileSync(path.join(resumed, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    const b = await trainRun({ features, out: resumed, resume: true });
    expect(b.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(b.history.map((r) => r.trainLoss)).toEqual(a.history.map((r) => r.trainLoss));
    const weights = (run: string) => fs.readFileSync(path.join(run, 'checkpoint', 'model', 'weights.bin'));
    expect(weights(resumed).equals(weights(straight))).toBe(true);
  });

  it('resumes a run whose preset default changed since it started: the network in its checkpoint continues', async () => {
    // A MAVEN run from before encoderAttention existed: beit-dot encoders, and no model overrides recorded.
    const training = { epochs: 2, batchSize: 2, learningRate: 1e-3, window: { size: 16, hop: 8 } };
    const old = path.join(dir, 'run-old-maven');
    await trainRun({ features, out: old, preset: 'lite', training, model: { encoderAttention: 'beit-dot' }, stopAfter: 1 });
    const manifestFile = path.join(old, 'pipeline.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    delete manifest['model'];
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const b = await trainRun({ features, out: old, resume: true });
    expect(b.history.map((r) => r.epoch)).toEqual([1, 2]);
    const saved = JSON.parse(fs.readFileSync(path.join(old, 'checkpoint', 'model', 'model.json'), 'utf8')) as { model: { config: { encoderAttention?: string } } };
    expect(saved.model.config.encoderAttention).toBe('beit-dot');
  });

  it('eval reports CCC/PCC/RMSE; predict writes a per-frame CSV with one row per decoded frame, plots and a report', async () => {
    const run = path.join(dir, 'run-straight');
    const m = await evalRun({ run, split: 'test' });
    expect(m.task === 'va' && Number.isFinite(m.va.ccc)).toBe(true);
    const clip = generateTestClip(path.join(dir, 'other.mp4'), { seconds: 1.7, fps: 15 });
    const out = path.join(dir, 'preds');
    const {
      predictions: [pred],
    } = await predictFiles({ run, files: [clip], out, plot: true, abaw: true });
    const frames = (await probe(clip, { countFrames: true })).video!.frameCount;
    const csv = fs.readFileSync(path.join(out, 'other.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('frame,timestamp,face_x,face_y,face_w,face_h,face_score,success,valence,arousal');
    // No face detector in this run ('none'): the centred square of the 160×120 frame is the face.
    expect(csv[1].split(',').slice(0, 8)).toEqual(['0', '0.0000', '20.0', '0.0', '120.0', '120.0', '1.000', '1']);
    expect(csv).toHaveLength(frames + 1);
    expect(pred.task === 'va' && pred.frameCount).toBe(frames);
    expect(pred.task === 'va' && pred.frames.length).toBe(frames); // kept because --plot needs them
    expect(fs.readFileSync(path.join(out, 'other.timeline.svg'), 'utf8')).toMatch(/^<svg/);
    expect(fs.readFileSync(path.join(out, 'other.circumplex.svg'), 'utf8')).toMatch(/^<svg/);
    expect(fs.readFileSync(path.join(out, 'other.report.html'), 'utf8')).toContain('<svg');
    expect(fs.readFileSync(path.join(out, 'other.abaw.txt'), 'utf8').split('\n')[0]).toBe('image_location,valence,arousal');
  });
});

describe('train --fold (RAVDESS speaker folds)', () => {
  it('re-splits by actor: fold 1 tests on actors 1, 11, 20, 21 (never read in training); other datasets are refused', async () => {
    const ravdessDir = path.join(dir, 'ravdess');
    const names = ['01-01-03-01-01-01-01.mp4', '01-01-04-01-01-01-02.mp4', '01-01-05-02-01-01-11.mp4', '01-01-03-01-02-01-03.mp4', '01-01-04-01-02-01-03.mp4'];
    const items = names.map((n, i) => ({ id: n.replace('.mp4', ''), file: generateTestClip(path.join(ravdessDir, n), { seconds: 1, fps: 10, toneHz: 200 + 100 * i }), classLabel: [2, 3, 4, 2, 3][i], split: 'train' }));
    const features = path.join(dir, 'features-ravdess');
    await extractDataset({ pipeline: 'avt-ca', dataset: `ravdess:${ravdessDir}`, out: features, items, extractor: { faces: 'none' }, preset: 'lite' });
    const run = path.join(dir, 'run-fold');
    const { history, selection } = await trainRun({ features, out: run, preset: 'lite', fold: 1, training: { epochs: 1, batchSize: 2, learningRate: 1e-3 } });
    expect(history).toHaveLength(1);
    // Actors 1 and 11 are the test split. Of the training actors 2 and 3, actor 2 selects: holding out
    // actor 3 would leave training without class 2.
    expect(selection).toMatchObject({ on: 'inner validation by speaker', speakers: ['02'], items: 1 });
    expect((history[0].validation as { items: number }).items).toBe(1);
    expect((await evalRun({ run, split: 'test' })).items).toBe(2);
    await expect(trainRun({ features: path.join(dir, 'features-maven'), out: path.join(dir, 'run-x'), fold: 1 })).rejects.toThrow(/folds are defined for RAVDESS \(1–6, speakers\) and Aff-Wild2/);
  });
});

describe('streamed prediction', () => {
  it('gives the rows of whole-video prediction (windows across batch boundaries, end-aligned last window)', async () => {
    const p = await createPipeline('tcn-fusion', { preset: 'lite', extractor: { faces: 'none' }, training: { epochs: 1, batchSize: 2, learningRate: 1e-3, window: { size: 12, hop: 6 } } });
    await p.fit(vaItems.filter((i) => i.split === 'train'), { runDir: path.join(dir, 'run-stream') });
    const clip = generateTestClip(path.join(dir, 'stream.mp4'), { seconds: 4.3, fps: 10, toneHz: 500 });
    const whole = await p.predict(clip, { streaming: false });
    const streamed = await p.predict(clip);
    if (whole.task !== 'va' || streamed.task !== 'va') throw new Error('expected VA predictions');
    expect(streamed.frames).toHaveLength(43);
    expect(streamed.frames.map((f) => f.frame)).toEqual(whole.frames.map((f) => f.frame));
    let d = 0;
    streamed.frames.forEach((f, i) => (d = Math.max(d, Math.abs(f.valence - whole.frames[i].valence), Math.abs(f.arousal - whole.frames[i].arousal))));
    expect(d).toBeLessThan(1e-5);
    expect(streamed.frames.map((f) => [f.time, f.success, f.faceW])).toEqual(whole.frames.map((f) => [f.time, f.success, f.faceW]));
    // A variable-rate video: every row carries its frame's own time, streamed or whole.
    const vr = { after: 20, gap: 2, slowdown: 3 };
    const vfr = generateTestClip(path.join(dir, 'vfr.mp4'), { seconds: 3, fps: 10, variableRate: vr });
    for (const streaming of [true, false]) {
      const pred = await p.predict(vfr, { streaming });
      if (pred.task !== 'va') throw new Error('expected VA predictions');
      expect(pred.frames).toHaveLength(30);
      expect(pred.frames[10].time).toBeCloseTo(1.0, 3);
      expect(pred.frames[25].time - pred.frames[24].time).toBeCloseTo(0.3, 2);
      expect(pred.frames[20].time - pred.frames[19].time).toBeGreaterThan(2);
      expect(pred.notes.join(' ')).toMatch(/variable frame rate/);
    }
    p.dispose();
  });
});
