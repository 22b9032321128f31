import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { FeatureStore } from '@mer/datasets';
import { decodeAudio } from '@mer/media';
import { Pipeline } from './pipeline';
import type { PipelineItem } from './pipeline-types';
import { speedCopyId, standardisationGroup, trainingCopies, withSpeedCopies } from './speed-copies';
import { floatWav, parseSpeedFactors, speedPerturb } from './speed-perturbation';
import { crossValidate } from './cross-validation';
import { evalRun, extractDataset, readFeatureIndex, trainRun } from './workflow';

const RATE = 16000;
const tone = (hz: number, seconds: number, rate = RATE): Float32Array => Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

/** The frequency (1 Hz steps in [lo, hi]) of the largest DFT magnitude of `x`, its ends tapered (Hann). */
function peakHz(x: Float32Array, rate: number, lo: number, hi: number): number {
  let best = { hz: 0, power: -1 };
  for (let hz = lo; hz <= hi; hz++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < x.length; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (x.length - 1));
      re += w * x[i] * Math.cos((2 * Math.PI * hz * i) / rate);
      im -= w * x[i] * Math.sin((2 * Math.PI * hz * i) / rate);
    }
    if (re * re + im * im > best.power) best = { hz, power: re * re + im * im };
  }
  return best.hz;
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('speedPerturb', () => {
  it('plays a 440 Hz tone 1.1 times as fast: 484 Hz, 1/1.1 as long; 0.9: 396 Hz; 1.0: the samples', () => {
    const x = tone(440, 1);
    const fast = speedPerturb(x, RATE, 1.1);
    expect(fast.length).toBe(Math.ceil(RATE / 1.1));
    expect(peakHz(fast, RATE, 420, 520)).toBe(484);
    const slow = speedPerturb(x, RATE, 0.9);
    expect(slow.length).toBe(Math.ceil(RATE / 0.9));
    expect(peakHz(slow, RATE, 360, 460)).toBe(396);
    expect(peakHz(x, RATE, 400, 480)).toBe(440);
    expect(Array.from(speedPerturb(x, RATE, 1))).toEqual(Array.from(x));
    expect(() => speedPerturb(x, RATE, 1.234)).toThrow(/speed factor 1.234 is not in \[0.5, 2\] with at most two decimals/);
    expect(parseSpeedFactors('1.1, 0.9,1.0')).toEqual([0.9, 1, 1.1]);
    expect(() => parseSpeedFactors('0.9,3')).toThrow(/--speed '0.9,3': speed factor 3/);
  });
});

