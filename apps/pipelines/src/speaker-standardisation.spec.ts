import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sequenceStats } from '@mer/datasets';
import { DEMO_CLASSES, generateClassDemo, generateVaDemo } from './demo-data';
import { createPipeline } from './pipeline-loading';
import { readManifest } from './pipeline-manifest';
import { standardiseRecording } from './recording-standardisation';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-speaker-std-'));
// Two training speakers and a held-out one.
const classItems = generateClassDemo({ dir: path.join(dir, 'cls'), perClassTrain: 2, perClassTest: 1 }).map((i, k) => ({ ...i, speaker: i.split === 'test' ? 'C' : k % 2 ? 'A' : 'B' }));
const training = { epochs: 2, batchSize: 4, learningRate: 1e-3, standardise: 'speaker' as const };

describe('training "standardise": "speaker"', () => {
  it('trains on speaker-standardised streams, evaluates a held-out speaker with their own statistics, predicts a raw file with its own', async () => {
    const p = await createPipeline('avt-ca', { preset: 'lite', classes: DEMO_CLASSES, extractor: { faces: 'none' }, training });
    const train = classItems.filter((i) => i.split === 'train');
    const test = classItems.filter((i) => i.split === 'test');
    const runDir = path.join(dir, 'run');
    await p.fit(train, { validation: test, runDir });
    // Every training speaker has mean 0 and std 1 per dimension, so the split's statistics are too.
    const audio = readManifest(runDir).normalisation!['audio'];
    for (const [d, m] of audio.mean.entries()) {
      expect(Math.abs(m)).toBeLessThan(1e-4);
      expect(audio.std[d]).toBeCloseTo(1, 4);
    }
    expect(readManifest(runDir).training.standardise).toBe('speaker');
    const m = await p.evaluate(test, { featuresDir: path.join(runDir, 'features') });
    expect(m.task === 'classification' && m.classification.n).toBe(4);
    await expect(p.evaluate([{ ...test[0], speaker: undefined }], { featuresDir: path.join(runDir, 'features') })).rejects.toThrow(`${test[0].file}: item '${test[0].id}' names no speaker`);
    const pred = await p.predict(test[0].file);
    expect(pred.notes.some((n) => n.includes("this recording's own statistics"))).toBe(true);
    expect(pred.task === 'classification' && pred.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    p.dispose();
  });

  it("AVT-CA's default profile standardises per speaker; a run whose items name no speaker uses the split's statistics and says so", async () => {
    const p = await createPipeline('avt-ca', { preset: 'lite', classes: DEMO_CLASSES, extractor: { faces: 'none' }, training: { epochs: 1, batchSize: 4 } });
    expect(p.training.standardise).toBe('speaker');
    const notes: string[] = [];
    const runDir = path.join(dir, 'run-unnamed');
    const unnamed = classItems.map((i) => ({ ...i, speaker: undefined }));
    await p.fit(unnamed.filter((i) => i.split === 'train'), { runDir, featuresDir: path.join(dir, 'run', 'features'), onNote: (n) => notes.push(n) });
    expect(notes).toEqual(['no item names its speaker: inputs are standardised with the training split\'s statistics ("standardise": "split") instead of per speaker']);
    expect(readManifest(runDir).training.standardise).toBe('split');
    expect((await p.predict(unnamed[0].file)).notes.some((n) => n.includes('own statistics'))).toBe(false);
    p.dispose();
    // Some named, some not: a data problem, named.
    const q = await createPipeline('avt-ca', { preset: 'lite', classes: DEMO_CLASSES, extractor: { faces: 'none' }, training: { epochs: 1, batchSize: 4 } });
    const mixed = classItems.filter((i) => i.split === 'train').map((i, k) => (k === 0 ? { ...i, speaker: undefined } : i));
    await expect(q.fit(mixed, { runDir: path.join(dir, 'run-mixed'), featuresDir: path.join(dir, 'run', 'features') })).rejects.toThrow(`${mixed[0].file}: item '${mixed[0].id}' names no speaker`);
    q.dispose();
  });

  it('a raw recording standardised with its own valid frames', () => {
    const data = Float32Array.from([1, 2, 3, 6, 5, 10, 99, 99]);
    const { streams, note } = standardiseRecording({ audio: { data, mask: Uint8Array.from([1, 1, 1, 0]), frames: 4, dim: 2 } });
    const s = sequenceStats([{ ...streams['audio'], frames: 3 }]);
    expect(Array.from(s.mean).map((v) => Math.abs(v) < 1e-6)).toEqual([true, true]);
    expect(Array.from(s.std).map((v) => +v.toFixed(5))).toEqual([1, 1]);
    expect(note).toContain('stands for its speaker');
  });

  it('per-frame networks: the streamed rows equal the whole-file rows (the recording is read whole first)', async () => {
    const va = generateVaDemo({ dir: path.join(dir, 'va'), train: 2, test: 1, seconds: 3 }).map((i, k) => ({ ...i, speaker: `s${k}` }));
    const p = await createPipeline('maven', { preset: 'lite', extractor: { faces: 'none' }, training: { epochs: 1, batchSize: 2, learningRate: 1e-3, standardise: 'speaker' } });
    await p.fit(va.filter((i) => i.split === 'train'), { runDir: path.join(dir, 'run-va') });
    const file = va.find((i) => i.split === 'test')!.file;
    const whole = await p.predict(file, { streaming: false });
    const rows: unknown[] = [];
    const streamed = await p.predictStream(file, (r) => void rows.push(...r));
    expect(rows).toEqual(whole.task === 'va' && whole.frames);
    expect(streamed.notes.some((n) => n.includes('own statistics'))).toBe(true);
    expect((await p.predict(file)).notes).toEqual(whole.notes);
    p.dispose();
  });
});
