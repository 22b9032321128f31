import { alignToFrameCount, centreCropOrPad, clipFrameIndices, fixedWindows, OverlapAverager, sliceWindow } from './index';

describe('windowing', () => {
  it('TCN-fusion windows: 300/200 with the last window end-aligned', () => {
    expect(fixedWindows(1000).map((w) => [w.start, w.end])).toEqual([[0, 300], [200, 500], [400, 700], [600, 900], [700, 1000]]);
    expect(fixedWindows(700).map((w) => w.start)).toEqual([0, 200, 400]);
    expect(fixedWindows(120)).toEqual([{ start: 0, end: 120, validLength: 120 }]);
    expect(fixedWindows(0)).toEqual([]);
    // Every frame is covered.
    const covered = new Set(fixedWindows(1234).flatMap((w) => Array.from({ length: w.end - w.start }, (_, i) => w.start + i)));
    expect(covered.size).toBe(1234);
  });

  it('slices with zero padding and a mask', () => {
    const seq = Float32Array.from({ length: 5 * 2 }, (_, i) => i);
    const { data, mask } = sliceWindow(seq, 2, { start: 3, end: 5, validLength: 2 }, 4);
    expect(Array.from(data)).toEqual([6, 7, 8, 9, 0, 0, 0, 0]);
    expect(Array.from(mask)).toEqual([1, 1, 0, 0]);
  });

  it('averages overlapping window predictions per frame and refuses uncovered frames', () => {
    const avg = new OverlapAverager(5, 1);
    avg.add({ start: 0, end: 3, validLength: 3 }, [1, 1, 1]);
    avg.add({ start: 2, end: 5, validLength: 3 }, [3, 3, 3]);
    expect(Array.from(avg.result())).toEqual([1, 1, 2, 3, 3]);
    expect(() => new OverlapAverager(2, 1).result()).toThrow(/frame 0 of 2 was covered by no window/);
  });

  it('streamed: take() hands out finished frames and forgets them; the rows equal the whole-sequence average', () => {
    const windows = [
      { start: 0, end: 4, validLength: 4 },
      { start: 2, end: 6, validLength: 4 },
      { start: 4, end: 8, validLength: 4 },
      { start: 5, end: 9, validLength: 4 },
    ];
    const values = (w: { start: number }) => Array.from({ length: 8 }, (_, i) => w.start * 10 + i);
    const whole = new OverlapAverager(9, 2);
    windows.forEach((w) => whole.add(w, values(w)));
    const streamed = new OverlapAverager(0, 2);
    const rows: number[] = [];
    streamed.add(windows[0], values(windows[0]));
    streamed.add(windows[1], values(windows[1]));
    rows.push(...streamed.take(2));
    streamed.add(windows[2], values(windows[2]));
    rows.push(...streamed.take(4));
    expect(() => streamed.add({ start: 3, end: 7, validLength: 4 }, values({ start: 3 }))).toThrow(/starts before frame 4/);
    streamed.add(windows[3], values(windows[3]));
    rows.push(...streamed.take(9));
    expect(rows).toEqual(Array.from(whole.result()));
  });

  it('AVT-CA clip sampling: 15 frames evenly over 3.6 s; audio centre crop/pad', () => {
    const idx = clipFrameIndices(300, 30);
    expect(idx).toHaveLength(15);
    expect(idx[0]).toBe(3);
    expect(idx[14]).toBe(104);
    expect(idx.every((v, i) => i === 0 || v > idx[i - 1])).toBe(true);
    expect(Math.max(...clipFrameIndices(20, 30))).toBe(19);
    expect(Array.from(centreCropOrPad(Float32Array.from([1, 2, 3, 4, 5]), 3))).toEqual([2, 3, 4]);
    expect(Array.from(centreCropOrPad(Float32Array.from([1, 2]), 5))).toEqual([0, 1, 2, 0, 0]);
  });

  it('aligns decoded frames to the authoritative annotation count', () => {
    const seq = Float32Array.from([1, 1, 2, 2, 3, 3]); // 3 frames × 2
    const longer = alignToFrameCount(seq, 2, 4);
    expect(Array.from(longer.data)).toEqual([1, 1, 2, 2, 3, 3, 3, 3]);
    expect(Array.from(longer.mask)).toEqual([1, 1, 1, 0]);
    expect(Array.from(alignToFrameCount(seq, 2, 2).data)).toEqual([1, 1, 2, 2]);
  });
});
