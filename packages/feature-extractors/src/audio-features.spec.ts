import * as os from 'node:os';
import * as path from 'node:path';
import { decodeAudio, generateTestClip } from '@mer/media';
import { logMelOfFile } from './audio-frame-features';
import { pooledLogMel, vggishExamples } from './log-mel-pooling';
import { LogMelSpectrogram } from './log-mel-spectrogram';
import { Mfcc } from './mfcc';
import reference from './fixtures/audio-reference.json';

/** The reference script's test signal (tools/reference/audio_reference.py), float64 then float32. */
function testSignal(sr: number, seconds: number): Float32Array {
  const n = Math.floor(sr * seconds);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    let v = 0.3 * Math.sin(2 * Math.PI * 440 * t) + 0.2 * Math.sin(2 * Math.PI * 1234.5 * t + 0.3);
    v += 0.1 * Math.sin(2 * Math.PI * (200 * t + 2000 * t * t));
    v *= 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t) ** 2;
    x[i] = v;
  }
  return x;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('audio features', () => {
  it("transformers.js' HTK bank (Hz triangles) is close to VGGish's (mel triangles), not equal", async () => {
    const x = testSignal(16000, 1);
    const a = await new LogMelSpectrogram().compute(x);
    const b = await new LogMelSpectrogram({ triangles: 'hertz' }).compute(x);
    const d = maxDiff(a.data, b.data);
    expect(d).toBeGreaterThan(1e-3);
    expect(d).toBeLessThan(0.05);
  });

  it('streaming a file chunk by chunk gives the whole-signal spectrogram', async () => {
    const clip = generateTestClip(path.join(os.tmpdir(), 'mer-fe-logmel.wav'), { seconds: 3.3, toneHz: 700, audioSampleRate: 16000 });
    const whole = await new LogMelSpectrogram().compute((await decodeAudio(clip)).samples);
    const streamed = await logMelOfFile(clip, {}, { chunkSeconds: 0.37 });
    expect(streamed.frames).toBe(whole.frames);
    expect(maxDiff(streamed.data, whole.data)).toBeLessThan(1e-4);
    // A 700 Hz tone: its loudest band is the one whose centre is nearest 700 Hz.
    const row = streamed.data.subarray(100 * 64, 101 * 64);
    const loudest = row.indexOf(Math.max(...row));
    const mel = (f: number) => 1127 * Math.log(1 + f / 700);
    const centre = (b: number) => mel(125) + ((mel(7500) - mel(125)) * (b + 1)) / 65;
    expect(Math.abs(centre(loudest) - mel(700))).toBeLessThan((mel(7500) - mel(125)) / 65);
  });

  it('per-frame 0.96 s windows: VGGish patches and pooled statistics, silence-padded at the ends', async () => {
    const spec = await new LogMelSpectrogram().compute(testSignal(16000, 2));
    const times = [0, 1, 1.99];
    const patches = vggishExamples(spec, times);
    expect(patches.length).toBe(3 * 96 * 64);
    // Frame at 1 s: rows 52..147 of the spectrogram (centred on frame 100).
    expect(patches.subarray(96 * 64, 96 * 64 + 64)).toEqual(spec.data.subarray(52 * 64, 53 * 64));
    // Frame at 0 s: the first 48 rows lie before the audio → log(0.01).
    expect(patches[0]).toBeCloseTo(Math.log(0.01), 6);
    const stats = pooledLogMel(spec, times, 'mean-std');
    expect(stats.length).toBe(3 * 128);
    let mean = 0;
    for (let r = 0; r < 96; r++) mean += patches[96 * 64 + r * 64 + 5] / 96;
    expect(stats[128 + 5]).toBeCloseTo(mean, 4);
    expect(Array.from(stats).every(Number.isFinite)).toBe(true);
  });
});

describe('log-mel and MFCC against an independent numpy computation', () => {
  it('VGGish log-mel: frame count and values', async () => {
    const spec = await new LogMelSpectrogram().compute(testSignal(16000, 1));
    expect(spec.frames).toBe(reference.logMel.frames);
    expect(spec.bands).toBe(64);
    expect(spec.frameRate).toBe(100);
    reference.logMel.rows.forEach((row, i) => {
      const ours = spec.data.subarray(row * 64, (row + 1) * 64);
      expect(maxDiff(ours, reference.logMel.values[i])).toBeLessThan(1e-5);
    });
  });

  it('MFCC: 156 frames for 3.6 s at 22.05 kHz and librosa values', async () => {
    const mfcc = await new Mfcc().compute(testSignal(22050, 3.6));
    expect(mfcc.frames).toBe(reference.mfcc.frames);
    expect(mfcc.bands).toBe(10);
    reference.mfcc.rows.forEach((row, i) => {
      const ours = mfcc.data.subarray(row * 10, (row + 1) * 10);
      // values reach ±500 dB-scale units: 1e-4 absolute is ~1e-7 relative
      expect(maxDiff(ours, reference.mfcc.values[i])).toBeLessThan(1e-4);
    });
  });
});
