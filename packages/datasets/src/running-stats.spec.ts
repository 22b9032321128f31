import { RunningStats } from './running-stats';

describe('RunningStats', () => {
  it('gives the mean/std of the valid rows of everything added, however it was cut into sequences', () => {
    // Rows (2-d): (1, 5), (3, 5), masked (100, 100), (5, 5).
    const a = { data: Float32Array.of(1, 5, 3, 5), mask: Uint8Array.of(1, 1), frames: 2, dim: 2 };
    const b = { data: Float32Array.of(100, 100, 5, 5), mask: Uint8Array.of(0, 1), frames: 2, dim: 2 };
    const s = new RunningStats(2);
    s.add(a);
    s.add(b);
    const st = s.stats();
    expect(st.frames).toBe(3);
    expect(Array.from(st.mean)).toEqual([3, 5]);
    expect(st.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    // No spread: std 1, so the dimension passes unscaled.
    expect(st.std[1]).toBe(1);
    const none = new RunningStats(2).stats();
    expect([none.frames, ...none.mean, ...none.std]).toEqual([0, 0, 0, 1, 1]);
    expect(() => s.add({ ...a, dim: 3, data: new Float32Array(6) })).toThrow(/a sequence of 3 dimensions added to statistics of 2/);
  });
});
