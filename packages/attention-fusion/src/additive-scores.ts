import * as tf from '@tensorflow/tfjs-core';

/** Most tanh terms one chunk of {@link additiveScores} holds at once: 2²² floats = 16 MiB. */
export const ADDITIVE_CHUNK_ELEMENTS = 1 << 22;

/**
 * Additive (Bahdanau) attention logits `α[b, t, s] = vᵀ tanh(q[b, t] + k[b, s])` — MAVEN eq. 21–22
 * with `q = W_d h_t` and `k = W'_d h_s + b_d` — without holding the whole [B, Tq, Tk, Da] tensor of
 * tanh terms: query rows go through in chunks of at most `chunkElements` terms, and the gradient
 * recomputes a chunk's terms instead of keeping them for backprop. Memory per call is one chunk
 * (O(B·c·Tk·Da)) instead of O(B·Tq·Tk·Da) kept per layer until the backward pass.
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
  // u = tanh(q_t + k_s) for the query rows [start, start + n): [B, n, Tk, Da]
  const tanhTerms = (qq: tf.Tensor, kk: tf.Tensor, start: number, n: number) =>
    tf.tanh(tf.add(tf.expandDims(tf.slice(qq, [0, start, 0], [b, n, da]), 2), tf.expandDims(kk, 1)));

  const op = tf.customGrad((qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor, save: tf.GradSaveFunc) => {
    save([qq, kk, vv]);
    const parts = chunks.map(([s, n]) => tf.reshape(tf.matMul(tf.reshape(tanhTerms(qq, kk, s, n), [-1, da]), tf.reshape(vv, [da, 1])), [b, n, tk])); // [B, n, Tk]
    const value = parts.length === 1 ? parts[0] : tf.concat(parts, 1); // [B, Tq, Tk]
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [q0, k0, v0] = saved;
        const g = Array.isArray(dy) ? dy[0] : dy;
        const gqs: tf.Tensor[] = [];
        let gk: tf.Tensor = tf.zeros([b, tk, da]);
        let gv: tf.Tensor = tf.zeros([da]);
        for (const [s, n] of chunks) {
          const [gq, gkNext, gvNext] = tf.tidy(() => {
            const u = tanhTerms(q0, k0, s, n); // [B, n, Tk, Da]
            const gAlpha = tf.slice(g, [0, s, 0], [b, n, tk]); // [B, n, Tk]
            const gPre = tf.mul(tf.mul(tf.expandDims(gAlpha, 3), v0), tf.sub(1, tf.square(u))); // ∂L/∂(q_t + k_s): [B, n, Tk, Da]
            const gvChunk = tf.reshape(tf.matMul(tf.reshape(gAlpha, [1, -1]), tf.reshape(u, [-1, da])), [da]);
            return [tf.sum(gPre, 2), tf.add(gk, tf.sum(gPre, 1)), tf.add(gv, gvChunk)]; // [B, n, Da], [B, Tk, Da], [Da]
          });
          tf.dispose([gk, gv]);
          gqs.push(gq);
          gk = gkNext;
          gv = gvNext;
        }
        const gq = gqs.length === 1 ? gqs[0] : tf.concat(gqs, 1); // [B, Tq, Da]
        if (gqs.length > 1) tf.dispose(gqs);
        return [gq, gk, gv];
      },
    };
  });
  return op(q, k, v) as tf.Tensor3D;
}
