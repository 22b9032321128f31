import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeAudio, probe } from '@mer/media';
import { syntheticVowel, wavBytes } from '../fixtures/synthetic-vowel';
import reference from '../fixtures/speech-functionals-reference.json';
import { getExtractor } from '../extractor-registry';
import { egemapsOfFile } from './acoustic-file';
import { mfccDeltaNames } from './mfcc-deltas';
import { SPEECH_FUNCTIONALS_DIM, speechFunctionals } from './speech-functionals';
import { speechFunctionalsOfSamples } from './speech-functionals-of-samples';

// numpy's functionals of the same 16 kHz samples and eGeMAPS descriptors (tools/reference/speech_functionals_reference.py).
const REF = (reference as { clips: Record<string, number[]> }).clips;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mer-speech-functionals-'));

async function functionalsOf(file: string) {
  const llds = await egemapsOfFile(file, await probe(file));
  return speechFunctionals(llds, (await decodeAudio(file, { sampleRate: 16000 })).samples);
}

/** Every value within 1e-5 of numpy's, relative to max(1, |numpy's|); names the first that is not. */
function expectReference(values: Float32Array, names: string[], expected: number[]) {
  expect(values).toHaveLength(expected.length);
  const off = Array.from(values).findIndex((v, i) => !(Math.abs(v - expected[i]) <= 1e-5 * Math.max(1, Math.abs(expected[i]))));
  expect(off === -1 ? 'all close' : `${names[off]}: mer ${values[off]}, numpy ${expected[off]}`).toBe('all close');
}

describe('speech functionals against an independent numpy computation', () => {
  it('a synthetic vowel between silences: 336 values; digital silence left out of the statistics', async () => {
    const file = path.join(dir, 'vowel-silence.wav');
    const x = new Float32Array(16000 * 1.8);
    x.set(syntheticVowel(1), 8000); // 0.5 s silence, the vowel, 0.3 s silence
    fs.writeFileSync(file, wavBytes(x));
    const f = await functionalsOf(file);
    expect(f.names).toHaveLength(SPEECH_FUNCTIONALS_DIM);
    expect(SPEECH_FUNCTIONALS_DIM).toBe(336);
    expect(f.names.slice(-2)).toEqual(['logEnergy_de_de_mean', 'logEnergy_de_de_std']);
    expect(mfccDeltaNames()).toHaveLength(42);
    expectReference(f.values, f.names, REF['vowel-silence']);
    // F0 of the 120 → 140 Hz glide rises: its slope over voiced frames is ≈ 12·log2(140/120) ≈ 2.7 semitones per second.
    const slope = f.values[f.names.indexOf('lld_F0semitoneFrom27.5Hz_slope')];
    expect(slope).toBeGreaterThan(2);
    expect(slope).toBeLessThan(3.5);
    // Loudness statistics cover the sounding second only: its 20th percentile is far above silence.
    expect(f.values[f.names.indexOf('lld_loudness_p20')]).toBeGreaterThan(0.1 * f.values[f.names.indexOf('lld_loudness_p80')]);
  });

  const emodb = path.resolve(__dirname, '../../../../../shared/data/emodb');
  const names = fs.existsSync(emodb) ? ['03a01Fa', '08b01Aa', '10a01Ac'] : [];
  for (const name of names) {
    it(`EmoDB ${name} (real speech${name === '10a01Ac' ? ', 0.32 s of zero padding at the end' : ''})`, async () => {
      const f = await functionalsOf(path.join(emodb, `${name}.wav`));
      expectReference(f.values, f.names, REF[name]);
    });
  }

  it("is registered as 'speech-functionals': one row per item over the whole recording, whatever the clip", async () => {
    const def = getExtractor('speech-functionals');
    expect([def.modality, def.timings, def.width]).toEqual(['audio', ['clip'], 336]);
    const ex = await def.create({ plan: {} as never, options: {} as never, clip: { seconds: 0.5, frames: 2 } });
    const described = ex.describe({ name: 'audio', modality: 'audio', extractor: 'speech-functionals' });
    expect(described.dim).toBe(336);
    expect(described.config).toMatchObject({ span: 'whole-recording', functionals: 'mer-speech-functionals/1' });
    const file = path.join(dir, 'vowel-silence.wav');
    const info = await probe(file);
    const resources = { hasAudio: true, llds: () => egemapsOfFile(file, info), audio: async (sr: number) => (await decodeAudio(file, { sampleRate: sr })).samples };
    if (!ex.clip) throw new Error('speech-functionals computes clip rows');
    const row = await ex.clip(resources as never, { seconds: 0.5, frames: 2 });
    expect([row.frames, Array.from(row.mask ?? [])]).toEqual([1, [1]]);
    // The 0.5 s clip would be silence; the row is the whole recording's.
    expectReference(row.data, (await functionalsOf(file)).names, REF['vowel-silence']);
  });

  it('of samples (a live microphone\'s utterance): the row the extractor gives a 16 kHz WAV of the same samples', async () => {
    const file = path.join(dir, 'vowel-silence.wav');
    const x16 = (await decodeAudio(file, { sampleRate: 16000 })).samples; // the WAV's samples as float, unresampled
    const fromSamples = speechFunctionalsOfSamples(x16);
    const fromFile = await functionalsOf(file);
    expect(Array.from(fromSamples)).toEqual(Array.from(fromFile.values));
    // Not the 16 kHz samples read as formant input: the 11 kHz signal is resampled, as the file's decoding does.
    expect(fromSamples[fromFile.names.indexOf('lld_F1frequency_mean')]).toBeCloseTo(REF['vowel-silence'][fromFile.names.indexOf('lld_F1frequency_mean')], 3);
  });
});
