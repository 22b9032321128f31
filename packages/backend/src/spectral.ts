import * as tf from '@tensorflow/tfjs-core';

/** Real and imaginary parts of a real-input DFT, as two float32 tensors. */
export interface RealSpectrum {
  /** [..., fftLength / 2 + 1] */
  real: tf.Tensor;
  /** [..., fftLength / 2 + 1] */
  imag: tf.Tensor;
}

const bases = new Map<number, { cos: tf.Tensor2D; sin: tf.Tensor2D }>();

function dftBasis(n: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  let b = bases.get(n);
  if (b === undefined) {
    const bins = Math.floor(n / 2) + 1;
    const c = new Float32Array(n * bins);
    const s = new Float32Array(n * bins);
    for (let t = 0; t < n; t++) {
      for (let k = 0; k < bins; k++) {
        // (t·k) mod n keeps the angle small, so float64 cos/sin stay exact before rounding to float32.
        const angle = (2 * Math.PI * ((t * k) % n)) / n;
        c[t * bins + k] = Math.cos(angle);
        s[t * bins + k] = -Math.sin(angle);
      }
    }
    b = { cos: tf.keep(tf.tensor2d(c, [n, bins])), sin: tf.keep(tf.tensor2d(s, [n, bins])) };
    bases.set(n, b);
  }
  return b;
}

/**
 * Real-input DFT along the last axis, `X[k] = Σ_t x[t]·e^{−2πi·t·k/n}`, for every backend.
 *
 * The wasm backend has no complex dtype (no Complex/Real/Imag kernels), so tfjs' FFT/RFFT kernels
 * cannot exist there; this computes the same spectrum as two matMuls with a cached DFT basis and
 * is differentiable everywhere. Zero-pads or crops the signal to `fftLength` like `tf.spectral.rfft`.
 *
 * @param x [..., n] float32
 * @returns real and imag, each [..., fftLength/2 + 1]
 */
export function rfft(x: tf.Tensor, fftLength?: number): RealSpectrum {
  const n = fftLength ?? x.shape[x.rank - 1];
  if (!Number.isInteger(n) || n < 1) throw new Error(`rfft: fftLength must be a positive integer, got ${n}`);
  const basis = dftBasis(n);
  return tf.tidy(() => {
    const len = x.shape[x.rank - 1];
    const lead = x.shape.slice(0, -1);
    let sig = x;
    if (len > n) sig = tf.slice(x, x.shape.map(() => 0), [...lead, n]);
    if (len < n) sig = tf.pad(x, [...lead.map((): [number, number] => [0, 0]), [0, n - len]]);
    const flat = tf.reshape(sig, [-1, n]); // [rows, n]
    const bins = Math.floor(n / 2) + 1;
    const real = tf.reshape(tf.matMul(flat, basis.cos), [...lead, bins]);
    const imag = tf.reshape(tf.matMul(flat, basis.sin), [...lead, bins]);
    return { real, imag };
  });
}

/** |rfft(x)|² along the last axis. @param x [..., n] → [..., fftLength/2 + 1] */
export function powerSpectrum(x: tf.Tensor, fftLength?: number): tf.Tensor {
  return tf.tidy(() => {
    const { real, imag } = rfft(x, fftLength);
    return tf.add(tf.square(real), tf.square(imag));
  });
}

/** Frees the cached DFT bases (they are kept across calls for speed). */
export function disposeSpectralCache(): void {
  for (const b of bases.values()) tf.dispose([b.cos, b.sin]);
  bases.clear();
}
