import * as tf from '@tensorflow/tfjs-core';

/**
 * Most tanh terms one chunk of {@link additiveScores} holds at once: 2²⁰ floats = 4 MiB. Measured on
 * wasm for B=16, T=64 (forward + backward of one layer's scores): peak 31 MiB at Da=64 and 43 MiB at
 * Da=768, against 146 and 1741 MiB for the whole tensor on tfjs' tape; 1–2 MiB chunks were also the
 * fastest (4× faster than the tape, whose tanh is scalar on wasm).
 */
export const ADDITIVE_CHUNK_ELEMENTS = 1 << 20;

/**
 * Additive (Bahdanau) attention logits `α[b, t, s] = vᵀ tanh(q[b, t] + k[b, s])` — MAVEN eq. 21–22
 * with `q = W_d h_t` and `k = W'_d h_s + b_d` — without holding the whole [B, Tq, Tk, Da] tensor of
 * tanh terms: query rows go through in chunks of at most `chunkElements` terms, and the gradient
 * recomputes a chunk's terms instead of keeping them for backprop. Memory per call is one chunk
 * (O(B·c·Tk·Da)) instead of O(B·Tq·Tk·Da) kept per layer until the backward pass.
 *
 * The terms are computed as `tanh(x) = 2σ(2x) − 1`, so `α = 2·σ(2q + 2k)·v − Σv`: tfjs-wasm's sigmoid
 * is vectorised and its tanh is not (8 vs 68 ms for 4·2²⁰ floats here), and the tanh terms are the bulk
 * of the work. The identity is exact; in float32 it costs an absolute error of about 1e-7 per term.
 * @param q [B, Tq, Da]
 * @param k [B, Tk, Da]
 * @param v [Da]
 * @returns α [B, Tq, Tk]
 */
export function additiveScores(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, chunkElements = ADDITIVE_CHUNK_ELEMENTS): tf.Tensor3D {
  if (q.rank !== 3 || k.rank !== 3 || v.rank !== 1 || k.shape[0] !== q.shape[0] || k.shape[2] !== q.shape[2] || v.shape[0] !== q.shape[2]) {
    throw new Error(`additiveScores: q [${q.shape}], k [${k.shape}] and v [${v.shape}] do not fit [B, Tq, Da], [B, Tk, Da], [Da]`);
  }
  const [b, tq, da] = q.shape as number[];
  const tk = k.shape[1] as number;
  const rows = Math.max(1, Math.min(tq, Math.floor(chunkElements / Math.max(1, b * tk * da))));
  const chunks: [number, number][] = [];
  for (let s = 0; s < tq; s += rows) chunks.push([s, Math.min(rows, tq - s)]);
  // σ(2q_t + 2k_s) = (1 + tanh(q_t + k_s)) / 2 for the query rows [start, start + n): [B, n, Tk, Da]
  const sigmoidTerms = (q2: tf.Tensor, k2: tf.Tensor, start: number, n: number) =>
    tf.sigmoid(tf.add(tf.expandDims(tf.slice(q2, [0, start, 0], [b, n, da]), 2), tf.expandDims(k2, 1)));

  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [qq, kk, vv] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const q2 = tf.mul(qq, 2); // [B, Tq, Da]
    const k2 = tf.mul(kk, 2); // [B, Tk, Da]
    save([q2, k2, vv]);
    const v2 = tf.reshape(tf.mul(vv, 2), [da, 1]);
    // One chunk's terms at a time (each chunk in its own tidy): [B, n, Tk] each
    const parts = chunks.map(([s, n]) => tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(sigmoidTerms(q2, k2, s, n), [-1, da]), v2), [b, n, tk])));
    const value = tf.sub(parts.length === 1 ? parts[0] : tf.concat(parts, 1), tf.sum(vv)); // [B, Tq, Tk]
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [q2s, k2s, v0] = saved;
        const g = Array.isArray(dy) ? dy[0] : dy; // ∂L/∂α: [B, Tq, Tk]
        const v4 = tf.mul(v0, 4); // d tanh(x)/dx = 4σ(2x)(1 − σ(2x))
        const gqs: tf.Tensor[] = [];
        let gk: tf.Tensor = tf.zeros([b, tk, da]);
        let gs: tf.Tensor = tf.zeros([1, da]); // Σ ∂L/∂α · σ
        for (const [s, n] of chunks) {
          const [gq, gkNext, gsNext] = tf.tidy(() => {
            const sig = sigmoidTerms(q2s, k2s, s, n); // [B, n, Tk, Da]
            const gAlpha = tf.slice(g, [0, s, 0], [b, n, tk]); // [B, n, Tk]
            const gPre = tf.mul(tf.mul(tf.expandDims(gAlpha, 3), v4), tf.sub(sig, tf.square(sig))); // ∂L/∂(q_t + k_s): [B, n, Tk, Da]
            const gsChunk = tf.matMul(tf.reshape(gAlpha, [1, -1]), tf.reshape(sig, [-1, da])); // [1, Da]
            return [tf.sum(gPre, 2), tf.add(gk, tf.sum(gPre, 1)), tf.add(gs, gsChunk)]; // [B, n, Da], [B, Tk, Da], [1, Da]
          });
          tf.dispose([gk, gs]);
          gqs.push(gq);
          gk = gkNext;
          gs = gsNext;
        }
        const gq = gqs.length === 1 ? gqs[0] : tf.concat(gqs, 1); // [B, Tq, Da]
        if (gqs.length > 1) tf.dispose(gqs);
        const gv = tf.tidy(() => tf.sub(tf.mul(tf.reshape(gs, [da]), 2), tf.sum(g))); // Σ ∂L/∂α · (2σ − 1): [Da]
        tf.dispose([gs, v4]);
        return [gq, gk, gv];
      },
    };
  });
  return op(q, k, v) as tf.Tensor3D;
}
