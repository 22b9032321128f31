import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend } from '@mer/backend';
import { parseTrainingOverrides } from '@mer/training';
import { copyPasteBatch } from './copy-paste';
import { mixupBatch, disposeMixed, withinGroups } from './mixup';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Row r's frames are all r·100 + t (frame t), so every output frame names its source row and frame. */
const rows = (b: number, t: number, d: number) => tf.tensor3d(Float32Array.from({ length: b * t * d }, (_, i) => 100 * Math.floor(i / (t * d)) + Math.floor((i / d) % t)), [b, t, d]);
const NEUTRAL = 6;

describe('copyPasteBatch', () => {
  it("joins each emotional row's frames with a neutral row of its speaker, in the drawn order; the label is the emotional one's", async () => {
    const before = tf.memory().numTensors;
    //            row:   0    1    2    3    4    5
    const labels = [0, NEUTRAL, 3, NEUTRAL, 2, 4];
    const speakers = ['a', 'a', 'b', 'b', 'a', 'c'];
    const x = rows(6, 4, 2);
    const y = rows(6, 3, 1);
    const p = (await copyPasteBatch({ features: { x, y } }, labels, speakers, NEUTRAL, { probability: 1 }, createRng(4)))!;
    // Rows 0 and 4 pair with 1 (speaker a), row 2 with 3 (b); row 5's speaker has no neutral row.
    expect(p.pairs.map((q) => [q.emotional, q.neutral])).toEqual([
      [0, 1],
      [2, 3],
      [4, 1],
    ]);
    expect(new Set(p.pairs.map((q) => q.neutralFirst)).size).toBe(2); // both orders drawn (seed 4)
    expect(Array.from(p.classLabels.dataSync())).toEqual([0, 3, 2]);
    expect(p.features.x.shape).toEqual([3, 8, 2]);
    expect(p.features.y.shape).toEqual([3, 6, 1]);
    expect(p.mask).toBeUndefined();
    const xs = p.features.x.dataSync();
    p.pairs.forEach((q, i) => {
      const [first, second] = q.neutralFirst ? [q.neutral, q.emotional] : [q.emotional, q.neutral];
      const frames = Array.from({ length: 8 }, (_, t) => xs[(i * 8 + t) * 2]);
      expect(frames).toEqual([0, 1, 2, 3].map((t) => 100 * first + t).concat([0, 1, 2, 3].map((t) => 100 * second + t)));
    });
    p.dispose();
    // Probability: about that share of the rows that could pair.
    let pasted = 0;
    const rng = createRng(9);
    for (let k = 0; k < 200; k++) {
      const q = await copyPasteBatch({ features: { y } }, labels, speakers, NEUTRAL, { probability: 0.5 }, rng);
      pasted += q?.pairs.length ?? 0;
      q?.dispose();
    }
    expect(pasted / (200 * 3)).toBeGreaterThan(0.4);
    expect(pasted / (200 * 3)).toBeLessThan(0.6);
    expect(await copyPasteBatch({ features: { y } }, [0, 1, 2], ['a', 'a', 'a'], NEUTRAL, { probability: 1 }, createRng(1))).toBeNull();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('drops padding and pads the pasted rows to the longest, with a mask', async () => {
    const x = rows(2, 5, 1);
    const mask = tf.tensor2d([1, 1, 1, 0, 0, 1, 1, 0, 0, 0], [2, 5]);
    const p = (await copyPasteBatch({ features: { x }, mask }, [1, NEUTRAL], ['s', 's'], NEUTRAL, { probability: 1 }, createRng(2)))!;
    expect(p.features.x.shape).toEqual([1, 5, 1]);
    const [first, second] = p.pairs[0].neutralFirst ? [1, 0] : [0, 1];
    const len = [3, 2];
    expect(Array.from(p.features.x.dataSync())).toEqual([...Array.from({ length: len[first] }, (_, t) => 100 * first + t), ...Array.from({ length: len[second] }, (_, t) => 100 * second + t)]);
    expect(Array.from(p.mask!.dataSync())).toEqual([1, 1, 1, 1, 1]);
    p.dispose();
    tf.dispose([x, mask]);
  });

  it('is configured by the neutral class name', () => {
    expect(parseTrainingOverrides({ copyPaste: { neutralClass: 'neutral' } }, 'cfg').copyPaste).toEqual({ neutralClass: 'neutral', probability: 1 });
    expect(() => parseTrainingOverrides({ copyPaste: { neutral: 'neutral' } }, 'cfg.json')).toThrow(/copyPaste.neutralClass: expected the neutral class's name, got undefined\n {2}copyPaste.neutral: unknown key \(valid: neutralClass, probability\)/);
  });
});

describe('mixup within a speaker', () => {
  it("draws every row's partner from its own speaker", () => {
    const speakers = ['a', 'b', 'a', 'c', 'b', 'a', 'b', 'a'];
    const rng = createRng(5);
    let moved = 0;
    for (let k = 0; k < 20; k++) {
      const partner = withinGroups(speakers, rng);
      expect([...partner].sort()).toEqual(speakers.map((_, i) => i)); // a permutation
      partner.forEach((p, r) => expect(speakers[p]).toBe(speakers[r]));
      expect(partner[3]).toBe(3); // speaker c's only row mixes with itself
      moved += partner.filter((p, r) => p !== r).length;
    }
    expect(moved).toBeGreaterThan(0);
    const x = rows(8, 2, 1);
    const labels = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 0], 'int32');
    const m = mixupBatch({ features: { x }, classLabels: labels }, 0.4, createRng(8), speakers);
    // The same draws replayed: λ, then the within-speaker permutation.
    const replay = createRng(8);
    expect(m.lambda).toBe(replay.beta(0.4, 0.4));
    const partner = withinGroups(speakers, replay);
    partner.forEach((p, r) => expect(speakers[p]).toBe(speakers[r]));
    expect(Array.from(m.partnerLabels.dataSync())).toEqual(partner.map((p) => [0, 1, 2, 3, 4, 5, 6, 0][p]));
    const xs = m.features.x.dataSync();
    partner.forEach((p, r) => expect(xs[r * 2]).toBeCloseTo(m.lambda * 100 * r + (1 - m.lambda) * 100 * p, 3));
    disposeMixed(m);
    expect(() => mixupBatch({ features: { x }, classLabels: labels }, 0.4, createRng(8), ['a'])).toThrow(/mixup within a speaker: 1 speakers for a batch of 8/);
    tf.dispose([x, labels]);
  });
});
