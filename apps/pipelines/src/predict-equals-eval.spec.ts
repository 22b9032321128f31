import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTestClip } from '@mer/media';
import { loadPipeline } from './pipeline-loading';
import { predictFiles } from './prediction-output';
import { evalRun, extractDataset, readFeatureIndex, toItems, trainRun } from './workflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-predict-eval-'));
const data = path.join(dir, 'emodb');
const features = path.join(dir, 'features');
const run = path.join(dir, 'run');

/** EmoDB-named audio: anger high and loud, sadness low; speaker 08 held out. Each speaker's own level. */
beforeAll(async () => {
  const speakers = { '03': 1, '10': 0.5, '11': 0.8, '08': 0.3 };
  for (const [speaker, gain] of Object.entries(speakers)) {
    for (const [k, emotion] of ['W', 'T', 'W', 'T', 'W', 'T'].entries()) {
      const hz = (emotion === 'W' ? 600 : 200) * (1 + 0.05 * k) * (speaker === '08' ? 1.3 : 1);
      generateTestClip(path.join(data, `${speaker}a0${k + 1}${emotion}a.wav`), { seconds: 1, audioLavfi: `sine=frequency=${hz.toFixed(1)}:sample_rate=22050:duration=1,volume=${gain}` });
    }
  }
  await extractDataset({ pipeline: 'avt-ca', dataset: `emodb:${data}`, split: 'speaker:08', out: features, extractor: { faces: 'none' }, preset: 'lite' });
  // The small-data profile standardises each speaker with their own recordings' statistics.
  await trainRun({ features, out: run, preset: 'lite', profile: 'small-data', training: { epochs: 3, batchSize: 4 } });
}, 240_000);

describe('predict = eval (a network trained per speaker)', () => {
  it('predicting the test split files gives the class probabilities evaluation scores them with', async () => {
    const test = toItems(readFeatureIndex(features), 'test');
    expect(test.map((i) => i.speaker)).toEqual(new Array(6).fill('08'));
    const p = await loadPipeline(run);
    expect(p.training.standardise).toBe('speaker');
    const scores = await p.scores(test, { featuresDir: features });
    p.dispose();
    const out = path.join(dir, 'predictions');
    const report = await predictFiles({ run, files: test.map((i) => i.file), out });
    expect(report.predictions).toHaveLength(6);
    report.predictions.forEach((pred, n) => {
      if (pred.task !== 'classification') throw new Error('expected clip classes');
      const row = Array.from(scores.subarray(n * pred.classes.length, (n + 1) * pred.classes.length));
      pred.probabilities.forEach((v, c) => expect(v).toBeCloseTo(row[c], 5));
      expect(pred.notes).toContain('standardised with the statistics of speaker 08 (6 files)');
    });
    // The summary says how each file was standardised.
    const summary = fs.readFileSync(report.summary, 'utf8').trim().split('\n');
    expect(summary[0]).toContain(',standardised,notes');
    expect(summary.slice(1).every((l) => l.includes('"speaker 08 (6 files)"'))).toBe(true);
    // Its accuracy is eval's.
    const m = await evalRun({ run, split: 'test' });
    if (m.task !== 'classification') throw new Error('expected classification metrics');
    const labels = readFeatureIndex(features).classes!;
    const correct = report.predictions.filter((pred, n) => pred.task === 'classification' && pred.label === labels[test[n].classLabel!]).length;
    expect(correct / 6).toBeCloseTo(m.classification.accuracy, 10);
  }, 120_000);

  it('one file of an unknown speaker stands alone, and the summary says so', async () => {
    const lone = path.join(dir, 'someone.wav');
    generateTestClip(lone, { seconds: 1, audioLavfi: 'sine=frequency=640:sample_rate=22050:duration=1' });
    const report = await predictFiles({ run, files: [lone], out: path.join(dir, 'lone') });
    const row = fs.readFileSync(report.summary, 'utf8').trim().split('\n')[1];
    expect(row).toContain('"this recording alone (speaker unknown: less reliable; give --speaker)"');
    const named = await predictFiles({ run, files: [lone], out: path.join(dir, 'named'), speaker: 'Ana' });
    expect(fs.readFileSync(named.summary, 'utf8')).toContain('"speaker Ana (1 file): one file stands for the speaker (less reliable)"');
  }, 60_000);

  it('a modality the network never saw (video of an audio-only corpus) is masked as in training, not fed in', async () => {
    const audio = 'sine=frequency=600:sample_rate=22050:duration=1';
    const withVideo = generateTestClip(path.join(dir, 'face.avi'), { seconds: 1, audioLavfi: audio });
    const audioOnly = generateTestClip(path.join(dir, 'face.wav'), { seconds: 1, audioLavfi: audio });
    const report = await predictFiles({ run, files: [withVideo, audioOnly], out: path.join(dir, 'unseen'), speaker: 'x' });
    const [a, b] = report.predictions;
    if (a.task !== 'classification' || b.task !== 'classification') throw new Error('expected clip classes');
    a.probabilities.forEach((v, c) => expect(v).toBeCloseTo(b.probabilities[c], 6));
    expect(a.notes).toContain('video: masked as in training (the network never saw this stream; this file has video, which is not used)');
  }, 60_000);
});
