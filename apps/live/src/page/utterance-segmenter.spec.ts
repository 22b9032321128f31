import { Utterance, UtteranceSegmenter } from './utterance-segmenter';

const W = 512;
const RATE = 16000;

/** Windows of speech probability from spans [seconds, p]; samples numbered by their index (to check the cuts). */
function feed(seg: UtteranceSegmenter, spans: [number, number][], chunk = 1024): void {
  const probs = spans.flatMap(([s, p]) => Array(Math.round((s * RATE) / W)).fill(p) as number[]);
  const samples = Float32Array.from({ length: probs.length * W }, (_, i) => i);
  for (let i = 0; i < samples.length; i += chunk) seg.push(samples.subarray(i, i + chunk), probs.slice(i / W, (i + chunk) / W));
}

describe('UtteranceSegmenter', () => {
  it('cuts speech into utterances with padding, bridges short dips, drops blips, keeps only what it needs', () => {
    const got: Utterance[] = [];
    const seg = new UtteranceSegmenter((u) => got.push(u));
    // 1 s silence, 1.504 s speech, a 0.192 s dip (bridged), 0.992 s speech, 1 s silence, a 0.288 s blip, 1 s silence.
    feed(seg, [[1, 0.05], [1.504, 0.9], [0.192, 0.2], [0.992, 0.8], [1, 0.05], [0.288, 0.9], [1, 0.05]]);
    expect(got).toHaveLength(1);
    const [u] = got;
    const firstSpeech = Math.round((1 * RATE) / W) * W;
    const lastSpeechEnd = firstSpeech + Math.round(((1.504 + 0.192 + 0.992) * RATE) / W) * W;
    expect(u.start).toBeCloseTo((firstSpeech - 1600) / RATE, 9);
    expect(u.end).toBeCloseTo((lastSpeechEnd + 1600) / RATE, 9);
    // Its samples are exactly that span of the input, none lost at chunk edges.
    expect(u.samples.length).toBe(lastSpeechEnd - firstSpeech + 3200);
    expect(u.samples.every((v, i) => v === firstSpeech - 1600 + i)).toBe(true);
  });

  it('an utterance longer than maxSeconds is cut there and the rest goes on as the next', () => {
    const got: Utterance[] = [];
    const seg = new UtteranceSegmenter((u) => got.push(u), { maxSeconds: 2 });
    feed(seg, [[0.5, 0], [5, 0.9], [1, 0]]);
    expect(got.map((u) => Math.round((u.end - u.start) * 10) / 10)).toEqual([2.1, 2.1, 1.2]);
    // Each is the input's samples over its own span (the padding of neighbours overlaps).
    for (const u of got) expect(u.samples.every((v, k) => v === Math.round(u.start * RATE) + k)).toBe(true);
    expect(got[1].start).toBeLessThan(got[0].end);
  });

  it('holds no more than the padding between utterances', () => {
    const seg = new UtteranceSegmenter(() => undefined);
    feed(seg, [[10, 0.1]]);
    expect((seg as unknown as { kept: Float32Array }).kept.length).toBeLessThanOrEqual(1600);
  });
});
