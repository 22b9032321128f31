/**
 * A small seeded pseudo-random generator (mulberry32) for reproducible initialisation, shuffles
 * and sampling. The same seed gives the same sequence on every machine and backend.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Gamma(shape, 1) (Marsaglia & Tsang 2000; shape < 1 through Gamma(shape + 1)·U^(1/shape)). */
  gamma(shape: number): number;
  /** Beta(a, b), as Ga / (Ga + Gb). */
  beta(a: number, b: number): number;
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  /** A shuffled `[0, 1, …, n − 1]`. */
  permutation(n: number): number[];
  /** A fresh 31-bit seed, e.g. for tfjs initialisers' `seed` argument. */
  nextSeed(): number;
  /** An independent generator derived from this one (for parallel streams). */
  fork(): Rng;
}

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`createRng: seed must be a finite number, got ${seed}`);
  let state = Math.floor(seed) >>> 0;
  let spare: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int(n) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
      return Math.floor(next() * n);
    },
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    gamma(shape) {
      if (!(shape > 0)) throw new Error(`Rng.gamma: shape must be positive, got ${shape}`);
      if (shape < 1) {
        let u = 0;
        while (u === 0) u = next();
        return rng.gamma(shape + 1) * Math.pow(u, 1 / shape);
      }
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        let x: number;
        let v: number;
        do {
          x = rng.normal();
          v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const u = next();
        if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
      }
    },
    beta(a, b) {
      const x = rng.gamma(a);
      const y = rng.gamma(b);
      return x + y > 0 ? x / (x + y) : 0.5;
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
    permutation(n) {
      return rng.shuffle(Array.from({ length: n }, (_, i) => i));
    },
    nextSeed() {
      return Math.floor(next() * 0x7fffffff);
    },
    fork() {
      return createRng(Math.floor(next() * 4294967296));
    },
  };
  return rng;
}
