import { LogMelSpectrogram } from './log-mel-spectrogram';
import { StreamingLogMel } from './streaming-log-mel';

describe('StreamingLogMel', () => {
  it('equals the whole stream\'s log-mel however the samples are cut into pushes, and keeps only what is not trimmed', async () => {
    const n = 16000 * 2 + 123;
    const x = Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000) * (1 + Math.sin(i / 900)) + 0.01 * Math.sin(i * 1.7));
    const whole = await new LogMelSpectrogram().compute(x);
    const stream = new StreamingLogMel();
    let at = 0;
    let k = 0;
    for (const size of [1, 159, 160, 399, 401, 1024, 3333]) {
      k += await stream.push(x.subarray(at, at + size));
      at += size;
    }
    while (at < n) {
      k += await stream.push(x.subarray(at, at + 2048));
      at += 2048;
    }
    expect(k).toBe(whole.frames);
    expect(stream.total).toBe(whole.frames);
    const v = stream.view();
    expect(v.startTime).toBe(0);
    expect(Array.from(v.data)).toEqual(Array.from(whole.data));
    // Trimmed before 1 s: frames from 100 on (10 ms hop), as the whole stream's.
    stream.trimBefore(1);
    const kept = stream.view();
    expect(kept.startTime).toBeCloseTo(1, 10);
    expect(kept.frames).toBe(whole.frames - 100);
    expect(Array.from(kept.data.subarray(0, 64))).toEqual(Array.from(whole.data.subarray(100 * 64, 101 * 64)));
  });
});
