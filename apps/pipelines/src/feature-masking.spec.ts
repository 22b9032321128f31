import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend } from '@mer/backend';
import { DEFAULT_FEATURE_MASKING, parseTrainingOverrides } from '@mer/training';
import { maskFeatures } from './feature-masking';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Distinct values x[b, t, d] = 1000b + 10t + d + 0.5 (none equals a fill below). */
const ramp = (b: number, t: number, d: number) => tf.tensor3d(Float32Array.from({ length: b * t * d }, (_, i) => 1000 * Math.floor(i / (t * d)) + 10 * Math.floor((i / d) % t) + (i % d) + 0.5), [b, t, d]);

describe('maskFeatures', () => {
  it('sets exactly the drawn regions to the fill, within the bounds; every other value and padding untouched', async () => {
    const before = tf.memory().numTensors;
    const [B, T, D] = [3, 12, 6];
    const x = ramp(B, T, D);
    const one = ramp(B, 1, D); // an utterance-level stream: no time axis to mask
    const lengths = [12, 7, 4];
    const mask = tf.tensor2d(lengths.flatMap((n) => Array.from({ length: T }, (_, t) => (t < n ? 1 : 0))), [B, T]);
    const config = { timeMasks: 2, maxTimeWidth: 4, featureMasks: 2, maxFeatureWidth: 3, fill: -7 as const };
    const { features, regions } = await maskFeatures({ features: { x, one }, mask }, config, createRng(11));
    const src = x.dataSync();
    const out = features.x.dataSync();
    // The regions replay the seeded draws: per row, time masks then feature masks.
    expect(regions.filter((r) => r.stream === 'x').length).toBe(B * 4);
    expect(regions.filter((r) => r.stream === 'one' && r.axis === 'time')).toEqual([]);
    expect(regions.some((r) => r.width > 0 && r.axis === 'time')).toBe(true);
    expect(regions.some((r) => r.width > 0 && r.axis === 'feature')).toBe(true);
    const expected = Float32Array.from(src);
    for (const r of regions.filter((q) => q.stream === 'x')) {
      if (r.axis === 'time') {
        expect(r.width).toBeLessThanOrEqual(config.maxTimeWidth);
        expect(r.start + r.width).toBeLessThanOrEqual(lengths[r.row]);
        for (let t = r.start; t < r.start + r.width; t++) for (let d = 0; d < D; d++) expected[(r.row * T + t) * D + d] = -7;
      } else {
        expect(r.width).toBeLessThanOrEqual(config.maxFeatureWidth);
        expect(r.start + r.width).toBeLessThanOrEqual(D);
        for (let t = 0; t < lengths[r.row]; t++) for (let d = r.start; d < r.start + r.width; d++) expected[(r.row * T + t) * D + d] = -7;
      }
    }
    expect(Array.from(out)).toEqual(Array.from(expected));
    // Padded frames are the input's, bit for bit.
    for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) for (let d = 0; d < D; d++) expect(out[(b * T + t) * D + d]).toBe(src[(b * T + t) * D + d]);
    // The same seed draws the same masks; the input tensor is not changed.
    const again = await maskFeatures({ features: { x, one }, mask }, config, createRng(11));
    expect(again.regions).toEqual(regions);
    expect(Array.from(x.dataSync())).toEqual(Array.from(src));
    tf.dispose([x, one, mask, ...Object.values(features), ...Object.values(again.features)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("fills with the stream's training mean per dimension by default (0 after standardisation)", async () => {
    const x = ramp(2, 8, 4);
    const mean = Float32Array.of(0.25, -1.5, 3, 9);
    const { features, regions } = await maskFeatures({ features: { audio: x } }, { ...DEFAULT_FEATURE_MASKING, maxFeatureWidth: 4 }, createRng(3), { audio: mean });
    const out = features.audio.dataSync();
    const src = x.dataSync();
    let masked = 0;
    for (let i = 0; i < out.length; i++) {
      if (out[i] !== src[i]) {
        expect(out[i]).toBe(mean[i % 4]);
        masked++;
      }
    }
    expect(masked).toBeGreaterThan(0);
    const f = regions.find((r) => r.axis === 'feature' && r.width > 0)!;
    for (let t = 0; t < 8; t++) expect(out[(f.row * 8 + t) * 4 + f.start]).toBe(mean[f.start]);
    await expect(maskFeatures({ features: { audio: x } }, DEFAULT_FEATURE_MASKING, createRng(3), { audio: Float32Array.of(1) })).rejects.toThrow(/stream 'audio' is 4-d, its training mean 1-d/);
    tf.dispose([x, features.audio]);
  });

  it('is configured with the defaults it documents; bad keys are named', () => {
    expect(parseTrainingOverrides({ featureMasking: {} }, 'cfg').featureMasking).toEqual(DEFAULT_FEATURE_MASKING);
    expect(parseTrainingOverrides({ featureMasking: { maxTimeWidth: 30 } }, 'cfg').featureMasking).toEqual({ ...DEFAULT_FEATURE_MASKING, maxTimeWidth: 30 });
    expect(() => parseTrainingOverrides({ featureMasking: { timeMask: 1 } }, 'cfg.json')).toThrow(/cfg.json:\n {2}featureMasking.timeMask: unknown key — did you mean 'timeMasks'\?/);
    expect(() => parseTrainingOverrides({ featureMasking: { maxFeatureWidth: -1 } }, 'cfg.json')).toThrow(/featureMasking.maxFeatureWidth: expected a whole number ≥ 0 \(dimensions\), got -1/);
  });
});
