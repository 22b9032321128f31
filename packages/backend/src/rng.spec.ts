import { createRng } from './rng';

describe('createRng', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    for (const v of seqA) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it('draws normals with mean ≈ 0 and variance ≈ 1', () => {
    const r = createRng(1);
    const n = 20000;
    const xs = Array.from({ length: n }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('draws Gamma and Beta variates with their mean and variance (shape below and above 1)', () => {
    const moments = (draw: () => number, n = 40000) => {
      const v = Array.from({ length: n }, draw);
      const mean = v.reduce((a, b) => a + b, 0) / n;
      return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / n, min: Math.min(...v), max: Math.max(...v) };
    };
    const rng = createRng(11);
    for (const k of [0.4, 2.5]) {
      const g = moments(() => rng.gamma(k)); // mean k, variance k
      expect(g.mean).toBeCloseTo(k, 1);
      expect(g.variance / k).toBeCloseTo(1, 1);
      expect(g.min).toBeGreaterThanOrEqual(0);
    }
    const b = moments(() => rng.beta(0.4, 0.4)); // mean 1/2, variance ab / ((a+b)²(a+b+1)) = 0.1389
    expect(b.mean).toBeCloseTo(0.5, 2);
    expect(b.variance).toBeCloseTo(0.1389, 2);
    expect(b.min).toBeGreaterThanOrEqual(0);
    expect(b.max).toBeLessThanOrEqual(1);
    expect(() => rng.gamma(0)).toThrow(/shape must be positive/);
    expect(createRng(3).beta(0.4, 0.4)).toBe(createRng(3).beta(0.4, 0.4));
  });

  it('shuffles into a permutation, reproducibly', () => {
    const p = createRng(9).permutation(50);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(createRng(9).permutation(50)).toEqual(p);
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('gives ints in range, 31-bit seeds and independent forks', () => {
    const r = createRng(3);
    for (let i = 0; i < 100; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    const s = r.nextSeed();
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    const f1 = createRng(5).fork();
    const f2 = createRng(5).fork();
    expect(f1.next()).toBe(f2.next());
    expect(() => r.int(0)).toThrow(/positive integer/);
    expect(() => createRng(NaN)).toThrow(/finite/);
  });
});
