import { rgbaToRgb } from './frame-grabber';

/** The byte loop the fast path must equal. */
function reference(rgba: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n * 3);
  for (let k = 0; k < n; k++) for (let c = 0; c < 3; c++) out[3 * k + c] = rgba[4 * k + c];
  return out;
}

describe('rgbaToRgb', () => {
  it.each([
    [640, 360],
    [3, 3],
    [5, 1],
    [1, 1],
  ])('drops alpha and keeps every channel in order (%i × %i)', (w, h) => {
    const n = w * h;
    const rgba = Uint8Array.from({ length: n * 4 }, (_, i) => (i * 37 + (i >> 3) * 11) & 255);
    expect(rgbaToRgb(rgba, w, h)).toEqual(reference(rgba, n));
  });

  it('reads a view that does not start on a 4-byte boundary, and a canvas clamped array', () => {
    const backing = new Uint8Array(1 + 7 * 2 * 4).map((_, i) => (i * 29) & 255);
    const view = backing.subarray(1);
    expect(rgbaToRgb(view, 7, 2)).toEqual(reference(view, 14));
    const clamped = new Uint8ClampedArray(view);
    expect(rgbaToRgb(clamped, 7, 2)).toEqual(reference(view, 14));
  });

  it('refuses too few bytes for the size', () => {
    expect(() => rgbaToRgb(new Uint8Array(10), 2, 2)).toThrow('10 bytes for a 2×2 RGBA frame');
  });
});
