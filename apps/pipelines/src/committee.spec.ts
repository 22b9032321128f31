import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';
import { trainCommittee } from './committee';
import { memberValidationSplit } from './committee-selection';
import { clipMetrics } from './evaluation';
import { loadPipeline } from './pipeline-loading';
import { readManifest } from './pipeline-manifest';
import { predictFiles } from './prediction-output';
import { innerValidationSplit } from './selection';
import { evalRun, extractDataset, readFeatureIndex, toItems, trainRun } from './workflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-committee-'));
const data = path.join(dir, 'emodb');
const features = path.join(dir, 'features');
const training = { epochs: 3, batchSize: 4, learningRate: 3e-3 };
const weights = (run: string) => fs.readFileSync(path.join(run, 'best', 'weights.bin'));

/** EmoDB-named audio of 5 speakers (anger high, sadness low, each speaker's own level); speaker 08 held out. */
beforeAll(async () => {
  const speakers = { '03': 1, '10': 0.5, '11': 0.8, '12': 0.6, '08': 0.3 };
  for (const [speaker, gain] of Object.entries(speakers)) {
    for (const [k, emotion] of ['W', 'T', 'W', 'T'].entries()) {
      const hz = (emotion === 'W' ? 600 : 200) * (1 + 0.05 * k);
      generateTestClip(path.join(data, `${speaker}a0${k + 1}${emotion}a.wav`), { seconds: 1, audioLavfi: `sine=frequency=${hz.toFixed(1)}:sample_rate=22050:duration=1,volume=${gain}` });
    }
  }
  await extractDataset({ pipeline: 'avt-ca', dataset: `emodb:${data}`, split: 'speaker:08', out: features, preset: 'lite', extractor: { faces: 'none' } });
}, 240_000);

describe('a committee (mer train --members M)', () => {
  it('rotates the inner validation speakers: member 1 holds out what one run would, later members others', () => {
    const train = toItems(readFeatureIndex(features), 'train');
    const held = [0, 1, 2, 3, 4].map((k) => memberValidationSplit(train, k).selection.speakers!);
    expect(held[0]).toEqual(innerValidationSplit(train).selection.speakers);
    // Four training speakers, one held out each: the first four members hold out all four, then it starts again.
    expect(new Set(held.slice(0, 4).flat()).size).toBe(4);
    expect(held.slice(0, 4).every((h) => h.length === 1)).toBe(true);
    for (let k = 0; k < 5; k++) {
      const s = memberValidationSplit(train, k);
      expect(s.train.length + s.validation.length).toBe(train.length);
      expect(s.train.some((i) => held[k].includes(i.speaker!))).toBe(false);
    }
  });

  it('members select on different speakers; eval and predict average their probabilities; a kill between members resumes identically', async () => {
    const out = path.join(dir, 'committee');
    const r = await trainCommittee({ features, out, preset: 'lite', training, members: 3 });
    const speakers = r.committee.trained.map((m) => m.selection.speakers!);
    expect(speakers.every((s) => s.length === 1 && !s.includes('08'))).toBe(true);
    expect(new Set(speakers.flat()).size).toBe(3);
    expect(r.committee.trained.map((m) => m.seed)).toEqual([7, 8, 9]);
    const manifest = readManifest(out);
    expect(manifest.committee).toEqual(r.committee);
    expect(readManifest(path.join(out, 'members', '2')).selection!.speakers).toEqual(speakers[1]);

    // Member 1 is the run one network would be (same split, same seed), byte for byte.
    const single = path.join(dir, 'single');
    await trainRun({ features, out: single, preset: 'lite', training });
    expect(weights(path.join(out, 'members', '1')).equals(weights(single))).toBe(true);

    // Eval's probabilities are the mean of the members' own.
    const test = toItems(readFeatureIndex(features), 'test');
    const own: Float32Array[] = [];
    for (const k of [1, 2, 3]) {
      const p = await loadPipeline(path.join(out, 'members', String(k)));
      own.push(await p.scores(test, { featuresDir: features }));
      p.dispose();
    }
    const mean = own[0].map((v, i) => (v + own[1][i] + own[2][i]) / 3);
    const committee = await loadPipeline(out);
    expect(committee.committee?.members).toBe(3);
    const scores = await committee.scores(test, { featuresDir: features });
    committee.dispose();
    scores.forEach((v, i) => expect(v).toBeCloseTo(mean[i], 6));
    expect(own[1].some((v, i) => Math.abs(v - own[0][i]) > 1e-4)).toBe(true); // the members differ
    const m = await evalRun({ run: out, split: 'test' });
    const expected = clipMetrics(test, mean, { classes: readFeatureIndex(features).classes! });
    if (m.task !== 'classification' || expected.task !== 'classification') throw new Error('expected classification metrics');
    expect(m.classification.confusionMatrix).toEqual(expected.classification.confusionMatrix);

    // Predict on the test files gives eval's probabilities.
    const report = await predictFiles({ run: out, files: test.map((i) => i.file), out: path.join(dir, 'predictions') });
    report.predictions.forEach((pred, n) => {
      if (pred.task !== 'classification') throw new Error('expected clip classes');
      pred.probabilities.forEach((v, c) => expect(v).toBeCloseTo(scores[n * pred.classes.length + c], 5));
    });

    // Killed after member 1 finished: the resumed committee trains members 2 and 3 exactly as before.
    const killed = path.join(dir, 'killed');
    const kill = (k: number, _of: number, how: string) => {
      if (k === 2 && how === 'new') throw new Error('killed');
    };
    await expect(trainCommittee({ features, out: killed, preset: 'lite', training, members: 3, onMember: kill })).rejects.toThrow('killed');
    await expect(loadPipeline(killed)).rejects.toThrow('committee member 2 of 3 is not trained yet — continue it with mer train --resume');
    const seen: string[] = [];
    // A resume that names other settings is refused; one that names none continues with the recorded ones.
    await expect(trainCommittee({ features, out: killed, preset: 'lite', training: { ...training, learningRate: 0.5 }, members: 3, resume: true })).rejects.toThrow('the committee was started with other training (committee.json)');
    const resumed = await trainCommittee({ features, out: killed, members: 3, resume: true, onMember: (k, _of, how) => seen.push(`${k}:${how}`) });
    expect(seen).toEqual(['1:done', '2:new', '3:new']);
    expect(resumed.committee).toEqual(r.committee);
    for (const k of ['1', '2', '3']) expect(weights(path.join(killed, 'members', k)).equals(weights(path.join(out, 'members', k)))).toBe(true);
    await expect(trainCommittee({ features, out: killed, preset: 'lite', training, members: 3 })).rejects.toThrow('already holds a run; continue it with --resume');
    await expect(trainCommittee({ features, out: killed, preset: 'lite', training, members: 2, resume: true })).rejects.toThrow('the committee was started with 3 members, not 2');
  }, 300_000);
});
