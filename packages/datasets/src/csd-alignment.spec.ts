import { alignToSteps } from './csd-alignment';
import type { CsdSequence } from './cmu-mosei';

const seq = (rows: number[][], intervals: number[][]): CsdSequence => ({
  features: Float32Array.from(rows.flat()),
  intervals: Float64Array.from(intervals.flat()),
  rows: rows.length,
  dim: rows[0].length,
  nonFinite: 0,
});

describe('alignToSteps: a sequence onto a segment’s sub-intervals by overlap-weighted means', () => {
  it('100 Hz frames: each step is the mean of the frames inside it; frames outside the segment are ignored', () => {
    // 40 frames of 10 ms, value = frame index; segment [0.1, 0.3] in 2 steps.
    const s = seq(
      Array.from({ length: 40 }, (_, i) => [i, 1]),
      Array.from({ length: 40 }, (_, i) => [i * 0.01, (i + 1) * 0.01]),
    );
    const a = alignToSteps(s, 0.1, 0.3, 2);
    expect(a.data[0]).toBeCloseTo(14.5, 4); // frames 10..19
    expect(a.data[2]).toBeCloseTo(24.5, 4); // frames 20..29
    expect(Array.from(a.mask)).toEqual([1, 1]);
  });

  it('word-aligned rows: a word spanning two steps counts in both by its overlap; a step with no word is masked', () => {
    // Words: [0, 1] value 2, [1, 3] value 6; segment [0, 4] in 4 steps of 1 s.
    const s = seq([[2], [6]], [[0, 1], [1, 3]]);
    const a = alignToSteps(s, 0, 4, 4);
    expect(Array.from(a.data)).toEqual([2, 6, 6, 0]);
    expect(Array.from(a.mask)).toEqual([1, 1, 1, 0]);
    // A step half covered by each word: weighted mean (0.5·2 + 0.5·6).
    expect(alignToSteps(s, 0.5, 1.5, 1).data[0]).toBeCloseTo(4, 6);
  });

  it('an empty segment is an error', () => {
    expect(() => alignToSteps(seq([[1]], [[0, 1]]), 2, 2, 3)).toThrow(/segment \[2, 2\] is empty/);
  });
});
