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
