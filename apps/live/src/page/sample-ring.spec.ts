import { SampleRing } from './sample-ring';

const ramp = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('SampleRing', () => {
  it('gives the newest samples in order across the wrap, and null until enough have come', () => {
    const ring = new SampleRing(10);
    ring.push(ramp(0, 4));
    expect(ring.last(5)).toBeNull();
    expect(Array.from(ring.last(4)!)).toEqual([0, 1, 2, 3]);
    ring.push(ramp(4, 9)); // 13 pushed: the ring holds 3…12, wrapped
    expect(ring.total).toBe(13);
    expect(Array.from(ring.last(10)!)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(ring.last(3)!)).toEqual([10, 11, 12]);
    ring.push(ramp(13, 25)); // a block longer than the ring keeps its end
    expect(Array.from(ring.last(10)!)).toEqual(Array.from(ramp(28, 10)));
    expect(() => ring.last(11)).toThrow(/11 samples asked of a ring of 10/);
  });
});
