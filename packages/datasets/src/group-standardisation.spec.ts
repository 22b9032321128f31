import { GroupStandardisedSource, sequenceStats, standardiseFrames, type FeatureSource, type StoredSequence } from './index';

/** An in-memory source: item → [frames × dim] rows and a mask. */
function source(items: Record<string, { rows: number[][]; mask?: number[] }>): FeatureSource {
  return {
    dir: '/mem',
    manifest: { version: 1, modality: 'audio', extractor: 'test', config: {}, configHash: 'x', dim: 2, createdAt: '' },
    has: (id) => id in items,
    read: (id): StoredSequence => {
      const { rows, mask } = items[id];
      return { data: Float32Array.from(rows.flat()), frames: rows.length, dim: rows[0].length, mask: Uint8Array.from(mask ?? rows.map(() => 1)), meta: {} };
    },
  };
}

describe('per-group (speaker) standardisation', () => {
  it('statistics over valid frames only; no spread passes unscaled', () => {
    const s = sequenceStats([{ data: Float32Array.from([1, 5, 3, 5, 100, 100]), mask: Uint8Array.from([1, 1, 0]), frames: 3, dim: 2 }]);
    expect(Array.from(s.mean)).toEqual([2, 5]);
    expect(Array.from(s.std)).toEqual([1, 1]);
    expect(Array.from(standardiseFrames(Float32Array.from([3, 7]), 2, s))).toEqual([1, 2]);
  });

  it("each item is standardised with its own speaker's frames, whatever the other speakers' level", () => {
    const store = source({
      a1: { rows: [[1, 10], [3, 30]] },
      a2: { rows: [[5, 50], [7, 70], [1000, 1000]], mask: [1, 1, 0] },
      b1: { rows: [[101, -1], [103, -3]] },
    });
    const view = new GroupStandardisedSource(store, new Map([['a1', 'A'], ['a2', 'A'], ['b1', 'B']]));
    // Speaker A: dimension 0 has frames 1, 3, 5, 7 (mean 4, std √5); B: 101, 103 (mean 102, std 1).
    const a1 = view.read('a1').data;
    expect(a1[0]).toBeCloseTo(-3 / Math.sqrt(5), 6);
    expect(a1[2]).toBeCloseTo(-1 / Math.sqrt(5), 6);
    expect(Array.from(view.read('b1').data)).toEqual([-1, 1, 1, -1]);
    expect(view.groupStats('A')!.mean[1]).toBe(40);
    // The masked frame takes no part in the statistics, and is standardised like the rest.
    expect(view.read('a2').data[4]).toBeCloseTo((1000 - 4) / Math.sqrt(5), 3);
    expect(view.has('a1')).toBe(true);
    expect(view.has('zz')).toBe(false);
    expect(() => view.read('zz')).toThrow("item 'zz' has no group (speaker)");
  });
});
