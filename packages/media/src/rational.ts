/** A frame rate as ffmpeg reports it, e.g. 30000/1001 for NTSC's 29.97. */
export interface Rational {
  num: number;
  den: number;
}

export function parseRational(text: string | undefined): Rational | undefined {
  if (!text) return undefined;
  const [n, d] = text.split('/').map(Number);
  const den = d === undefined ? 1 : d;
  if (!Number.isFinite(n) || !Number.isFinite(den) || n <= 0 || den <= 0) return undefined;
  return { num: n, den };
}

export function rationalValue(r: Rational): number {
  return r.num / r.den;
}
