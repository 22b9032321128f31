import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { speechFunctionalsOfSamples } from '@mer/feature-extractors';
import { decodeAudio, folderFiles, generateTestClip } from '@mer/media';
import { readManifest } from './pipeline-manifest';
import { predictFiles } from './prediction-output';
import { UtteranceRun, utteranceRunProblem } from './utterance-run';
import { extractDataset, trainRun } from './workflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-utterance-run-'));
const data = path.join(dir, 'emodb');
const run = path.join(dir, 'run');

beforeAll(async () => {
  // EmoDB-named recordings: 4 speakers, anger (W) a fifth above each speaker's own pitch, sadness (T) at it.
  fs.mkdirSync(data, { recursive: true });
  const base: Record<string, number> = { '03': 140, '08': 180, '10': 220, '11': 260 };
  for (const [speaker, hz] of Object.entries(base)) {
    for (let k = 0; k < 3; k++) {
      for (const [emotion, f] of [['W', 1.5 * hz], ['T', hz]] as const) {
        generateTestClip(path.join(data, `${speaker}a0${k + 1}${emotion}a.wav`), { seconds: 0.8, audioLavfi: `sine=frequency=${(f * (1 + 0.03 * k)).toFixed(1)}:sample_rate=16000:duration=0.8,volume=${0.3 + 0.1 * k}` });
      }
    }
  }
  const features = path.join(dir, 'features');
  await extractDataset({ pipeline: 'speech-kernel', dataset: `emodb:${data}`, split: 'speaker:11', out: features });
  await trainRun({ features, out: run });
}, 240_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('UtteranceRun: a trained utterance-level run scoring utterances given as samples', () => {
  it('scores one speaker\'s utterances as `mer predict --speaker` scores that speaker\'s recordings', async () => {
    const files = ['11a01Wa', '11a02Ta', '11a03Wa'].map((n) => path.join(data, `${n}.wav`));
    const report = await predictFiles({ run, files, out: path.join(dir, 'preds'), speaker: '11' });
    expect(report.failed).toEqual([]);
    // The page's route: the best model's files and the manifest, rows from the samples.
    const live = UtteranceRun.load(readManifest(run), folderFiles(path.join(run, 'best')));
    try {
      expect(live.classes).toEqual(readManifest(run).classes);
      const rows = await Promise.all(files.map(async (f) => ({ audio: speechFunctionalsOfSamples((await decodeAudio(f, { sampleRate: 16000 })).samples) })));
      const scores = await live.score(rows);
      scores.forEach((s, i) => {
        const pred = report.predictions[i] as Extract<(typeof report.predictions)[number], { task: 'classification' }>;
        expect(s.label).toBe(pred.label);
        s.probabilities.forEach((p, k) => expect(Math.abs(p - pred.probabilities[k])).toBeLessThan(1e-5));
        expect(s.notes.join(' ')).toContain("standardised with the statistics of this session's 3 utterances");
      });
      // Standardised together: the same utterance scores differently alone (its own statistics).
      const alone = await live.score([rows[0]]);
      expect(Math.max(...alone[0].probabilities.map((p, k) => Math.abs(p - scores[0].probabilities[k])))).toBeGreaterThan(1e-3);
      // A row of the wrong width names the stream and both widths.
      await expect(live.score([{ audio: new Float32Array(5) }])).rejects.toThrow(/'audio' has 5 values, the run was trained on 336/);
    } finally {
      live.dispose();
    }
  });

  it('refuses a run it cannot score from samples, naming what the run has', () => {
    const m = readManifest(run);
    expect(utteranceRunProblem(m)).toBeNull();
    const frames = { ...m, pipeline: 'avt-ca', streams: [{ ...m.streams[0], extractor: 'mfcc-mean-std' }] };
    expect(utteranceRunProblem(frames)).toMatch(/stream 'audio' \(mfcc-mean-std\): live scoring computes speech-functionals/);
    expect(() => UtteranceRun.load(frames, folderFiles(path.join(run, 'best')))).toThrow(/avt-ca run: cannot score utterances live/);
    expect(utteranceRunProblem({ ...m, pipeline: 'maven', classes: undefined })).toMatch(/^a 'va' run \(maven\)/);
  });
});