describe('speed-perturbed copies', () => {
  const item = (id: string, speaker: string, classLabel: number, split = 'train'): PipelineItem => ({ id, file: `/data/${id}.wav`, speaker, classLabel, split });

  it('are recorded with their source, label, speaker and split; only the training items’ copies train', () => {
    const items = withSpeedCopies([item('a', 's1', 0), item('b', 's2', 1, 'test')], [0.9, 1, 1.1]);
    expect(items.map((i) => i.id)).toEqual(['a', 'a~sp0.9', 'a~sp1.1', 'b', 'b~sp0.9', 'b~sp1.1']);
    expect(items[2]).toEqual({ ...item('a', 's1', 0), id: speedCopyId('a', 1.1), augmentOf: 'a', speed: 1.1 });
    expect(withSpeedCopies([item('a', 's1', 0)], [1])).toEqual([item('a', 's1', 0)]);
    const copies = items.filter((i) => i.augmentOf);
    expect(trainingCopies([items[0]], copies, [0.9, 1.1], 'feats').map((c) => c.id)).toEqual(['a~sp0.9', 'a~sp1.1']);
    expect(() => trainingCopies([items[0]], copies, [0.8], 'feats')).toThrow(/feats\/items.json: no speed-perturbed copy of 'a' at 0.8 .*mer extract --speed 1,0.8/);
    // Per-speaker standardisation: a copy is its speaker at that speed, as Kaldi's sp1.1-<speaker>.
    expect(standardisationGroup(items[2])).toBe('s1~sp1.1');
    expect(standardisationGroup(items[0])).toBe('s1');
  });

  it('are extracted from the perturbed audio (as from a pre-perturbed file), and never validate or evaluate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-speed-'));
    // Four speakers, two classes told apart by pitch; speaker s4 is the test split.
    const items: PipelineItem[] = [];
    for (const [k, speaker] of ['s1', 's2', 's3', 's4'].entries()) {
      for (const [c, hz] of [180, 260].entries()) {
        const file = path.join(dir, `${speaker}-${c}.wav`);
        fs.writeFileSync(file, floatWav(tone(hz + 7 * k, 0.6), RATE));
        items.push({ id: `${speaker}-${c}`, file, speaker, classLabel: c, split: speaker === 's4' ? 'test' : 'train' });
      }
    }
    const feats = path.join(dir, 'feats');
    const report = await extractDataset({ pipeline: 'speech-kernel', dataset: 'emodb:/unused', out: feats, items, classes: ['low', 'high'], speed: [0.9, 1, 1.1] });
    expect(report.failed).toEqual([]);
    expect(report.extracted.length).toBe(24);
    const index = readFeatureIndex(feats);
    expect(index.items.filter((i) => i.augmentOf === 's2-1').map((i) => [i.id, i.speed, i.classLabel, i.speaker, i.split, i.file])).toEqual([
      ['s2-1~sp0.9', 0.9, 1, 's2', 'train', items[3].file],
      ['s2-1~sp1.1', 1.1, 1, 's2', 'train', items[3].file],
    ]);
    // The stored copy's features equal those of a file perturbed beforehand.
    const pre = path.join(dir, 'pre.wav');
    const { samples } = await decodeAudio(items[3].file, { sampleRate: RATE });
    fs.writeFileSync(pre, floatWav(speedPerturb(samples, RATE, 1.1), RATE));
    const preFeats = path.join(dir, 'pre-feats');
    await extractDataset({ pipeline: 'speech-kernel', dataset: 'emodb:/unused', out: preFeats, items: [{ ...items[3], file: pre }], classes: ['low', 'high'] });
    const copy = FeatureStore.read(feats, 'audio').read('s2-1~sp1.1').data;
    expect(Array.from(copy)).toEqual(Array.from(FeatureStore.read(preFeats, 'audio').read('s2-1').data));
    expect(Array.from(copy)).not.toEqual(Array.from(FeatureStore.read(feats, 'audio').read('s2-1').data));

    // What reaches training, selection and evaluation.
    const fit = jest.spyOn(Pipeline.prototype, 'fit');
    const evaluate = jest.spyOn(Pipeline.prototype, 'evaluate');
    const seen = () => {
      const [train, options] = fit.mock.calls[fit.mock.calls.length - 1];
      return { train: train.map((i) => i.id).sort(), validation: (options?.validation ?? []).map((i) => i.id).sort() };
    };
    try {
      const notes: string[] = [];
      await trainRun({ features: feats, out: path.join(dir, 'run'), training: { speedPerturbation: [0.9, 1, 1.1] }, onNote: (n) => notes.push(n) });
      const { train, validation } = seen();
      const held = new Set(validation.map((id) => id.split('-')[0]));
      expect(validation.length).toBeGreaterThan(0);
      expect(validation.every((id) => !id.includes('~'))).toBe(true);
      const originals = train.filter((id) => !id.includes('~'));
      expect(originals.every((id) => !held.has(id.split('-')[0]) && !id.startsWith('s4'))).toBe(true);
      expect(train).toEqual(originals.flatMap((id) => [id, `${id}~sp0.9`, `${id}~sp1.1`]).sort());
      expect(notes).toContain(`speed perturbation 0.9, 1, 1.1: ${2 * originals.length} copies of the ${originals.length} training items join training`);
      // Off (the default): the copies stay out of training.
      await trainRun({ features: feats, out: path.join(dir, 'run-off') });
      expect(seen().train).toEqual(originals);
      await evalRun({ run: path.join(dir, 'run'), split: 'test' });
      expect(evaluate.mock.calls[0][0].map((i) => i.id).sort()).toEqual(['s4-0', 's4-1']);
      // Leave-one-speaker-out: each fold trains on copies of its training speakers' items only.
      fit.mockClear();
      await crossValidate({ features: feats, out: path.join(dir, 'cv'), folds: 'loso', training: { speedPerturbation: [0.9, 1.1] } });
      expect(fit.mock.calls.length).toBe(4);
      const speakerOf = (id: string) => id.split('-')[0];
      for (const [train, options] of fit.mock.calls) {
        const ids = train.map((i) => i.id);
        const originals = ids.filter((id) => !id.includes('~'));
        const validation = (options?.validation ?? []).map((i) => i.id);
        expect(ids.sort()).toEqual(originals.flatMap((id) => [id, `${id}~sp0.9`, `${id}~sp1.1`]).sort());
        expect(validation.every((id) => !id.includes('~'))).toBe(true);
        // Three speakers train or select; the fourth is held out, and nothing of theirs is seen.
        expect(new Set([...originals, ...validation].map(speakerOf)).size).toBe(3);
      }
    } finally {
      fit.mockRestore();
      evaluate.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
