import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureStore } from '@mer/datasets';
import { folderFiles, generateTestClip } from '@mer/media';
import { ClipRun, clipRunProblem } from './clip-run';
import { readManifest } from './pipeline-manifest';
import { predictFiles } from './prediction-output';
import { extractDataset, readFeatureIndex, toItems, trainRun } from './workflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-clip-run-'));
const data = path.join(dir, 'emodb');
const features = path.join(dir, 'features');
const run = path.join(dir, 'run');

// An AVT-CA run (lite: MFCC rows over the clip; audio-only files, so its video stream is masked as in
// training), trained per speaker on EmoDB-named tones; speaker 08 held out.
beforeAll(async () => {
  for (const [speaker, gain] of Object.entries({ '03': 1, '10': 0.5, '08': 0.3 })) {
    for (const [k, emotion] of ['W', 'T', 'W', 'T'].entries()) {
      const hz = (emotion === 'W' ? 600 : 200) * (1 + 0.05 * k);
      generateTestClip(path.join(data, `${speaker}a0${k + 1}${emotion}a.wav`), { seconds: 1, audioLavfi: `sine=frequency=${hz.toFixed(1)}:sample_rate=22050:duration=1,volume=${gain}` });
    }
  }
  await extractDataset({ pipeline: 'avt-ca', dataset: `emodb:${data}`, split: 'speaker:08', out: features, extractor: { faces: 'none' }, preset: 'lite' });
  await trainRun({ features, out: run, preset: 'lite', profile: 'small-data', training: { epochs: 2, batchSize: 4 } });
}, 240_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ClipRun: a trained clip classifier scoring clips given as rows', () => {
  it('scores one speaker\'s clips (multi-row streams) as `mer predict --speaker` scores that speaker\'s files', async () => {
    const test = toItems(readFeatureIndex(features), 'test');
    expect(test).toHaveLength(4);
    const report = await predictFiles({ run, files: test.map((i) => i.file), out: path.join(dir, 'preds'), speaker: '08' });
    const manifest = readManifest(run);
    expect(manifest.training.standardise).toBe('speaker');
    const live = ClipRun.load(manifest, folderFiles(path.join(run, 'best')));
    try {
      // The rows `mer extract` stored for those files, as a page would compute them.
      const clips = test.map((item) => Object.fromEntries(manifest.streams.map((s) => {
        const stored = FeatureStore.read(features, s.name).read(item.id);
        return [s.name, { data: stored.data, mask: stored.mask, frames: stored.frames }];
      })));
      expect(clips[0]['audio'].frames).toBe(156);
      const scores = await live.score(clips);
      scores.forEach((s, i) => {
        const pred = report.predictions[i] as Extract<(typeof report.predictions)[number], { task: 'classification' }>;
        expect(s.label).toBe(pred.label);
        s.probabilities.forEach((p, k) => expect(Math.abs(p - pred.probabilities[k])).toBeLessThan(1e-5));
        expect(s.notes).toContain("standardised with the statistics of this session's 4 clips");
      });
      // `only` scores the newest with every clip's statistics: the same numbers as scoring all.
      const [last] = await live.score(clips, { only: [3] });
      last.probabilities.forEach((p, k) => expect(p).toBeCloseTo(scores[3].probabilities[k], 6));
      // Rows of the wrong width name the stream, its rows and the width trained on.
      await expect(live.score([{ ...clips[0], audio: { data: new Float32Array(156 * 9), frames: 156 } }])).rejects.toThrow(/clip: 'audio' has 1404 values for 156 rows, the run was trained on 10 a row/);
    } finally {
      live.dispose();
    }
  }, 120_000);

  it('refuses a committee run and a run that is not a clip classifier, naming why', () => {
    const m = readManifest(run);
    expect(clipRunProblem(m)).toBeNull();
    expect(clipRunProblem({ ...m, committee: { members: 3 } as never })).toMatch(/a committee run \(3 members\)/);
    expect(clipRunProblem({ ...m, pipeline: 'tcn-fusion', classes: undefined })).toMatch(/live scoring takes clip classifiers/);
  });
});
