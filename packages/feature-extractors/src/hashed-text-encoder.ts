/**
 * Offline default text encoder: signed feature hashing of lower-cased word unigrams and bigrams
 * into `dim` values, L2-normalised. No pretrained weights, deterministic, ~µs per segment. It stands
 * in for RoBERTa when no transformers.js text model is given; it carries lexical content only.
 */
export class HashedTextEncoder {
  constructor(readonly dim = 256) {
    if (!Number.isInteger(dim) || dim < 2) throw new Error(`HashedTextEncoder: dim must be an integer ≥ 2, got ${dim}`);
  }

  /** 32-bit FNV-1a. */
  private static hash(s: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
  }

  /** @returns [texts.length, dim] row-major; an empty text gives a zero row. */
  encode(texts: readonly string[]): Float32Array {
    const out = new Float32Array(texts.length * this.dim);
    texts.forEach((text, r) => {
      const row = out.subarray(r * this.dim, (r + 1) * this.dim);
      const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
      const grams = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
      for (const g of grams) {
        const h = HashedTextEncoder.hash(g);
        row[h % this.dim] += h & 0x80000000 ? -1 : 1;
      }
      let norm = 0;
      for (const v of row) norm += v * v;
      if (norm > 0) for (let i = 0; i < row.length; i++) row[i] /= Math.sqrt(norm);
    });
    return out;
  }
}
