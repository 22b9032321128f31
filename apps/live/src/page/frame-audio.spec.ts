import { egemapsLlds, LogMelSpectrogram, poolLlds, pooledLogMel } from '@mer/feature-extractors';
import { resample } from '@mer/media';
import { FrameAudio } from './frame-audio';
import type { FrameAudioKind } from './run-streams';

const KINDS: FrameAudioKind[] = ['logmel-halves', 'logmel-mean-std+egemaps', 'egemaps'];

/** 5 s of a voice-like signal at 16 kHz: a gliding pitch with harmonics, syllable-like loudness. */
function voice(): Float32Array {
  const n = 5 * 16000;
  const x = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    phase += (2 * Math.PI * (140 + 40 * Math.sin(2 * Math.PI * 1.3 * t))) / 16000;
    let v = 0;
    for (let k = 1; k <= 12; k++) v += Math.sin(k * phase) / k;
    x[i] = 0.1 * v * (0.3 + 0.7 * Math.sin(Math.PI * 3.5 * t) ** 2);
  }
  return x;
}

describe('FrameAudio (the page\'s per-frame audio rows from a live 16 kHz stream)', () => {
  it('gives the rows of the whole stream (jitter and shimmer nearly), however the samples come and while it trims what it no longer needs', async () => {
    const x = voice();
    const audio = new FrameAudio(true);
    const times: number[] = [];
    const got: Record<string, Float32Array[]> = { 'logmel-halves': [], 'logmel-mean-std+egemaps': [], egemaps: [] };
    let next = 0;
    for (let at = 0; at < x.length; at += 1024) {
      await audio.push(x.subarray(at, at + 1024));
      // As the page does: the rows whose audio is ready, then forget what they no longer need.
      const batch: number[] = [];
      while (next / 30 <= audio.readyUntil) batch.push(next++ / 30);
      if (batch.length === 0) continue;
      for (const kind of KINDS) got[kind].push(audio.rows(kind, batch, 30));
      times.push(...batch);
      audio.trimBefore(batch[batch.length - 1] - 1);
    }
    // Rows up to 5 s less the 1.5 s the descriptors wait for.
    expect(times.length).toBeGreaterThan(30 * 3.4);
    const spec = await new LogMelSpectrogram().compute(x);
    const l = egemapsLlds(x, resample(x, 16000, 11000));
    const want: Record<string, Float32Array> = {
      'logmel-halves': pooledLogMel(spec, times, 'halves'),
      egemaps: poolLlds(l, times, 30),
    };
    const meanStd = pooledLogMel(spec, times, 'mean-std');
    want['logmel-mean-std+egemaps'] = Float32Array.from({ length: times.length * 153 }, (_, i) => {
      const [t, j] = [Math.floor(i / 153), i % 153];
      return j < 128 ? meanStd[t * 128 + j] : want.egemaps[t * 25 + j - 128];
    });
    // Jitter and shimmer (descriptors 6, 7) come from glottal pulses found over voiced stretches, which
    // can run past a 2 s slice; the other 23, and the log-mel, equal the whole stream's.
    const voiceQuality = new Set([6, 7]);
    for (const kind of Object.keys(got)) {
      const all = new Float32Array(want[kind].length);
      let o = 0;
      for (const part of got[kind]) {
        all.set(part, o);
        o += part.length;
      }
      expect(o).toBe(want[kind].length);
      const dim = want[kind].length / times.length;
      const lldOffset = kind === 'egemaps' ? 0 : kind === 'logmel-halves' ? Infinity : 128;
      let [diff, pulses] = [0, 0];
      all.forEach((v, i) => {
        const e = Math.abs(v - want[kind][i]);
        if (voiceQuality.has((i % dim) - lldOffset)) pulses = Math.max(pulses, e);
        else diff = Math.max(diff, e / Math.max(1, Math.abs(want[kind][i])));
      });
      expect(diff).toBeLessThan(1e-5);
      expect(pulses).toBeLessThan(0.1); // measured 0.044 (shimmer, dB)
    }
  });
});
